"""Bridge from an enterprise's file to the staffing rule (安全生产法 第二十四条 and provincial rows)."""

from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.rules.staffing import StaffingFacts, StaffingVerdict, assess


def staffing_verdict(enterprise: Enterprise, on=None) -> StaffingVerdict:
    facts = StaffingFacts(
        province_code=enterprise.region_code[:2],
        sectors=frozenset(enterprise.sector_codes),
        employees=enterprise.employees,
        has_safety_body=enterprise.has_safety_body,
        full_time=enterprise.full_time_safety_staff,
        part_time=enterprise.part_time_safety_staff,
        on=on or timezone.localdate(),
        metal_smelting=enterprise.metal_smelting,
        major_hazard_source=enterprise.major_hazard_source,
        hazchem_use=enterprise.hazchem_use,
    )
    return assess(facts)
