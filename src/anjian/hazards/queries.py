"""Reads of hazards, listings, reports and counters, always starting from the user's visible set.

Enterprise employees see their whole enterprise's ledger: 安全生产法 第四十一条第二款 requires the
rectification record to be made known to the employees.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from anjian.accounts.roles import ENTERPRISE_ROLES, Role
from anjian.core.models import subtree_q
from anjian.enterprises.models import EnterpriseSector
from anjian.hazards.choices import OPEN_STATES, HazardGrade, HazardState
from anjian.hazards.models import Hazard, HazardGauge, HazardMonthly, HazardReport, SupervisionListing

_REGION_ROLES = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.TOWNSHIP_OFFICER, Role.EXPERT})


def hazard_scope_q(user, *, for_list: bool = False) -> Q | None:
    """The filter on Hazard (or anything with ``enterprise`` and ``region_code``) that ``user`` may see."""
    if not user.is_authenticated or not user.role:
        return None
    role = user.role
    if role in ENTERPRISE_ROLES:
        return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else None
    if role == Role.GRID_OFFICER:
        return Q(enterprise__grid__officer=user)
    if role in _REGION_ROLES:
        return subtree_q(user.authority.region.prefix, for_list=for_list)
    if role == Role.DEPARTMENT_OFFICER:
        sectors = user.authority.sectors or []
        if not sectors:
            return None
        in_sector = Exists(
            EnterpriseSector.objects.filter(enterprise_id=OuterRef("enterprise_id"), sector__in=list(sectors))
        )
        return subtree_q(user.authority.region.prefix, for_list=for_list) & Q(in_sector)
    return None


def hazards_visible_to(user, *, for_list: bool = False) -> QuerySet[Hazard]:
    q = hazard_scope_q(user, for_list=for_list)
    return Hazard.objects.none() if q is None else Hazard.objects.filter(q)


def hazard_for_user(user, pk) -> Hazard:
    """One hazard with what its page shows; raises Hazard.DoesNotExist outside the user's scope."""
    return (
        hazards_visible_to(user)
        .select_related(
            "enterprise",
            "enterprise__region",
            "found_by",
            "confirmed_by",
            "responsible_user",
            "rectified_by",
            "verified_by",
        )
        .get(pk=pk)
    )


def listings_visible_to(user) -> QuerySet[SupervisionListing]:
    q = hazard_scope_q(user)
    if q is None:
        return SupervisionListing.objects.none()
    return SupervisionListing.objects.filter(hazard__in=Hazard.objects.filter(q).values("pk"))


def public_listings() -> QuerySet[SupervisionListing]:
    """What the public page shows: publicly announced listings, newest first (no login)."""
    return SupervisionListing.objects.filter(publicly_announced=True).select_related(
        "hazard", "hazard__enterprise", "authority"
    )


def reports_visible_to(user) -> QuerySet[HazardReport]:
    q = hazard_scope_q(user)
    return HazardReport.objects.none() if q is None else HazardReport.objects.filter(q)


def enterprise_summary(enterprise) -> dict:
    """The hazard figures on an enterprise's file (one enterprise: counted from its own rows)."""
    open_states = sorted(s.value for s in OPEN_STATES if s != HazardState.REPORTED)
    rows = Hazard.objects.filter(enterprise=enterprise).aggregate(
        open=Count("id", filter=Q(state__in=open_states)),
        major_open=Count("id", filter=Q(state__in=open_states, grade=HazardGrade.MAJOR)),
        overdue=Count("id", filter=Q(state__in=open_states, is_overdue=True)),
        listed=Count("id", filter=Q(state__in=open_states, listed=True)),
        accountable=Count("id", filter=Q(accountability_flag=True)),
        closed=Count("id", filter=Q(state=HazardState.CLOSED)),
    )
    return rows


# --- counters ---------------------------------------------------------------------------------------------------

COUNTER_FIELDS = ("found", "major_found", "rectified", "major_rectified")
GAUGE_FIELDS = ("reported", "open", "major_open", "listed", "overdue")


def _rollup_scope(user) -> tuple[str, str] | None:
    """(region prefix, sector) when the user's counters come from the rollups exactly, else None.

    A department supervising several sectors would count an enterprise in two of them twice, so
    it (like grid officers and enterprises, whose sets are small) is counted from the hazard table.
    """
    if user.role in _REGION_ROLES:
        return user.authority.region.prefix, ""
    if user.role == Role.DEPARTMENT_OFFICER and len(user.authority.sectors or []) == 1:
        return user.authority.region.prefix, user.authority.sectors[0]
    return None


def counters_for(user, *, prefix: str | None = None, since: datetime.date | None = None) -> dict:
    """found / rectified (all time or since a month), rate, and the current gauges, for the user's scope
    (optionally narrowed to a region prefix inside it)."""
    scope = _rollup_scope(user)
    if scope is not None:
        own_prefix, sector = scope
        if prefix is None or not prefix.startswith(own_prefix):
            prefix = own_prefix
        monthly = HazardMonthly.objects.filter(subtree_q(prefix), sector=sector)
        if since:
            monthly = monthly.filter(month__gte=since)
        flow = monthly.aggregate(**{f: Sum(f) for f in COUNTER_FIELDS})
        gauge = HazardGauge.objects.filter(subtree_q(prefix), sector=sector).aggregate(
            **{f: Sum(f) for f in GAUGE_FIELDS}
        )
    else:
        flow, gauge = _counters_from_table(user, since)
    out = {k: int(v or 0) for k, v in {**flow, **gauge}.items()}
    out["rate"] = round(100 * out["rectified"] / out["found"], 1) if out["found"] else None
    return out


def _counters_from_table(user, since) -> tuple[dict, dict]:
    qs = hazards_visible_to(user)
    confirmed = qs.exclude(state__in=[HazardState.REPORTED, HazardState.REJECTED])
    found = confirmed.filter(found_at__date__gte=since) if since else confirmed
    closed = confirmed.filter(state=HazardState.CLOSED)
    closed = closed.filter(verified_at__date__gte=since) if since else closed
    open_qs = confirmed.filter(state__in=list(OPEN_STATES))
    flow = {
        "found": found.count(),
        "major_found": found.filter(grade=HazardGrade.MAJOR).count(),
        "rectified": closed.count(),
        "major_rectified": closed.filter(grade=HazardGrade.MAJOR).count(),
    }
    gauge = {
        "reported": qs.filter(state=HazardState.REPORTED).count(),
        "open": open_qs.count(),
        "major_open": open_qs.filter(grade=HazardGrade.MAJOR).count(),
        "listed": open_qs.filter(listed=True).count(),
        "overdue": open_qs.filter(is_overdue=True).count(),
    }
    return flow, gauge


def monthly_for(user, *, months: int = 12, today: datetime.date) -> list[dict]:
    """found / rectified per month for the last ``months`` months (rollup-backed scopes only)."""
    scope = _rollup_scope(user)
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    starts.reverse()
    by_month = {m: {"month": m, "found": 0, "rectified": 0, "major_found": 0} for m in starts}
    if scope is None:
        return list(by_month.values())
    prefix, sector = scope
    rows = (
        HazardMonthly.objects.filter(subtree_q(prefix), sector=sector, month__gte=starts[0])
        .values("month")
        .annotate(found=Sum("found"), rectified=Sum("rectified"), major_found=Sum("major_found"))
    )
    for row in rows:
        if row["month"] in by_month:
            by_month[row["month"]].update(row)
    return list(by_month.values())


def by_region_for(user, regions) -> list[dict]:
    """The gauges and all-time flow per child region (``regions``: Region objects inside the scope).
    Two grouped queries over the rollups of the scope, summed per child region in Python."""
    scope = _rollup_scope(user)
    if scope is None or not regions:
        return []
    prefix, sector = scope
    flows = (
        HazardMonthly.objects.filter(subtree_q(prefix), sector=sector)
        .values("region_code")
        .annotate(found=Sum("found"), rectified=Sum("rectified"))
    )
    gauges = (
        HazardGauge.objects.filter(subtree_q(prefix), sector=sector)
        .values("region_code")
        .annotate(open=Sum("open"), major_open=Sum("major_open"), overdue=Sum("overdue"), listed=Sum("listed"))
    )
    fields = ("found", "rectified", "open", "major_open", "overdue", "listed")
    rows = {region.prefix: {"region": region, **dict.fromkeys(fields, 0)} for region in regions}
    for source in (flows, gauges):
        for item in source:
            for child_prefix, row in rows.items():
                if item["region_code"].startswith(child_prefix):
                    for key, value in item.items():
                        if key != "region_code":
                            row[key] += int(value or 0)
                    break
    out = list(rows.values())
    for row in out:
        row["rate"] = round(100 * row["rectified"] / row["found"], 1) if row["found"] else None
    return out
