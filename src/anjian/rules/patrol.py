"""网格巡查频次 — how often a grid officer must patrol an enterprise, as configuration data.

**This is our configuration, not law.** One rule comes from the issue's source speech: grid officers inspect
combustible-dust enterprises with 10 or more workers every quarter (``dust_10_quarterly``; we read "10 or
more workers" as workers in dust-related posts, ``dust_worker_count >= 10`` — the speech does not say
whether it means total headcount, so the threshold field is configurable). Every other row is a default to
be configured by the local bureau: supervision class A monthly, B quarterly, C half-yearly, D yearly (class
A = the most closely supervised; local 分级分类监管 schemes differ and some letter them the other way round).
No statute sets grid-patrol frequencies; rows carry status UNVERIFIED and ``source`` says where each came from.

Evaluation (:func:`interval_for`): a unit whose status matches an *excluding* rule (``interval=None``; by
default ``closed``) is not patrolled by rule. Otherwise every matching rule contributes its interval and the
most frequent one wins (month > quarter > half_year > year); no match gives ``None``.

Status choices (documented decisions, configurable):

* ``closed`` (关闭/注销) — excluded: nothing left to patrol; a resumption of activity is an ``illegal`` unit.
* ``illegal`` (非法违法生产经营, e.g. no licence, ordered shut but still operating) — monthly. It is
  sensible only as a follow-up until the unit is 取缔 or legalised: the patrol checks it has not resumed
  and feeds the 打非治违 referral; the patrol is not a substitute for enforcement. Once 取缔, set ``closed``.
* ``suspended`` (停产停业整顿) and ``operating`` — the ordinary rules apply (a suspended unit is still
  checked for covert production).

Periods are calendar periods: months; quarters starting January, April, July, October; half-years January–June
and July–December; calendar years. "Due" means no patrol yet in the current period.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from anjian.rules._dates import as_date as _as_date
from anjian.rules.staffing import SECTOR_CODES

__all__ = [
    "INTERVALS",
    "CLASSES",
    "ENTERPRISE_STATUSES",
    "FLAGS",
    "EnterpriseFacts",
    "PatrolRule",
    "PATROL_RULES",
    "matching_rules",
    "interval_for",
    "period_of",
    "due_periods",
    "is_due",
    "coverage",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

# Most frequent first: the order is the precedence.
INTERVALS = ("month", "quarter", "half_year", "year")
_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
CLASSES = ("A", "B", "C", "D")
ENTERPRISE_STATUSES = ("operating", "suspended", "illegal", "closed")
FLAGS = ("combustible_dust", "ammonia_refrigeration", "confined_space", "hazchem_use", "major_hazard_source")
_ACTIVE = ("operating", "suspended")


@dataclass(frozen=True)
class EnterpriseFacts:
    sectors: frozenset[str] = frozenset()
    supervision_class: str | None = None  # "A".."D", None when not yet classified
    combustible_dust: bool = False
    dust_worker_count: int = 0
    ammonia_refrigeration: bool = False
    confined_space: bool = False
    hazchem_use: bool = False
    major_hazard_source: bool = False
    status: str = "operating"

    def __post_init__(self) -> None:
        object.__setattr__(self, "sectors", frozenset(self.sectors))
        unknown = self.sectors - set(SECTOR_CODES)
        if unknown:
            raise ValueError(f"unknown sector codes: {sorted(unknown)}")
        if self.supervision_class is not None and self.supervision_class not in CLASSES:
            raise ValueError(f"supervision_class must be one of {CLASSES} or None, got {self.supervision_class!r}")
        if isinstance(self.dust_worker_count, bool) or not isinstance(self.dust_worker_count, int):
            raise ValueError(f"dust_worker_count must be an int, got {self.dust_worker_count!r}")
        if self.dust_worker_count < 0:
            raise ValueError(f"dust_worker_count must not be negative, got {self.dust_worker_count}")
        if self.status not in ENTERPRISE_STATUSES:
            raise ValueError(f"status must be one of {ENTERPRISE_STATUSES}, got {self.status!r}")


@dataclass(frozen=True)
class PatrolRule:
    """A predicate described by data, and the interval it requires (``None`` = excluded from patrol).

    All given conditions must hold: ``statuses`` contains the unit's status; ``sectors`` (if non-empty)
    meets the unit's sectors; ``classes`` (if non-empty) contains its supervision class; every flag in
    ``flags`` is true; ``dust_worker_count >= min_dust_workers`` (if set).
    """

    name: str
    interval: str | None
    statuses: tuple[str, ...] = _ACTIVE
    sectors: frozenset[str] = frozenset()
    classes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    min_dust_workers: int | None = None
    source: str = ""
    status: str = UNVERIFIED
    note: str = ""
    effective_from: datetime.date = datetime.date(2000, 1, 1)
    effective_to: datetime.date | None = None

    def applies(self, facts: EnterpriseFacts) -> bool:
        if facts.status not in self.statuses:
            return False
        if self.sectors and not (self.sectors & facts.sectors):
            return False
        if self.classes and facts.supervision_class not in self.classes:
            return False
        if not all(getattr(facts, flag) for flag in self.flags):
            return False
        return self.min_dust_workers is None or facts.dust_worker_count >= self.min_dust_workers

    def in_force(self, on: datetime.date) -> bool:
        on = _as_date(on)
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


_CONFIG = "默认配置（非法律规定），由本局配置"

PATROL_RULES: tuple[PatrolRule, ...] = (
    PatrolRule(
        name="closed",
        interval=None,
        statuses=("closed",),
        source=_CONFIG,
        note="已关闭单位不按规则巡查；恢复经营的按非法违法单位（illegal）处理。",
    ),
    PatrolRule(
        name="illegal_monthly",
        interval="month",
        statuses=("illegal",),
        source=_CONFIG,
        note="非法违法生产经营单位每月跟踪，直至取缔（改为 closed）或依法取得许可。",
    ),
    PatrolRule(
        name="dust_10_quarterly",
        interval="quarter",
        flags=("combustible_dust",),
        min_dust_workers=10,
        source="议题引用的讲话：网格员对涉及可燃性粉尘、作业人员10人以上的企业每季度检查 — 非法律条文",
        note="「10人以上」含10人；按粉尘作业人员数计（讲话未明确，可配置）。",
    ),
    PatrolRule(name="class_a_monthly", interval="month", classes=("A",), source=_CONFIG),
    PatrolRule(name="class_b_quarterly", interval="quarter", classes=("B",), source=_CONFIG),
    PatrolRule(name="class_c_half_year", interval="half_year", classes=("C",), source=_CONFIG),
    PatrolRule(name="class_d_yearly", interval="year", classes=("D",), source=_CONFIG),
)


def _check_rules(rules: Iterable[PatrolRule]) -> None:
    names: set[str] = set()
    for r in rules:
        if r.name in names:
            raise ValueError(f"duplicate patrol rule {r.name!r}")
        names.add(r.name)
        if r.interval is not None and r.interval not in INTERVALS:
            raise ValueError(f"{r.name}: interval must be one of {INTERVALS} or None, got {r.interval!r}")
        if not r.statuses or set(r.statuses) - set(ENTERPRISE_STATUSES):
            raise ValueError(f"{r.name}: bad statuses {r.statuses!r}")
        if set(r.sectors) - set(SECTOR_CODES):
            raise ValueError(f"{r.name}: unknown sectors {sorted(set(r.sectors) - set(SECTOR_CODES))}")
        if set(r.classes) - set(CLASSES):
            raise ValueError(f"{r.name}: unknown classes {r.classes!r}")
        if set(r.flags) - set(FLAGS):
            raise ValueError(f"{r.name}: unknown flags {r.flags!r}")
        if r.min_dust_workers is not None and r.min_dust_workers < 0:
            raise ValueError(f"{r.name}: negative min_dust_workers")
        if r.status not in STATUSES or not r.source:
            raise ValueError(f"{r.name}: bad status or missing source")
        if r.effective_to is not None and r.effective_to < r.effective_from:
            raise ValueError(f"{r.name}: effective_to before effective_from")


_check_rules(PATROL_RULES)


def matching_rules(
    facts: EnterpriseFacts, rules: Iterable[PatrolRule] = PATROL_RULES, on: datetime.date | None = None
) -> tuple[PatrolRule, ...]:
    """The rules that apply to ``facts`` (in force on ``on``, if given)."""
    rules = tuple(rules)
    _check_rules(rules)
    return tuple(r for r in rules if (on is None or r.in_force(on)) and r.applies(facts))


def interval_for(
    facts: EnterpriseFacts, rules: Iterable[PatrolRule] = PATROL_RULES, on: datetime.date | None = None
) -> str | None:
    """The most frequent interval among the matching rules; ``None`` if excluded or nothing matches."""
    matched = matching_rules(facts, rules, on)
    if any(r.interval is None for r in matched):
        return None
    intervals = {r.interval for r in matched}
    for interval in INTERVALS:
        if interval in intervals:
            return interval
    return None


def _check_interval(interval: str) -> int:
    if interval not in _MONTHS:
        raise ValueError(f"interval must be one of {INTERVALS}, got {interval!r}")
    return _MONTHS[interval]


def period_of(interval: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar period of ``interval`` containing ``day``, as (first day, last day), both inclusive."""
    months = _check_interval(interval)
    day = _as_date(day)
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    start = datetime.date(day.year, first_month, 1)
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def due_periods(
    interval: str, since: datetime.date, today: datetime.date
) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """Every period from the one containing ``since`` to the one containing ``today`` (inclusive)."""
    _check_interval(interval)
    since, today = _as_date(since), _as_date(today)
    if since > today:
        raise ValueError(f"since ({since}) is after today ({today})")
    periods = []
    start, end = period_of(interval, since)
    while start <= today:
        periods.append((start, end))
        start, end = period_of(interval, end + datetime.timedelta(days=1))
    return tuple(periods)


def is_due(interval: str, last_patrol_date: datetime.date | None, today: datetime.date) -> bool:
    """True when no patrol has taken place in the period containing ``today``."""
    start, _ = period_of(interval, today)
    if last_patrol_date is None:
        return True
    last = _as_date(last_patrol_date)
    if last > _as_date(today):
        raise ValueError(f"last_patrol_date ({last}) is after today ({today})")
    return last < start


def coverage(patrolled: int, due: int) -> float | None:
    """Share of due enterprises patrolled in a period (0.0–1.0); ``None`` when nothing was due."""
    for name, value in (("patrolled", patrolled), ("due", due)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    if patrolled > due:
        raise ValueError(f"patrolled ({patrolled}) exceeds due ({due})")
    if due == 0:
        return None
    return patrolled / due
