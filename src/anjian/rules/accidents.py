"""生产安全事故 — grading, reporting chain, supplementary reports, investigation and reply deadlines, fines, types.

Rules of 《生产安全事故报告和调查处理条例》（国务院令第493号，2007-04-09 公布，2007-06-01 施行）, as data:

* :func:`classify` — 第三条: the grade is the highest grade reached by any one of deaths, serious injuries
  (包括急性工业中毒) and direct economic loss; 「以上」 includes the number, 「以下」 does not (第三条**第三款**).
  Missing persons (下落不明) are counted as deaths by default: that is the platform's setting
  (:data:`MISSING_AS_DEATHS_RULE`, UNVERIFIED), not the 条例's text.
* :data:`CHAIN`, :func:`report_levels`, :func:`transmission_deadline`, :func:`minutes_late`,
  :func:`same_level_notified` — 第九条 to 第十一条. The 2-hour limit per level is **第十一条** (not 第十条第二款);
  the report to the same-level people's government is **第十条第二款** (not 第十一条).
* :func:`supplement_deadline` — 第十三条第二款 (30 days; 7 for road traffic and fire accidents).
* :func:`investigating_level` — 第十九条 (第二十条 in the rows' notes).
* :func:`investigation_deadline` — 第二十九条 (60 days + at most 60); the technical-appraisal time is excluded by
  **第二十七条** (not 第二十八条, which is the investigators' discipline).
* :func:`reply_deadline` — 第三十二条第一款.
* :func:`unit_fine_range`, :func:`principal_fine_percent` — 《安全生产法》第一百一十四条 and 第九十五条, delegated to
  :mod:`anjian.rules.violations` (amounts are not restated here). The 条例's own amounts (第三十七条, 第三十八条)
  are superseded: 第四十三条第二款 「法律、行政法规对行政处罚的种类、幅度和决定机关另有规定的，依照其规定」.
* :data:`ACCIDENT_TYPES` (GB 6441-1986, VERIFIED-SECONDARY), :data:`FOUR_NOT_LET_GO` and :func:`closure_blockers`
  (VERIFIED-SECONDARY, a principle), :data:`LARGE_NEAR_MISS` (较大涉险事故, UNVERIFIED).

Counting periods (our convention, consistent with :mod:`anjian.rules.procedure`): 「自事故发生之日起N日内」 — the
day of the accident is not counted (期间开始的当日不计入), so the last day is the accident date + N days. The 条例
does not state the counting rule and the 民法典 is not in the mirror: the convention is UNVERIFIED
(:data:`DAY_COUNTING_STATUS`). Calendar days are not moved off weekends or holidays.

Hours: :func:`transmission_deadline` adds the step's limit to the moment the reporting level received the report
(「接到报告后」). 「立即」 has no fixed length: such steps have ``deadline_minutes=None`` and
:func:`transmission_deadline` refuses them.

Sources: ``/work/shared/domain/statutes/生产安全事故报告和调查处理条例(2007-04-09).md`` and
``安全生产法(2021-06-10).md`` (= ``LawRefBook/Laws``). VERIFIED-PRIMARY rows quote the mirror in 「」 (the 条例
mirror writes item numbers with half-width brackets, 「(一)」; citations here use the house form 第（一）项).
Post-2018 names: the 条例's 「安全生产监督管理部门」 is now the 应急管理部门 (机构改革; not in the mirror).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from anjian.rules import violations
from anjian.rules._dates import as_date as _as_date

__all__ = [
    "STATUSES",
    "LAW_TIAOLI",
    "LAW_AQSC",
    "MIRRORED_LAWS",
    "TIAOLI_FROM",
    "DAY_COUNTING_STATUS",
    "AccidentGrade",
    "GRADES",
    "GradeThreshold",
    "THRESHOLDS",
    "Rule",
    "MISSING_AS_DEATHS_RULE",
    "Grading",
    "classify",
    "LEVELS",
    "REPORT_LEVELS",
    "ChainStep",
    "CHAIN",
    "chain_step",
    "steps_for",
    "report_levels",
    "transmission_deadline",
    "minutes_late",
    "Notification",
    "NOTIFICATIONS",
    "NOTIFIED_LABELS",
    "same_level_notified",
    "SupplementWindow",
    "SUPPLEMENT_WINDOWS",
    "SUPPLEMENT_KINDS",
    "supplement_deadline",
    "in_supplement_window",
    "Investigator",
    "INVESTIGATORS",
    "INVESTIGATION_LEVEL_LABELS",
    "investigator",
    "investigating_level",
    "INVESTIGATION_DAYS",
    "INVESTIGATION_MAX_EXTENSION",
    "INVESTIGATION_RULE",
    "APPRAISAL_PAUSE_RULE",
    "investigation_deadline",
    "REPLY_DAYS",
    "REPLY_MAX_EXTENSION",
    "REPLY_RULE",
    "reply_deadline",
    "VIOLATION_GRADE",
    "UNIT_FINE_RULE",
    "PRINCIPAL_FINE_RULE",
    "unit_fine_range",
    "principal_fine_percent",
    "ACCIDENT_TYPES",
    "ACCIDENT_TYPES_RULE",
    "FOUR_NOT_LET_GO",
    "FOUR_NOT_LET_GO_RULE",
    "closure_blockers",
    "LARGE_NEAR_MISS",
    "LARGE_NEAR_MISS_ITEMS",
    "NEAR_MISS_REPORT_RULE",
    "NEAR_MISS_REPORT_TO_CHOICES",
    "near_miss_report_levels",
    "TARGET_WARNING_PERCENTS",
    "TARGET_WARNING_RULE",
    "TARGET_STATUSES",
    "TARGET_STATUS_LABELS",
    "target_percent",
    "target_thresholds_reached",
    "target_status",
    "ONE_VOTE_VETO_GRADES",
    "VETO_GRADES_RULE",
    "vetoes",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

LAW_TIAOLI = "《生产安全事故报告和调查处理条例》"
LAW_AQSC = "《中华人民共和国安全生产法》"
MIRROR = "/work/shared/domain/statutes/"
MIRRORED_LAWS = {
    LAW_TIAOLI: MIRROR + "生产安全事故报告和调查处理条例(2007-04-09).md",
    LAW_AQSC: MIRROR + "安全生产法(2021-06-10).md",
}

# 第四十六条 「本条例自2007年6月1日起施行。」 — VERIFIED-PRIMARY.
TIAOLI_FROM = datetime.date(2007, 6, 1)
# 「自……之日起N日内」: the day of the accident not counted — our convention (see the module docstring).
DAY_COUNTING_STATUS = UNVERIFIED

_T = LAW_TIAOLI


# --- grades ------------------------------------------------------------------------------------------------------


class AccidentGrade(str, Enum):  # noqa: UP042 — the issue asks for a str Enum (StrEnum changes str())
    """事故等级 (第三条第一款). The value is the stable code; :attr:`label` the 条例's name."""

    ORDINARY = "ordinary"
    LARGE = "large"
    SERIOUS = "serious"
    ESPECIALLY_SERIOUS = "especially_serious"

    @property
    def label(self) -> str:
        return _GRADE_LABELS[self]

    @property
    def rank(self) -> int:
        """0 (一般) … 3 (特别重大)."""
        return GRADES.index(self)

    def __str__(self) -> str:
        return self.value


GRADES = (
    AccidentGrade.ORDINARY,
    AccidentGrade.LARGE,
    AccidentGrade.SERIOUS,
    AccidentGrade.ESPECIALLY_SERIOUS,
)
_GRADE_LABELS = {
    AccidentGrade.ORDINARY: "一般事故",
    AccidentGrade.LARGE: "较大事故",
    AccidentGrade.SERIOUS: "重大事故",
    AccidentGrade.ESPECIALLY_SERIOUS: "特别重大事故",
}


def _grade(value: AccidentGrade | str) -> AccidentGrade:
    try:
        return AccidentGrade(value)
    except ValueError:
        raise ValueError(f"未知的事故等级：{value!r}；应为 {', '.join(g.value for g in GRADES)} 之一") from None


@dataclass(frozen=True)
class GradeThreshold:
    """One item of 第三条第一款: the floors (inclusive, 「以上」) of the grade on each dimension."""

    grade: AccidentGrade
    item: str  # 第（一）项 …
    deaths_min: int
    injuries_min: int
    loss_min_yuan: int
    deaths_text: str  # the 条例's words, e.g. 「10人以上30人以下死亡」
    injuries_text: str
    loss_text: str
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    note: str = ""


_BOUNDARY = "本条第一款所称的“以上”包括本数，所称的“以下”不包括本数。"
_OR = "三项以「或者」连接：任一项达到即构成该等级，取各项中最高的等级。"


def _threshold(grade, item, floors, texts, quote) -> GradeThreshold:
    return GradeThreshold(
        grade=grade,
        item=item,
        deaths_min=floors[0],
        injuries_min=floors[1],
        loss_min_yuan=floors[2],
        deaths_text=texts[0],
        injuries_text=texts[1],
        loss_text=texts[2],
        source=f"{_T}第三条第一款{item}、第三条第三款",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        note=f"「{quote}」；第三款「{_BOUNDARY}」{_OR}",
    )


THRESHOLDS: tuple[GradeThreshold, ...] = (
    _threshold(
        AccidentGrade.ESPECIALLY_SERIOUS,
        "第（一）项",
        (30, 100, 100_000_000),
        ("30人以上死亡", "100人以上重伤", "1亿元以上直接经济损失"),
        "特别重大事故，是指造成30人以上死亡，或者100人以上重伤(包括急性工业中毒，下同)，或者1亿元以上直接经济损失的事故",
    ),
    _threshold(
        AccidentGrade.SERIOUS,
        "第（二）项",
        (10, 50, 50_000_000),
        ("10人以上30人以下死亡", "50人以上100人以下重伤", "5000万元以上1亿元以下直接经济损失"),
        "重大事故，是指造成10人以上30人以下死亡，或者50人以上100人以下重伤，或者5000万元以上1亿元以下直接经济损失的事故",
    ),
    _threshold(
        AccidentGrade.LARGE,
        "第（三）项",
        (3, 10, 10_000_000),
        ("3人以上10人以下死亡", "10人以上50人以下重伤", "1000万元以上5000万元以下直接经济损失"),
        "较大事故，是指造成3人以上10人以下死亡，或者10人以上50人以下重伤，或者1000万元以上5000万元以下直接经济损失的事故",
    ),
    _threshold(
        AccidentGrade.ORDINARY,
        "第（四）项",
        (0, 0, 0),
        ("3人以下死亡", "10人以下重伤", "1000万元以下直接经济损失"),
        "一般事故，是指造成3人以下死亡，或者10人以下重伤，或者1000万元以下直接经济损失的事故",
    ),
)
_THRESHOLD_BY_GRADE = {t.grade: t for t in THRESHOLDS}


@dataclass(frozen=True)
class Rule:
    """A single rule or setting with its source (a convention, a principle, a list from a standard …)."""

    code: str
    title: str
    source: str
    status: str
    effective_from: datetime.date | None = None
    effective_to: datetime.date | None = None
    note: str = ""


MISSING_AS_DEATHS_RULE = Rule(
    code="missing_as_deaths",
    title="下落不明人员在定级时计入死亡人数（平台设置，默认计入）",
    source="本平台设置，参照《生产安全事故统计调查制度》（原文未核实）",
    status=UNVERIFIED,
    note="条例第三条只按死亡、重伤人数和直接经济损失定级，未规定下落不明人员如何计算；第十二条第（四）项只要求报告"
    "伤亡人数时「包括下落不明的人数」。下落不明计入死亡是统计制度的做法（regulations.md §1.1：仅见于公开代码注释，"
    "未核实），是本平台的约定而非条例条文。classify(missing_count_as_deaths=False) 可关闭。",
)


@dataclass(frozen=True)
class Grading:
    """The result of :func:`classify`: the grade, one reason per dimension that reached it, and the inputs."""

    grade: AccidentGrade
    reasons: tuple[str, ...]
    deaths_counted: int  # deaths + missing when missing persons are counted
    missing_counted: int  # missing persons counted as deaths (0 when not counted)
    deaths: int
    serious_injuries: int
    direct_loss_yuan: int | Decimal
    missing: int
    missing_count_as_deaths: bool
    dimension_grades: tuple[tuple[str, AccidentGrade], ...]  # ("deaths" | "serious_injuries" | "direct_loss", grade)

    @property
    def label(self) -> str:
        return self.grade.label


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}应为非负整数，实际为 {value!r}")
    return value


def _loss(value: int | Decimal) -> int | Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError(f"直接经济损失 direct_loss_yuan 应为 int 或 Decimal（元），实际为 {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"直接经济损失 direct_loss_yuan 应为有限数值，实际为 {value!r}")
    if value < 0:
        raise ValueError(f"直接经济损失 direct_loss_yuan 不能为负数，实际为 {value!r}")
    return value


def _money(value: int | Decimal) -> str:
    if value == int(value):
        n = int(value)
        return violations.yuan(n) if n >= 10_000 and n % 10_000 == 0 else f"{n}元"
    return f"{value}元"


def _dimension_grade(value: int | Decimal, attr: str) -> AccidentGrade:
    for t in THRESHOLDS:  # highest grade first
        if value >= getattr(t, attr):
            return t.grade
    raise AssertionError("unreachable: the 一般事故 floors are 0")


def classify(
    *,
    deaths: int,
    serious_injuries: int,
    direct_loss_yuan: int | Decimal,
    missing: int = 0,
    missing_count_as_deaths: bool = True,
) -> Grading:
    """第三条: the accident grade from the casualties and the direct economic loss (元).

    ``serious_injuries`` includes acute industrial poisoning (急性工业中毒). ``missing`` persons are added to the deaths
    when ``missing_count_as_deaths`` (the platform's setting, :data:`MISSING_AS_DEATHS_RULE`). Counts must be
    non-negative ints (not bools); the loss an int or finite Decimal ≥ 0 (floats are refused: a boundary such as
    10,000,000 元 must compare exactly). Zero casualties and zero loss give 一般事故 (whether it is an accident under
    第二条 at all is the caller's finding).
    """
    deaths = _count(deaths, "死亡人数 deaths")
    serious_injuries = _count(serious_injuries, "重伤人数 serious_injuries")
    missing = _count(missing, "下落不明人数 missing")
    direct_loss_yuan = _loss(direct_loss_yuan)
    if not isinstance(missing_count_as_deaths, bool):
        raise ValueError(f"missing_count_as_deaths 应为 True 或 False，实际为 {missing_count_as_deaths!r}")
    missing_counted = missing if missing_count_as_deaths else 0
    deaths_counted = deaths + missing_counted

    dims = (
        ("deaths", _dimension_grade(deaths_counted, "deaths_min")),
        ("serious_injuries", _dimension_grade(serious_injuries, "injuries_min")),
        ("direct_loss", _dimension_grade(direct_loss_yuan, "loss_min_yuan")),
    )
    grade = max((g for _, g in dims), key=lambda g: g.rank)
    t = _THRESHOLD_BY_GRADE[grade]
    cite = f"{_T}第三条第一款{t.item}"
    verb = "属于" if grade is AccidentGrade.ORDINARY else "达到"
    reasons = []
    for name, g in dims:
        if g is not grade:
            continue
        if name == "deaths":
            extra = f"（含下落不明{missing_counted}人，按本平台设置计入死亡）" if missing_counted else ""
            what, std = f"死亡{deaths_counted}人{extra}", t.deaths_text
        elif name == "serious_injuries":
            what, std = f"重伤（包括急性工业中毒）{serious_injuries}人", t.injuries_text
        else:
            what, std = f"直接经济损失{_money(direct_loss_yuan)}", t.loss_text
        reasons.append(f"{what}，{verb}{grade.label}标准（{std}）——{cite}。")
    return Grading(
        grade=grade,
        reasons=tuple(reasons),
        deaths_counted=deaths_counted,
        missing_counted=missing_counted,
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss_yuan=direct_loss_yuan,
        missing=missing,
        missing_count_as_deaths=missing_count_as_deaths,
        dimension_grades=dims,
    )


# --- reporting chain (第九条 — 第十一条) ----------------------------------------------------------------------------

_DEPT = "安全生产监督管理部门（现应急管理部门）和负有安全生产监督管理职责的有关部门"
LEVELS = {
    "site": "事故现场有关人员",
    "unit": "事故发生单位负责人",
    "county": f"事故发生地县级人民政府{_DEPT}",
    "city": f"设区的市级人民政府{_DEPT}",
    "province": f"省、自治区、直辖市人民政府{_DEPT}",
    "state_council": f"国务院{_DEPT}",
    "state_council_government": "国务院",
}
# The department levels a report climbs (report_levels() returns a prefix of this).
REPORT_LEVELS = ("county", "city", "province", "state_council")

_ALL = frozenset(GRADES)
_LARGE_UP = frozenset({AccidentGrade.LARGE, AccidentGrade.SERIOUS, AccidentGrade.ESPECIALLY_SERIOUS})
_SERIOUS_UP = frozenset({AccidentGrade.SERIOUS, AccidentGrade.ESPECIALLY_SERIOUS})


@dataclass(frozen=True)
class ChainStep:
    """One hop of the report: ``from_level`` must report to ``to_level`` within ``deadline_minutes`` of receiving it.

    ``deadline_minutes=None`` is 「立即」 (no fixed length). ``optional`` steps are permitted, not required
    (第九条第二款 情况紧急时的直接报告).
    """

    code: str
    from_level: str
    to_level: str
    deadline_minutes: int | None
    grades: frozenset[AccidentGrade]
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    note: str = ""
    optional: bool = False

    @property
    def immediate(self) -> bool:
        return self.deadline_minutes is None

    @property
    def deadline(self) -> datetime.timedelta | None:
        return None if self.deadline_minutes is None else datetime.timedelta(minutes=self.deadline_minutes)

    @property
    def text(self) -> str:
        """e.g. 「事故发生单位负责人 → 事故发生地县级人民政府…：接到报告后1小时内」."""
        if self.deadline_minutes is None:
            when = "立即"
        elif self.deadline_minutes % 60 == 0:
            when = f"接到报告后{self.deadline_minutes // 60}小时内"
        else:
            when = f"接到报告后{self.deadline_minutes}分钟内"
        return f"{LEVELS[self.from_level]} → {LEVELS[self.to_level]}：{when}"


_PER_LEVEL = "安全生产监督管理部门和负有安全生产监督管理职责的有关部门逐级上报事故情况，每级上报的时间不得超过2小时"

CHAIN: tuple[ChainStep, ...] = (
    ChainStep(
        code="site_to_unit",
        from_level="site",
        to_level="unit",
        deadline_minutes=None,
        grades=_ALL,
        source=f"{_T}第九条第一款；{LAW_AQSC}第八十三条第一款",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        note="条例「事故发生后，事故现场有关人员应当立即向本单位负责人报告」；安全生产法「事故现场有关人员应当立即报告"
        "本单位负责人」。立即，无固定时限。",
    ),
    ChainStep(
        code="site_to_county_urgent",
        from_level="site",
        to_level="county",
        deadline_minutes=None,
        grades=_ALL,
        source=f"{_T}第九条第二款",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        optional=True,
        note="「情况紧急时，事故现场有关人员可以直接向事故发生地县级以上人民政府安全生产监督管理部门和负有安全生产监督管理"
        "职责的有关部门报告」。可以而非应当：不计入必经环节，条例未规定时限。",
    ),
    ChainStep(
        code="unit_to_county",
        from_level="unit",
        to_level="county",
        deadline_minutes=60,
        grades=_ALL,
        source=f"{_T}第九条第一款；{LAW_AQSC}第八十三条第二款",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        note="条例「单位负责人接到报告后，应当于1小时内向事故发生地县级以上人民政府安全生产监督管理部门和负有安全生产监督管理"
        "职责的有关部门报告」；安全生产法要求「立即如实报告当地负有安全生产监督管理职责的部门」，1小时为最迟时限。"
        "「县级以上」：本表以县级为第一级。",
    ),
    ChainStep(
        code="county_to_city",
        from_level="county",
        to_level="city",
        deadline_minutes=120,
        grades=_ALL,
        source=f"{_T}第十条第一款第（三）项、第十一条",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        note="「一般事故上报至设区的市级人民政府安全生产监督管理部门和负有安全生产监督管理职责的有关部门」；"
        f"第十一条「{_PER_LEVEL}」。较大以上事故同样经过此级（第（一）项、第（二）项「逐级上报」）。"
        "第十条第三款「必要时，安全生产监督管理部门和负有安全生产监督管理职责的有关部门可以越级上报事故情况」。",
    ),
    ChainStep(
        code="city_to_province",
        from_level="city",
        to_level="province",
        deadline_minutes=120,
        grades=_LARGE_UP,
        source=f"{_T}第十条第一款第（二）项、第十一条",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        note="「较大事故逐级上报至省、自治区、直辖市人民政府安全生产监督管理部门和负有安全生产监督管理职责的有关部门」；"
        f"第十一条「{_PER_LEVEL}」。",
    ),
    ChainStep(
        code="province_to_state_council",
        from_level="province",
        to_level="state_council",
        deadline_minutes=120,
        grades=_SERIOUS_UP,
        source=f"{_T}第十条第一款第（一）项、第十一条",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        note="「特别重大事故、重大事故逐级上报至国务院安全生产监督管理部门和负有安全生产监督管理职责的有关部门」；"
        f"第十一条「{_PER_LEVEL}」。",
    ),
    ChainStep(
        code="to_state_council_government",
        from_level="state_council",
        to_level="state_council_government",
        deadline_minutes=None,
        grades=_SERIOUS_UP,
        source=f"{_T}第十条第二款",
        status=VERIFIED_PRIMARY,
        effective_from=TIAOLI_FROM,
        note="「国务院安全生产监督管理部门和负有安全生产监督管理职责的有关部门以及省级人民政府接到发生特别重大事故、重大事故的"
        "报告后，应当立即报告国务院」。省级人民政府同样立即报告国务院（本表只列部门一行）。",
    ),
)
_STEP_BY_CODE = {s.code: s for s in CHAIN}


def chain_step(code: str | ChainStep) -> ChainStep:
    """The chain step with this code (or the step itself); KeyError for an unknown code."""
    if isinstance(code, ChainStep):
        return code
    try:
        return _STEP_BY_CODE[code]
    except (KeyError, TypeError):
        raise KeyError(f"未知的上报环节代码：{code!r}；可用：{', '.join(_STEP_BY_CODE)}") from None


def steps_for(grade: AccidentGrade | str, *, include_optional: bool = False) -> tuple[ChainStep, ...]:
    """The steps a report of this grade must go through, in order (optional steps only on request)."""
    g = _grade(grade)
    return tuple(s for s in CHAIN if g in s.grades and (include_optional or not s.optional))


def report_levels(grade: AccidentGrade | str) -> tuple[str, ...]:
    """第十条第一款: the department levels the report must reach, from "county" up (codes of :data:`LEVELS`).

    一般 → county, city; 较大 → … province; 重大、特别重大 → … state_council. (The report to 国务院 itself,
    第十条第二款, is the step ``to_state_council_government``.)
    """
    return tuple(s.to_level for s in steps_for(grade) if s.to_level in REPORT_LEVELS)


def _moment(value: datetime.datetime, name: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise ValueError(f"{name}应为 datetime（含时刻），实际为 {value!r}")
    return value


def transmission_deadline(received_at: datetime.datetime, *, step: str | ChainStep) -> datetime.datetime:
    """The latest moment the level that received the report at ``received_at`` must pass it on along ``step``.

    1 hour for the unit principal (第九条), 2 hours per department level (第十一条). Steps that are 「立即」 have no
    fixed length and raise ValueError. The result has the same tzinfo as ``received_at``.
    """
    s = chain_step(step)
    received_at = _moment(received_at, "接报时间 received_at")
    if s.deadline is None:
        raise ValueError(f"「{s.text}」为立即报告，条例未规定具体时限（{s.source}）")
    try:
        return received_at + s.deadline
    except OverflowError:
        raise ValueError("日期超出可计算范围") from None


def minutes_late(due: datetime.datetime, done: datetime.datetime) -> int:
    """Whole minutes ``done`` is after ``due``, a part minute counting as a whole one; 0 when on time."""
    due, done = _moment(due, "时限 due"), _moment(done, "完成时间 done")
    if (due.tzinfo is None) != (done.tzinfo is None):
        raise ValueError("due 与 done 须同为带时区或同为不带时区的 datetime")
    late = (done - due).total_seconds()
    return 0 if late <= 0 else math.ceil(late / 60)


@dataclass(frozen=True)
class Notification:
    """Who a receiving department notifies (or reports to) at its own level."""

    code: str
    label: str
    source: str
    status: str
    effective_from: datetime.date
    note: str = ""


_N1 = "应当依照下列规定上报事故情况，并通知公安机关、劳动保障行政部门、工会和人民检察院"
NOTIFICATIONS: tuple[Notification, ...] = (
    *(
        Notification(
            code,
            label,
            f"{_T}第十条第一款",
            VERIFIED_PRIMARY,
            TIAOLI_FROM,
            f"「{_N1}」" + extra,
        )
        for code, label, extra in (
            ("public_security", "公安机关", ""),
            ("labour", "劳动保障行政部门", "（现人力资源社会保障行政部门，机构名称变化不在镜像中）"),
            ("trade_union", "工会", ""),
            ("procuratorate", "人民检察院", ""),
        )
    ),
    Notification(
        "government",
        "本级人民政府",
        f"{_T}第十条第二款",
        VERIFIED_PRIMARY,
        TIAOLI_FROM,
        "「安全生产监督管理部门和负有安全生产监督管理职责的有关部门依照前款规定上报事故情况，应当同时报告本级人民政府。」"
        "为报告而非通知；规定在第十条第二款（不是第十一条）。",
    ),
)
NOTIFIED_LABELS = {n.code: n.label for n in NOTIFICATIONS}


def same_level_notified(grade: AccidentGrade | str) -> tuple[str, ...]:
    """第十条: codes (labels in :data:`NOTIFIED_LABELS`) each receiving department notifies at its own level.

    The same for every grade; the grade is validated. 重大、特别重大 additionally go to 国务院 (chain step
    ``to_state_council_government``).
    """
    _grade(grade)
    return tuple(n.code for n in NOTIFICATIONS)


# --- supplementary reports (第十三条) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplementWindow:
    kind: str
    label: str
    days: int
    source: str
    status: str
    effective_from: datetime.date
    note: str = ""


_S13 = (
    "自事故发生之日起30日内，事故造成的伤亡人数发生变化的，应当及时补报。道路交通事故、火灾事故自发生之日起7日内，"
    "事故造成的伤亡人数发生变化的，应当及时补报。"
)
SUPPLEMENT_WINDOWS: tuple[SupplementWindow, ...] = tuple(
    SupplementWindow(
        kind,
        label,
        days,
        f"{_T}第十三条第二款",
        VERIFIED_PRIMARY,
        TIAOLI_FROM,
        f"「{_S13}」第一款「事故报告后出现新情况的，应当及时补报。」（无期限）。期间从事故发生次日起算（本平台约定，"
        "见模块说明）。第二十条第二款：同一期限内伤亡人数变化导致等级变化、应由上级人民政府调查的，上级人民政府可以另行组织"
        "事故调查组。",
    )
    for kind, label, days in (("general", "一般情形", 30), ("road_traffic", "道路交通事故", 7), ("fire", "火灾事故", 7))
)
_WINDOW_BY_KIND = {w.kind: w for w in SUPPLEMENT_WINDOWS}
SUPPLEMENT_KINDS = tuple(_WINDOW_BY_KIND)


def _window(kind: str) -> SupplementWindow:
    try:
        return _WINDOW_BY_KIND[kind]
    except (KeyError, TypeError):
        raise ValueError(f"补报类型 kind 应为 {SUPPLEMENT_KINDS} 之一，实际为 {kind!r}") from None


def _occurred(value: datetime.date, name: str) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time.min)
    raise ValueError(f"{name}应为 datetime 或 date，实际为 {value!r}")


def supplement_deadline(occurred_at: datetime.datetime, *, kind: str = "general") -> datetime.datetime:
    """第十三条第二款: the last moment (23:59:59.999999 of the last day, tzinfo kept) a casualty change must be
    reported as a 补报 — 30 days after the accident day, 7 for ``kind`` "road_traffic" or "fire"."""
    w = _window(kind)
    occurred_at = _occurred(occurred_at, "事故发生时间 occurred_at")
    try:
        last_day = occurred_at.date() + datetime.timedelta(days=w.days)
    except OverflowError:
        raise ValueError("日期超出可计算范围") from None
    return datetime.datetime.combine(last_day, datetime.time.max, tzinfo=occurred_at.tzinfo)


def in_supplement_window(
    occurred_at: datetime.datetime, changed_at: datetime.datetime, *, kind: str = "general"
) -> bool:
    """True if a casualty change at ``changed_at`` falls inside the 第十三条 window (so must be 补报 and re-graded)."""
    start = _occurred(occurred_at, "事故发生时间 occurred_at")
    changed_at = _occurred(changed_at, "伤亡变化时间 changed_at")
    if (start.tzinfo is None) != (changed_at.tzinfo is None):
        raise ValueError("occurred_at 与 changed_at 须同为带时区或同为不带时区")
    return start <= changed_at <= supplement_deadline(start, kind=kind)


# --- investigation (第十九条 — 第二十九条) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Investigator:
    grade: AccidentGrade
    level: str  # "state_council" | "province" | "city" | "county"
    label: str
    source: str
    status: str
    effective_from: datetime.date
    note: str = ""


INVESTIGATION_LEVEL_LABELS = {
    "state_council": "国务院或者国务院授权有关部门",
    "province": "事故发生地省级人民政府",
    "city": "事故发生地设区的市级人民政府",
    "county": "事故发生地县级人民政府",
}
_S20 = "第二十条「上级人民政府认为必要时，可以调查由下级人民政府负责调查的事故。」"
_S19_2 = (
    "「省级人民政府、设区的市级人民政府、县级人民政府可以直接组织事故调查组进行调查，也可以授权或者委托有关部门组织事故"
    "调查组进行调查。」"
)
INVESTIGATORS: tuple[Investigator, ...] = (
    Investigator(
        AccidentGrade.ESPECIALLY_SERIOUS,
        "state_council",
        INVESTIGATION_LEVEL_LABELS["state_council"],
        f"{_T}第十九条第一款、第二十条",
        VERIFIED_PRIMARY,
        TIAOLI_FROM,
        f"「特别重大事故由国务院或者国务院授权有关部门组织事故调查组进行调查。」{_S20}",
    ),
    *(
        Investigator(
            grade,
            level,
            INVESTIGATION_LEVEL_LABELS[level],
            f"{_T}第十九条第二款{extra_src}、第二十条、第二十一条",
            VERIFIED_PRIMARY,
            TIAOLI_FROM,
            "「重大事故、较大事故、一般事故分别由事故发生地省级人民政府、设区的市级人民政府、县级人民政府负责调查。」"
            f"{_S19_2}{extra}{_S20}第二十一条：事故发生地与事故发生单位不在同一行政区域的，「由事故发生地人民政府负责调查，"
            "事故发生单位所在地人民政府应当派人参加」。",
        )
        for grade, level, extra_src, extra in (
            (AccidentGrade.SERIOUS, "province", "", ""),
            (AccidentGrade.LARGE, "city", "", ""),
            (
                AccidentGrade.ORDINARY,
                "county",
                "、第十九条第三款",
                "第三款「未造成人员伤亡的一般事故，县级人民政府也可以委托事故发生单位组织事故调查组进行调查。」",
            ),
        )
    ),
)
_INVESTIGATOR_BY_GRADE = {i.grade: i for i in INVESTIGATORS}


def investigator(grade: AccidentGrade | str) -> Investigator:
    return _INVESTIGATOR_BY_GRADE[_grade(grade)]


def investigating_level(grade: AccidentGrade | str) -> str:
    """第十九条: the level of government responsible for the investigation ("state_council" … "county").

    Labels in :data:`INVESTIGATION_LEVEL_LABELS`. A higher government may take it over (第二十条, in the row's note).
    """
    return investigator(grade).level


INVESTIGATION_DAYS = 60
INVESTIGATION_MAX_EXTENSION = 60
INVESTIGATION_RULE = Rule(
    code="investigation_period",
    title="提交事故调查报告的期限",
    source=f"{_T}第二十九条",
    status=VERIFIED_PRIMARY,
    effective_from=TIAOLI_FROM,
    note="「事故调查组应当自事故发生之日起60日内提交事故调查报告；特殊情况下，经负责事故调查的人民政府批准，提交事故调查"
    "报告的期限可以适当延长，但延长的期限最长不超过60日。」条文未限定延长次数，只限定延长期限合计不超过60日。",
)
APPRAISAL_PAUSE_RULE = Rule(
    code="appraisal_pause",
    title="技术鉴定时间不计入调查期限",
    source=f"{_T}第二十七条",
    status=VERIFIED_PRIMARY,
    effective_from=TIAOLI_FROM,
    note="「技术鉴定所需时间不计入事故调查期限。」（在第二十七条，不是第二十八条；第二十八条是调查组成员的纪律。）",
)


def _days(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}应为非负整数（日），实际为 {value!r}")
    return value


def _plus(day: datetime.date, days: int) -> datetime.date:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        raise ValueError("日期超出可计算范围") from None


def investigation_deadline(
    occurred_at: datetime.date, *, extended_days: int = 0, paused_days: int = 0
) -> datetime.date:
    """第二十九条: the last day to submit the investigation report.

    60 days after the accident day, plus ``extended_days`` (approved extension, at most 60 in all) and
    ``paused_days`` (days of technical appraisal, not counted — 第二十七条). Negative values or an extension over
    60 days raise ValueError. A datetime is taken as its date.
    """
    try:
        start = _as_date(occurred_at)
    except ValueError:
        raise ValueError(f"事故发生日期 occurred_at 应为 date，实际为 {occurred_at!r}") from None
    extended_days = _days(extended_days, "延长期限 extended_days")
    paused_days = _days(paused_days, "技术鉴定时间 paused_days")
    if extended_days > INVESTIGATION_MAX_EXTENSION:
        raise ValueError(
            f"调查期限延长最长不超过{INVESTIGATION_MAX_EXTENSION}日（{INVESTIGATION_RULE.source}），"
            f"实际为 {extended_days} 日"
        )
    return _plus(start, INVESTIGATION_DAYS + extended_days + paused_days)


# --- reply (第三十二条) ---------------------------------------------------------------------------------------------

REPLY_DAYS = {
    AccidentGrade.ORDINARY: 15,
    AccidentGrade.LARGE: 15,
    AccidentGrade.SERIOUS: 15,
    AccidentGrade.ESPECIALLY_SERIOUS: 30,
}
REPLY_MAX_EXTENSION = {
    AccidentGrade.ORDINARY: 0,
    AccidentGrade.LARGE: 0,
    AccidentGrade.SERIOUS: 0,
    AccidentGrade.ESPECIALLY_SERIOUS: 30,
}
REPLY_RULE = Rule(
    code="reply_period",
    title="负责事故调查的人民政府批复事故调查报告的期限",
    source=f"{_T}第三十二条第一款",
    status=VERIFIED_PRIMARY,
    effective_from=TIAOLI_FROM,
    note="「重大事故、较大事故、一般事故，负责事故调查的人民政府应当自收到事故调查报告之日起15日内做出批复；特别重大事故，"
    "30日内做出批复，特殊情况下，批复时间可以适当延长，但延长的时间最长不超过30日。」延长只适用于特别重大事故。",
)


def reply_deadline(
    grade: AccidentGrade | str, report_received: datetime.date, *, extended_days: int = 0
) -> datetime.date:
    """第三十二条: the last day for the 批复 — 15 days after receiving the report (重大、较大、一般), 30 days for
    特别重大, which alone may be extended by at most 30 days (``extended_days``)."""
    g = _grade(grade)
    try:
        received = _as_date(report_received)
    except ValueError:
        raise ValueError(f"收到调查报告日期 report_received 应为 date，实际为 {report_received!r}") from None
    extended_days = _days(extended_days, "延长期限 extended_days")
    limit = REPLY_MAX_EXTENSION[g]
    if extended_days > limit:
        if limit == 0:
            raise ValueError(f"{g.label}的批复期限不得延长（{REPLY_RULE.source}只允许特别重大事故延长）")
        raise ValueError(
            f"{g.label}的批复期限延长最长不超过{limit}日（{REPLY_RULE.source}），实际为 {extended_days} 日"
        )
    return _plus(received, REPLY_DAYS[g] + extended_days)


# --- fines (安全生产法 第九十五条, 第一百一十四条 via anjian.rules.violations) -------------------------------------

VIOLATION_GRADE = {
    AccidentGrade.ORDINARY: "general",
    AccidentGrade.LARGE: "larger",
    AccidentGrade.SERIOUS: "major",
    AccidentGrade.ESPECIALLY_SERIOUS: "especially_major",
}
_SUPERSEDED = (
    "条例第三十七条、第三十八条的罚款数额已被安全生产法（2021）的数额取代：条例第四十三条第二款"
    "「法律、行政法规对行政处罚的种类、幅度和决定机关另有规定的，依照其规定。」"
    "数额见 anjian.rules.violations，不在此重复。"
)
UNIT_FINE_RULE = Rule(
    code="unit_fine",
    title="对事故发生负有责任的生产经营单位的罚款",
    source=f"{LAW_AQSC}第一百一十四条；{_T}第四十三条第二款",
    status=VERIFIED_PRIMARY,
    effective_from=violations.EFFECTIVE_FROM,
    note="安全生产法「发生生产安全事故，对负有责任的生产经营单位除要求其依法承担相应的赔偿等责任外，由应急管理部门依照下列"
    "规定处以罚款」；第二款「情节特别严重、影响特别恶劣的，应急管理部门可以按照前款罚款数额的二倍以上五倍以下对负有责任的"
    f"生产经营单位处以罚款」。{_SUPERSEDED}施行日期2021-09-01未在镜像中核实（violations.EFFECTIVE_FROM_STATUS）。",
)
PRINCIPAL_FINE_RULE = Rule(
    code="principal_fine",
    title="对未履行安全生产管理职责导致事故的主要负责人的罚款（上一年年收入的百分比）",
    source=f"{LAW_AQSC}第九十五条；{_T}第四十三条第二款",
    status=VERIFIED_PRIMARY,
    effective_from=violations.EFFECTIVE_FROM,
    note="安全生产法「生产经营单位的主要负责人未履行本法规定的安全生产管理职责，导致发生生产安全事故的，由应急管理部门依照"
    f"下列规定处以罚款」。{_SUPERSEDED}",
)


def unit_fine_range(grade: AccidentGrade | str, *, aggravated: bool = False) -> tuple[int, int]:
    """安全生产法 第一百一十四条: the unit's fine range in 元 (inclusive), via ``violations.accident_fine_range``."""
    if not isinstance(aggravated, bool):
        raise ValueError(f"aggravated 应为 True 或 False，实际为 {aggravated!r}")
    return violations.accident_fine_range(VIOLATION_GRADE[_grade(grade)], aggravated=aggravated)


def principal_fine_percent(grade: AccidentGrade | str) -> int:
    """安全生产法 第九十五条: the principal's fine, % of 上一年年收入 (``violations.PRINCIPAL_ACCIDENT_PERCENT``)."""
    return violations.PRINCIPAL_ACCIDENT_PERCENT[VIOLATION_GRADE[_grade(grade)]]


# --- GB 6441-1986 accident types -----------------------------------------------------------------------------------

ACCIDENT_TYPES = {
    "01": "物体打击",
    "02": "车辆伤害",
    "03": "机械伤害",
    "04": "起重伤害",
    "05": "触电",
    "06": "淹溺",
    "07": "灼烫",
    "08": "火灾",
    "09": "高处坠落",
    "10": "坍塌",
    "11": "冒顶片帮",
    "12": "透水",
    "13": "放炮",
    "14": "火药爆炸",
    "15": "瓦斯爆炸",
    "16": "锅炉爆炸",
    "17": "容器爆炸",
    "18": "其它爆炸",
    "19": "中毒和窒息",
    "20": "其它伤害",
}
ACCIDENT_TYPES_RULE = Rule(
    code="gb6441_types",
    title="GB 6441-1986《企业职工伤亡事故分类》第2章 事故类别（20类）",
    source="GB 6441-1986《企业职工伤亡事故分类》第2章（标准原文不在法规镜像中）；转载：http://www.cooxue.com/zhishi/199189.html，"
    "https://777doc.com/doc-5970050.html，https://www.book118.com/nongyegongye/html/542420.html，"
    "https://shepherd.siduzixun.com/filedownload/476133.htm",
    status=VERIFIED_SECONDARY,
    effective_from=datetime.date(1987, 2, 1),
    note="代码为标准的序号01—20（标准写作01…09、010…020）。四个转载的类别和顺序一致；18、20两类部分转载写作「其他」，"
    "本表按任务书写作「其它」。国家标准局1986-05-31发布、1987-02-01实施（据转载）；现为推荐性标准（zkjan.com 转载称），"
    "未核实。",
)


# --- 四不放过 ---------------------------------------------------------------------------------------------------------

FOUR_NOT_LET_GO = {
    "cause_found": "事故原因未查清不放过",
    "responsible_handled": "责任人员未处理不放过",
    "measures_done": "整改措施未落实不放过",
    "people_educated": "有关人员未受到教育不放过",
}
FOUR_NOT_LET_GO_RULE = Rule(
    code="four_not_let_go",
    title="事故处理「四不放过」原则",
    source="国务院有关文件中的事故处理原则（出处文件有争议：国发〔2004〕2号或国务院令第302号，未核实）；"
    "regulations.md §1.7",
    status=VERIFIED_SECONDARY,
    note="原则而非条例493的条文（regulations.md §1.7：多个第三方页面转载，措辞略有差异）。相关条文：条例第四条第二款"
    "要求「查清事故经过、事故原因和事故损失，查明事故性质，认定事故责任，总结事故教训，提出整改措施，并对事故责任者依法"
    "追究责任」。closure_blockers() 以四项均有书面证据（非空）为结案条件，是本平台的做法。",
)


def closure_blockers(evidence: Mapping[str, str]) -> tuple[str, ...]:
    """The 四不放过 codes (in :data:`FOUR_NOT_LET_GO` order) without non-empty evidence; () means the case may close.

    ``evidence`` maps a code to a description of the evidence (a document number, a summary …). Blank strings count as
    missing. Unknown codes or non-string values raise ValueError (a typo must not silently block or pass).
    """
    if not isinstance(evidence, Mapping):
        raise ValueError(f"evidence 应为映射（代码 → 证据说明），实际为 {evidence!r}")
    unknown = [k for k in evidence if k not in FOUR_NOT_LET_GO]
    if unknown:
        raise ValueError(f"未知的「四不放过」代码：{unknown}；可用：{', '.join(FOUR_NOT_LET_GO)}")
    for k, v in evidence.items():
        if v is not None and not isinstance(v, str):
            raise ValueError(f"「四不放过」{k} 的证据说明应为字符串，实际为 {v!r}")
    return tuple(code for code in FOUR_NOT_LET_GO if not (evidence.get(code) or "").strip())


# --- 较大涉险事故 -------------------------------------------------------------------------------------------------

LARGE_NEAR_MISS = Rule(
    code="large_near_miss",
    title="较大涉险事故",
    source="《生产安全事故信息报告和处置办法》（原国家安全监管总局令第21号）及《安全监管总局机关生产安全较大以上事故和"
    "较大涉险事故信息处置办法》（2013）；不在法规镜像中，条例493未规定",
    status=UNVERIFIED,
    note="条例493无此概念。据第三方转载的总局机关处置办法（http://fjsen.com/zhuanti/2013-12/31/content_13252899.htm），"
    "较大涉险事故包括：1.涉险10人以上的事故；2.造成3人以上被困或者下落不明的事故；3.紧急疏散人员500人以上和住院观察10人以上"
    "的事故；4.因生产安全事故对环境造成严重污染（人员密集场所、生活水源、农田、河流、水库、湖泊等）的事故；5.危及重要场所和"
    "设施安全（电站、重要水利设施、危化品库、油气站和车站、码头、港口、机场及其他人员密集场所等）的事故；6.其他较大涉险事故。"
    "regulations.md §1.2：令21号覆盖较大涉险事故，单位负责人1小时内报县级部门，续报每日至少一次；"
    "令21号是否仍有效未核实。"
    "定义所在条号（有转载称令21号第二十六条）未核实。",
)
LARGE_NEAR_MISS_ITEMS = (
    "涉险10人以上的事故",
    "造成3人以上被困或者下落不明的事故",
    "紧急疏散人员500人以上和住院观察10人以上的事故",
    "因生产安全事故对环境造成严重污染的事故",
    "危及重要场所和设施安全的事故",
    "其他较大涉险事故",
)
NEAR_MISS_REPORT_RULE = Rule(
    code="near_miss_report_levels",
    title="较大涉险事故逐级上报至哪一级（平台设置，默认同较大事故，报至省级）",
    source="《生产安全事故信息报告和处置办法》（原国家安全监管总局令第21号）；不在法规镜像中，条例493未规定",
    status=UNVERIFIED,
    note="条例第十条只规定四个等级的事故逐级上报到哪一级；较大涉险事故不定级。regulations.md §1.2 只记载令21号要求单位"
    "负责人1小时内报告县级部门。《安全监管总局机关生产安全较大以上事故和较大涉险事故信息处置办法》（2013）把较大涉险事故"
    "与较大以上事故一并处置，可见这类信息至少要报到省级；确切的上报终点未核实，故默认按较大事故报至省级部门，"
    "可用设置 ANJIAN_NEAR_MISS_REPORT_TO（city / province / state_council）调整。每级仍不超过2小时（第十一条的做法）。",
)
NEAR_MISS_REPORT_TO_CHOICES = ("city", "province", "state_council")


def near_miss_report_levels(report_to: str = "province") -> tuple[str, ...]:
    """The department levels a 较大涉险事故 is reported through, county first, up to ``report_to``."""
    if report_to not in NEAR_MISS_REPORT_TO_CHOICES:
        raise ValueError(f"较大涉险事故上报终点应为 {NEAR_MISS_REPORT_TO_CHOICES} 之一，实际为 {report_to!r}")
    return REPORT_LEVELS[: REPORT_LEVELS.index(report_to) + 1]


# --- self-check ----------------------------------------------------------------------------------------------------


def _check_rows(rows: Iterable, what: str) -> None:
    for row in rows:
        code = getattr(row, "code", None) or getattr(row, "kind", None) or getattr(row, "grade", None)
        if row.status not in STATUSES:
            raise ValueError(f"{what} {code}：核实状态无效 {row.status!r}")
        if not row.source or not row.note:
            raise ValueError(f"{what} {code}：缺少来源或说明")
        if row.status == VERIFIED_PRIMARY:
            if not any(law in row.source for law in MIRRORED_LAWS) or "「" not in row.note:
                raise ValueError(f"{what} {code}：VERIFIED-PRIMARY 须引用法规镜像中的条文并在说明中摘引原文")


def _check_tables() -> None:
    # thresholds: one row per grade, strictly decreasing floors from 特别重大 to 一般.
    if [t.grade for t in THRESHOLDS] != list(reversed(GRADES)):
        raise ValueError("定级标准须按特别重大、重大、较大、一般排列且每级一行")
    for hi, lo in zip(THRESHOLDS, THRESHOLDS[1:], strict=False):
        for attr in ("deaths_min", "injuries_min", "loss_min_yuan"):
            if not getattr(hi, attr) > getattr(lo, attr) >= 0:
                raise ValueError(f"定级标准 {hi.grade.value}/{lo.grade.value}：{attr} 未严格递减")
    if THRESHOLDS[-1].deaths_min or THRESHOLDS[-1].injuries_min or THRESHOLDS[-1].loss_min_yuan:
        raise ValueError("一般事故的下限应为 0")
    _check_rows(THRESHOLDS, "定级标准")
    # chain
    if len(_STEP_BY_CODE) != len(CHAIN):
        raise ValueError("上报环节代码重复")
    for s in CHAIN:
        if s.from_level not in LEVELS or s.to_level not in LEVELS or not s.code.isascii():
            raise ValueError(f"上报环节 {s.code}：层级或代码无效")
        if not s.grades or not s.grades <= _ALL:
            raise ValueError(f"上报环节 {s.code}：适用等级无效")
        m = s.deadline_minutes
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or m <= 0):
            raise ValueError(f"上报环节 {s.code}：时限应为正整数分钟或 None（立即）")
    _check_rows(CHAIN, "上报环节")
    for g in GRADES:
        path = steps_for(g)
        for a, b in zip(path, path[1:], strict=False):
            if a.to_level != b.from_level:
                raise ValueError(f"{g.label}的上报链不连续：{a.code} → {b.code}")
        if path[0].from_level != "site":
            raise ValueError(f"{g.label}的上报链应从事故现场开始")
    expected = {
        AccidentGrade.ORDINARY: "city",
        AccidentGrade.LARGE: "province",
        AccidentGrade.SERIOUS: "state_council",
        AccidentGrade.ESPECIALLY_SERIOUS: "state_council",
    }
    for g, top in expected.items():
        if report_levels(g)[-1] != top or report_levels(g) != REPORT_LEVELS[: REPORT_LEVELS.index(top) + 1]:
            raise ValueError(f"{g.label}应逐级上报至 {top}（第十条第一款）")
    _check_rows(NOTIFICATIONS, "同级通知")
    _check_rows(SUPPLEMENT_WINDOWS, "补报期限")
    _check_rows(INVESTIGATORS, "调查主体")
    levels_ok = all(i.level in INVESTIGATION_LEVEL_LABELS for i in INVESTIGATORS)
    if {i.grade for i in INVESTIGATORS} != _ALL or not levels_ok:
        raise ValueError("调查主体须覆盖每个等级")
    _check_rows((INVESTIGATION_RULE, APPRAISAL_PAUSE_RULE, REPLY_RULE, UNIT_FINE_RULE, PRINCIPAL_FINE_RULE), "规则")
    _check_rows((MISSING_AS_DEATHS_RULE, ACCIDENT_TYPES_RULE, FOUR_NOT_LET_GO_RULE, LARGE_NEAR_MISS), "规则")
    _check_rows((NEAR_MISS_REPORT_RULE,), "规则")
    if set(REPLY_DAYS) != _ALL or set(REPLY_MAX_EXTENSION) != _ALL:
        raise ValueError("批复期限须覆盖每个等级")
    # fines: the mapping must match violations' grades and labels.
    if set(VIOLATION_GRADE) != _ALL or set(VIOLATION_GRADE.values()) != set(violations.ACCIDENT_GRADES):
        raise ValueError("VIOLATION_GRADE 须一一对应 violations.ACCIDENT_GRADES")
    for g, code in VIOLATION_GRADE.items():
        if violations.ACCIDENT_GRADES[code] != g.label:
            raise ValueError(f"VIOLATION_GRADE：{g.value} → {code} 的名称不一致")
    if len(ACCIDENT_TYPES) != 20 or len(set(ACCIDENT_TYPES.values())) != 20:
        raise ValueError("GB 6441 事故类别应为20个互不相同的类别")
    if list(ACCIDENT_TYPES) != [f"{i:02d}" for i in range(1, 21)]:
        raise ValueError("GB 6441 事故类别代码应为 01—20")
    if len(FOUR_NOT_LET_GO) != 4 or not all(c.isascii() for c in FOUR_NOT_LET_GO):
        raise ValueError("「四不放过」应为四项，代码为 ASCII")


_check_tables()


# --- control targets (控制指标) and the one-vote veto (一票否决) — statistics ----------------------------------------

TARGET_WARNING_PERCENTS = (80, 100)
TARGET_WARNING_RULE = Rule(
    code="target_warning_percents",
    title="年度控制指标预警：事故起数或死亡人数达到控制指标的80%、100%时预警（平台设置）",
    source="本平台设置，取自需求（issue 5「warnings at 80% and 100% of a target」）；"
    "各省安全生产考核办法的预警口径不一，不在法规镜像中，未核实",
    status=UNVERIFIED,
    note="条例493和安全生产法均未规定控制指标及其预警比例；控制指标由上级人民政府（或其安全生产委员会）逐级下达，"
    "预警比例和是否计入下落不明人员以各省考核办法为准。本平台：百分比 = 实际值 × 100 ÷ 指标值，以整数比较"
    "（实际值 × 100 ≥ 阈值 × 指标值），不四舍五入；达到80%为预警，等于100%为达到指标，超过100%为超出指标。"
    "指标为0时：实际为0视为0%；实际≥1视为超出指标（百分比无穷大，两个阈值同时达到）。",
)
TARGET_STATUSES = ("ok", "warning", "reached", "exceeded")
TARGET_STATUS_LABELS = {"ok": "正常", "warning": "预警", "reached": "达到指标", "exceeded": "超出指标"}


def _target_number(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} 应为不小于0的整数，实际为 {value!r}")
    return value


def target_percent(value: int, limit: int) -> Decimal | None:
    """Share of the target used, in % (one decimal, rounded down); None when the limit is 0 and value ≥ 1 (∞)."""
    value, limit = _target_number(value, "value"), _target_number(limit, "limit")
    if limit == 0:
        return Decimal(0) if value == 0 else None
    return (Decimal(value * 1000 // limit) / 10).quantize(Decimal("0.1"))


def target_thresholds_reached(value: int, limit: int) -> tuple[int, ...]:
    """The warning thresholds of :data:`TARGET_WARNING_PERCENTS` that ``value`` has reached against ``limit``."""
    value, limit = _target_number(value, "value"), _target_number(limit, "limit")
    if limit == 0:
        return TARGET_WARNING_PERCENTS if value > 0 else ()
    return tuple(t for t in TARGET_WARNING_PERCENTS if value * 100 >= t * limit)


def target_status(value: int, limit: int) -> str:
    """One of :data:`TARGET_STATUSES`: ok (< 80%), warning (≥ 80%), reached (= 100%), exceeded (> 100%)."""
    value, limit = _target_number(value, "value"), _target_number(limit, "limit")
    warn, full = TARGET_WARNING_PERCENTS[0], TARGET_WARNING_PERCENTS[-1]
    if limit == 0:
        return "ok" if value == 0 else "exceeded"
    if value * 100 > full * limit:
        return "exceeded"
    if value * 100 == full * limit:
        return "reached"
    if value * 100 >= warn * limit:
        return "warning"
    return "ok"


ONE_VOTE_VETO_GRADES = frozenset({AccidentGrade.LARGE, AccidentGrade.SERIOUS, AccidentGrade.ESPECIALLY_SERIOUS})
VETO_GRADES_RULE = Rule(
    code="one_vote_veto",
    title="发生较大及以上生产安全事故的地区，年度安全生产考核实行「一票否决」（平台标记）",
    source="《地方党政领导干部安全生产责任制规定》（中共中央办公厅、国务院办公厅，2018）及各省安全生产考核办法——均不在"
    "法规镜像中，原文未核实；regulations.md §1、§2 无相关条目",
    status=UNVERIFIED,
    note="法规镜像（条例493、安全生产法）没有一票否决的规定；regulations.md §1（条例493）和§2（安全生产法）"
    "也未收录。安全生产法第九条只规定县级以上地方各级人民政府加强对安全生产工作的领导。据公开报道，上述规定对发生"
    "较大及以上事故等情形在考核中实行一票否决，但适用等级、是否含较大涉险事故、以事故发生时间还是调查认定为准，"
    "各地不一。本平台：当年发生（以发生时间计）"
    "较大、重大、特别重大事故之一的辖区标记为一票否决候选，只作提示，不作考核结论；较大涉险事故不计入。",
)


def vetoes(grade: AccidentGrade | str) -> bool:
    """Whether an accident of ``grade`` flags its jurisdiction for the one-vote veto (较大 or worse)."""
    return _grade(grade) in ONE_VOTE_VETO_GRADES


def _check_target_rules() -> None:
    p = TARGET_WARNING_PERCENTS
    if not p or any(isinstance(t, bool) or not isinstance(t, int) for t in p):
        raise ValueError("控制指标预警阈值应为整数百分比")
    if list(p) != sorted(set(p)) or p[0] <= 0 or p[-1] != 100:
        raise ValueError("控制指标预警阈值应严格递增，最后一个为100")
    if not ONE_VOTE_VETO_GRADES <= _ALL or AccidentGrade.ORDINARY in ONE_VOTE_VETO_GRADES:
        raise ValueError("一票否决的等级应为较大及以上")
    if {g for g in GRADES if g.rank >= AccidentGrade.LARGE.rank} != ONE_VOTE_VETO_GRADES:
        raise ValueError("一票否决的等级应为较大、重大、特别重大")
    if set(TARGET_STATUS_LABELS) != set(TARGET_STATUSES):
        raise ValueError("控制指标状态名称须覆盖每个状态")
    _check_rows((TARGET_WARNING_RULE, VETO_GRADES_RULE), "规则")


_check_target_rules()
