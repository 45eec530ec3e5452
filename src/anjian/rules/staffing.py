"""安全生产管理机构和安全生产管理人员配备 — 《安全生产法》第二十四条 and stricter provincial rules.

The national rule (regulations.md §2.2, VERIFIED-PRIMARY, text in
``/work/shared/domain/statutes/安全生产法(2021-06-10).md``):

    矿山、金属冶炼、建筑施工、运输单位和危险物品的生产、经营、储存、装卸单位，应当设置安全生产管理机构或者
    配备专职安全生产管理人员。
    前款规定以外的其他生产经营单位，从业人员超过一百人的，应当设置安全生产管理机构或者配备专职安全生产管理
    人员；从业人员在一百人以下的，应当配备专职或者兼职的安全生产管理人员。

Provincial 条例 add ratios. Each jurisdiction is one :class:`StaffingRule` row in
:data:`STAFFING_RULES` with its source, status and effective dates; the staffing bands are data
(:class:`Band`), not code. :func:`rule_for` picks the provincial row in force on the date, or the
national row; :func:`assess` applies it.

Principles applied throughout (interpretations, not statute text):

* A provincial 条例 implements the national law and cannot relax it. A unit that is high-risk under
  第二十四条第一款 is therefore assessed as high-risk under every provincial row too, even where the
  provincial list is worded more narrowly (e.g. Zhejiang's 「道路运输」 vs the national 「运输」).
  As a safety net :func:`assess_with` also checks the national band whenever a provincial row is
  satisfied, so a provincial verdict is never laxer than the national one
  (checked by ``tests/rules/test_staffing.py``).
* 「以上」「以下」 include the number itself; 「超过」「不足」 exclude it. Where a text puts the same
  headcount in two bands (Shanghai: 「三百人以下」 and 「三百人以上」), the stricter band applies.
* Percentages are rounded **up** with integer arithmetic and give at least one person:
  1 % of 300 = 3, 1 % of 301 = 4.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "SECTOR_CODES",
    "NATIONAL_HIGH_RISK_SECTORS",
    "Body",
    "Band",
    "StaffingRule",
    "StaffingFacts",
    "StaffingVerdict",
    "STAFFING_RULES",
    "NATIONAL_RULE",
    "is_high_risk_national",
    "rule_for",
    "assess",
    "assess_with",
    "ceil_percent",
]

SECTOR_CODES = (
    "hazchem",
    "coal_mine",
    "non_coal_mine",
    "metallurgy",
    "nonferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textile",
    "tobacco",
    "commerce",
    "fireworks",
    "construction",
    "transport",
    "other",
)

# 第二十四条第一款: 矿山 (coal_mine, non_coal_mine), 建筑施工 (construction), 运输 (transport),
# 危险物品的生产、经营、储存、装卸 (hazchem, fireworks). 金属冶炼 is the ``metal_smelting`` flag, not a
# sector: the metallurgy / nonferrous sectors also cover rolling and processing, which are not 冶炼.
NATIONAL_HIGH_RISK_SECTORS = frozenset(
    {"coal_mine", "non_coal_mine", "construction", "transport", "hazchem", "fireworks"}
)

NATIONAL_TITLE = "《中华人民共和国安全生产法》"
NATIONAL_ARTICLE = "第二十四条"

# Shortfall sentences (tests match these).
SHORT_NO_BODY = "未设置{body}。"
SHORT_NO_BODY_NO_FULL_TIME = "未设置{body}，也未配备专职安全生产管理人员。"
SHORT_NO_BODY_FEW_FULL_TIME = "未设置{body}，且专职安全生产管理人员不足{need}人（现有{have}人）。"
SHORT_FEW_FULL_TIME = "专职安全生产管理人员不足{need}人（现有{have}人）。"
SHORT_NO_MANAGER = "未配备专职或者兼职的安全生产管理人员。"


class Body(StrEnum):
    """What a band says about the 安全生产管理机构."""

    REQUIRED = "required"  # 设置机构，并配备 n 名专职
    EITHER = "either"  # 设置机构或者配备（n 名）专职 — either satisfies
    NONE = "none"  # no body; full-time (or part-time) staff only


@dataclass(frozen=True)
class Band:
    """One headcount band of a staffing rule. Bounds are inclusive; ``max_employees=None`` is open."""

    min_employees: int
    max_employees: int | None
    body: Body
    full_time: int = 0  # fixed minimum number of full-time staff
    full_time_percent: int = 0  # minimum as a percentage of employees, rounded up (at least 1)
    full_time_with_body: bool = False  # Body.EITHER only: the full-time minimum applies even with a body
    part_time_ok: bool = False  # 专职或者兼职: at least one safety manager of either kind
    body_text: str = "安全生产管理机构"
    clause: str = ""  # paragraph / item inside the row's article, e.g. "第一款第（二）项"
    from_national: bool = False  # band restates the national rule (province text silent here)
    note: str = ""  # interpretation shown beside the verdict

    def covers(self, employees: int) -> bool:
        return self.min_employees <= employees and (
            self.max_employees is None or employees <= self.max_employees
        )

    def min_full_time(self, employees: int) -> int:
        return max(self.full_time, ceil_percent(employees, self.full_time_percent))


@dataclass(frozen=True)
class StaffingRule:
    """One jurisdiction's staffing rule, in force from ``effective_from`` to ``effective_to`` inclusive."""

    key: str
    jurisdiction: str
    province_code: str | None  # GB/T 2260 province prefix; None for the national rule
    title: str
    article: str
    status: str  # status of the text, as regulations.md records it
    source: str
    effective_from: datetime.date
    effective_from_status: str  # the commencement date is verified separately from the text
    effective_to: datetime.date | None
    high_risk_bands: tuple[Band, ...]
    other_bands: tuple[Band, ...]
    extra_high_risk: tuple[str, ...] = ()  # keys of HIGH_RISK_CRITERIA added to the national list
    notes: tuple[str, ...] = ()  # shown beside every verdict under this row
    other_notes: tuple[str, ...] = ()  # shown beside verdicts for units that are not high-risk

    def in_force(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def band_for(self, high_risk: bool, employees: int) -> Band:
        for band in self.high_risk_bands if high_risk else self.other_bands:
            if band.covers(employees):
                return band
        raise ValueError(f"no band of {self.key} covers {employees} employees")


def ceil_percent(employees: int, percent: int) -> int:
    """``percent`` % of ``employees`` rounded up, at least 1 when ``percent`` > 0 (integer arithmetic)."""
    if percent <= 0:
        return 0
    return max(1, -(-employees * percent // 100))


# --- Extra high-risk criteria used by provincial rows -----------------------------------------
HIGH_RISK_CRITERIA: dict[str, Callable[[StaffingFacts], bool]] = {
    # 「使用危险化学品数量构成重大危险源的（生产）单位」: the platform records this as two flags.
    "hazchem_major_hazard": lambda f: f.hazchem_use and f.major_hazard_source,
}


# --- The table ---------------------------------------------------------------------------------

NATIONAL_RULE = StaffingRule(
    key="CN-2021",
    jurisdiction="全国",
    province_code=None,
    title=NATIONAL_TITLE,
    article=NATIONAL_ARTICLE,
    status="VERIFIED-PRIMARY",
    source="LawRefBook/Laws:社会法/安全生产法(2021-06-10).md (regulations.md §2.2)",
    # 2021-06-10 第三次修正; commencement 2021-09-01 is UNVERIFIED (not in the mirrored header).
    effective_from=datetime.date(2021, 9, 1),
    effective_from_status="UNVERIFIED",
    effective_to=None,
    high_risk_bands=(
        # 第一款: no headcount threshold — body OR full-time staff (at least one).
        Band(0, None, Body.EITHER, full_time=1, clause="第一款"),
    ),
    other_bands=(
        # 「从业人员在一百人以下」 includes 100.
        Band(0, 100, Body.NONE, part_time_ok=True, clause="第二款"),
        # 「超过一百人」 = 101 or more.
        Band(101, None, Body.EITHER, full_time=1, clause="第二款"),
    ),
)

ZHEJIANG_2016 = StaffingRule(
    key="33-2016",
    jurisdiction="浙江省",
    province_code="33",
    title="《浙江省安全生产条例》",
    article="第十一条",
    status="VERIFIED-PRIMARY",
    source="LawRefBook/Laws:DLC/浙江地方法规/地方性法规/浙江/浙江省安全生产条例(2016-07-29).md",
    # Version date 2016-07-29 (修订). The mirrored text's 第五十一条 reads 「本条例自2016年8月1日起施行」,
    # so the commencement is taken from the text itself; whether a later revision exists is UNVERIFIED.
    effective_from=datetime.date(2016, 8, 1),
    effective_from_status="VERIFIED-PRIMARY (第五十一条)",
    effective_to=None,
    # 第一款 lists 矿山、金属冶炼、建筑施工、船舶修造或者拆解、道路运输单位，危险物品的生产、经营、储存单位，
    # 以及使用危险化学品数量构成重大危险源的生产单位. 船舶修造/拆解 has no sector in the platform yet;
    # the national list (incl. all 运输 and 装卸) stays high-risk here as well (see module docstring).
    extra_high_risk=("hazchem_major_hazard",),
    high_risk_bands=(
        # （四）「从业人员不足五十人的，应当配备专职安全生产管理人员」 — number not set: at least 1.
        Band(0, 49, Body.NONE, full_time=1, clause="第一款第（四）项"),
        # （三）「五十人以上不足一百人的，应当设置安全生产管理机构，并配备两名以上专职」
        Band(50, 99, Body.REQUIRED, full_time=2, clause="第一款第（三）项"),
        # （二）「一百人以上不足三百人的，应当设置安全生产管理机构，并配备三名以上专职」
        Band(100, 299, Body.REQUIRED, full_time=3, clause="第一款第（二）项"),
        # （一）「三百人以上的，应当设置安全生产管理机构，并按照不低于从业人员百分之一的比例配备专职」
        Band(300, None, Body.REQUIRED, full_time=1, full_time_percent=1, clause="第一款第（一）项"),
    ),
    other_bands=(
        # 「从业人员不足一百人的，应当配备专职或者兼职安全生产管理人员」
        Band(0, 99, Body.NONE, part_time_ok=True, clause="第二款"),
        # 「一百人以上不足三百人的，应当配备专职安全生产管理人员」 — a body alone does not satisfy this.
        Band(100, 299, Body.NONE, full_time=1, clause="第二款"),
        # 「三百人以上的，应当设置安全生产管理机构，并配备两名以上专职安全生产管理人员」
        Band(300, None, Body.REQUIRED, full_time=2, clause="第二款"),
    ),
    notes=(
        "按《浙江省安全生产条例》2016年修订文本（2016-08-01施行）评估；此后是否另有修订未核实（UNVERIFIED）。",
    ),
)

HENAN_2010 = StaffingRule(
    key="41-2010",
    jurisdiction="河南省",
    province_code="41",
    title="《河南省安全生产条例》",
    article="第十四条",
    status="VERIFIED-PRIMARY",
    source="LawRefBook/Laws:DLC/ (河南地方法规) 河南省安全生产条例(2010-07-30) — regulations.md §2.2",
    # Version date; the exact commencement date of this version is UNVERIFIED.
    # Third-party pages (e.g. https://m.aqrzj.com/docdown/217011.html) say a new 《河南省安全生产条例》 was
    # adopted 2019-05-31 and in force from 2019-10-01 (amended 2023-03-29). Not verified, and its staffing
    # article was not read, so effective_to stays None as instructed — re-check before relying on this row.
    effective_from=datetime.date(2010, 7, 30),
    effective_from_status="UNVERIFIED",
    effective_to=None,
    # High-risk list as the national one, plus 废弃处置 (no sector yet) and users of hazardous chemicals
    # above the 重大危险源 quantity.
    extra_high_risk=("hazchem_major_hazard",),
    high_risk_bands=(
        # <50: full-time safety staff; number not set — at least 1.
        Band(0, 49, Body.NONE, full_time=1),
        # ≥50: a relatively independent body, OR full-time staff of at least 2 % of employees.
        Band(
            50,
            None,
            Body.EITHER,
            full_time=1,
            full_time_percent=2,
            body_text="相对独立的安全生产管理机构",
        ),
    ),
    other_bands=(
        # ≤100: full-time or part-time.
        Band(0, 100, Body.NONE, part_time_ok=True),
        # >100: "body or full-time staff, at least 2 full-time". Read strictly: at least 2 full-time staff
        # are required even where a body is set up (the alternative reading — 2 only on the full-time
        # route — cannot be settled without the text).
        Band(
            101,
            None,
            Body.EITHER,
            full_time=2,
            full_time_with_body=True,
            note="河南省条例对100人以上其他单位“不少于2名专职”的要求按设置机构时同样适用理解（解释，原文未核对）。",
        ),
    ),
    notes=(
        "按《河南省安全生产条例》2010年文本评估；据第三方网页，该条例已于2019年5月31日重新通过、"
        "2019年10月1日起施行（UNVERIFIED），本条款可能已被取代，请以现行文本为准。",
    ),
)

# Shanghai 较大危险行业 bands (第二十条): ≥300 → 2, ≥1000 → 5, ≥5000 → 10 full-time.
# NOT APPLIED: the platform has no sector mapping for 较大危险行业 yet, so those units are assessed
# under the "others" bands below (a verdict note says so).
SHANGHAI_LARGER_DANGER_BANDS = (
    Band(300, 999, Body.NONE, full_time=2),
    Band(1000, 4999, Body.NONE, full_time=5),
    Band(5000, None, Body.NONE, full_time=10),
)

_SH_300_NOTE = "上海市条例“三百人以下”与“三百人以上”均含300人，按较严的一档（不少于3名）理解（解释）。"

SHANGHAI_2018 = StaffingRule(
    key="31-2018",
    jurisdiction="上海市",
    province_code="31",
    title="《上海市安全生产条例》",
    article="第二十条",
    status="VERIFIED-PRIMARY",
    source="LawRefBook/Laws:DLC/ (上海地方法规) 上海市安全生产条例(2018-05-24) — regulations.md §2.2",
    # Version date; the exact commencement date of this version is UNVERIFIED, as is whether a later
    # revision exists.
    effective_from=datetime.date(2018, 5, 24),
    effective_from_status="UNVERIFIED",
    effective_to=None,
    # 高危行业: the 条例's own definition was not read; the national 第二十四条第一款 list is used.
    high_risk_bands=(
        # 「三百人以下的，至少配备一名」 / 「三百人以上的，至少配备三名」: 300 falls in both; stricter wins.
        Band(0, 299, Body.NONE, full_time=1),
        Band(300, 999, Body.NONE, full_time=3, note=_SH_300_NOTE),
        Band(1000, 4999, Body.NONE, full_time=8),
        Band(5000, None, Body.NONE, full_time=15),
    ),
    other_bands=(
        # Below 300 the Shanghai article is silent for other units; the national 第二十四条第二款 applies.
        Band(0, 100, Body.NONE, part_time_ok=True, from_national=True),
        Band(101, 299, Body.EITHER, full_time=1, from_national=True),
        # 「至少配备一名（两名、五名）专职」: a body alone does not satisfy these bands.
        Band(300, 999, Body.NONE, full_time=1),
        Band(1000, 4999, Body.NONE, full_time=2),
        Band(5000, None, Body.NONE, full_time=5),
    ),
    other_notes=(
        "上海市条例中的“较大危险行业”在平台中尚无对应行业分类，本单位按“其他生产经营单位”评估"
        "（较大危险行业的要求更严：300人以上2名、1000人以上5名、5000人以上10名专职）。",
    ),
)

STAFFING_RULES: tuple[StaffingRule, ...] = (NATIONAL_RULE, ZHEJIANG_2016, HENAN_2010, SHANGHAI_2018)


def _check_table(rules: tuple[StaffingRule, ...]) -> None:
    """Bands must cover 0..∞ without gaps or overlaps; run at import so a bad row fails loudly."""
    for rule in rules:
        for bands in (rule.high_risk_bands, rule.other_bands):
            expected = 0
            for i, band in enumerate(bands):
                if band.min_employees != expected:
                    raise ValueError(
                        f"{rule.key}: band {i} starts at {band.min_employees}, expected {expected}"
                    )
                if band.max_employees is None:
                    if i != len(bands) - 1:
                        raise ValueError(f"{rule.key}: open band {i} is not last")
                else:
                    if band.max_employees < band.min_employees:
                        raise ValueError(f"{rule.key}: band {i} is empty")
                    expected = band.max_employees + 1
                if band.part_time_ok and (
                    band.body is not Body.NONE or band.full_time or band.full_time_percent
                ):
                    raise ValueError(f"{rule.key}: band {i} allows part-time but also requires more")
                if not band.part_time_ok and band.full_time < 1:
                    raise ValueError(f"{rule.key}: band {i} must require at least one full-time manager")
            if bands[-1].max_employees is not None:
                raise ValueError(f"{rule.key}: last band must be open-ended")
        for key in rule.extra_high_risk:
            if key not in HIGH_RISK_CRITERIA:
                raise ValueError(f"{rule.key}: unknown high-risk criterion {key!r}")


_check_table(STAFFING_RULES)


# --- Facts and verdict ---------------------------------------------------------------------------


def _province_prefix(code: str) -> str:
    if (
        not isinstance(code, str)
        or not code.isascii()
        or not code.isdigit()
        or len(code) not in (2, 6, 9, 12)
    ):
        raise ValueError(f"province_code must be a GB/T 2260 code (2, 6, 9 or 12 digits), got {code!r}")
    return code[:2]


@dataclass(frozen=True)
class StaffingFacts:
    province_code: str  # 2 digits, e.g. "33" (a longer GB/T 2260 code is cut to its first 2 digits)
    sectors: frozenset[str]  # codes from SECTOR_CODES
    employees: int
    has_safety_body: bool  # 安全生产管理机构 set up
    full_time: int  # full-time safety managers recorded
    part_time: int  # part-time safety managers recorded
    on: datetime.date
    metal_smelting: bool = False
    major_hazard_source: bool = False
    hazchem_use: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "province_code", _province_prefix(self.province_code))
        sectors = frozenset(self.sectors)
        unknown = sectors - frozenset(SECTOR_CODES)
        if unknown:
            raise ValueError(f"unknown sector codes: {sorted(unknown)}")
        object.__setattr__(self, "sectors", sectors)
        for name in ("employees", "full_time", "part_time"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        on = self.on
        if isinstance(on, datetime.datetime):
            object.__setattr__(self, "on", on.date())
        elif not isinstance(on, datetime.date):
            raise ValueError(f"on must be a date, got {on!r}")


@dataclass(frozen=True)
class StaffingVerdict:
    high_risk: bool
    body_required: bool  # a body is required outright
    body_or_full_time: bool  # "设置机构或者配备专职" — either satisfies
    min_full_time: int  # minimum number of full-time staff (0 if part-time suffices)
    part_time_allowed: bool
    compliant: bool
    requirement: str  # one Chinese sentence: what the law requires of this unit
    basis: str  # citation, e.g. "《中华人民共和国安全生产法》第二十四条第一款"
    shortfalls: tuple[str, ...]  # Chinese sentences, empty when compliant
    notes: tuple[str, ...]  # e.g. UNVERIFIED caveats shown beside the verdict


def is_high_risk_national(facts: StaffingFacts) -> bool:
    """第二十四条第一款: 矿山、金属冶炼、建筑施工、运输单位和危险物品的生产、经营、储存、装卸单位."""
    return facts.metal_smelting or bool(facts.sectors & NATIONAL_HIGH_RISK_SECTORS)


def _is_high_risk(rule: StaffingRule, facts: StaffingFacts) -> bool:
    return is_high_risk_national(facts) or any(HIGH_RISK_CRITERIA[k](facts) for k in rule.extra_high_risk)


def rule_for(province_code: str, on: datetime.date) -> StaffingRule:
    """The provincial row for the province in force on ``on``; otherwise the national row.

    The national row is returned even for dates before its own ``effective_from`` (there is no older
    row in the table); :func:`assess` adds a note in that case.
    """
    prefix = _province_prefix(province_code)
    if isinstance(on, datetime.datetime):
        on = on.date()
    provincial = [r for r in STAFFING_RULES if r.province_code == prefix and r.in_force(on)]
    if provincial:
        return max(provincial, key=lambda r: r.effective_from)
    national = [r for r in STAFFING_RULES if r.province_code is None]
    in_force = [r for r in national if r.in_force(on)]
    if in_force:
        return max(in_force, key=lambda r: r.effective_from)
    return min(national, key=lambda r: r.effective_from)


def _requirement_clause(band: Band, need: int) -> str:
    staff = "专职安全生产管理人员"
    pct = f"（不低于从业人员的{band.full_time_percent}%，向上取整）" if band.full_time_percent else ""
    if band.part_time_ok:
        return "应当配备专职或者兼职的安全生产管理人员"
    if band.body is Body.REQUIRED:
        return f"应当设置{band.body_text}，并配备不少于{need}名{staff}{pct}"
    if band.body is Body.EITHER:
        if band.full_time_with_body:
            return f"应当设置{band.body_text}或者配备{staff}，且{staff}不少于{need}名"
        if need == 1 and not pct:
            return f"应当设置{band.body_text}或者配备{staff}"
        return f"应当设置{band.body_text}或者配备不少于{need}名{staff}{pct}"
    return f"应当配备不少于{need}名{staff}"


def _shortfalls(band: Band, need: int, facts: StaffingFacts) -> tuple[str, ...]:
    has_body, ft = facts.has_safety_body, facts.full_time
    body = band.body_text
    if band.part_time_ok:
        return () if ft + facts.part_time >= 1 else (SHORT_NO_MANAGER,)
    if band.body is Body.REQUIRED:
        out = []
        if not has_body:
            out.append(SHORT_NO_BODY.format(body=body))
        if ft < need:
            out.append(SHORT_FEW_FULL_TIME.format(need=need, have=ft))
        return tuple(out)
    if band.body is Body.EITHER:
        if ft >= need:
            return ()
        if has_body:
            if not band.full_time_with_body:
                return ()
            return (SHORT_FEW_FULL_TIME.format(need=need, have=ft),)
        if band.full_time_with_body or need > 1 or ft > 0:
            return (SHORT_NO_BODY_FEW_FULL_TIME.format(body=body, need=need, have=ft),)
        return (SHORT_NO_BODY_NO_FULL_TIME.format(body=body),)
    return () if ft >= need else (SHORT_FEW_FULL_TIME.format(need=need, have=ft),)


def assess_with(rule: StaffingRule, facts: StaffingFacts) -> StaffingVerdict:
    """Apply one given rule row to the facts (``assess`` picks the row with :func:`rule_for`)."""
    high_risk = _is_high_risk(rule, facts)
    band = rule.band_for(high_risk, facts.employees)
    need = 0 if band.part_time_ok else band.min_full_time(facts.employees)
    shortfalls = _shortfalls(band, need, facts)
    national_gap: tuple[str, ...] = ()
    if rule.province_code is not None and not shortfalls:
        # Safety net: a provincial row may not relax the national rule. The only case today is a Henan
        # hazchem user with a major hazard source and 50–100 staff that has a body but no safety manager:
        # Henan accepts the body, 第二十四条第二款 still wants a (full- or part-time) manager.
        national_band = NATIONAL_RULE.band_for(is_high_risk_national(facts), facts.employees)
        national_need = 0 if national_band.part_time_ok else national_band.min_full_time(facts.employees)
        national_gap = _shortfalls(national_band, national_need, facts)
        shortfalls = national_gap

    kind = "高危行业生产经营单位" if high_risk else "其他生产经营单位"
    requirement = f"本单位属{kind}，从业人员{facts.employees}人，{_requirement_clause(band, need)}。"

    national_clause = "第一款" if is_high_risk_national(facts) else "第二款"
    national_basis = f"{NATIONAL_TITLE}{NATIONAL_ARTICLE}{national_clause}"
    if rule.province_code is None:
        basis = f"{rule.title}{rule.article}{band.clause}"
    elif band.from_national:
        basis = f"{national_basis}（{rule.title}{rule.article}对此情形未作更严规定）"
    else:
        basis = f"{rule.title}{rule.article}{band.clause}；{national_basis}"

    notes: list[str] = list(rule.notes)
    if not high_risk:
        notes.extend(rule.other_notes)
    if band.note:
        notes.append(band.note)
    if national_gap:
        notes.append(f"本单位符合{rule.title}{rule.article}的要求，但仍须满足{national_basis}的要求。")
    if facts.on < rule.effective_from:
        notes.append(
            f"评估日期{facts.on.isoformat()}早于{rule.title}现行版本的施行日期"
            f"{rule.effective_from.isoformat()}（{rule.effective_from_status}），仍按现行条文评估，"
            "此前版本的相应条款未核对。"
        )

    return StaffingVerdict(
        high_risk=high_risk,
        body_required=band.body is Body.REQUIRED,
        body_or_full_time=band.body is Body.EITHER,
        min_full_time=need,
        part_time_allowed=band.part_time_ok,
        compliant=not shortfalls,
        requirement=requirement,
        basis=basis,
        shortfalls=shortfalls,
        notes=tuple(notes),
    )


def assess(facts: StaffingFacts) -> StaffingVerdict:
    """Assess the unit's safety body / staffing against the rule in force for its province and date."""
    return assess_with(rule_for(facts.province_code, facts.on), facts)
