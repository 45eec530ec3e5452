"""Planning, patrols: 网格巡查 (grid patrols): the facts the patrol rules read, each enterprise's status and
the coverage of a scope. Part of :mod:`anjian.inspections.planning`.

网格巡查 — due and overdue
--------------------------
The interval comes from :func:`anjian.rules.patrol.interval_for` over :func:`patrol_facts`; periods are calendar
periods (:func:`anjian.rules.patrol.period_of`). A patrol is an Inspection of kind ``grid_patrol`` in a done
state (completed or signed); its date is the local date of ``ended_at``.

* **due** — the enterprise is under a rule and has no patrol in the current period (= ``rules.patrol.is_due``).
* **overdue** — due, *and* no patrol in the previous period either (the whole previous period passed without
  one), *and* the enterprise was on file before the current period began (a unit registered this period is
  not blamed for the last one).
"""

import bisect
import datetime
import operator
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.roles import ENTERPRISE_ROLES, Role
from anjian.core.models import Grid, Region, subtree_q
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise, EnterpriseSector
from anjian.enterprises.queries import enterprise_scope_q
from anjian.inspections.choices import DONE_STATES, InspectionKind
from anjian.inspections.models import Inspection
from anjian.inspections.planning_common import _percent
from anjian.rules import patrol as patrol_rules

# --- 网格巡查 ----------------------------------------------------------------------------------------------------

# Enterprise status → the status the patrol rules know. 在建 (under construction) is patrolled like an
# operating unit: there is a site with people at work, and the unit's class sets the interval.
PATROL_STATUS = {
    EnterpriseStatus.OPERATING: "operating",
    EnterpriseStatus.SUSPENDED: "suspended",
    EnterpriseStatus.UNDER_CONSTRUCTION: "operating",
    EnterpriseStatus.ILLEGAL: "illegal",
    EnterpriseStatus.CLOSED: "closed",
}
PATROL_FLAGS = ("combustible_dust", "ammonia_refrigeration", "confined_space", "hazchem_use", "major_hazard_source")
PATROL_COLUMNS = ("id", "grid_id", "region_code", "status", "supervision_class", *PATROL_FLAGS, "dust_worker_count")
# Positions in a row read by _read: the columns above, then "registered this year", then (pages) the name.
_ID, _GRID, _REGION, _STATUS, _CLASS = range(5)
_DUST = PATROL_COLUMNS.index("dust_worker_count")
_RECENT = len(PATROL_COLUMNS)
_NAME = _RECENT + 1
# Above this many enterprises the patrol and sector reads use the region range rather than an id list.
_IDS_LIMIT = 500

# What the patrol rules read (PatrolRule.applies: statuses, sectors, classes, flags, a dust-worker threshold).
# Two enterprises that agree on these get the same interval, so the cache key holds only them: the status, the
# class, the flags some rule names, the band of the dust-worker count between the rules' thresholds, and the
# sectors some rule names.
_RULE_SECTORS = frozenset().union(*(r.sectors for r in patrol_rules.PATROL_RULES))
_RULE_FLAGS = tuple(f for f in PATROL_FLAGS if any(f in r.flags for r in patrol_rules.PATROL_RULES))
_DUST_THRESHOLDS = sorted({r.min_dust_workers for r in patrol_rules.PATROL_RULES if r.min_dust_workers is not None})
_RULE_KEY = operator.itemgetter(_STATUS, _CLASS, *(PATROL_COLUMNS.index(f) for f in _RULE_FLAGS))


def _get(row, name):
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def patrol_facts(enterprise_row) -> patrol_rules.EnterpriseFacts:
    """The facts the patrol rules need, from an enterprise: a mapping of the ``PATROL_COLUMNS`` (``status``,
    ``supervision_class``, the five flags, ``dust_worker_count``) with ``sectors``, or an Enterprise."""
    sectors = enterprise_row["sectors"] if isinstance(enterprise_row, Mapping) else enterprise_row.sector_codes
    cls = _get(enterprise_row, "supervision_class") or None
    return patrol_rules.EnterpriseFacts(
        sectors=frozenset(sectors),
        supervision_class=cls if cls in patrol_rules.CLASSES else None,
        dust_worker_count=int(_get(enterprise_row, "dust_worker_count") or 0),
        status=PATROL_STATUS[_get(enterprise_row, "status")],
        **{flag: bool(_get(enterprise_row, flag)) for flag in PATROL_FLAGS},
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True, slots=True)
class Periods:
    """One interval's current period around ``today`` and the previous one, with the local midnights they
    start at (patrols are compared as moments, never converted row by row)."""

    start: datetime.date
    end: datetime.date
    start_at: datetime.datetime
    previous_start_at: datetime.datetime

    @classmethod
    def of(cls, interval: str, today: datetime.date) -> "Periods":
        start, end = patrol_rules.period_of(interval, today)
        previous_start, _end = patrol_rules.period_of(interval, start - datetime.timedelta(days=1))
        return cls(start, end, _midnight(start), _midnight(previous_start))


@dataclass(slots=True)
class PatrolStatus:
    enterprise_id: int
    name: str
    grid_id: int | None
    region_code: str
    interval: str | None  # None: not under a patrol rule (closed, or no rule matches)
    period_start: datetime.date | None
    period_end: datetime.date | None
    last_patrol: datetime.date | None
    due: bool
    overdue: bool

    @property
    def interval_label(self) -> str:
        return INTERVAL_LABELS.get(self.interval, "")


INTERVAL_LABELS = {
    "month": gettext_lazy("每月"),
    "quarter": gettext_lazy("每季度"),
    "half_year": gettext_lazy("每半年"),
    "year": gettext_lazy("每年"),
}


def _scope(user, region_prefix: str | None) -> tuple[Q | None, str | None]:
    """The filter of the user's visible enterprises (narrowed to ``region_prefix``) and the region prefix
    that holds them all, for range reads; None for grid officers and enterprise users (read by ids)."""
    q = enterprise_scope_q(user)
    if q is None:
        return None, None
    prefix = None
    if user.role not in ENTERPRISE_ROLES and user.role != Role.GRID_OFFICER and user.authority_id:
        prefix = user.authority.region.prefix
    if region_prefix:
        q &= subtree_q(region_prefix)
        if prefix is not None:
            if region_prefix.startswith(prefix):
                prefix = region_prefix
            elif not prefix.startswith(region_prefix):
                return Q(pk__in=[]), None
    return q, prefix


def _read(user, *, today, region_prefix=None, grid_id=None, no_grid=False, enterprise_ids=None, names=False):
    """(rows, {id: (sectors)}, {id: created_at} of those put on file this year, range prefix). A row is a
    tuple: the ``PATROL_COLUMNS``, whether it was put on file this year, and the name when ``names``."""
    q, prefix = _scope(user, region_prefix)
    if q is None:
        return [], {}, {}, None
    qs = Enterprise.objects.filter(q)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if no_grid:
        qs = qs.filter(grid__isnull=True)
    if enterprise_ids is not None:
        qs = qs.filter(pk__in=list(enterprise_ids))
    this_year = _midnight(today.replace(month=1, day=1))  # no current period starts earlier
    recent = ExpressionWrapper(Q(created_at__gte=this_year), output_field=BooleanField())
    rows = list(qs.order_by().values_list(*PATROL_COLUMNS, recent, *(("name",) if names else ())))
    if not rows:
        return [], {}, {}, prefix
    # Tuples, not a list per enterprise: 20,000 small lists cost more in garbage collection than in reading.
    sectors: dict[int, tuple[str, ...]] = {}
    links = EnterpriseSector.objects.order_by()
    if prefix is not None and len(rows) > _IDS_LIMIT:
        links = links.filter(subtree_q(prefix))
    else:
        links = links.filter(enterprise_id__in=[r[_ID] for r in rows])
    for eid, sector in links.values_list("enterprise_id", "sector"):
        sectors[eid] = sectors.get(eid, ()) + (sector,)
    fresh = [r[_ID] for r in rows if r[_RECENT]]
    created = dict(Enterprise.objects.filter(pk__in=fresh).values_list("id", "created_at")) if fresh else {}
    return rows, sectors, created, prefix


def _intervals(rows, sectors, today: datetime.date) -> list[str | None]:
    """interval_for per row, computed once per distinct key of what the rules read."""
    cache: dict = {}
    out = []
    for r in rows:
        key = _RULE_KEY(r)
        if _DUST_THRESHOLDS:
            key = (key, bisect.bisect_right(_DUST_THRESHOLDS, r[_DUST] or 0))
        if _RULE_SECTORS:
            key = (key, _RULE_SECTORS.intersection(sectors.get(r[_ID], ())))
        interval = cache.get(key, _MISSING)
        if interval is _MISSING:
            row = dict(zip(PATROL_COLUMNS, r, strict=False))
            row["sectors"] = sectors.get(r[_ID], ())
            interval = cache[key] = patrol_rules.interval_for(patrol_facts(row), on=today)
        out.append(interval)
    return out


_MISSING = object()


def _patrols(ids: list[int], prefix: str | None, *, today: datetime.date, bounds=None) -> dict:
    """The latest done grid patrol (up to the end of ``today``) per enterprise, in one grouped query on the
    (kind, region_code, ended_at) index: its end time; or, given ``bounds`` (moments, latest first), only
    patrols since the last bound, each as its band: the position of the first bound it is not earlier than."""
    if not ids:
        return {}
    qs = Inspection.objects.filter(
        kind=InspectionKind.GRID_PATROL,
        state__in=sorted(DONE_STATES),
        ended_at__lt=_midnight(today + datetime.timedelta(days=1)),
    ).order_by()
    if prefix is not None and len(ids) > _IDS_LIMIT:
        qs = qs.filter(subtree_q(prefix))
    else:
        qs = qs.filter(enterprise_id__in=ids)
    if bounds is None:
        return dict(qs.values("enterprise_id").annotate(last=Max("ended_at")).values_list("enterprise_id", "last"))
    band = Case(
        *(When(last__gte=b, then=Value(n)) for n, b in enumerate(bounds)),
        default=Value(len(bounds)),
        output_field=IntegerField(),
    )
    qs = qs.filter(ended_at__gte=bounds[-1]).values("enterprise_id").annotate(last=Max("ended_at"), band=band)
    return dict(qs.values_list("enterprise_id", "band"))


def _on_file_before(row, created: dict, at: datetime.datetime) -> bool:
    return not row[_RECENT] or created[row[_ID]] < at


def patrol_status(
    user,
    *,
    today: datetime.date,
    region_prefix: str | None = None,
    grid_id: int | None = None,
    no_grid: bool = False,
    enterprise_ids: Collection[int] | None = None,
) -> list[PatrolStatus]:
    """Per enterprise the user may see (grid officers: their grids), optionally narrowed to a region prefix,
    a grid (``no_grid``: those in no grid) or some ids: interval, current period, last patrol (ever, up to
    ``today``), due and overdue. Sorted overdue first, then due, then the rest, then by name. Three queries
    (four when some of them were put on file this year)."""
    rows, sectors, created, prefix = _read(
        user,
        today=today,
        region_prefix=region_prefix,
        grid_id=grid_id,
        no_grid=no_grid,
        enterprise_ids=enterprise_ids,
        names=True,
    )
    intervals = _intervals(rows, sectors, today)
    last = _patrols([r[_ID] for r in rows], prefix, today=today)
    periods = {i: Periods.of(i, today) for i in set(intervals) if i is not None}
    out = []
    for r, interval in zip(rows, intervals, strict=True):
        moment = last.get(r[_ID])
        seen = timezone.localtime(moment).date() if moment is not None else None
        if interval is None:
            out.append(PatrolStatus(r[_ID], r[_NAME], r[_GRID], r[_REGION], None, None, None, seen, False, False))
            continue
        p = periods[interval]
        due = moment is None or moment < p.start_at
        overdue = due and (moment is None or moment < p.previous_start_at) and _on_file_before(r, created, p.start_at)
        out.append(PatrolStatus(r[_ID], r[_NAME], r[_GRID], r[_REGION], interval, p.start, p.end, seen, due, overdue))
    out.sort(key=lambda s: (not s.overdue, not s.due, s.interval is None, s.name, s.enterprise_id))
    return out


_TOTAL, _PATROLLED, _PENDING, _OVERDUE, _EXCLUDED = range(5)


def _row(c: list[int]) -> dict:
    rate = patrol_rules.coverage(c[_PATROLLED], c[_TOTAL])
    return {
        "total": c[_TOTAL],
        "patrolled": c[_PATROLLED],
        "pending": c[_PENDING],
        "overdue": c[_OVERDUE],
        "excluded": c[_EXCLUDED],
        "rate": rate,
        "percent": _percent(rate),
    }


def patrol_coverage(user, *, today: datetime.date) -> dict:
    """The patrol coverage of the user's scope, per grid, per township and in all: enterprises under a rule
    (``total``), patrolled in their current period, ``pending`` (due, overdue included), ``overdue``,
    ``excluded`` (under no rule) and the rate (``rules.patrol.coverage``). Five queries whatever the size
    (six when some enterprises were put on file this year): the enterprises (only the needed columns), their
    sectors, the band of the last patrol per enterprise since the earliest previous period needed, the grids'
    names and the townships' names. Counted per grid, then summed up.

    Returns ``{"today", "scope": row, "townships": [row + code, name, grids: [row + id, name, officer]]}``;
    a township's enterprises in no grid are the grid row with ``id`` None."""
    rows, sectors, created, prefix = _read(user, today=today)
    intervals = _intervals(rows, sectors, today)
    periods = {i: Periods.of(i, today) for i in set(intervals) if i is not None}
    bounds = sorted({at for p in periods.values() for at in (p.start_at, p.previous_start_at)}, reverse=True)
    position = {at: n for n, at in enumerate(bounds)}
    judge = {i: (position[p.start_at], position[p.previous_start_at], p.start_at) for i, p in periods.items()}
    bands = _patrols([r[_ID] for r in rows], prefix, today=today, bounds=bounds) if bounds else {}
    none = len(bounds)
    counts: dict[tuple, list[int]] = {}
    for r, interval in zip(rows, intervals, strict=True):
        key = (r[_REGION][:9], r[_GRID])
        c = counts.get(key)
        if c is None:
            c = counts[key] = [0, 0, 0, 0, 0]
        if interval is None:
            c[_EXCLUDED] += 1
            continue
        this, previous, start_at = judge[interval]
        band = bands.get(r[_ID], none)
        c[_TOTAL] += 1
        if band <= this:
            c[_PATROLLED] += 1
        else:
            c[_PENDING] += 1
            if band > previous and _on_file_before(r, created, start_at):
                c[_OVERDUE] += 1
    towns: dict[str, list[int]] = {}
    for (town, _gid), c in counts.items():
        t = towns.setdefault(town, [0, 0, 0, 0, 0])
        for n, v in enumerate(c):
            t[n] += v
    scope = [sum(t[n] for t in towns.values()) for n in range(5)]
    grid_ids = sorted({gid for _t, gid in counts if gid is not None})
    grid_info = (
        {
            g["id"]: g
            for g in Grid.objects.filter(pk__in=grid_ids).values(
                "id", "name", "officer__full_name", "officer__username"
            )
        }
        if grid_ids
        else {}
    )
    names = dict(Region.objects.filter(code__in=sorted(towns)).values_list("code", "name")) if towns else {}
    township_rows = {
        code: {**_row(towns[code]), "code": code, "name": names.get(code, code), "grids": []} for code in sorted(towns)
    }
    for (town, gid), c in counts.items():
        info = grid_info.get(gid, {})
        township_rows[town]["grids"].append(
            {
                **_row(c),
                "id": gid,
                "name": info.get("name") or _("未划网格"),
                "township": town,
                "officer": info.get("officer__full_name") or info.get("officer__username") or "",
            }
        )
    for t in township_rows.values():
        t["grids"].sort(key=lambda g: (g["id"] is None, g["name"]))
    return {"today": today, "scope": _row(scope), "townships": list(township_rows.values())}
