"""办案程序时限 — the procedure clocks of an administrative penalty / coercive measure case, as data.

Each :class:`Clock` counts ``amount`` units of ``unit`` ``after`` (or ``before``) an ``anchor`` event of the case.
:func:`due` turns a clock and the anchor date into a date:

* ``after``: the last day of the period (「……之日起九十日内」 → anchor + 90 days);
* ``before``: the latest day (or, for hours, moment) on which the act may happen (「在举行听证的七日前」 →
  the hearing date minus 7 working days).

Units: ``working_day`` via :mod:`anjian.rules.workdays` (《行政处罚法》第八十五条 makes its “二日”“三日”“五日”
“七日” working days; 《行政强制法》第六十九条 does the same for periods of 十日以内); ``calendar_day`` by adding
days; ``month`` and ``year`` by calendar arithmetic (same day of the month, clamped to the month end:
2024-08-31 + 6 months = 2025-02-28); ``hour`` needs a datetime anchor and returns a datetime. The anchor day is
never counted (期间开始的当日不计入). Calendar-day periods are *not* moved off a weekend or holiday: neither mirrored
law says so for these periods (the 民事诉讼法 rule on a last day falling on a holiday is outside the mirror and not
applied; a caller who wants it can roll the result forward with :func:`anjian.rules.workdays.add_working_days`).

Sources: the statute mirror ``/work/shared/domain/statutes/`` — 行政处罚法(2021-01-22).md, 行政强制法(2011-06-30).md,
安全生产法(2021-06-10).md. Rows citing them are VERIFIED-PRIMARY and their ``note`` quotes the article in 「」.
行政复议法 (2023 revision) and 行政诉讼法 (2017 text) are not in the mirror: their rows are VERIFIED-SECONDARY, read in
the public repository ``Theonefkguy/Chinese-Laws`` (a copy of the flk.npc.gov.cn texts, same layout as the
LawRefBook mirror). 《安全生产违法行为行政处罚办法》 (the department rule) is not in the mirror and its text was not
found: everything taken from it is UNVERIFIED and configurable. Note that several third-party pages report that
应急管理部令第18号 replaced that rule with a new 《安全生产违法行为行政处罚办法》 from 2026-02-01
(:data:`DEPARTMENT_RULE_REPLACED_ON`, VERIFIED-SECONDARY); what the new rule says on the points below is unverified.

Configurable rows (``configurable=True``) accept ``amount=`` in :func:`due`: the department-rule row
(``statement_period``) and the rows whose article itself reserves 「另有规定」. Statutory fixed periods refuse it.

Also here: :data:`MIN_INSPECTORS` (第四十二条), :data:`SIMPLE_PROCEDURE_LIMITS` and :func:`simple_procedure_allowed`
(第五十一条), :func:`hearing_right` with :data:`MEASURES` and :data:`LARGE_FINE_THRESHOLDS` (第六十三条), and
:func:`late_surcharge` (第七十二条第（一）项). Amounts are whole 元; 「以上」「以下」 include the number.
"""

from __future__ import annotations

import calendar as _calendar_module
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from anjian.rules import workdays
from anjian.rules._dates import as_date as _as_date
from anjian.rules.violations import EFFECTIVE_FROM as _AQF_EFFECTIVE_FROM

__all__ = [
    "STATUSES",
    "UNITS",
    "DIRECTIONS",
    "ACTORS",
    "ANCHORS",
    "PARTIES",
    "MIRRORED_LAWS",
    "DEPARTMENT_RULE",
    "DEPARTMENT_RULE_REPLACED_ON",
    "Clock",
    "CLOCKS",
    "clock",
    "in_force",
    "due",
    "Rule",
    "MIN_INSPECTORS",
    "MIN_INSPECTORS_RULE",
    "inspectors_sufficient",
    "FineLimit",
    "SIMPLE_PROCEDURE_LIMITS",
    "simple_procedure_allowed",
    "Measure",
    "MEASURES",
    "LARGE_FINE_THRESHOLDS",
    "large_fine_thresholds",
    "HearingVerdict",
    "hearing_right",
    "LATE_SURCHARGE_PERCENT",
    "LATE_SURCHARGE_RULE",
    "late_surcharge",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

UNITS = ("working_day", "calendar_day", "hour", "month", "year")
DIRECTIONS = ("after", "before")
ACTORS = ("party", "authority")  # who must act within the period: 当事人 / 本机关
PARTIES = ("person", "unit")  # 公民（个人） / 法人或者其他组织（生产经营单位）
_PARTY_TITLES = {"person": "个人", "unit": "生产经营单位"}

ANCHORS = {
    "notice_served": "行政处罚告知书送达之日",
    "hearing_date": "举行听证之日",
    "case_opened": "立案之日",
    "decision_announced": "行政处罚决定宣告之日",
    "decision_received": "当事人收到（知道）行政处罚决定之日",
    "seizure_started": "实施查封、扣押之日",
    "seizure_period_ended": "原查封、扣押期限届满之日",
    "power_cut": "拟停止供电的时刻",
    "violation_ended": "违法行为发生之日（有连续或者继续状态的，为行为终了之日）",
    "evidence_registered": "先行登记保存证据之日",
    "remedy_period_ended": "申请行政复议、提起行政诉讼的法定期限届满之日",
}

LAW_XZCF = "《中华人民共和国行政处罚法》"
LAW_XZQZ = "《中华人民共和国行政强制法》"
LAW_AQSC = "《中华人民共和国安全生产法》"
LAW_XZFY = "《中华人民共和国行政复议法》"
LAW_XZSS = "《中华人民共和国行政诉讼法》"
MIRROR = "/work/shared/domain/statutes/"
MIRRORED_LAWS = {
    LAW_XZCF: MIRROR + "行政处罚法(2021-01-22).md",
    LAW_XZQZ: MIRROR + "行政强制法(2011-06-30).md",
    LAW_AQSC: MIRROR + "安全生产法(2021-06-10).md",
}
_SECONDARY_COPY = "Theonefkguy/Chinese-Laws"

DEPARTMENT_RULE = "《安全生产违法行为行政处罚办法》（原国家安全监管总局令第15号，2015年令第77号修正）"
# 应急管理部令第18号 (adopted 2025-11-24, published 2025-11-27) replaces DEPARTMENT_RULE from this day.
# VERIFIED-SECONDARY: digipub.cc (网易号, quoting the 部令), boteman.cn (解读), zhjsw.cn (中华建设网, 2025-12-08).
DEPARTMENT_RULE_REPLACED_ON = datetime.date(2026, 2, 1)

XZCF_FROM = datetime.date(2021, 7, 15)  # 行政处罚法 第八十六条 「本法自2021年7月15日起施行。」
XZQZ_FROM = datetime.date(2012, 1, 1)  # 行政强制法 第七十一条 「本法自2012年1月1日起施行。」
XZFY_FROM = datetime.date(2024, 1, 1)  # 行政复议法（2023修订）第九十条, read in the secondary copy
XZSS_FROM = datetime.date(2015, 5, 1)  # 2014 amendment (six months): date UNVERIFIED, not in the copy read
DEPARTMENT_RULE_FROM = datetime.date(2015, 5, 1)  # 令第77号 施行日期 (055110.com): VERIFIED-SECONDARY

_85 = "本法中“二日”“三日”“五日”“七日”的规定是指工作日，不含法定节假日。"
_69 = "本法中十日以内期限的规定是指工作日，不含法定节假日。"


@dataclass(frozen=True)
class Clock:
    code: str
    title: str
    amount: int
    unit: str
    anchor: str
    direction: str
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    note: str = ""
    actor: str = "authority"
    configurable: bool = False  # True: due(amount=...) may override ``amount``

    def in_force(self, on: datetime.date) -> bool:
        on = _as_date(on)
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def period_text(self, amount: int | None = None) -> str:
        n = self.amount if amount is None else amount
        return {
            "working_day": f"{n}个工作日",
            "calendar_day": f"{n}日",
            "hour": f"{n}小时",
            "month": f"{n}个月",
            "year": f"{n}年",
        }[self.unit]

    @property
    def text(self) -> str:
        """The clock in one Chinese sentence, e.g. 「当事人要求听证：自行政处罚告知书送达之日起5个工作日内」."""
        anchor = ANCHORS[self.anchor]
        if self.direction == "after":
            return f"{self.title}：自{anchor}起{self.period_text()}内"
        return f"{self.title}：{anchor}前至少{self.period_text()}"


CLOCKS: tuple[Clock, ...] = (
    Clock(
        code="hearing_request",
        title="当事人要求听证",
        amount=5,
        unit="working_day",
        anchor="notice_served",
        direction="after",
        source=f"{LAW_XZCF}第六十四条第（一）项、第八十五条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        actor="party",
        note=f"第六十四条第（一）项「当事人要求听证的，应当在行政机关告知后五日内提出」；第八十五条「{_85}」",
    ),
    Clock(
        code="hearing_notice",
        title="通知听证时间、地点",
        amount=7,
        unit="working_day",
        anchor="hearing_date",
        direction="before",
        source=f"{LAW_XZCF}第六十四条第（二）项、第八十五条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        note="第六十四条第（二）项「行政机关应当在举行听证的七日前，通知当事人及有关人员听证的时间、地点」；"
        f"第八十五条「{_85}」解释：due() 给出听证日前第7个工作日（听证当日不计），为最迟通知日。",
    ),
    Clock(
        code="decision_deadline",
        title="作出行政处罚决定",
        amount=90,
        unit="calendar_day",
        anchor="case_opened",
        direction="after",
        source=f"{LAW_XZCF}第六十条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        configurable=True,
        note="「行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。法律、法规、规章另有规定的，从其规定。」"
        "九十日不属第八十五条所列期限，按自然日计算；另有规定（含延期批准）的，以 amount 配置。",
    ),
    Clock(
        code="decision_service",
        title="送达行政处罚决定书（当事人不在场）",
        amount=7,
        unit="working_day",
        anchor="decision_announced",
        direction="after",
        source=f"{LAW_XZCF}第六十一条第一款、第八十五条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        note="「行政处罚决定书应当在宣告后当场交付当事人；当事人不在场的，行政机关应当在七日内依照"
        "《中华人民共和国民事诉讼法》的有关规定，将行政处罚决定书送达当事人。」当事人在场的，当场交付。",
    ),
    Clock(
        code="fine_payment",
        title="当事人缴纳罚款",
        amount=15,
        unit="calendar_day",
        anchor="decision_received",
        direction="after",
        source=f"{LAW_XZCF}第六十七条第三款",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        actor="party",
        note="「当事人应当自收到行政处罚决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款。」"
        "十五日按自然日计算（不属第八十五条所列期限）。期满次日起可加处罚款，见 late_surcharge()。",
    ),
    Clock(
        code="statement_period",
        title="当事人陈述、申辩",
        amount=3,
        unit="working_day",
        anchor="notice_served",
        direction="after",
        source=DEPARTMENT_RULE + "（条号与原文未核实）",
        status=UNVERIFIED,
        effective_from=DEPARTMENT_RULE_FROM,
        actor="party",
        configurable=True,
        note="《行政处罚法》第四十四条、第四十五条规定陈述、申辩权利，但未规定提出期限。3日常被引为上述部门规章的规定，"
        "其原文不在法规镜像中，未能核实；按工作日计为保守解释（期限对当事人更宽）。据二手资料，该规章自2026年2月1日起"
        "由应急管理部令第18号新《安全生产违法行为行政处罚办法》取代，新办法是否规定、规定几日未核实。"
        "本局应核对后以 due(..., amount=…) 配置。",
    ),
    Clock(
        code="seizure_period",
        title="查封、扣押期限",
        amount=30,
        unit="calendar_day",
        anchor="seizure_started",
        direction="after",
        source=f"{LAW_XZQZ}第二十五条第一款、第三款，第六十九条",
        status=VERIFIED_PRIMARY,
        effective_from=XZQZ_FROM,
        configurable=True,
        note="「查封、扣押的期限不得超过三十日；情况复杂的，经行政机关负责人批准，可以延长，但是延长期限不得超过三十日。"
        f"法律、行政法规另有规定的除外。」三十日不属第六十九条「{_69}」所指期限，按自然日计算。第三款："
        "「查封、扣押的期间不包括检测、检验、检疫或者技术鉴定的期间」，调用方须自行顺延。",
    ),
    Clock(
        code="seizure_extension",
        title="延长查封、扣押期限（经负责人批准）",
        amount=30,
        unit="calendar_day",
        anchor="seizure_period_ended",
        direction="after",
        source=f"{LAW_XZQZ}第二十五条第一款、第二款",
        status=VERIFIED_PRIMARY,
        effective_from=XZQZ_FROM,
        configurable=True,
        note="「情况复杂的，经行政机关负责人批准，可以延长，但是延长期限不得超过三十日。」"
        "「延长查封、扣押的决定应当及时书面告知当事人，并说明理由。」从原期限届满之日起算，为延长后的最后一日。",
    ),
    Clock(
        code="power_cut_notice",
        title="停止供电前通知生产经营单位",
        amount=24,
        unit="hour",
        anchor="power_cut",
        direction="before",
        source=f"{LAW_AQSC}第七十条第二款",
        status=VERIFIED_PRIMARY,
        effective_from=_AQF_EFFECTIVE_FROM,
        note="「负有安全生产监督管理职责的部门依照前款规定采取停止供电措施，除有危及生产安全的紧急情形外，"
        "应当提前二十四小时通知生产经营单位。」紧急情形不受此限。施行日期2021-09-01未在镜像中核实"
        "（同 violations.EFFECTIVE_FROM_STATUS）。",
    ),
    Clock(
        code="limitation",
        title="行政处罚追责时效",
        amount=2,
        unit="year",
        anchor="violation_ended",
        direction="after",
        source=f"{LAW_XZCF}第三十六条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        configurable=True,
        note="「违法行为在二年内未被发现的，不再给予行政处罚」；「前款规定的期限，从违法行为发生之日起计算；"
        "违法行为有连续或者继续状态的，从行为终了之日起计算。」due() 为最迟发现日。「法律另有规定的除外」。",
    ),
    Clock(
        code="limitation_extended",
        title="行政处罚追责时效（涉及生命健康安全、金融安全且有危害后果）",
        amount=5,
        unit="year",
        anchor="violation_ended",
        direction="after",
        source=f"{LAW_XZCF}第三十六条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        configurable=True,
        note="「涉及公民生命健康安全、金融安全且有危害后果的，上述期限延长至五年。法律另有规定的除外。」"
        "是否属于该情形由办案人员认定。",
    ),
    Clock(
        code="evidence_preservation",
        title="先行登记保存证据后作出处理决定",
        amount=7,
        unit="working_day",
        anchor="evidence_registered",
        direction="after",
        source=f"{LAW_XZCF}第五十六条、第八十五条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        note=f"「经行政机关负责人批准，可以先行登记保存，并应当在七日内及时作出处理决定」；第八十五条「{_85}」",
    ),
    Clock(
        code="court_enforcement",
        title="申请人民法院强制执行",
        amount=3,
        unit="month",
        anchor="remedy_period_ended",
        direction="after",
        source=f"{LAW_XZQZ}第五十三条",
        status=VERIFIED_PRIMARY,
        effective_from=XZQZ_FROM,
        note="「没有行政强制执行权的行政机关可以自期限届满之日起三个月内，依照本章规定申请人民法院强制执行。」"
        "申请前应当催告（第五十四条「催告书送达十日后当事人仍未履行义务的」方可申请；十日按第六十九条为工作日）。"
        "锚点为复议期限、诉讼期限中较晚届满者。",
    ),
    Clock(
        code="review_application",
        title="申请行政复议",
        amount=60,
        unit="calendar_day",
        anchor="decision_received",
        direction="after",
        source=f"{LAW_XZFY}（2023年修订）第二十条第一款",
        status=VERIFIED_SECONDARY,
        effective_from=XZFY_FROM,
        actor="party",
        configurable=True,
        note=f"法规镜像未收录；据 {_SECONDARY_COPY}（国家法律法规数据库文本）：「可以自知道或者应当知道该行政行为之日起"
        "六十日内提出行政复议申请；但是法律规定的申请期限超过六十日的除外。」六十日按自然日（该法第八十八条只把"
        "“三日”“五日”“七日”“十日”定为工作日）。2024年1月1日前适用1999年行政复议法（同为六十日，未核实）。",
    ),
    Clock(
        code="litigation",
        title="提起行政诉讼",
        amount=6,
        unit="month",
        anchor="decision_received",
        direction="after",
        source=f"{LAW_XZSS}第四十六条第一款",
        status=VERIFIED_SECONDARY,
        effective_from=XZSS_FROM,
        actor="party",
        configurable=True,
        note=f"法规镜像未收录；据 {_SECONDARY_COPY}（2017年修正文本）：「应当自知道或者应当知道作出行政行为之日起"
        "六个月内提出。法律另有规定的除外。」经复议的，为收到复议决定书之日起十五日（第四十五条），本表未列。"
        "六个月规定的施行日期（2015-05-01，2014年修正）未核实。",
    ),
)


def _check_clocks(rows: Iterable[Clock]) -> dict[str, Clock]:
    by_code: dict[str, Clock] = {}
    for c in rows:
        if not c.code or not c.code.isascii() or c.code in by_code:
            raise ValueError(f"期限代码无效或重复：{c.code!r}")
        by_code[c.code] = c
        where = f"期限 {c.code}"
        if isinstance(c.amount, bool) or not isinstance(c.amount, int) or c.amount <= 0:
            raise ValueError(f"{where}：amount 应为正整数")
        if c.unit not in UNITS or c.direction not in DIRECTIONS or c.anchor not in ANCHORS or c.actor not in ACTORS:
            raise ValueError(f"{where}：unit、direction、anchor 或 actor 无效")
        if c.status not in STATUSES or not c.source or not c.title:
            raise ValueError(f"{where}：核实状态无效或缺少来源、标题")
        if c.effective_to is not None and c.effective_to < c.effective_from:
            raise ValueError(f"{where}：effective_to 早于 effective_from")
        mirrored = [law for law in MIRRORED_LAWS if law in c.source]
        if c.status == VERIFIED_PRIMARY and not mirrored:
            raise ValueError(f"{where}：VERIFIED-PRIMARY 只用于法规镜像中的法律")
        # 行政处罚法 第八十五条 / 行政强制法 第六十九条: which periods are working days.
        days = c.unit in ("working_day", "calendar_day")
        if days and c.source.startswith(LAW_XZCF) and (c.unit == "working_day") != (c.amount in (2, 3, 5, 7)):
            raise ValueError(f"{where}：行政处罚法只有二日、三日、五日、七日按工作日计算")
        if days and c.source.startswith(LAW_XZQZ) and (c.unit == "working_day") != (c.amount <= 10):
            raise ValueError(f"{where}：行政强制法十日以内的期限按工作日计算")
    return by_code


_BY_CODE = _check_clocks(CLOCKS)


def clock(code: str) -> Clock:
    """The clock with this code; KeyError for an unknown code."""
    try:
        return _BY_CODE[code]
    except (KeyError, TypeError):
        raise KeyError(f"未知的期限代码：{code!r}") from None


def in_force(on: datetime.date) -> tuple[Clock, ...]:
    """The clocks in force on ``on``."""
    on = _as_date(on)
    return tuple(c for c in CLOCKS if c.in_force(on))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError("日期超出可计算范围")
    last = _calendar_module.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(day.day, last))


def due(
    code: str,
    anchor_date: datetime.date,
    *,
    calendar: workdays.HolidayCalendar = workdays.DEFAULT,
    amount: int | None = None,
) -> datetime.date:
    """The due date of clock ``code`` counted from ``anchor_date`` (see the module docstring).

    ``after``: the last day of the period. ``before``: the latest day on which the act may happen. Hour clocks take a
    datetime and return a datetime. ``amount`` overrides the table for configurable rows only.
    """
    c = clock(code)
    n = c.amount
    if amount is not None:
        if not c.configurable:
            raise ValueError(f"「{c.title}」是法定固定期限（{c.source}），不能改写 amount")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError(f"amount 应为正整数，实际为 {amount!r}")
        n = amount
    sign = 1 if c.direction == "after" else -1
    try:
        if c.unit == "hour":
            if not isinstance(anchor_date, datetime.datetime):
                raise ValueError(
                    f"「{c.title}」以小时计算，anchor_date 须为 datetime（含时刻），实际为 {anchor_date!r}"
                )
            return anchor_date + sign * datetime.timedelta(hours=n)
        try:
            day = _as_date(anchor_date)
        except ValueError:
            raise ValueError(f"anchor_date 应为 date 或 datetime，实际为 {anchor_date!r}") from None
        if c.unit == "working_day":
            step = workdays.add_working_days if sign > 0 else workdays.subtract_working_days
            return step(day, n, calendar=calendar)
        if c.unit == "calendar_day":
            return day + sign * datetime.timedelta(days=n)
        months = n if c.unit == "month" else 12 * n
        return _add_months(day, sign * months)
    except OverflowError:
        raise ValueError("日期超出可计算范围") from None


# --- constants with a source ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A single number from a source (a headcount, a percentage …)."""

    code: str
    title: str
    value: int
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    note: str = ""


MIN_INSPECTORS = 2
MIN_INSPECTORS_RULE = Rule(
    code="min_inspectors",
    title="执法人员不得少于两人",
    value=MIN_INSPECTORS,
    source=f"{LAW_XZCF}第四十二条第一款；{LAW_XZQZ}第十八条第（二）项",
    status=VERIFIED_PRIMARY,
    effective_from=XZCF_FROM,
    note="「执法人员不得少于两人，法律另有规定的除外。」；行政强制措施「由两名以上行政执法人员实施」。",
)


def inspectors_sufficient(count: int) -> bool:
    """True if ``count`` law-enforcement officers meet 第四十二条 (at least :data:`MIN_INSPECTORS`)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"执法人员人数应为非负整数，实际为 {count!r}")
    return count >= MIN_INSPECTORS


LATE_SURCHARGE_PERCENT = 3
LATE_SURCHARGE_RULE = Rule(
    code="late_surcharge",
    title="到期不缴纳罚款的加处罚款",
    value=LATE_SURCHARGE_PERCENT,
    source=f"{LAW_XZCF}第七十二条第一款第（一）项；{LAW_XZQZ}第四十五条",
    status=VERIFIED_PRIMARY,
    effective_from=XZCF_FROM,
    note="「到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额」；"
    "「加处罚款或者滞纳金的数额不得超出金钱给付义务的数额。」取整：按整元向下取整（本系统约定，法律未规定）。",
)


def late_surcharge(fine: int, days_late: int) -> int:
    """加处罚款 in whole 元: ``fine`` × 3% × ``days_late``, rounded **down** to whole 元, never more than ``fine``.

    ``days_late`` counts the days after the last day of the payment period (:func:`due` of ``fine_payment``).
    The rounding (whole 元, down) is our convention; the law states none.
    """
    for name, value in (("罚款数额 fine", fine), ("逾期天数 days_late", days_late)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name}应为非负整数，实际为 {value!r}")
    return min(fine * LATE_SURCHARGE_PERCENT * days_late // 100, fine)


# --- simple procedure and hearing rights ----------------------------------------------------------------


@dataclass(frozen=True)
class FineLimit:
    """A fine amount for one party, inclusive (「以下」 for a ceiling, 「以上」 for a threshold)."""

    code: str
    party: str
    amount: int
    title: str
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    note: str = ""

    def in_force(self, on: datetime.date) -> bool:
        on = _as_date(on)
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


SIMPLE_PROCEDURE_LIMITS: tuple[FineLimit, ...] = (
    FineLimit(
        code="simple.person",
        party="person",
        amount=200,
        title="当场处罚：对公民二百元以下罚款",
        source=f"{LAW_XZCF}第五十一条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        note="「违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的"
        "行政处罚的，可以当场作出行政处罚决定。法律另有规定的，从其规定。」",
    ),
    FineLimit(
        code="simple.unit",
        party="unit",
        amount=3000,
        title="当场处罚：对法人或者其他组织三千元以下罚款",
        source=f"{LAW_XZCF}第五十一条",
        status=VERIFIED_PRIMARY,
        effective_from=XZCF_FROM,
        note="「对法人或者其他组织处以三千元以下罚款或者警告的行政处罚的，可以当场作出行政处罚决定」",
    ),
)

_THRESHOLD_NOTE = (
    "《行政处罚法》第六十三条未规定较大数额罚款的数额，由部门规章或者省级规定确定；常被引为上述部门规章（第三十三条，"
    "未核实）：省级人大常委会或者人民政府规定的数额优先，没有规定的，个人2万元以上、生产经营单位5万元以上。"
    "另有二手资料（博安网2023）称该条为个人1万元以上、生产经营单位3万元以上，互相矛盾，未能核实。"
    "据二手资料，该规章自2026年2月1日起由应急管理部令第18号新办法取代，新办法的标准未核实。「以上」包括本数。"
    "本局应按省级规定或新办法配置（large_fine_thresholds()）。"
)

LARGE_FINE_THRESHOLDS: tuple[FineLimit, ...] = (
    FineLimit(
        code="large_fine.person",
        party="person",
        amount=20_000,
        title="较大数额罚款：对个人2万元以上",
        source=DEPARTMENT_RULE + "第三十三条（原文未核实）",
        status=UNVERIFIED,
        effective_from=DEPARTMENT_RULE_FROM,
        note=_THRESHOLD_NOTE,
    ),
    FineLimit(
        code="large_fine.unit",
        party="unit",
        amount=50_000,
        title="较大数额罚款：对生产经营单位5万元以上",
        source=DEPARTMENT_RULE + "第三十三条（原文未核实）",
        status=UNVERIFIED,
        effective_from=DEPARTMENT_RULE_FROM,
        note=_THRESHOLD_NOTE,
    ),
)


def _check_limits(rows: Iterable[FineLimit], what: str) -> dict[str, FineLimit]:
    by_party: dict[str, FineLimit] = {}
    for row in rows:
        if not isinstance(row, FineLimit):
            raise ValueError(f"{what}的每一行应为 FineLimit，实际为 {row!r}")
        if row.party not in PARTIES:
            raise ValueError(f"{what}：当事人类型应为 {PARTIES} 之一，实际为 {row.party!r}")
        if row.party in by_party:
            raise ValueError(f"{what}：{_PARTY_TITLES[row.party]}的数额重复")
        if isinstance(row.amount, bool) or not isinstance(row.amount, int) or row.amount <= 0:
            raise ValueError(f"{what}：数额应为正整数（元），实际为 {row.amount!r}")
        if row.status not in STATUSES or not row.source:
            raise ValueError(f"{what}：核实状态无效或缺少来源")
        by_party[row.party] = row
    missing = [p for p in PARTIES if p not in by_party]
    if missing:
        raise ValueError(f"{what}：缺少{'、'.join(_PARTY_TITLES[p] for p in missing)}的数额")
    return by_party


_check_limits(SIMPLE_PROCEDURE_LIMITS, "当场处罚限额")
_check_limits(LARGE_FINE_THRESHOLDS, "较大数额罚款标准")


def large_fine_thresholds(
    *, person: int, unit: int, source: str, status: str = UNVERIFIED, effective_from: datetime.date = XZCF_FROM
) -> tuple[FineLimit, ...]:
    """A bureau's own 较大数额罚款 thresholds (e.g. a province's rule), for ``hearing_right(thresholds=...)``."""
    if not isinstance(source, str) or not source:
        raise ValueError("较大数额罚款标准必须注明来源")
    if status not in STATUSES:
        raise ValueError(f"核实状态应为 {STATUSES} 之一，实际为 {status!r}")
    rows = tuple(
        FineLimit(
            code=f"large_fine.{party}",
            party=party,
            amount=amount,
            title=f"较大数额罚款：对{_PARTY_TITLES[party]}{amount}元以上",
            source=source,
            status=status,
            effective_from=_as_date(effective_from),
        )
        for party, amount in (("person", person), ("unit", unit))
    )
    _check_limits(rows, "较大数额罚款标准")
    return rows


def _party(party: str) -> str:
    if party not in PARTIES:
        raise ValueError(f"当事人类型应为 'person'（公民）或 'unit'（法人或者其他组织），实际为 {party!r}")
    return party


def _yuan(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}应为非负整数（元），实际为 {value!r}")
    return value


def simple_procedure_allowed(party: str, amount: int, *, limits: Iterable[FineLimit] = SIMPLE_PROCEDURE_LIMITS) -> bool:
    """True if 第五十一条 allows an on-the-spot decision for a fine of ``amount`` 元 (0 = 警告 only).

    Only the amount is checked; 「违法事实确凿并有法定依据」 is for the inspector to establish.
    """
    by_party = _check_limits(limits, "当场处罚限额")
    return _yuan(amount, "罚款数额 amount") <= by_party[_party(party)].amount


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    hearing: bool  # gives the right to a hearing under 第六十三条
    item: str  # 第六十三条 item, "" when not listed
    note: str = ""


HEARING_SOURCE = f"{LAW_XZCF}第六十三条"

MEASURES: tuple[Measure, ...] = (
    Measure(
        "suspend",
        "责令停产停业（含责令停产停业整顿）",
        True,
        "第（四）项",
        "安全生产法中的责令停产停业整顿按第（四）项责令停产停业处理（解释）。",
    ),
    Measure("close", "责令关闭", True, "第（四）项"),
    Measure("restrict_practice", "限制从业", True, "第（四）项"),
    Measure("revoke_licence", "吊销许可证件", True, "第（三）项"),
    Measure("downgrade_qualification", "降低资质等级", True, "第（三）项"),
    Measure("confiscate_large", "没收较大数额违法所得、没收较大价值非法财物", True, "第（二）项"),
    Measure("other_heavy", "其他较重的行政处罚", True, "第（五）项"),
    Measure("by_rule", "法律、法规、规章规定的其他情形", True, "第（六）项"),
    Measure("warning", "警告、通报批评", False, ""),
    Measure("confiscate", "没收违法所得、没收非法财物（未达较大数额）", False, ""),
    Measure(
        "suspend_licence",
        "暂扣许可证件",
        False,
        "",
        "第六十三条未列明；本机关认定属于其他较重的行政处罚的，同时传入 other_heavy。",
    ),
)
_MEASURES = {m.code: m for m in MEASURES}


@dataclass(frozen=True)
class HearingVerdict:
    required: bool  # the party must be told of the right to a hearing
    reasons: tuple[str, ...]
    caveats: tuple[str, ...] = ()


def _codes(values: Iterable[str], name: str) -> tuple:
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name}应为序列（如元组），而不是单个字符串：{values!r}")
    try:
        return tuple(values)
    except TypeError:
        raise ValueError(f"{name}应为序列，实际为 {values!r}") from None


def hearing_right(
    *,
    unit_fine: int = 0,
    person_fines: Iterable[int] = (),
    measures: Iterable[str] = (),
    thresholds: Iterable[FineLimit] = LARGE_FINE_THRESHOLDS,
) -> HearingVerdict:
    """Whether 第六十三条 gives the party the right to a hearing, with the reasons (Chinese, one per ground).

    ``unit_fine``: the proposed fine on the 生产经营单位 (0 = none); ``person_fines``: the proposed fine on each
    person; ``measures``: codes from :data:`MEASURES`. A fine at or above the threshold (「以上」 includes the number)
    is a 较大数额罚款. ``caveats`` lists what the verdict rests on that is not verified (the default thresholds).
    """
    by_party = _check_limits(thresholds, "较大数额罚款标准")
    unit_fine = _yuan(unit_fine, "单位罚款 unit_fine")
    fines = tuple(_yuan(f, "个人罚款 person_fines 中的每一项") for f in _codes(person_fines, "person_fines"))
    codes = _codes(measures, "measures")
    unknown = [c for c in codes if c not in _MEASURES]
    if unknown:
        raise ValueError(f"未知的处罚种类代码：{unknown}；可用：{', '.join(_MEASURES)}")

    reasons: list[str] = []
    used: list[FineLimit] = []
    item1 = f"{HEARING_SOURCE}第（一）项"
    unit_limit = by_party["unit"]
    if unit_fine and unit_fine >= unit_limit.amount:
        reasons.append(f"拟对生产经营单位罚款{unit_fine}元，达到较大数额罚款标准（{unit_limit.amount}元以上）——{item1}")
    if unit_fine:
        used.append(unit_limit)
    person_limit = by_party["person"]
    for fine in fines:
        if fine and fine >= person_limit.amount:
            reasons.append(f"拟对个人罚款{fine}元，达到较大数额罚款标准（{person_limit.amount}元以上）——{item1}")
    if any(fines):
        used.append(person_limit)
    seen: set[str] = set()
    for code in codes:
        m = _MEASURES[code]
        if m.hearing and code not in seen:
            reasons.append(f"拟{m.title}——{HEARING_SOURCE}{m.item}")
        seen.add(code)

    caveats = tuple(
        f"较大数额罚款标准（{row.title}）未经核实：{row.source}。请按省级规定或现行部门规章核对。"
        for row in used
        if row.status == UNVERIFIED
    )
    return HearingVerdict(required=bool(reasons), reasons=tuple(reasons), caveats=caveats)
