"""安全生产教育和培训 — training hours, three-level training, re-training after a post change, annual retraining.

Sources (regulations.md §2.3 and §3):

* 《中华人民共和国安全生产法》第二十八条 (VERIFIED-PRIMARY, quoted from the mirror): no one works before passing
  safety training (第一款); dispatched workers are managed as the unit's own employees (第二款); the training file
  records 时间、内容、参加人员以及考核结果 (第四款). :data:`TRAINING_REQUIRED_RULE`, :data:`DISPATCHED_RULE`,
  :data:`TRAINING_RECORD_RULE`.
* 《生产经营单位安全培训规定》(原国家安全生产监督管理总局令第3号, amended by 令第63号 and 令第80号; the amendment
  history and the commencement date 2006-03-01 are UNVERIFIED). Article texts VERIFIED-SECONDARY (third-party
  pages, regulations.md §3):

  - 第九条: 主要负责人 and 安全生产管理人员 — initial ≥ 32 学时, annual ≥ 12 学时; in 煤矿、非煤矿山、危险化学品、
    烟花爆竹、金属冶炼 units ≥ 48 / ≥ 16 学时 (第二款).
  - 第十三条: new employees ≥ 24 学时 before starting work (第一款); in the high-risk units above ≥ 72 学时 and
    ≥ 20 学时 retraining every year (第二款).
  - 第十二条: employees of production units pass 厂（矿）级、车间（工段、区、队）级、班组级 training before starting
    work (:data:`LEVELS`, :data:`THREE_LEVEL_RULE`).
  - 第十七条: after a post change inside the unit, or on return after being away ≥ 1 year (离岗1年以上), workshop and
    team training are redone (:data:`REDO_LEVELS`, :func:`relevel_since`, :data:`RELEVEL_RULE`). 「以上」 includes the
    number: an absence of exactly one calendar year (``returned_on == add_years(left_on, 1)``) counts.

* 《国务院安委会关于进一步加强安全培训工作的决定》(安委〔2012〕10号 — the document number and its date 2012-11-21
  are UNVERIFIED; the values are VERIFIED-SECONDARY): construction new staff ≥ 32 学时 and ≥ 20 学时 every year;
  non-high-risk employees ≥ 8 学时 every year. Before that date the 规定 set no annual hours for ordinary employees
  (regulations.md Appendix A item 6), so the table has a dated row for each period.
* 《非高危行业生产经营单位主要负责人与安全生产管理人员安全生产培训大纲和考核标准》: non-high-risk principals and
  safety managers finish initial training within **6 months of taking office** (VERIFIED-SECONDARY,
  :data:`PRINCIPAL_TRAINING_WITHIN_MONTHS`, :data:`PRINCIPAL_TRAINING_WITHIN_RULE`).

The hours are data (:data:`HOURS_RULES`, :class:`HoursRule`), picked by :func:`hours_rule` for the person kind, the
unit's risk class and the date. Risk class: ``high_risk`` (:func:`is_high_risk`: a sector in
:data:`HIGH_RISK_SECTORS` or the ``metal_smelting`` flag) before ``construction`` (employees of a unit with the
``construction`` sector, from 2012) before ``general``. Hours are :class:`~decimal.Decimal`; a requirement is met
when the hours are **at least** the minimum (24 passes, 23.5 fails).

Our decisions (UNVERIFIED, each a :class:`Rule` row):

* :data:`ANNUAL_YEAR_RULE` — annual retraining is counted per **calendar year**: on date ``on`` the year checked is
  ``on.year - 1``, owed only by people who started before 1 January of that year, i.e. worked the whole year
  (:func:`annual_year_due`). The year someone starts in is covered by the initial training.
* :data:`INITIAL_DUE_RULE` — when initial training is late: employees (pre-job training) and principals / safety
  managers of high-risk units from the day they start (the 6-month allowance is documented only for non-high-risk
  units); non-high-risk principals / safety managers after 6 months (``add_months(started_on, 6)`` is the last day).
  Until then a shortfall is a note (``initial_pending``), not a finding.
* Construction principals / safety managers (住建部 「三类人员」, a separate regime) get the general 32 / 12 row as a
  floor; the three levels apply to employees only and can be switched off for units that are not production units
  (``TrainingFacts.three_levels``, 第十二条 names 「加工、制造业等生产单位」).
* Sessions and returns dated after ``on`` are ignored; a post change counts from its own date (training on that day
  is new enough); an absence still open on ``on`` has not ended.

:func:`assess` returns a :class:`TrainingVerdict`; its ``reasons`` use the codes in :data:`REASON_CODES`
(``missing_level``, ``relevel_required``, ``initial_hours_short``, ``annual_hours_short``) with Chinese messages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from anjian.rules._dates import add_months, add_years
from anjian.rules._dates import as_date as _as_date
from anjian.rules.staffing import SECTOR_CODES

__all__ = [
    "STATUSES",
    "LAW_AQSC",
    "LAW_TRAINING",
    "DECISION_2012",
    "MIRRORED_LAWS",
    "Rule",
    "HIGH_RISK_SECTORS",
    "CONSTRUCTION",
    "is_high_risk",
    "PRINCIPAL",
    "SAFETY_MANAGER",
    "EMPLOYEE",
    "PERSON_KINDS",
    "PERSON_KIND_LABELS",
    "GENERAL",
    "HIGH_RISK",
    "CONSTRUCTION_CLASS",
    "RISK_CLASSES",
    "risk_class",
    "HoursRule",
    "HOURS_RULES",
    "hours_rule",
    "LEVELS",
    "LEVEL_LABELS",
    "LEVEL_SHORT_LABELS",
    "REDO_LEVELS",
    "relevel_since",
    "PRINCIPAL_TRAINING_WITHIN_MONTHS",
    "PRINCIPAL_TRAINING_WITHIN_RULE",
    "TRAINING_REQUIRED_RULE",
    "DISPATCHED_RULE",
    "TRAINING_RECORD_RULE",
    "HIGH_RISK_RULE",
    "THREE_LEVEL_RULE",
    "RELEVEL_RULE",
    "ANNUAL_YEAR_RULE",
    "INITIAL_DUE_RULE",
    "RULES",
    "annual_year_due",
    "initial_due",
    "REASON_CODES",
    "Reason",
    "TrainingFacts",
    "TrainingVerdict",
    "assess",
    "format_hours",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

LAW_AQSC = "《中华人民共和国安全生产法》"
LAW_TRAINING = "《生产经营单位安全培训规定》"
DECISION_2012 = "《国务院安委会关于进一步加强安全培训工作的决定》（安委〔2012〕10号）"
MIRROR = "/work/shared/domain/statutes/"
MIRRORED_LAWS = {LAW_AQSC: MIRROR + "安全生产法(2021-06-10).md"}

_TRAINING_ORDER = "原国家安全生产监督管理总局令第3号，经令第63号、第80号修正"
_SRC_ARTICLES = (
    "http://uianet.net/dictionary/b4210771.html（第九条）；https://www.jianshe99.com/anquan/bkzl/wa20201028152940.shtml、"
    "http://www.jianbiaoku.com/webarbs/book/164210/4712561.shtml（第十二条至第十五条）"
)
_SRC_2012 = "https://www.jianshe99.com/anquan/bkzl/wa20201028152940.shtml"

# 令第3号 commencement (UNVERIFIED) and the 2012 decision's date (UNVERIFIED).
TRAINING_FROM = datetime.date(2006, 3, 1)
DECISION_2012_FROM = datetime.date(2012, 11, 21)


@dataclass(frozen=True)
class Rule:
    """One rule or decision with its source and status."""

    code: str
    title: str
    source: str
    status: str
    effective_from: datetime.date | None = None
    effective_to: datetime.date | None = None
    note: str = ""


# --- sectors and risk class -----------------------------------------------------------------------------------------

# 第九条第二款 / 第十三条第二款: 煤矿、非煤矿山、危险化学品、烟花爆竹 — 金属冶炼 is the ``metal_smelting`` flag (as in
# anjian.rules.staffing: the metallurgy / nonferrous sectors also cover rolling and processing, which are not 冶炼).
HIGH_RISK_SECTORS = frozenset({"coal_mine", "non_coal_mine", "hazchem", "fireworks"})
CONSTRUCTION = "construction"

PRINCIPAL = "principal"
SAFETY_MANAGER = "safety_manager"
EMPLOYEE = "employee"
PERSON_KINDS = (PRINCIPAL, SAFETY_MANAGER, EMPLOYEE)
PERSON_KIND_LABELS = {PRINCIPAL: "主要负责人", SAFETY_MANAGER: "安全生产管理人员", EMPLOYEE: "从业人员"}

GENERAL = "general"
HIGH_RISK = "high_risk"
CONSTRUCTION_CLASS = "construction"
RISK_CLASSES = (GENERAL, HIGH_RISK, CONSTRUCTION_CLASS)


def _sectors(sectors: Iterable[str] | str) -> frozenset[str]:
    out = frozenset({sectors}) if isinstance(sectors, str) else frozenset(sectors)
    unknown = out - frozenset(SECTOR_CODES)
    if unknown:
        raise ValueError(f"unknown sector codes: {sorted(unknown)}")
    return out


def is_high_risk(sectors: Iterable[str], *, metal_smelting: bool) -> bool:
    """煤矿、非煤矿山、危险化学品、烟花爆竹 (a sector in :data:`HIGH_RISK_SECTORS`) or 金属冶炼 (the flag)."""
    return bool(metal_smelting) or bool(_sectors(sectors) & HIGH_RISK_SECTORS)


def _person_kind(kind: str) -> str:
    if kind not in PERSON_KINDS:
        raise ValueError(f"person_kind 应为 {PERSON_KINDS} 之一，实际为 {kind!r}")
    return kind


def risk_class(person_kind: str, *, sectors: Iterable[str], metal_smelting: bool) -> str:
    """``high_risk`` > ``construction`` (employees only) > ``general``."""
    _person_kind(person_kind)
    sectors = _sectors(sectors)
    if is_high_risk(sectors, metal_smelting=metal_smelting):
        return HIGH_RISK
    if person_kind == EMPLOYEE and CONSTRUCTION in sectors:
        return CONSTRUCTION_CLASS
    return GENERAL


# --- hours -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursRule:
    """Minimum training hours for one person kind and risk class, in force ``effective_from``..``effective_to``.

    ``annual_hours`` None: no annual retraining is set for this row. The annual value may come from a different
    document than the initial one; ``annual_source`` / ``annual_status`` say so (empty: same as the row's).
    """

    code: str
    person_kind: str
    risk_class: str
    initial_hours: Decimal
    annual_hours: Decimal | None
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    note: str = ""
    annual_source: str = ""
    annual_status: str = ""

    def in_force(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def _managers(kind: str, label: str) -> tuple[HoursRule, ...]:
    return (
        HoursRule(
            code=f"{kind}_general",
            person_kind=kind,
            risk_class=GENERAL,
            initial_hours=Decimal(32),
            annual_hours=Decimal(12),
            source=f"{LAW_TRAINING}（{_TRAINING_ORDER}）第九条第一款；{_SRC_ARTICLES}",
            status=VERIFIED_SECONDARY,
            effective_from=TRAINING_FROM,
            note=f"{label}初次安全培训时间不得少于32学时，每年再培训时间不得少于12学时。施行日期未核实。",
        ),
        HoursRule(
            code=f"{kind}_high_risk",
            person_kind=kind,
            risk_class=HIGH_RISK,
            initial_hours=Decimal(48),
            annual_hours=Decimal(16),
            source=f"{LAW_TRAINING}（{_TRAINING_ORDER}）第九条第二款；{_SRC_ARTICLES}",
            status=VERIFIED_SECONDARY,
            effective_from=TRAINING_FROM,
            note=f"煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等生产经营单位{label}初次安全培训时间不得少于48学时，"
            "每年再培训时间不得少于16学时。金属冶炼何时列入（令第80号修正）未核实。",
        ),
    )


HOURS_RULES: tuple[HoursRule, ...] = (
    *_managers(PRINCIPAL, "主要负责人"),
    *_managers(SAFETY_MANAGER, "安全生产管理人员"),
    HoursRule(
        code="employee_general_2006",
        person_kind=EMPLOYEE,
        risk_class=GENERAL,
        initial_hours=Decimal(24),
        annual_hours=None,
        source=f"{LAW_TRAINING}（{_TRAINING_ORDER}）第十三条第一款；{_SRC_ARTICLES}",
        status=VERIFIED_SECONDARY,
        effective_from=TRAINING_FROM,
        effective_to=DECISION_2012_FROM - datetime.timedelta(days=1),
        note="新上岗的从业人员岗前安全培训时间不得少于24学时；该规定未设普通从业人员的年度再培训学时。",
    ),
    HoursRule(
        code="employee_general",
        person_kind=EMPLOYEE,
        risk_class=GENERAL,
        initial_hours=Decimal(24),
        annual_hours=Decimal(8),
        source=f"{LAW_TRAINING}（{_TRAINING_ORDER}）第十三条第一款；{_SRC_ARTICLES}",
        status=VERIFIED_SECONDARY,
        effective_from=DECISION_2012_FROM,
        note="岗前不少于24学时（第十三条第一款）；每年再培训不少于8学时来自2012年国务院安委会决定（文号及日期未核实）。",
        annual_source=f"{DECISION_2012}；{_SRC_2012}",
        annual_status=VERIFIED_SECONDARY,
    ),
    HoursRule(
        code="employee_high_risk",
        person_kind=EMPLOYEE,
        risk_class=HIGH_RISK,
        initial_hours=Decimal(72),
        annual_hours=Decimal(20),
        source=f"{LAW_TRAINING}（{_TRAINING_ORDER}）第十三条第二款；{_SRC_ARTICLES}",
        status=VERIFIED_SECONDARY,
        effective_from=TRAINING_FROM,
        note="煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等生产经营单位新上岗的从业人员安全培训时间不得少于72学时，"
        "每年再培训的时间不得少于20学时。",
    ),
    HoursRule(
        code="employee_construction",
        person_kind=EMPLOYEE,
        risk_class=CONSTRUCTION_CLASS,
        initial_hours=Decimal(32),
        annual_hours=Decimal(20),
        source=f"{DECISION_2012}；{_SRC_2012}",
        status=VERIFIED_SECONDARY,
        effective_from=DECISION_2012_FROM,
        note="建筑企业新职工岗前不少于32学时，每年再培训不少于20学时。文号安委〔2012〕10号及日期2012-11-21未核实"
        "（UNVERIFIED）；此前建筑施工单位的从业人员按一般行业（24学时）评估。",
    ),
)


def hours_rule(person_kind: str, *, sectors: Iterable[str], metal_smelting: bool, on: datetime.date) -> HoursRule:
    """The :class:`HoursRule` for the person kind and the unit's risk class, in force on ``on``.

    A construction employee before the 2012 decision gets the general row. A date before every row of the class
    (before 2006) gets the earliest row of the class.
    """
    on = _as_date(on)
    cls = risk_class(person_kind, sectors=sectors, metal_smelting=metal_smelting)
    for c in (cls, GENERAL) if cls == CONSTRUCTION_CLASS else (cls,):
        rows = [r for r in HOURS_RULES if r.person_kind == person_kind and r.risk_class == c and r.in_force(on)]
        if rows:
            return max(rows, key=lambda r: r.effective_from)
    rows = [r for r in HOURS_RULES if r.person_kind == person_kind and r.risk_class == cls]
    return min(rows, key=lambda r: r.effective_from)


# --- rules -------------------------------------------------------------------------------------------------------

TRAINING_REQUIRED_RULE = Rule(
    code="training_required",
    title="未经安全生产教育和培训合格的从业人员不得上岗作业",
    source=f"{LAW_AQSC}第二十八条第一款",
    status=VERIFIED_PRIMARY,
    note="「未经安全生产教育和培训合格的从业人员，不得上岗作业。」",
)
DISPATCHED_RULE = Rule(
    code="dispatched_workers",
    title="被派遣劳动者纳入本单位从业人员统一管理（按从业人员评估）",
    source=f"{LAW_AQSC}第二十八条第二款",
    status=VERIFIED_PRIMARY,
    note="「生产经营单位使用被派遣劳动者的，应当将被派遣劳动者纳入本单位从业人员统一管理」",
)
TRAINING_RECORD_RULE = Rule(
    code="training_record",
    title="安全生产教育和培训档案：时间、内容、参加人员、考核结果",
    source=f"{LAW_AQSC}第二十八条第四款",
    status=VERIFIED_PRIMARY,
    note="「生产经营单位应当建立安全生产教育和培训档案，如实记录安全生产教育和培训的时间、内容、参加人员以及考核结果等情况。」"
    "平台的培训记录至少包含这四项。",
)
HIGH_RISK_RULE = Rule(
    code="high_risk_sectors",
    title="高危行业：煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼",
    source=f"{LAW_TRAINING}第九条第二款、第十三条第二款；{_SRC_ARTICLES}",
    status=VERIFIED_SECONDARY,
    effective_from=TRAINING_FROM,
    note="行业代码 coal_mine、non_coal_mine、hazchem、fireworks；金属冶炼为 metal_smelting 标志（冶金、有色行业还包括"
    "压延加工，不都是冶炼）。",
)
THREE_LEVEL_RULE = Rule(
    code="three_levels",
    title="厂（矿）级、车间（工段、区、队）级、班组级安全培训，合格后方可上岗",
    source=f"{LAW_TRAINING}第十二条；{_SRC_ARTICLES}",
    status=VERIFIED_SECONDARY,
    effective_from=TRAINING_FROM,
    note="第十二条：加工、制造业等生产单位的其他从业人员，在上岗前必须经过三级安全培训教育。各级没有全国统一的学时下限"
    "（建筑业15/15/20学时为行业或地方做法，未采用）；第十六条班组级培训内容未核实。",
)
RELEVEL_RULE = Rule(
    code="relevel",
    title="调整工作岗位或离岗一年以上重新上岗，重新进行车间（工段、区、队）级和班组级安全培训",
    source=f"{LAW_TRAINING}第十七条；{_SRC_ARTICLES}",
    status=VERIFIED_SECONDARY,
    effective_from=TRAINING_FROM,
    note="「以上」包括本数：离岗恰好满一年（返岗日 ≥ 离岗日加一年，2月29日加一年为次年2月28日）即须重新培训。"
    "采用新工艺、新技术、新材料或者使用新设备时的专门培训（安全生产法第二十九条）不在本函数内。",
)
PRINCIPAL_TRAINING_WITHIN_MONTHS = 6
PRINCIPAL_TRAINING_WITHIN_RULE = Rule(
    code="principal_training_within_months",
    title="非高危行业主要负责人和安全生产管理人员自任职之日起6个月内完成初次安全培训",
    source="《非高危行业生产经营单位主要负责人与安全生产管理人员安全生产培训大纲和考核标准》；"
    "http://www.doorhorse.com/show.asp?id=87",
    status=VERIFIED_SECONDARY,
    note="同一来源称再培训间隔原则上为6–18个月；平台按日历年度核对年度再培训（见 annual_year_rule）。",
)
ANNUAL_YEAR_RULE = Rule(
    code="annual_year_rule",
    title="年度再培训按日历年度核对：核对上一个完整的日历年度，当年1月1日前已上岗的人员才应完成（平台约定）",
    source="本平台约定",
    status=UNVERIFIED,
    note="规定只说「每年」再培训，未规定年度的起算。平台在日期 on 核对 on.year − 1 年度；该年度中途上岗的人员"
    "当年由岗前（初次）培训覆盖，不核对。更早年度的记录不再追溯。",
)
INITIAL_DUE_RULE = Rule(
    code="initial_due",
    title="初次培训的完成期限：从业人员上岗前；高危行业主要负责人和安全生产管理人员任职前；非高危行业任职后6个月内（平台约定）",
    source="本平台约定，依据安全生产法第二十八条第一款和非高危行业培训大纲（regulations.md §3）",
    status=UNVERIFIED,
    note="regulations.md 只记载了非高危行业的6个月期限，高危行业未见宽限期，平台按任职前完成评估。"
    "期限届满前的学时不足只作提示（initial_pending），不作为不合格。",
)

RULES: tuple[Rule, ...] = (
    TRAINING_REQUIRED_RULE,
    DISPATCHED_RULE,
    TRAINING_RECORD_RULE,
    HIGH_RISK_RULE,
    THREE_LEVEL_RULE,
    RELEVEL_RULE,
    PRINCIPAL_TRAINING_WITHIN_RULE,
    ANNUAL_YEAR_RULE,
    INITIAL_DUE_RULE,
)

# --- three levels ------------------------------------------------------------------------------------------------

LEVELS = ("company", "workshop", "team")
LEVEL_LABELS = {"company": "厂（矿）级", "workshop": "车间（工段、区、队）级", "team": "班组级"}
LEVEL_SHORT_LABELS = {"company": "厂（矿）级", "workshop": "车间级", "team": "班组级"}
REDO_LEVELS = ("workshop", "team")

POST_CHANGE = "post_change"
RETURN = "return"


def _events(
    post_changes: Iterable[datetime.date],
    absences: Iterable[tuple[datetime.date, datetime.date | None]],
    on: datetime.date,
) -> list[tuple[datetime.date, str]]:
    out = []
    for d in post_changes:
        d = _as_date(d)
        if d <= on:
            out.append((d, POST_CHANGE))
    for left_on, returned_on in absences:
        left_on = _as_date(left_on)
        if returned_on is None:
            continue  # still away
        returned_on = _as_date(returned_on)
        if returned_on < left_on:
            raise ValueError(f"absence returned {returned_on.isoformat()} before it began {left_on.isoformat()}")
        if returned_on <= on and returned_on >= add_years(left_on, 1):
            out.append((returned_on, RETURN))
    return out


def _latest_event(post_changes, absences, on) -> tuple[datetime.date, str] | None:
    events = _events(post_changes, absences, _as_date(on))
    if not events:
        return None
    latest = max(d for d, _ in events)
    kinds = {k for d, k in events if d == latest}
    return latest, POST_CHANGE if POST_CHANGE in kinds else RETURN


def relevel_since(
    *,
    post_changes: Iterable[datetime.date],
    absences: Iterable[tuple[datetime.date, datetime.date | None]],
    on: datetime.date,
) -> datetime.date | None:
    """第十七条: the date from which workshop and team training must be dated, or None.

    The latest of: a post change on or before ``on``; the return date of an absence ``(left_on, returned_on)`` of
    at least one calendar year (``returned_on >= add_years(left_on, 1)``) that ended on or before ``on``. An absence
    with ``returned_on=None`` (still away) does not count.
    """
    latest = _latest_event(post_changes, absences, on)
    return latest[0] if latest else None


# --- annual and initial due dates -----------------------------------------------------------------------------


def annual_year_due(*, started_on: datetime.date, on: datetime.date) -> int | None:
    """The last complete calendar year the person owes annual retraining for (``on.year - 1``), or None when the
    person started on or after 1 January of that year (:data:`ANNUAL_YEAR_RULE`)."""
    started_on, on = _as_date(started_on), _as_date(on)
    year = on.year - 1
    return year if started_on < datetime.date(year, 1, 1) else None


def initial_due(
    person_kind: str, *, sectors: Iterable[str], metal_smelting: bool, started_on: datetime.date
) -> datetime.date:
    """The last day on which initial training may still be completed without a finding (:data:`INITIAL_DUE_RULE`):
    the day before ``started_on``, or ``add_months(started_on, 6)`` for non-high-risk principals / safety managers."""
    _person_kind(person_kind)
    started_on = _as_date(started_on)
    if person_kind != EMPLOYEE and not is_high_risk(sectors, metal_smelting=metal_smelting):
        return add_months(started_on, PRINCIPAL_TRAINING_WITHIN_MONTHS)
    return started_on - datetime.timedelta(days=1)


# --- verdict -----------------------------------------------------------------------------------------------------

REASON_CODES = ("missing_level", "relevel_required", "initial_hours_short", "annual_hours_short")
NOTE_CODES = ("initial_pending",)


@dataclass(frozen=True)
class Reason:
    """One finding (or note) of :func:`assess`: a stable code and a Chinese message; ``basis`` cites the rule."""

    code: str
    message: str
    basis: str = ""


def _hours(value, name: str) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError(f"{name} 应为 Decimal 或 int（学时），实际为 {value!r}")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} 应为非负有限数值，实际为 {value!r}")
    return value


def format_hours(value: Decimal) -> str:
    """``Decimal("24.0")`` → ``"24"``, ``Decimal("23.50")`` → ``"23.5"``."""
    value = Decimal(value)
    text = format(value.normalize(), "f") if value else "0"
    return text


@dataclass(frozen=True)
class TrainingFacts:
    """What :func:`assess` needs about one person on date ``on``.

    ``level_dates``: dates of passed three-level sessions per level (keys from :data:`LEVELS`). ``initial_hours``:
    hours of passed pre-job / initial training (employees: the three-level hours). ``annual_hours``: passed
    retraining hours per calendar year. ``absences``: ``(left_on, returned_on or None)``. ``three_levels``: whether
    第十二条 three-level training applies (employees of production units; default True).
    """

    person_kind: str
    sectors: frozenset[str]
    metal_smelting: bool
    started_on: datetime.date
    on: datetime.date
    level_dates: Mapping[str, list[datetime.date]] = field(default_factory=dict)
    initial_hours: Decimal = Decimal(0)
    annual_hours: Mapping[int, Decimal] = field(default_factory=dict)
    post_changes: tuple[datetime.date, ...] = ()
    absences: tuple[tuple[datetime.date, datetime.date | None], ...] = ()
    three_levels: bool = True

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        _person_kind(self.person_kind)
        set_(self, "sectors", _sectors(self.sectors))
        set_(self, "metal_smelting", bool(self.metal_smelting))
        set_(self, "started_on", _as_date(self.started_on))
        set_(self, "on", _as_date(self.on))
        levels = {}
        for level, dates in dict(self.level_dates).items():
            if level not in LEVELS:
                raise ValueError(f"培训级别应为 {LEVELS} 之一，实际为 {level!r}")
            levels[level] = tuple(sorted(_as_date(d) for d in dates))
        set_(self, "level_dates", levels)
        set_(self, "initial_hours", _hours(self.initial_hours, "initial_hours"))
        annual = {}
        for year, hours in dict(self.annual_hours).items():
            if isinstance(year, bool) or not isinstance(year, int):
                raise ValueError(f"annual_hours 的键应为年份（int），实际为 {year!r}")
            annual[year] = _hours(hours, f"annual_hours[{year}]")
        set_(self, "annual_hours", annual)
        set_(self, "post_changes", tuple(_as_date(d) for d in self.post_changes))
        absences = []
        for left_on, returned_on in self.absences:
            absences.append((_as_date(left_on), None if returned_on is None else _as_date(returned_on)))
        set_(self, "absences", tuple(absences))
        set_(self, "three_levels", bool(self.three_levels))


@dataclass(frozen=True)
class TrainingVerdict:
    """``ok`` when ``reasons`` is empty. ``notes`` are not findings (e.g. initial training still within its period)."""

    ok: bool
    reasons: tuple[Reason, ...]
    rule: HoursRule
    relevel_since: datetime.date | None
    notes: tuple[Reason, ...] = ()
    initial_due: datetime.date | None = None
    annual_year: int | None = None
    annual_rule: HoursRule | None = None

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(r.message for r in self.reasons)


def _levels_text(levels: Iterable[str]) -> str:
    return "、".join(LEVEL_SHORT_LABELS[lv] for lv in levels)


def assess(facts: TrainingFacts) -> TrainingVerdict:
    """The training verdict for one person on ``facts.on`` (see the module docstring)."""
    on = facts.on
    kind = facts.person_kind
    rule = hours_rule(kind, sectors=facts.sectors, metal_smelting=facts.metal_smelting, on=on)
    reasons: list[Reason] = []
    notes: list[Reason] = []

    since = None
    if kind == EMPLOYEE:
        latest = _latest_event(facts.post_changes, facts.absences, on)
        since = latest[0] if latest else None
        if facts.three_levels:
            passed = {lv: [d for d in facts.level_dates.get(lv, ()) if d <= on] for lv in LEVELS}
            missing = [lv for lv in LEVELS if not passed[lv]]
            if missing:
                reasons.append(
                    Reason("missing_level", f"缺少{_levels_text(missing)}安全培训", f"{LAW_TRAINING}第十二条")
                )
            if latest:
                stale = [lv for lv in REDO_LEVELS if passed[lv] and max(passed[lv]) < since]
                if stale:
                    what = "调整岗位" if latest[1] == POST_CHANGE else "离岗一年以上后重新上岗"
                    reasons.append(
                        Reason(
                            "relevel_required",
                            f"{since.isoformat()} {what}，须重新进行{_levels_text(stale)}安全培训"
                            f"（现有记录早于该日期）",
                            f"{LAW_TRAINING}第十七条",
                        )
                    )

    due = initial_due(kind, sectors=facts.sectors, metal_smelting=facts.metal_smelting, started_on=facts.started_on)
    if facts.initial_hours < rule.initial_hours:
        what = "岗前培训" if kind == EMPLOYEE else "初次安全培训"
        text = f"{what} {format_hours(facts.initial_hours)} 学时，不足 {format_hours(rule.initial_hours)} 学时"
        basis = rule.source.split("；")[0]
        if on > due:
            reasons.append(Reason("initial_hours_short", text, basis))
        else:
            notes.append(Reason("initial_pending", f"{text}，应于 {due.isoformat()} 前完成", basis))

    year = annual_year_due(started_on=facts.started_on, on=on)
    annual_rule = None
    if year is not None:
        annual_rule = hours_rule(
            kind, sectors=facts.sectors, metal_smelting=facts.metal_smelting, on=datetime.date(year, 12, 31)
        )
        need = annual_rule.annual_hours
        have = facts.annual_hours.get(year, Decimal(0))
        if need is not None and have < need:
            basis = (annual_rule.annual_source or annual_rule.source).split("；")[0]
            reasons.append(
                Reason(
                    "annual_hours_short",
                    f"{year} 年度再培训 {format_hours(have)} 学时，不足 {format_hours(need)} 学时",
                    basis,
                )
            )

    return TrainingVerdict(
        ok=not reasons,
        reasons=tuple(reasons),
        rule=rule,
        relevel_since=since,
        notes=tuple(notes),
        initial_due=due,
        annual_year=year,
        annual_rule=annual_rule,
    )


# --- self-check --------------------------------------------------------------------------------------------------


def _check_tables() -> None:
    codes = [r.code for r in HOURS_RULES] + [r.code for r in RULES]
    if len(codes) != len(set(codes)):
        raise ValueError("培训规则代码重复")
    for r in (*HOURS_RULES, *RULES):
        if r.status not in STATUSES:
            raise ValueError(f"{r.code}：核实状态无效 {r.status!r}")
        if not r.source or not r.note:
            raise ValueError(f"{r.code}：缺少来源或说明")
        if r.status == VERIFIED_PRIMARY and (not any(law in r.source for law in MIRRORED_LAWS) or "「" not in r.note):
            raise ValueError(f"{r.code}：VERIFIED-PRIMARY 须引用法规镜像中的条文并在说明中摘引原文")
    for r in HOURS_RULES:
        if r.person_kind not in PERSON_KINDS or r.risk_class not in RISK_CLASSES:
            raise ValueError(f"{r.code}：人员类别或风险类别无效")
        if r.annual_status and r.annual_status not in STATUSES:
            raise ValueError(f"{r.code}：年度学时核实状态无效")
        if r.effective_to is not None and r.effective_to < r.effective_from:
            raise ValueError(f"{r.code}：施行期间无效")
    # One row per (kind, class) in force on any date, and every kind has general and high-risk rows from 2006.
    for kind in PERSON_KINDS:
        for cls in RISK_CLASSES:
            rows = sorted(
                (r for r in HOURS_RULES if (r.person_kind, r.risk_class) == (kind, cls)), key=lambda r: r.effective_from
            )
            for a, b in zip(rows, rows[1:], strict=False):
                if a.effective_to is None or a.effective_to >= b.effective_from:
                    raise ValueError(f"{a.code} / {b.code}：施行期间重叠")
            if cls != CONSTRUCTION_CLASS and (not rows or rows[0].effective_from != TRAINING_FROM):
                raise ValueError(f"{kind}/{cls}：缺少自 {TRAINING_FROM} 起的学时规则")


_check_tables()
