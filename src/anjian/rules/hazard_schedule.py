"""Dates for hazard governance: statistics-report deadlines, reminder stages and check-in intervals.

1. **Statistics reports — law.** 《安全生产事故隐患排查治理暂行规定》（原国家安全生产监督管理总局令第16号，
   2008-02-01 施行）第十四条 (regulations.md §8.1, VERIFIED-SECONDARY; sources
   https://22.wendadaohang.com/zd/CCS0T0fTSC020Xh2f2T.html , https://anquan.party/thread-31888-1-1.html):
   hazard statistics are prepared quarterly and annually; the written tables, **signed by the 主要负责人**,
   go to the supervising departments 「于下一季度15日前」 and 「于下一年1月31日前」. This is one
   :class:`ReportRule` row in :data:`REPORT_RULES`. We read 「下一季度15日前」 as the 15th day of the first
   month of the next quarter (Q1→04-15, Q2→07-15, Q3→10-15, Q4→01-15 of the next year), the day itself
   included. Whether 令16号 is still in force or has been replaced is UNVERIFIED (regulations.md Appendix B).
   (Coal mines additionally report 重大事故隐患 治理情况 every quarter under 《煤矿安全生产条例》第三十五条,
   VERIFIED-PRIMARY; that article sets no day, so it is not modelled here.)

2. **Reminders — our configuration, not law.** :class:`ReminderPolicy` says when the platform reminds whom
   about a deadline: ``before_N`` stages N days before (to the responsible person), ``overdue`` the day after
   (to the enterprise's principal), ``overdue_N`` once more than N days overdue (to the bureau leader).
   The numbers are a product decision and are meant to be set per deployment.

3. **Temporary control check-ins — our configuration, not law.** A 重大事故隐患 that cannot be rectified in
   the short term stays under temporary control measures; the platform asks for a check-in every
   :data:`DEFAULT_CHECKIN_INTERVAL_DAYS` days. No statute sets this interval; 7 days is our decision.

All functions are pure; a ``datetime`` passed where a date is expected is cut to its date.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from anjian.rules._dates import as_date as _as_date

__all__ = [
    "ReportRule",
    "HAZARD_STATS_2008",
    "REPORT_RULES",
    "Period",
    "due_date",
    "periods_due",
    "latest_closed_periods",
    "ReminderPolicy",
    "DEFAULT_REMINDER_POLICY",
    "reminder_stages",
    "stage_audience",
    "DEFAULT_CHECKIN_INTERVAL_DAYS",
    "checkin_due",
]


# --- The law: 令16号 第十四条 ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRule:
    """When hazard statistics are due, in force from ``effective_from`` to ``effective_to`` inclusive."""

    key: str
    title: str
    article: str
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    quarterly_due_day: int  # day of the first month of the next quarter
    annual_due_month: int  # month of the next year
    annual_due_day: int
    signer: str

    def in_force(self, on: datetime.date) -> bool:
        on = _as_date(on)
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


HAZARD_STATS_2008 = ReportRule(
    key="hazard_stats_2008",
    title="《安全生产事故隐患排查治理暂行规定》（原国家安全生产监督管理总局令第16号）",
    article="第十四条",
    source=(
        "regulations.md §8.1; https://22.wendadaohang.com/zd/CCS0T0fTSC020Xh2f2T.html ; "
        "https://anquan.party/thread-31888-1-1.html"
    ),
    status="VERIFIED-SECONDARY",
    effective_from=datetime.date(2008, 2, 1),
    effective_to=None,  # whether replaced since is UNVERIFIED
    quarterly_due_day=15,  # 「于下一季度15日前」
    annual_due_month=1,  # 「于下一年1月31日前」
    annual_due_day=31,
    signer="主要负责人",
)

REPORT_RULES: tuple[ReportRule, ...] = (HAZARD_STATS_2008,)




# --- Reporting periods ---------------------------------------------------------------------------

_KEY_RE = re.compile(r"([1-9][0-9]{3})(?:Q([1-4]))?")
MIN_YEAR, MAX_YEAR = 1000, 9998  # 4-digit keys; the next year must still be a valid date


@dataclass(frozen=True)
class Period:
    """A statistics period: a calendar quarter (``kind="quarter"``) or a calendar year (``kind="year"``)."""

    kind: str
    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("quarter", "year"):
            raise ValueError(f"period kind must be 'quarter' or 'year', got {self.kind!r}")
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"period year must be an int in {MIN_YEAR}..{MAX_YEAR}, got {self.year!r}")
        if self.kind == "quarter":
            if isinstance(self.quarter, bool) or self.quarter not in (1, 2, 3, 4):
                raise ValueError(f"quarter must be 1..4, got {self.quarter!r}")
        elif self.quarter is not None:
            raise ValueError(f"a year period has no quarter, got {self.quarter!r}")

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        return cls("quarter", year, quarter)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls("year", year)

    @classmethod
    def containing(cls, kind: str, on: datetime.date) -> Period:
        """The quarter or year that contains ``on``."""
        on = _as_date(on)
        if kind == "year":
            return cls.of_year(on.year)
        if kind == "quarter":
            return cls.of_quarter(on.year, (on.month - 1) // 3 + 1)
        raise ValueError(f"period kind must be 'quarter' or 'year', got {kind!r}")

    @classmethod
    def parse(cls, key: str) -> Period:
        """``"2026Q3"`` → third quarter of 2026; ``"2026"`` → year 2026. Anything else raises ValueError."""
        match = _KEY_RE.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise ValueError(f"period key must look like '2026Q3' or '2026', got {key!r}")
        year, quarter = int(match[1]), match[2]
        return cls.of_quarter(year, int(quarter)) if quarter else cls.of_year(year)

    @property
    def start(self) -> datetime.date:
        if self.kind == "year":
            return datetime.date(self.year, 1, 1)
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        """Last day of the period (inclusive)."""
        if self.kind == "year" or self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年度" if self.kind == "year" else f"{self.year}年第{self.quarter}季度"

    @property
    def key(self) -> str:
        return str(self.year) if self.kind == "year" else f"{self.year}Q{self.quarter}"

    def previous(self) -> Period:
        if self.kind == "year":
            return Period.of_year(self.year - 1)
        if self.quarter == 1:
            return Period.of_quarter(self.year - 1, 4)
        return Period.of_quarter(self.year, self.quarter - 1)

    def __str__(self) -> str:
        return self.key


def due_date(period: Period, rule: ReportRule = HAZARD_STATS_2008) -> datetime.date:
    """Last day on which the statistics for ``period`` may be filed (inclusive).

    Quarter: the ``quarterly_due_day`` of the month after the quarter (Q4 rolls over to January of the
    next year). Year: ``annual_due_month``/``annual_due_day`` of the next year.
    """
    if period.kind == "year":
        return datetime.date(period.year + 1, rule.annual_due_month, rule.annual_due_day)
    after = period.end + datetime.timedelta(days=1)
    return datetime.date(after.year, after.month, rule.quarterly_due_day)


def periods_due(on: datetime.date, since: datetime.date) -> list[Period]:
    """Every quarter and year that ended on or after ``since`` and before ``on`` (so is reportable on ``on``).

    Newest first, by end date; where a fourth quarter and its year end on the same day, the quarter comes
    first (it falls due earlier).
    """
    on, since = _as_date(on), _as_date(since)
    result: list[Period] = []
    for kind in ("quarter", "year"):
        period = Period.containing(kind, on).previous()
        while period.end >= since:
            result.append(period)
            period = period.previous()
    result.sort(key=lambda p: (p.end, p.kind == "quarter"), reverse=True)
    return result


def latest_closed_periods(on: datetime.date) -> tuple[Period, Period]:
    """(most recent quarter, most recent year) that ended before ``on``."""
    on = _as_date(on)
    return Period.containing("quarter", on).previous(), Period.containing("year", on).previous()


# --- Reminders (configuration, not law) ----------------------------------------------------------

MAX_POLICY_DAYS = 366
AUDIENCE_RESPONSIBLE = "responsible"  # the person responsible for the task (enterprise contact)
AUDIENCE_PRINCIPAL = "principal"  # the enterprise's 主要负责人
AUDIENCE_LEADER = "leader"  # the bureau leader

_STAGE_RE = re.compile(r"(before|overdue)_([0-9]+)")
_DAYS_RE = re.compile(r"([+-]?)\s*([0-9]+)")


def _check_days(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number of days, got {value!r}")
    if value < minimum or value > MAX_POLICY_DAYS:
        raise ValueError(f"{name} must be between {minimum} and {MAX_POLICY_DAYS} days, got {value}")
    return value


def _parse_days(name: str, text: str) -> int:
    part = text.strip()
    if not part:
        raise ValueError(f"{name}: empty value; give a whole number of days")
    match = _DAYS_RE.fullmatch(part)
    if match is None:
        raise ValueError(f"{name}: {part!r} is not a whole number of days")
    if match[1] == "-" and int(match[2]):
        raise ValueError(f"{name}: days must not be negative, got {part!r}")
    return int(match[2])


@dataclass(frozen=True)
class ReminderPolicy:
    """When to remind about a deadline. Product configuration, not law.

    ``before_days``: remind the responsible person this many days before the deadline (0 = on the day);
    kept sorted from earliest to latest stage. ``overdue_escalate_days``: tell the bureau leader once the
    deadline is more than this many days past.
    """

    before_days: tuple[int, ...] = (3, 0)
    overdue_escalate_days: int = 7

    def __post_init__(self) -> None:
        try:
            days = tuple(self.before_days) if not isinstance(self.before_days, str) else None
        except TypeError:
            days = None
        if days is None:
            raise ValueError(f"before_days must be a tuple of whole numbers, got {self.before_days!r}")
        for d in days:
            _check_days("before_days", d, 0)
        if len(set(days)) != len(days):
            raise ValueError(f"before_days must not repeat a number, got {days}")
        object.__setattr__(self, "before_days", tuple(sorted(days, reverse=True)))
        _check_days("overdue_escalate_days", self.overdue_escalate_days, 1)

    @classmethod
    def from_strings(cls, before: str, escalate: str) -> ReminderPolicy:
        """Parse settings such as ``before="3,0"`` and ``escalate="7"`` (ASCII or full-width commas)."""
        if not isinstance(before, str) or not before.strip():
            raise ValueError("before: empty value; give days before the deadline, e.g. '3,0'")
        if not isinstance(escalate, str):
            raise ValueError(f"escalate: expected a string, got {escalate!r}")
        days = tuple(_parse_days("before", part) for part in re.split(r"[,，]", before))
        return cls(before_days=days, overdue_escalate_days=_parse_days("escalate", escalate))

    @property
    def stages(self) -> tuple[str, ...]:
        """All stage keys in the order they fall due."""
        return (*(f"before_{d}" for d in self.before_days), "overdue", f"overdue_{self.overdue_escalate_days}")


DEFAULT_REMINDER_POLICY = ReminderPolicy()


def reminder_stages(
    deadline: datetime.date, today: datetime.date, policy: ReminderPolicy = DEFAULT_REMINDER_POLICY
) -> list[str]:
    """Stage keys due by ``today`` for ``deadline``, in the order they fall due.

    ``before_N`` once today >= deadline − N; ``overdue`` once today > deadline; ``overdue_N`` once
    today > deadline + N (N = ``policy.overdue_escalate_days``). Stages already passed are returned as well:
    the caller sends each stage once and records that elsewhere.
    """
    deadline, today = _as_date(deadline), _as_date(today)
    stages = [f"before_{d}" for d in policy.before_days if today >= deadline - datetime.timedelta(days=d)]
    if today > deadline:
        stages.append("overdue")
    if today > deadline + datetime.timedelta(days=policy.overdue_escalate_days):
        stages.append(f"overdue_{policy.overdue_escalate_days}")
    return stages


def stage_audience(stage: str) -> str:
    """Who is told at a stage: ``responsible`` (before_N), ``principal`` (overdue), ``leader`` (overdue_N)."""
    if stage == "overdue":
        return AUDIENCE_PRINCIPAL
    match = _STAGE_RE.fullmatch(stage) if isinstance(stage, str) else None
    if match is None:
        raise ValueError(f"unknown reminder stage {stage!r}")
    return AUDIENCE_RESPONSIBLE if match[1] == "before" else AUDIENCE_LEADER


# --- Temporary control check-ins (configuration, not law) -----------------------------------------

DEFAULT_CHECKIN_INTERVAL_DAYS = 7  # our decision; no statute sets it


def checkin_due(last_checkin: datetime.date, interval_days: int = DEFAULT_CHECKIN_INTERVAL_DAYS) -> datetime.date:
    """Date the next check-in on a hazard under temporary control measures is due."""
    _check_days("interval_days", interval_days, 1)
    return _as_date(last_checkin) + datetime.timedelta(days=interval_days)
