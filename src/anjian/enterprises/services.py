"""Writes to the enterprise file. Each checks permission, validates, writes in one transaction and
appends its audit event. Views, the API, the importer and commands all call these."""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from anjian.accounts.roles import ENTERPRISE_SELF_EDITORS, ENTERPRISE_WRITERS, Role
from anjian.core import audit
from anjian.core.audit import SystemActor
from anjian.core.choices import RegionLevel, Sector
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import Grid, Region
from anjian.enterprises.choices import STATUSES_WITHOUT_USCC, EnterpriseStatus
from anjian.enterprises.models import Enterprise, EnterpriseSector
from anjian.enterprises.queries import enterprises_visible_to
from anjian.rules import uscc as uscc_rules

# Fields the writer passes in ``data`` (besides ``sectors``). Order is the form's and the import
# template's order.
EDITABLE_FIELDS = (
    "uscc",
    "name",
    "legal_representative",
    "principal_name",
    "principal_phone",
    "safety_contact_name",
    "safety_contact_phone",
    "address",
    "region",
    "grid",
    "industry_code",
    "scale",
    "employees",
    "status",
    "supervision_class",
    "licence_number",
    "licence_issuer",
    "licence_valid_from",
    "licence_valid_until",
    "standardization_grade",
    "standardization_expiry",
    "has_safety_body",
    "full_time_safety_staff",
    "part_time_safety_staff",
    "major_hazard_source",
    "combustible_dust",
    "dust_worker_count",
    "ammonia_refrigeration",
    "confined_space",
    "metal_smelting",
    "cold_storage",
    "hazchem_use",
)

# What an enterprise's own principal or safety manager may change in its file.
SELF_EDITABLE_FIELDS = frozenset(
    {
        "legal_representative",
        "principal_name",
        "principal_phone",
        "safety_contact_name",
        "safety_contact_phone",
        "address",
        "employees",
        "has_safety_body",
        "full_time_safety_staff",
        "part_time_safety_staff",
        "major_hazard_source",
        "combustible_dust",
        "dust_worker_count",
        "ammonia_refrigeration",
        "confined_space",
        "metal_smelting",
        "cold_storage",
        "hazchem_use",
    }
)

_INDUSTRY_CODE = re.compile(r"^[A-T]?(\d{2}|\d{3}|\d{4})$|^[A-T]$")


def _is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def can_create_enterprise(actor) -> bool:
    return _is_system(actor) or (actor.is_authenticated and actor.role in ENTERPRISE_WRITERS)


def can_edit_enterprise(actor, enterprise: Enterprise) -> bool:
    if _is_system(actor):
        return True
    if not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
        return False
    if actor.role in ENTERPRISE_WRITERS:
        return True
    return actor.role in ENTERPRISE_SELF_EDITORS and actor.enterprise_id == enterprise.pk


def _check_region(actor, region: Region | None, errors: dict) -> None:
    if region is None:
        errors.setdefault("region", []).append(ValidationError(_("请选择所属乡镇（街道）。"), code="required"))
        return
    if region.level not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        errors.setdefault("region", []).append(
            ValidationError(_("企业须登记到乡镇（街道）或村（社区）一级。"), code="region_level")
        )
    if not _is_system(actor) and actor.role in ENTERPRISE_WRITERS:
        if not region.code.startswith(actor.authority.region.prefix):
            errors.setdefault("region", []).append(
                ValidationError(_("该区划不在您的管辖范围内。"), code="region_out_of_scope")
            )


def _clean(actor, data: dict[str, Any], sectors: list[str], instance: Enterprise | None) -> dict[str, Any]:
    """Validate the whole record against the rules; raise ValidationError({field: [...]})."""
    errors: dict[str, list[ValidationError]] = {}

    def err(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    cleaned = dict(data)
    for key in ("name", "legal_representative", "principal_name", "principal_phone", "safety_contact_name",
                "safety_contact_phone", "address", "licence_number", "licence_issuer", "industry_code"):
        if key in cleaned and isinstance(cleaned[key], str):
            cleaned[key] = cleaned[key].strip()

    if not cleaned.get("name"):
        err("name", _("请填写单位名称。"), "required")

    status = cleaned.get("status") or EnterpriseStatus.OPERATING
    if status not in EnterpriseStatus.values:
        err("status", _("未知的状态。"), "invalid_choice")
    cleaned["status"] = status

    code = uscc_rules.normalize(cleaned.get("uscc") or "")
    if not code:
        cleaned["uscc"] = None
        if status not in STATUSES_WITHOUT_USCC:
            err("uscc", _("请填写统一社会信用代码（仅无证无照单位可暂缺）。"), "required")
    elif not uscc_rules.is_valid_uscc(code):
        err("uscc", _("统一社会信用代码“{}”校验不通过，请核对。").format(code), "uscc_invalid")
    else:
        cleaned["uscc"] = code
        dup = Enterprise.objects.filter(uscc=code)
        if instance is not None:
            dup = dup.exclude(pk=instance.pk)
        other = dup.only("name").first()
        if other is not None:
            message = _("统一社会信用代码 {} 已登记为“{}”，不能重复登记。").format(code, other.name)
            err("uscc", message, "uscc_duplicate")

    region = cleaned.get("region")
    _check_region(actor, region, errors)
    grid: Grid | None = cleaned.get("grid")
    if grid is not None and region is not None and grid.region_id != region.pk:
        err("grid", _("网格“{}”不属于所选乡镇（街道）。").format(grid.name), "grid_region_mismatch")

    industry = (cleaned.get("industry_code") or "").upper()
    if industry and not _INDUSTRY_CODE.match(industry):
        err("industry_code", _("国民经济行业代码应为 GB/T 4754 的门类字母或 2–4 位数字代码，如 C2614 或 2614。"),
            "industry_code_invalid")
    cleaned["industry_code"] = industry

    if not sectors:
        err("sectors", _("请至少选择一个监管行业。"), "required")
    bad = [s for s in sectors if s not in Sector.values]
    if bad:
        err("sectors", _("未知的监管行业：{}").format(", ".join(bad)), "invalid_choice")
    if (not _is_system(actor) and actor.role == Role.DEPARTMENT_OFFICER
            and not set(sectors) & set(actor.authority.sectors or [])):
        err("sectors", _("行业部门只能登记本部门监管行业的企业。"), "sector_out_of_scope")

    start, end = cleaned.get("licence_valid_from"), cleaned.get("licence_valid_until")
    if start and end and end < start:
        err("licence_valid_until", _("许可证有效期止不能早于有效期起。"), "date_order")

    for key in ("employees", "full_time_safety_staff", "part_time_safety_staff", "dust_worker_count"):
        value = cleaned.get(key)
        if value is None:
            cleaned[key] = 0
        elif not isinstance(value, int) or value < 0:
            err(key, _("须为不小于 0 的整数。"), "invalid")
    if cleaned.get("dust_worker_count") and not cleaned.get("combustible_dust"):
        err("dust_worker_count", _("未勾选“涉爆粉尘”时，涉爆粉尘作业人数应为 0。"), "dust_without_flag")
    emp = cleaned.get("employees") or 0
    dust_workers = cleaned.get("dust_worker_count")
    if isinstance(emp, int) and isinstance(dust_workers, int) and dust_workers > emp:
        err("dust_worker_count", _("涉爆粉尘作业人数不能多于从业人员数。"), "dust_over_employees")

    if errors:
        raise ValidationError(errors)
    return cleaned


def _snapshot(enterprise: Enterprise, sectors: list[str]) -> dict[str, Any]:
    values = {f: getattr(enterprise, f) for f in EDITABLE_FIELDS if f not in ("region", "grid")}
    values["region"] = enterprise.region.code if enterprise.region_id else None
    values["grid"] = enterprise.grid.name if enterprise.grid_id else None
    values["sectors"] = sorted(sectors)
    for key, value in values.items():
        if isinstance(value, datetime.date):
            values[key] = value.isoformat()
    return values


def _write_sectors(enterprise: Enterprise, sectors: list[str]) -> None:
    EnterpriseSector.objects.filter(enterprise=enterprise).exclude(sector__in=sectors).delete()
    existing = set(EnterpriseSector.objects.filter(enterprise=enterprise).values_list("sector", flat=True))
    EnterpriseSector.objects.filter(enterprise=enterprise).update(region_code=enterprise.region_code)
    EnterpriseSector.objects.bulk_create(
        [EnterpriseSector(enterprise=enterprise, sector=s, region_code=enterprise.region_code)
         for s in sorted(set(sectors) - existing)]
    )


def validate_enterprise(*, actor, data: dict[str, Any], sectors: list[str], instance=None) -> dict[str, Any]:
    """Check a record without writing (the importer's first pass)."""
    return _clean(actor, data, list(dict.fromkeys(sectors)), instance)


def enterprise_create(*, actor, data: dict[str, Any], sectors: list[str], audit_action="enterprise.create"):
    """Register an enterprise. ``data`` holds model values keyed by EDITABLE_FIELDS."""
    if not can_create_enterprise(actor):
        raise PermissionDeniedError(_("您的角色不能登记企业。"))
    sectors = list(dict.fromkeys(sectors))
    cleaned = _clean(actor, data, sectors, None)
    enterprise = Enterprise(**{k: v for k, v in cleaned.items() if k in EDITABLE_FIELDS})
    enterprise.region_code = enterprise.region.code
    if not _is_system(actor):
        enterprise.created_by = actor
    with transaction.atomic():
        try:
            enterprise.save(force_insert=True)
        except IntegrityError:
            raise ValidationError(
                {"uscc": [ValidationError(_("统一社会信用代码已被登记，不能重复登记。"), code="uscc_duplicate")]}
            ) from None
        _write_sectors(enterprise, sectors)
        audit.record(
            actor=actor,
            action=audit_action,
            obj=enterprise,
            changes=audit.diff({}, _snapshot(enterprise, sectors)),
            region_code=enterprise.region_code,
        )
    return enterprise


def enterprise_update(*, actor, enterprise: Enterprise, data: dict[str, Any], sectors: list[str] | None = None):
    """Change an enterprise's file. Fields not in ``data`` keep their values; ``sectors=None``
    keeps the sectors. Enterprise users may change only SELF_EDITABLE_FIELDS."""
    if not can_edit_enterprise(actor, enterprise):
        raise PermissionDeniedError(_("您无权修改该企业档案。"))
    current_sectors = enterprise.sector_codes
    new_sectors = list(dict.fromkeys(sectors)) if sectors is not None else current_sectors
    before = _snapshot(enterprise, current_sectors)
    merged = {f: getattr(enterprise, f) for f in EDITABLE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})

    if not _is_system(actor) and actor.role not in ENTERPRISE_WRITERS:
        changed = [f for f in EDITABLE_FIELDS if f not in SELF_EDITABLE_FIELDS and merged[f] != getattr(enterprise, f)]
        if sorted(new_sectors) != sorted(current_sectors):
            changed.append("sectors")
        if changed:
            raise PermissionDeniedError(
                _("企业用户不能修改以下项目：{}").format("、".join(_field_label(f) for f in changed))
            )
    cleaned = _clean(actor, merged, new_sectors, enterprise)
    for key, value in cleaned.items():
        if key in EDITABLE_FIELDS:
            setattr(enterprise, key, value)
    enterprise.region_code = enterprise.region.code
    after = _snapshot(enterprise, new_sectors)
    changes = audit.diff(before, after)
    if not changes:
        return enterprise
    with transaction.atomic():
        try:
            enterprise.save()
        except IntegrityError:
            raise ValidationError(
                {"uscc": [ValidationError(_("统一社会信用代码已被登记，不能重复登记。"), code="uscc_duplicate")]}
            ) from None
        if "sectors" in changes or "region" in changes:
            _write_sectors(enterprise, new_sectors)
        audit.record(
            actor=actor, action="enterprise.update", obj=enterprise, changes=changes,
            region_code=enterprise.region_code,
        )
    return enterprise


def _field_label(name: str) -> str:
    if name == "sectors":
        return str(_("监管行业"))
    return str(Enterprise._meta.get_field(name).verbose_name)
