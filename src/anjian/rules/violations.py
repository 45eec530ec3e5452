"""违法行为库 — 《安全生产法》（2021）第六章 法律责任, as data; plus 刑法 第一百三十四条之一 references.

Each :class:`Violation` row is one violation an inspector can cite: the duty article(s) violated, the
penalty article and clause, and the measures the penalty article provides, split into two stages:

* ``immediate`` — what the article provides on finding the violation (责令限期改正, a fine, …);
* ``after_deadline`` — what it provides on the trigger in ``after_trigger`` (「逾期未改正的」,
  「生产经营单位拒不执行的」 in 第一百零二条, 「拒不改正的」 in 第一百零八条), or ``None`` where the
  article has no second stage.

Fine ranges are ``(min, max)`` in 元, both inclusive (「以上」「以下」 include the number). 「处十万元以下的罚款」
is ``(0, 100000)``: no floor, but a fine must be at least 1 元. ``unit_fine`` is the fine on the 生产经营单位
(or, in 第九十二条, the 机构); ``person_fine`` is the fine on the person named in ``person_role`` (直接负责的
主管人员和其他直接责任人员; in 第九十四条 the 主要负责人 …). ``income_percent`` is a fine as a percentage of
the person's 上一年年收入 (第九十五条, 第九十六条, 第一百一十条): use :func:`check_income_fine`.
``gains_based`` marks 「没收违法所得；违法所得十万元以上的，并处违法所得二倍以上五倍以下的罚款；没有违法所得
或者违法所得不足十万元的，单处或者并处十万元以上二十万元以下的罚款」 (第九十二条第二款, 第一百零三条):
the unit fine depends on the illegal gains, passed to :func:`check_fine` as ``illegal_gains``.

Codes: ``aqf2021.<article>.<item>`` for a 项 (``aqf2021.97.3`` = 第九十七条第（三）项),
``aqf2021.<article>.k<n>`` for a 款, ``aqf2021.<article>`` for a single-paragraph article. They are stable:
never renumber a row; add a new code (and an ``effective_to`` on the old row) when the law changes.

Source: ``/work/shared/domain/statutes/安全生产法(2021-06-10).md`` (= ``LawRefBook/Laws:社会法/
安全生产法(2021-06-10).md``), read article by article: every row is VERIFIED-PRIMARY for its text and
amounts. Commencement: the mirror carries only the amendment date (2021-06-10) and the original 第一百一十九条
「本法自2002年11月1日起施行」; the 2021-09-01 date of the amended text is from regulations.md §2, where it is
**UNVERIFIED** (``EFFECTIVE_FROM_STATUS``).

Interpretations (not statute text; each is repeated in the row's ``note``):

* 第一百一十四条第二款 「按照前款罚款数额的二倍以上五倍以下」: we accept ``2 × min`` to ``5 × max`` of the
  grade's range (:func:`accident_fine_range` with ``aggravated=True``).
* 第一百一十二条 按日连续处罚: :func:`continuing_penalty` counts days from 「作出责令改正之日的次日」 to the
  ``until`` date inclusive, at the original fine amount per day. The statute does not say when counting
  stops; ``until`` is the caller's choice (e.g. the date correction was verified, or the decision date).
* Percentages of income: the fine may be rounded to whole 元 either way (tolerance below 1 元).

Also :data:`CRIME_REFERENCES`: the three circumstances of 《刑法》第一百三十四条之一（危险作业罪）, text from
``/work/shared/domain/statutes/刑法修正案（十一）.md`` item 四, in force 2021-03-01 (item 四十八 of the same
text: 「本修正案自2021年3月1日起施行。」 — VERIFIED-PRIMARY, although regulations.md §2.7 marks the date
UNVERIFIED). Used by the 移送书.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from anjian.rules._dates import as_date as _as_date

__all__ = [
    "STATUSES",
    "ACCIDENT_GRADES",
    "PARTIES",
    "STAGES",
    "LAW_TITLE",
    "EFFECTIVE_FROM",
    "EFFECTIVE_FROM_STATUS",
    "Stage",
    "Violation",
    "FineVerdict",
    "ContinuingPenalty",
    "CrimeReference",
    "VIOLATIONS",
    "CRIME_REFERENCES",
    "PRINCIPAL_ACCIDENT_PERCENT",
    "UNIT_ACCIDENT_FINES",
    "AGGRAVATED_MULTIPLE",
    "get",
    "all_violations",
    "in_force",
    "by_article",
    "check_fine",
    "check_income_fine",
    "income_fine_range",
    "accident_fine_range",
    "continuing_penalty",
    "crime_reference",
    "yuan",
    "range_text",
    "label",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

LAW_TITLE = "《中华人民共和国安全生产法》"
SOURCE = "《安全生产法》（2021-06-10第三次修正）{where} — /work/shared/domain/statutes/安全生产法(2021-06-10).md"
EFFECTIVE_FROM = datetime.date(2021, 9, 1)
EFFECTIVE_FROM_STATUS = UNVERIFIED  # regulations.md §2: not in the mirrored header

PARTIES = ("unit", "person")
STAGES = ("immediate", "after_deadline")

# 生产安全事故等级 (第九十五条, 第一百一十四条; grading itself: 条例493 第三条).
ACCIDENT_GRADES = {
    "general": "一般事故",
    "larger": "较大事故",
    "major": "重大事故",
    "especially_major": "特别重大事故",
}

# 第九十五条: fine on the principal, % of 上一年年收入, by grade.
PRINCIPAL_ACCIDENT_PERCENT = {"general": 40, "larger": 60, "major": 80, "especially_major": 100}

# 第一百一十四条第一款: fine on the responsible unit, by grade, 元.
UNIT_ACCIDENT_FINES = {
    "general": (300_000, 1_000_000),
    "larger": (1_000_000, 2_000_000),
    "major": (2_000_000, 10_000_000),
    "especially_major": (10_000_000, 20_000_000),
}
# 第一百一十四条第二款: 情节特别严重、影响特别恶劣的 — 前款罚款数额的二倍以上五倍以下.
AGGRAVATED_MULTIPLE = (2, 5)

# 第九十二条第二款 / 第一百零三条: 违法所得十万元以上 → 二倍以上五倍以下; otherwise 十万元以上二十万元以下.
GAINS_THRESHOLD = 100_000
GAINS_MULTIPLE = (2, 5)
GAINS_FALLBACK_FINE = (100_000, 200_000)

PRINCIPAL = "主要负责人"
DIRECT = "直接负责的主管人员和其他直接责任人员"
CRIMINAL = "构成犯罪的，依照刑法有关规定追究刑事责任"

Range = tuple[int, int]


@dataclass(frozen=True)
class Stage:
    """The measures of one stage, in the order the article lists them, and the fines as data."""

    measures: tuple[str, ...]
    unit_fine: Range | None = None
    person_fine: Range | None = None
    income_percent: Range | None = None  # fine on the person, % of 上一年年收入 (inclusive)

    @property
    def has_fine(self) -> bool:
        return self.unit_fine is not None or self.person_fine is not None or self.income_percent is not None


@dataclass(frozen=True)
class Violation:
    code: str
    title: str
    duty_articles: tuple[str, ...]  # articles of 安全生产法 whose duty is violated; () where none
    penalty_article: str  # e.g. "第九十七条"
    clause: str  # e.g. "第（三）项", "第一款"; "" for a single-paragraph article
    text: str  # the violation as the penalty article words it (quoted)
    immediate: Stage
    after_deadline: Stage | None = None
    after_trigger: str = ""  # 「逾期未改正的」 …; required iff after_deadline is set
    person_role: str = DIRECT
    gains_based: bool = False
    aggravated: str = ""  # e.g. 「情节严重的，责令停产停业整顿」
    criminal: bool = False  # the article adds 「构成犯罪的，依照刑法有关规定追究刑事责任」
    accident_grade: str = ""  # 第九十五条 / 第一百一十四条 rows
    note: str = ""
    source: str = ""
    status: str = VERIFIED_PRIMARY
    effective_from: datetime.date = EFFECTIVE_FROM
    effective_to: datetime.date | None = None

    @property
    def fine_at_once(self) -> bool:
        """True if the article allows a fine together with the order to correct (not only after the deadline)."""
        return self.immediate.has_fine or self.gains_based

    @property
    def citation(self) -> str:
        return f"{LAW_TITLE}{self.penalty_article}{self.clause}"

    def in_force(self, on: datetime.date) -> bool:
        on = _as_date(on)
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class FineVerdict:
    ok: bool
    message: str
    range: Range | None = None


@dataclass(frozen=True)
class ContinuingPenalty:
    """第一百一十二条: ``days`` × ``per_day`` from ``start`` (the day after the order) to ``until``."""

    start: datetime.date
    until: datetime.date
    days: int
    per_day: int
    total: int


@dataclass(frozen=True)
class CrimeReference:
    code: str
    crime: str
    article: str
    item: str
    text: str
    chapeau: str
    penalty: str
    related_violations: tuple[str, ...]
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None = None


# --- helpers for building rows -------------------------------------------------------------------

_ORDER = "责令限期改正"
_SUSPEND = "责令停产停业整顿"
_OVERDUE = "逾期未改正的"


def _src(where: str) -> str:
    return SOURCE.format(where=where)


def _row(code: str, title: str, duty: tuple[str, ...], article: str, clause: str, text: str, **kw) -> Violation:
    return Violation(
        code=code,
        title=title,
        duty_articles=duty,
        penalty_article=article,
        clause=clause,
        text=text,
        source=kw.pop("source", None) or _src(f"{article}{clause}"),
        **kw,
    )


# 第九十七条 / 第一百零一条 common penalty.
_S97_NOW = Stage(("责令限期改正", "处十万元以下的罚款"), unit_fine=(0, 100_000))
_S97_LATE = Stage(
    (
        "责令停产停业整顿",
        "并处十万元以上二十万元以下的罚款",
        "对其直接负责的主管人员和其他直接责任人员处二万元以上五万元以下的罚款",
    ),
    unit_fine=(100_000, 200_000),
    person_fine=(20_000, 50_000),
)
# 第九十八条.
_S98_NOW = Stage(
    (
        "责令停止建设或者停产停业整顿",
        "限期改正",
        "并处十万元以上五十万元以下的罚款",
        "对其直接负责的主管人员和其他直接责任人员处二万元以上五万元以下的罚款",
    ),
    unit_fine=(100_000, 500_000),
    person_fine=(20_000, 50_000),
)
_S98_LATE = Stage(
    ("处五十万元以上一百万元以下的罚款", "对其直接负责的主管人员和其他直接责任人员处五万元以上十万元以下的罚款"),
    unit_fine=(500_000, 1_000_000),
    person_fine=(50_000, 100_000),
)
# 第九十九条.
_S99_NOW = Stage(("责令限期改正", "处五万元以下的罚款"), unit_fine=(0, 50_000))
_S99_LATE = Stage(
    ("处五万元以上二十万元以下的罚款", "对其直接负责的主管人员和其他直接责任人员处一万元以上二万元以下的罚款"),
    unit_fine=(50_000, 200_000),
    person_fine=(10_000, 20_000),
)
# 第一百零五条.
_S105_NOW = Stage(
    ("责令限期改正", "处五万元以下的罚款", "对其直接负责的主管人员和其他直接责任人员处一万元以下的罚款"),
    unit_fine=(0, 50_000),
    person_fine=(0, 10_000),
)
_S_SUSPEND = Stage((_SUSPEND,))
# 第一百一十三条.
_S113 = Stage(
    (
        "提请地方人民政府予以关闭",
        "有关部门应当依法吊销其有关证照",
        "生产经营单位主要负责人五年内不得担任任何生产经营单位的主要负责人",
        "情节严重的，终身不得担任本行业生产经营单位的主要负责人",
    )
)


def _items(article: str, num: int, entries, **kw) -> list[Violation]:
    return [
        _row(f"aqf2021.{num}.{i}", title, duty, article, f"第（{_CN_ITEMS[i]}）项", text, **kw)
        for i, (title, duty, text) in enumerate(entries, start=1)
    ]


_CN_ITEMS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八"}

_A97 = [
    (
        "未按规定设置安全生产管理机构或配备安全生产管理人员、注册安全工程师",
        ("第二十四条", "第二十七条第三款"),
        "未按照规定设置安全生产管理机构或者配备安全生产管理人员、注册安全工程师的",
    ),
    (
        "高危单位主要负责人和安全生产管理人员未按规定经考核合格",
        ("第二十七条第二款",),
        "危险物品的生产、经营、储存、装卸单位以及矿山、金属冶炼、建筑施工、运输单位的主要负责人和安全生产管理人员"
        "未按照规定经考核合格的",
    ),
    (
        "未按规定进行安全生产教育和培训或未如实告知有关安全生产事项",
        ("第二十八条", "第四十四条第一款"),
        "未按照规定对从业人员、被派遣劳动者、实习学生进行安全生产教育和培训，或者未按照规定如实告知有关的安全生产事项的",
    ),
    ("未如实记录安全生产教育和培训情况", ("第二十八条第四款",), "未如实记录安全生产教育和培训情况的"),
    (
        "未如实记录或未通报事故隐患排查治理情况",
        ("第四十一条第二款",),
        "未将事故隐患排查治理情况如实记录或者未向从业人员通报的",
    ),
    (
        "未按规定制定应急救援预案或未定期组织演练",
        ("第八十一条",),
        "未按照规定制定生产安全事故应急救援预案或者未定期组织演练的",
    ),
    (
        "特种作业人员未经专门培训取得相应资格上岗作业",
        ("第三十条",),
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的",
    ),
]

_BUILD = "矿山、金属冶炼建设项目或者用于生产、储存、装卸危险物品的建设项目"
_A98 = [
    ("高危建设项目未按规定进行安全评价", ("第三十二条",), f"未按照规定对{_BUILD}进行安全评价的"),
    (
        "高危建设项目无安全设施设计或设计未经审查同意",
        ("第三十三条第二款",),
        f"{_BUILD}没有安全设施设计或者安全设施设计未按照规定报经有关部门审查同意的",
    ),
    (
        "高危建设项目施工单位未按批准的安全设施设计施工",
        ("第三十四条第一款",),
        f"{_BUILD}的施工单位未按照批准的安全设施设计施工的",
    ),
    (
        "高危建设项目安全设施未经验收合格即投入生产或使用",
        ("第三十四条第二款",),
        f"{_BUILD}竣工投入生产或者使用前，安全设施未经验收合格的",
    ),
]

_A99 = [
    (
        "未设置明显的安全警示标志",
        ("第三十五条",),
        "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志的",
    ),
    (
        "安全设备的安装、使用、检测、改造和报废不符合标准",
        ("第三十六条第一款",),
        "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准的",
    ),
    (
        "未对安全设备进行经常性维护、保养和定期检测",
        ("第三十六条第二款",),
        "未对安全设备进行经常性维护、保养和定期检测的",
    ),
    (
        "关闭、破坏安全监控报警等设备设施或篡改、隐瞒、销毁其数据",
        ("第三十六条第三款",),
        "关闭、破坏直接关系生产安全的监控、报警、防护、救生设备、设施，或者篡改、隐瞒、销毁其相关数据、信息的",
    ),
    ("未提供符合标准的劳动防护用品", ("第四十五条",), "未为从业人员提供符合国家标准或者行业标准的劳动防护用品的"),
    (
        "危险物品容器、运输工具及特种设备未经检测检验合格投入使用",
        ("第三十七条",),
        "危险物品的容器、运输工具，以及涉及人身安全、危险性较大的海洋石油开采特种设备和矿山井下特种设备未经具有专业资质的"
        "机构检测、检验合格，取得安全使用证或者安全标志，投入使用的",
    ),
    ("使用应当淘汰的危及生产安全的工艺、设备", ("第三十八条",), "使用应当淘汰的危及生产安全的工艺、设备的"),
    (
        "餐饮等行业使用燃气未安装可燃气体报警装置",
        ("第三十六条第四款",),
        "餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置的",
    ),
]

_A101 = [
    (
        "危险物品作业未建立专门安全管理制度、未采取可靠安全措施",
        ("第三十九条",),
        "生产、经营、运输、储存、使用危险物品或者处置废弃危险物品，未建立专门安全管理制度、未采取可靠的安全措施的",
    ),
    (
        "重大危险源未登记建档、检测评估监控、制定预案或告知应急措施",
        ("第四十条",),
        "对重大危险源未登记建档，未进行定期检测、评估、监控，未制定应急预案，或者未告知应急措施的",
    ),
    (
        "危险作业未安排专门人员进行现场安全管理",
        ("第四十三条",),
        "进行爆破、吊装、动火、临时用电以及国务院应急管理部门会同国务院有关部门规定的其他危险作业，"
        "未安排专门人员进行现场安全管理的",
    ),
    (
        "未建立安全风险分级管控制度或未按风险分级采取管控措施",
        ("第四十一条第一款",),
        "未建立安全风险分级管控制度或者未按照安全风险分级采取相应管控措施的",
    ),
    (
        "未建立事故隐患排查治理制度或重大事故隐患排查治理情况未按规定报告",
        ("第四十一条第二款",),
        "未建立事故隐患排查治理制度，或者重大事故隐患排查治理情况未按照规定报告的",
    ),
]

_A105 = [
    (
        "危险物品车间、商店、仓库与员工宿舍在同一建筑内或距离不符合要求",
        ("第四十二条第一款",),
        "生产、经营、储存、使用危险物品的车间、商店、仓库与员工宿舍在同一座建筑内，或者与员工宿舍的距离不符合安全要求的",
    ),
    (
        "出口、疏散通道不符合要求或被占用、锁闭、封堵",
        ("第四十二条第二款",),
        "生产经营场所和员工宿舍未设有符合紧急疏散需要、标志明显、保持畅通的出口、疏散通道，或者占用、锁闭、封堵"
        "生产经营场所或者员工宿舍出口、疏散通道的",
    ),
]

_A113 = [
    (
        "存在重大事故隐患，180日内三次或一年内四次受到行政处罚",
        ("第四十一条",),
        "存在重大事故隐患，一百八十日内三次或者一年内四次受到本法规定的行政处罚的",
    ),
    (
        "经停产停业整顿仍不具备安全生产条件",
        ("第二十条",),
        "经停产停业整顿，仍不具备法律、行政法规和国家标准或者行业标准规定的安全生产条件的",
    ),
    (
        "不具备安全生产条件导致发生重大、特别重大事故",
        ("第二十条",),
        "不具备法律、行政法规和国家标准或者行业标准规定的安全生产条件，导致发生重大、特别重大生产安全事故的",
    ),
    ("拒不执行停产停业整顿决定", (), "拒不执行负有安全生产监督管理职责的部门作出的停产停业整顿决定的"),
]


def _build() -> tuple[Violation, ...]:
    rows: list[Violation] = []
    a = rows.append
    # 第九十二条 — 安全评价、认证、检测、检验机构.
    a(
        _row(
            "aqf2021.92.k1",
            "安全评价检测检验机构出具失实报告",
            ("第七十二条",),
            "第九十二条",
            "第一款",
            "承担安全评价、认证、检测、检验职责的机构出具失实报告的",
            immediate=Stage(("责令停业整顿", "并处三万元以上十万元以下的罚款"), unit_fine=(30_000, 100_000)),
            note="罚款对象为机构（party='unit'）。给他人造成损害的，依法承担赔偿责任。",
        )
    )
    a(
        _row(
            "aqf2021.92.k2",
            "安全评价检测检验机构租借资质、挂靠、出具虚假报告",
            ("第七十二条",),
            "第九十二条",
            "第二款",
            "承担安全评价、认证、检测、检验职责的机构租借资质、挂靠、出具虚假报告的",
            immediate=Stage(
                (
                    "没收违法所得",
                    "违法所得在十万元以上的，并处违法所得二倍以上五倍以下的罚款，没有违法所得或者违法所得不足十万元的，"
                    "单处或者并处十万元以上二十万元以下的罚款",
                    "对其直接负责的主管人员和其他直接责任人员处五万元以上十万元以下的罚款",
                    "吊销其相应资质和资格，五年内不得从事安全评价、认证、检测、检验等工作（第三款）",
                ),
                unit_fine=GAINS_FALLBACK_FINE,
                person_fine=(50_000, 100_000),
            ),
            gains_based=True,
            aggravated="情节严重的，实行终身行业和职业禁入（第三款）",
            criminal=True,
        )
    )
    # 第九十三条 — 资金投入.
    a(
        _row(
            "aqf2021.93.k1",
            "未保证安全生产所必需的资金投入",
            ("第二十三条第一款",),
            "第九十三条",
            "第一款",
            "生产经营单位的决策机构、主要负责人或者个人经营的投资人不依照本法规定保证安全生产所必需的资金投入，"
            "致使生产经营单位不具备安全生产条件的",
            immediate=Stage(("责令限期改正", "提供必需的资金")),
            after_deadline=Stage(("责令生产经营单位停产停业整顿",)),
            after_trigger=_OVERDUE,
            person_role="决策机构、主要负责人或者个人经营的投资人",
            note="本款无罚款。",
        )
    )
    a(
        _row(
            "aqf2021.93.k2",
            "资金投入不足导致发生生产安全事故",
            ("第二十三条第一款",),
            "第九十三条",
            "第二款",
            "有前款违法行为，导致发生生产安全事故的",
            immediate=Stage(
                (
                    "对生产经营单位的主要负责人给予撤职处分",
                    "对个人经营的投资人处二万元以上二十万元以下的罚款",
                ),
                person_fine=(20_000, 200_000),
            ),
            person_role="个人经营的投资人",
            criminal=True,
            note="罚款仅适用于个人经营的投资人；主要负责人为撤职处分（非罚款）。",
        )
    )
    # 第九十四条 — 主要负责人未履行职责.
    a(
        _row(
            "aqf2021.94.k1",
            "主要负责人未履行安全生产管理职责",
            ("第二十一条",),
            "第九十四条",
            "第一款",
            "生产经营单位的主要负责人未履行本法规定的安全生产管理职责的",
            immediate=Stage(("责令限期改正", "处二万元以上五万元以下的罚款"), person_fine=(20_000, 50_000)),
            after_deadline=Stage(
                ("处五万元以上十万元以下的罚款", "责令生产经营单位停产停业整顿"), person_fine=(50_000, 100_000)
            ),
            after_trigger=_OVERDUE,
            person_role=PRINCIPAL,
        )
    )
    a(
        _row(
            "aqf2021.94.k2",
            "主要负责人未履行职责导致发生生产安全事故",
            ("第二十一条",),
            "第九十四条",
            "第二款",
            "生产经营单位的主要负责人有前款违法行为，导致发生生产安全事故的",
            immediate=Stage(
                (
                    "给予撤职处分",
                    "自刑罚执行完毕或者受处分之日起，五年内不得担任任何生产经营单位的主要负责人（第三款）",
                    "对重大、特别重大生产安全事故负有责任的，终身不得担任本行业生产经营单位的主要负责人（第三款）",
                )
            ),
            person_role=PRINCIPAL,
            criminal=True,
            note="罚款另见第九十五条（按事故等级的年收入百分比）。",
        )
    )
    # 第九十五条 — 主要负责人事故罚款（年收入百分比）.
    for i, (grade, pct) in enumerate(PRINCIPAL_ACCIDENT_PERCENT.items(), start=1):
        name = ACCIDENT_GRADES[grade]
        a(
            _row(
                f"aqf2021.95.{i}",
                f"主要负责人未履行职责导致发生{name}",
                ("第二十一条",),
                "第九十五条",
                f"第（{_CN_ITEMS[i]}）项",
                f"生产经营单位的主要负责人未履行本法规定的安全生产管理职责，导致发生生产安全事故的：发生{name}的",
                immediate=Stage((f"处上一年年收入百分之{_CN_PCT[pct]}的罚款",), income_percent=(pct, pct)),
                person_role=PRINCIPAL,
                accident_grade=grade,
            )
        )
    # 第九十六条 — 其他负责人和安全生产管理人员.
    a(
        _row(
            "aqf2021.96",
            "其他负责人和安全生产管理人员未履行安全生产管理职责",
            ("第二十五条",),
            "第九十六条",
            "",
            "生产经营单位的其他负责人和安全生产管理人员未履行本法规定的安全生产管理职责的",
            immediate=Stage(("责令限期改正", "处一万元以上三万元以下的罚款"), person_fine=(10_000, 30_000)),
            person_role="其他负责人和安全生产管理人员",
        )
    )
    a(
        _row(
            "aqf2021.96.accident",
            "其他负责人和安全生产管理人员未履行职责导致发生生产安全事故",
            ("第二十五条",),
            "第九十六条",
            "",
            "生产经营单位的其他负责人和安全生产管理人员未履行本法规定的安全生产管理职责，导致发生生产安全事故的",
            immediate=Stage(
                ("暂停或者吊销其与安全生产有关的资格", "并处上一年年收入百分之二十以上百分之五十以下的罚款"),
                income_percent=(20, 50),
            ),
            person_role="其他负责人和安全生产管理人员",
            criminal=True,
        )
    )
    rows.extend(_items("第九十七条", 97, _A97, immediate=_S97_NOW, after_deadline=_S97_LATE, after_trigger=_OVERDUE))
    rows.extend(
        _items(
            "第九十八条", 98, _A98, immediate=_S98_NOW, after_deadline=_S98_LATE, after_trigger=_OVERDUE, criminal=True
        )
    )
    rows.extend(
        _items(
            "第九十九条",
            99,
            _A99,
            immediate=_S99_NOW,
            after_deadline=_S99_LATE,
            after_trigger=_OVERDUE,
            aggravated="情节严重的，责令停产停业整顿",
            criminal=True,
        )
    )
    rows.extend(
        _items(
            "第一百零一条",
            101,
            _A101,
            immediate=_S97_NOW,
            after_deadline=_S97_LATE,
            after_trigger=_OVERDUE,
            criminal=True,
        )
    )
    a(
        _row(
            "aqf2021.102",
            "未采取措施消除事故隐患",
            ("第四十一条第二款",),
            "第一百零二条",
            "",
            "生产经营单位未采取措施消除事故隐患的",
            immediate=Stage(("责令立即消除或者限期消除", "处五万元以下的罚款"), unit_fine=(0, 50_000)),
            after_deadline=Stage(
                ("责令停产停业整顿", "对其直接负责的主管人员和其他直接责任人员处五万元以上十万元以下的罚款"),
                person_fine=(50_000, 100_000),
            ),
            after_trigger="生产经营单位拒不执行的",
            criminal=True,
            note="拒不执行阶段无对单位的罚款；重大事故隐患拒不执行责令停产停业等措施的，另见刑法第一百三十四条之一第（二）项。",
        )
    )
    # 第一百零三条 — 发包、出租.
    a(
        _row(
            "aqf2021.103.k1",
            "将项目、场所、设备发包或出租给不具备条件或资质的单位或个人",
            ("第四十九条第一款",),
            "第一百零三条",
            "第一款",
            "生产经营单位将生产经营项目、场所、设备发包或者出租给不具备安全生产条件或者相应资质的单位或者个人的",
            immediate=Stage(
                (
                    "责令限期改正",
                    "没收违法所得",
                    "违法所得十万元以上的，并处违法所得二倍以上五倍以下的罚款；没有违法所得或者违法所得不足十万元的，"
                    "单处或者并处十万元以上二十万元以下的罚款",
                    "对其直接负责的主管人员和其他直接责任人员处一万元以上二万元以下的罚款",
                ),
                unit_fine=GAINS_FALLBACK_FINE,
                person_fine=(10_000, 20_000),
            ),
            gains_based=True,
            note="导致发生生产安全事故给他人造成损害的，与承包方、承租方承担连带赔偿责任。",
        )
    )
    a(
        _row(
            "aqf2021.103.k2",
            "未与承包、承租单位签订安全生产管理协议或未统一协调管理",
            ("第四十九条第二款",),
            "第一百零三条",
            "第二款",
            "生产经营单位未与承包单位、承租单位签订专门的安全生产管理协议或者未在承包合同、租赁合同中明确各自的安全生产管理"
            "职责，或者未对承包单位、承租单位的安全生产统一协调、管理的",
            immediate=_S105_NOW,
            after_deadline=_S_SUSPEND,
            after_trigger=_OVERDUE,
        )
    )
    a(
        _row(
            "aqf2021.103.k3",
            "高危建设项目施工单位未按规定对施工项目进行安全管理",
            ("第四十九条第三款",),
            "第一百零三条",
            "第三款",
            "矿山、金属冶炼建设项目和用于生产、储存、装卸危险物品的建设项目的施工单位未按照规定对施工项目进行安全管理的",
            immediate=Stage(
                ("责令限期改正", "处十万元以下的罚款", "对其直接负责的主管人员和其他直接责任人员处二万元以下的罚款"),
                unit_fine=(0, 100_000),
                person_fine=(0, 20_000),
            ),
            after_deadline=_S_SUSPEND,
            after_trigger=_OVERDUE,
        )
    )
    a(
        _row(
            "aqf2021.103.k3b",
            "高危建设项目施工单位非法转让施工资质",
            ("第四十九条第三款",),
            "第一百零三条",
            "第三款",
            "以上施工单位倒卖、出租、出借、挂靠或者以其他形式非法转让施工资质的",
            immediate=Stage(
                (
                    "责令停产停业整顿",
                    "吊销资质证书",
                    "没收违法所得",
                    "违法所得十万元以上的，并处违法所得二倍以上五倍以下的罚款，没有违法所得或者违法所得不足十万元的，"
                    "单处或者并处十万元以上二十万元以下的罚款",
                    "对其直接负责的主管人员和其他直接责任人员处五万元以上十万元以下的罚款",
                ),
                unit_fine=GAINS_FALLBACK_FINE,
                person_fine=(50_000, 100_000),
            ),
            gains_based=True,
            criminal=True,
            note="第三款第二句。",
        )
    )
    a(
        _row(
            "aqf2021.104",
            "同一作业区域未签订安全生产管理协议或未指定专职人员检查协调",
            ("第四十八条",),
            "第一百零四条",
            "",
            "两个以上生产经营单位在同一作业区域内进行可能危及对方安全生产的生产经营活动，未签订安全生产管理协议或者未指定"
            "专职安全生产管理人员进行安全检查与协调的",
            immediate=_S105_NOW,
            after_deadline=Stage(("责令停产停业",)),
            after_trigger=_OVERDUE,
            note="条文为「责令停产停业」，无「整顿」二字。",
        )
    )
    rows.extend(
        _items(
            "第一百零五条",
            105,
            _A105,
            immediate=_S105_NOW,
            after_deadline=_S_SUSPEND,
            after_trigger=_OVERDUE,
            criminal=True,
        )
    )
    a(
        _row(
            "aqf2021.106",
            "与从业人员订立免除或减轻事故伤亡责任的协议",
            ("第五十二条",),
            "第一百零六条",
            "",
            "生产经营单位与从业人员订立协议，免除或者减轻其对从业人员因生产安全事故伤亡依法应承担的责任的",
            immediate=Stage(
                ("该协议无效", "对生产经营单位的主要负责人、个人经营的投资人处二万元以上十万元以下的罚款"),
                person_fine=(20_000, 100_000),
            ),
            person_role="主要负责人、个人经营的投资人",
        )
    )
    a(
        _row(
            "aqf2021.108",
            "拒绝、阻碍依法实施监督检查",
            ("第六十六条",),
            "第一百零八条",
            "",
            "违反本法规定，生产经营单位拒绝、阻碍负有安全生产监督管理职责的部门依法实施监督检查的",
            immediate=Stage(("责令改正",)),
            after_deadline=Stage(
                (
                    "处二万元以上二十万元以下的罚款",
                    "对其直接负责的主管人员和其他直接责任人员处一万元以上二万元以下的罚款",
                ),
                unit_fine=(20_000, 200_000),
                person_fine=(10_000, 20_000),
            ),
            after_trigger="拒不改正的",
            criminal=True,
            note="罚款仅在拒不改正后适用。",
        )
    )
    a(
        _row(
            "aqf2021.109",
            "高危行业、领域未按规定投保安全生产责任保险",
            ("第五十一条第二款",),
            "第一百零九条",
            "",
            "高危行业、领域的生产经营单位未按照国家规定投保安全生产责任保险的",
            immediate=Stage(("责令限期改正", "处五万元以上十万元以下的罚款"), unit_fine=(50_000, 100_000)),
            after_deadline=Stage(("处十万元以上二十万元以下的罚款",), unit_fine=(100_000, 200_000)),
            after_trigger=_OVERDUE,
        )
    )
    _s110 = Stage(
        (
            "给予降级、撤职的处分",
            "由应急管理部门处上一年年收入百分之六十至百分之一百的罚款",
            "对逃匿的处十五日以下拘留",
        ),
        income_percent=(60, 100),
    )
    a(
        _row(
            "aqf2021.110.k1",
            "主要负责人事故时不立即组织抢救或擅离职守、逃匿",
            ("第五十条", "第八十三条第二款"),
            "第一百一十条",
            "第一款",
            "生产经营单位的主要负责人在本单位发生生产安全事故时，不立即组织抢救或者在事故调查处理期间擅离职守或者逃匿的",
            immediate=_s110,
            person_role=PRINCIPAL,
            criminal=True,
            note="拘留由公安机关依照治安管理处罚的规定决定（第一百一十五条）。",
        )
    )
    a(
        _row(
            "aqf2021.110.k2",
            "主要负责人对生产安全事故隐瞒不报、谎报或者迟报",
            ("第八十三条第二款",),
            "第一百一十条",
            "第二款",
            "生产经营单位的主要负责人对生产安全事故隐瞒不报、谎报或者迟报的",
            immediate=_s110,
            person_role=PRINCIPAL,
            criminal=True,
            note="「依照前款规定处罚」。",
        )
    )
    a(
        _row(
            "aqf2021.112",
            "被责令改正且受到罚款处罚，拒不改正（按日连续处罚）",
            (),
            "第一百一十二条",
            "",
            "生产经营单位违反本法规定，被责令改正且受到罚款处罚，拒不改正的",
            immediate=Stage(("可以自作出责令改正之日的次日起，按照原处罚数额按日连续处罚",)),
            note="金额用 continuing_penalty() 计算；按日计罚的截止日法律未规定，由调用方给出。",
        )
    )
    for i, (title, duty, text) in enumerate(_A113, start=1):
        a(
            _row(
                f"aqf2021.113.{i}",
                title,
                duty,
                "第一百一十三条",
                f"第（{_CN_ITEMS[i]}）项",
                text,
                immediate=_S113,
                person_role=PRINCIPAL,
                note="关闭由负有安全生产监督管理职责的部门报请县级以上人民政府决定（第一百一十五条）。",
            )
        )
    for i, (grade, rng) in enumerate(UNIT_ACCIDENT_FINES.items(), start=1):
        name = ACCIDENT_GRADES[grade]
        a(
            _row(
                f"aqf2021.114.{i}",
                f"对{name}负有责任的生产经营单位",
                (),
                "第一百一十四条",
                f"第一款第（{_CN_ITEMS[i]}）项",
                f"发生生产安全事故，对负有责任的生产经营单位：发生{name}的",
                immediate=Stage((f"处{_CN_114[grade]}的罚款",), unit_fine=rng),
                accident_grade=grade,
                aggravated="情节特别严重、影响特别恶劣的，可以按照前款罚款数额的二倍以上五倍以下处以罚款（第二款）",
                note="第二款按 2×下限至 5×上限 校验（解释，见模块说明）。",
            )
        )
    return tuple(rows)


_CN_114 = {
    "general": "三十万元以上一百万元以下",
    "larger": "一百万元以上二百万元以下",
    "major": "二百万元以上一千万元以下",
    "especially_major": "一千万元以上二千万元以下",
}
_CN_PCT = {40: "四十", 60: "六十", 80: "八十", 100: "一百"}


# --- amounts as Chinese text ---------------------------------------------------------------------


def yuan(amount: int) -> str:
    """``100000`` → ``"10万元"``; ``12345`` → ``"12345元"``."""
    if amount >= 10_000 and amount % 10_000 == 0:
        return f"{amount // 10_000}万元"
    return f"{amount}元"


def range_text(rng: Range) -> str:
    lo, hi = rng
    if lo == 0:
        return f"{yuan(hi)}以下"
    if lo == hi:
        return yuan(lo)
    return f"{yuan(lo)}以上{yuan(hi)}以下"


VIOLATIONS: tuple[Violation, ...] = _build()

_BY_CODE = {v.code: v for v in VIOLATIONS}

# --- criminal references -------------------------------------------------------------------------

_CRIME_SOURCE = (
    "《刑法修正案（十一）》第四项（刑法第一百三十四条之一）— /work/shared/domain/statutes/刑法修正案（十一）.md"
)
_CRIME_CHAPEAU = (
    "在生产、作业中违反有关安全管理的规定，有下列情形之一，具有发生重大伤亡事故或者其他严重后果的现实危险的"
)
_CRIME_PENALTY = "处一年以下有期徒刑、拘役或者管制"

CRIME_REFERENCES: tuple[CrimeReference, ...] = tuple(
    CrimeReference(
        code=f"xf.134-1.{i}",
        crime="危险作业罪",
        article="第一百三十四条之一",
        item=f"第（{_CN_ITEMS[i]}）项",
        text=text,
        chapeau=_CRIME_CHAPEAU,
        penalty=_CRIME_PENALTY,
        related_violations=related,
        source=_CRIME_SOURCE,
        status=VERIFIED_PRIMARY,
        effective_from=datetime.date(2021, 3, 1),
    )
    for i, (text, related) in enumerate(
        [
            (
                "关闭、破坏直接关系生产安全的监控、报警、防护、救生设备、设施，或者篡改、隐瞒、销毁其相关数据、信息的",
                ("aqf2021.99.4",),
            ),
            (
                "因存在重大事故隐患被依法责令停产停业、停止施工、停止使用有关设备、设施、场所或者立即采取排除危险的整改措施，"
                "而拒不执行的",
                ("aqf2021.102", "aqf2021.113.4"),
            ),
            (
                "涉及安全生产的事项未经依法批准或者许可，擅自从事矿山开采、金属冶炼、建筑施工，以及危险物品生产、经营、储存等"
                "高度危险的生产作业活动的",
                (),
            ),
        ],
        start=1,
    )
)
_CRIME_BY_CODE = {c.code: c for c in CRIME_REFERENCES}

# --- self-check ----------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(text: str) -> int:
    """Chinese numerals below 1000 as used for article numbers: 九十七 → 97, 一百零三 → 103, 一百一十四 → 114."""
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "百":
            total += digit * 100
            digit = 0
        elif ch == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


_CODE_RE = re.compile(r"^aqf2021\.(\d+)(\.[a-z0-9]+)?$")
_ARTICLE_RE = re.compile(r"^第([零一二三四五六七八九十百]+)条(之[一二三四五六七八九十]+)?$")


def _check_range(code: str, what: str, rng: Range | None) -> None:
    if rng is None:
        return
    lo, hi = rng
    if not (isinstance(lo, int) and isinstance(hi, int)) or lo < 0 or hi <= 0 or lo > hi:
        raise ValueError(f"{code}: malformed {what} {rng!r}")


def _check_tables() -> None:
    seen: set[str] = set()
    for v in VIOLATIONS:
        if v.code in seen:
            raise ValueError(f"duplicate violation code {v.code!r}")
        seen.add(v.code)
        m = _CODE_RE.match(v.code)
        if not m or not v.code.isascii():
            raise ValueError(f"{v.code!r}: code must be ASCII aqf2021.<article>[.<item>]")
        am = _ARTICLE_RE.match(v.penalty_article)
        if not am or _cn_number(am.group(1)) != int(m.group(1)):
            raise ValueError(f"{v.code}: penalty article {v.penalty_article!r} does not match the code")
        for duty in v.duty_articles:
            if not re.match(r"^第[零一二三四五六七八九十百]+条(第[一二三四五六七八九十]+款)?$", duty):
                raise ValueError(f"{v.code}: malformed duty article {duty!r}")
        if v.status not in STATUSES:
            raise ValueError(f"{v.code}: bad status {v.status!r}")
        if not v.title or not v.text or not v.source or not v.immediate.measures:
            raise ValueError(f"{v.code}: empty title, text, source or measures")
        if (v.after_deadline is None) != (v.after_trigger == ""):
            raise ValueError(f"{v.code}: after_deadline and after_trigger must be set together")
        for stage_name, stage in (("immediate", v.immediate), ("after_deadline", v.after_deadline)):
            if stage is None:
                continue
            _check_range(v.code, f"{stage_name}.unit_fine", stage.unit_fine)
            _check_range(v.code, f"{stage_name}.person_fine", stage.person_fine)
            _check_range(v.code, f"{stage_name}.income_percent", stage.income_percent)
            if stage.income_percent and stage.income_percent[1] > 100:
                raise ValueError(f"{v.code}: income percentage above 100")
        if v.gains_based and v.immediate.unit_fine != GAINS_FALLBACK_FINE:
            raise ValueError(f"{v.code}: gains-based rows carry the fallback fine as unit_fine")
        if v.accident_grade and v.accident_grade not in ACCIDENT_GRADES:
            raise ValueError(f"{v.code}: unknown accident grade {v.accident_grade!r}")
        if v.effective_to is not None and v.effective_to < v.effective_from:
            raise ValueError(f"{v.code}: effective_to before effective_from")
    if set(PRINCIPAL_ACCIDENT_PERCENT) != set(ACCIDENT_GRADES) or set(UNIT_ACCIDENT_FINES) != set(ACCIDENT_GRADES):
        raise ValueError("accident tables must cover every grade")
    for grade, rng in UNIT_ACCIDENT_FINES.items():
        _check_range(grade, "accident fine", rng)
    for c in CRIME_REFERENCES:
        if c.status not in STATUSES or not c.text:
            raise ValueError(f"{c.code}: bad status or empty text")
        for rel in c.related_violations:
            if rel not in _BY_CODE:
                raise ValueError(f"{c.code}: unknown related violation {rel!r}")


_check_tables()

# --- API -----------------------------------------------------------------------------------------


def get(code: str) -> Violation:
    """The row for ``code``; KeyError if unknown."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown violation code {code!r}") from None


def all_violations() -> tuple[Violation, ...]:
    return VIOLATIONS


def in_force(on: datetime.date) -> tuple[Violation, ...]:
    on = _as_date(on)
    return tuple(v for v in VIOLATIONS if v.in_force(on))


def by_article(penalty_article: str) -> tuple[Violation, ...]:
    """Rows of one penalty article, e.g. ``by_article("第九十七条")``."""
    return tuple(v for v in VIOLATIONS if v.penalty_article == penalty_article)


def crime_reference(code: str) -> CrimeReference:
    try:
        return _CRIME_BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown crime reference {code!r}") from None


def accident_fine_range(grade: str, *, aggravated: bool = False) -> Range:
    """第一百一十四条: the unit's fine range for an accident grade; ``aggravated`` applies 第二款 (2–5×)."""
    if grade not in UNIT_ACCIDENT_FINES:
        raise ValueError(f"unknown accident grade {grade!r}; expected one of {list(ACCIDENT_GRADES)}")
    lo, hi = UNIT_ACCIDENT_FINES[grade]
    if aggravated:
        return lo * AGGRAVATED_MULTIPLE[0], hi * AGGRAVATED_MULTIPLE[1]
    return lo, hi


def _party_name(v: Violation, party: str) -> str:
    return "生产经营单位" if party == "unit" else v.person_role


def _verdict(v: Violation, party: str, amount: int, rng: Range, where: str) -> FineVerdict:
    who = _party_name(v, party)
    ok = amount >= max(rng[0], 1) and amount <= rng[1]
    if ok:
        return FineVerdict(True, f"对{who}罚款{yuan(amount)}，符合{v.citation}{where}规定的{range_text(rng)}。", rng)
    return FineVerdict(False, f"对{who}罚款{yuan(amount)}不符合{v.citation}{where}：应为{range_text(rng)}。", rng)


def check_fine(
    code: str,
    party: str,
    amount: int,
    *,
    stage: str = "immediate",
    illegal_gains: int | None = None,
    aggravated: bool = False,
) -> FineVerdict:
    """Whether a fine of ``amount`` 元 on ``party`` ("unit" | "person") is within the article's range.

    ``stage`` is "immediate" (on finding the violation) or "after_deadline" (on the row's ``after_trigger``).
    ``illegal_gains`` is required for ``gains_based`` unit fines; ``aggravated`` applies 第一百一十四条第二款.
    Bad arguments (unknown code, party, stage; non-integer amount) raise; a fine outside the range, or
    a fine the article does not provide, gives ``ok=False`` with a Chinese message citing the article.
    """
    v = get(code)
    if party not in PARTIES:
        raise ValueError(f"party must be one of {PARTIES}, got {party!r}")
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount must be an int (元), got {amount!r}")
    if aggravated and not v.code.startswith("aqf2021.114."):
        raise ValueError("aggravated applies only to 第一百一十四条 rows")
    who = _party_name(v, party)
    if stage == "after_deadline":
        if v.after_deadline is None:
            return FineVerdict(False, f"{v.citation}未规定逾期未改正（拒不改正）后的罚款。")
        s, where = v.after_deadline, f"（{v.after_trigger.rstrip('的')}）"
    else:
        s, where = v.immediate, ""
    if s.income_percent is not None and party == "person":
        return FineVerdict(False, f"{v.citation}对{who}的罚款按上一年年收入百分比计算，请使用 check_income_fine。")
    rng = s.unit_fine if party == "unit" else s.person_fine
    if party == "unit" and v.gains_based and stage == "immediate":
        if illegal_gains is None:
            return FineVerdict(False, f"{v.citation}的罚款取决于违法所得数额，请提供违法所得。")
        if illegal_gains < 0:
            raise ValueError(f"illegal_gains must not be negative, got {illegal_gains}")
        if illegal_gains >= GAINS_THRESHOLD:
            rng = (illegal_gains * GAINS_MULTIPLE[0], illegal_gains * GAINS_MULTIPLE[1])
            where = f"（违法所得{yuan(illegal_gains)}的二倍以上五倍以下）"
    if rng is None:
        if v.code == "aqf2021.112":
            return FineVerdict(False, f"{v.citation}按原处罚数额按日连续处罚，请使用 continuing_penalty。")
        if stage == "immediate" and v.after_deadline is not None:
            late = v.after_deadline.unit_fine if party == "unit" else v.after_deadline.person_fine
            if late is not None:
                return FineVerdict(
                    False, f"{v.citation}对{who}的罚款仅在{v.after_trigger.rstrip('的')}后适用（{range_text(late)}）。"
                )
        return FineVerdict(False, f"{v.citation}{where}未规定对{who}的罚款。")
    if aggravated:
        rng = accident_fine_range(v.accident_grade, aggravated=True)
        where = "及第二款（情节特别严重、影响特别恶劣，二倍以上五倍以下）"
    return _verdict(v, party, amount, rng, where)


def income_fine_range(code: str, last_year_income: int, *, stage: str = "immediate") -> Range:
    """The fine range in 元 for a percentage-of-income row, rounded outward to whole 元."""
    v = get(code)
    s = v.immediate if stage == "immediate" else v.after_deadline
    if s is None or s.income_percent is None:
        raise ValueError(f"{code}: no percentage-of-income fine at stage {stage!r}")
    if isinstance(last_year_income, bool) or not isinstance(last_year_income, int) or last_year_income < 0:
        raise ValueError(f"last_year_income must be a non-negative int (元), got {last_year_income!r}")
    lo_pct, hi_pct = s.income_percent
    lo = last_year_income * lo_pct // 100
    hi = -(-last_year_income * hi_pct // 100)
    return lo, hi


def check_income_fine(code: str, amount: int, last_year_income: int) -> FineVerdict:
    """第九十五条 / 第九十六条 / 第一百一十条: a fine as a percentage of the person's 上一年年收入."""
    v = get(code)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount must be an int (元), got {amount!r}")
    lo, hi = income_fine_range(code, last_year_income)
    lo_pct, hi_pct = v.immediate.income_percent or (0, 0)
    pct = f"{lo_pct}%" if lo_pct == hi_pct else f"{lo_pct}%至{hi_pct}%"
    who = v.person_role
    if lo <= amount <= hi and amount >= 1:
        return FineVerdict(True, f"对{who}罚款{yuan(amount)}，符合{v.citation}（上一年年收入的{pct}）。", (lo, hi))
    return FineVerdict(
        False,
        f"对{who}罚款{yuan(amount)}不符合{v.citation}：应为上一年年收入{yuan(last_year_income)}的{pct}"
        f"（{lo}元至{hi}元）。",
        (lo, hi),
    )


def continuing_penalty(original_amount: int, order_date: datetime.date, until: datetime.date) -> ContinuingPenalty:
    """第一百一十二条 按日连续处罚: ``original_amount`` per day from the day after ``order_date`` to ``until``.

    Preconditions (the caller's finding): the unit was 责令改正 *and* fined, and refuses to correct.
    ``until`` before the start gives 0 days.
    """
    if isinstance(original_amount, bool) or not isinstance(original_amount, int) or original_amount < 1:
        raise ValueError(
            "original_amount must be a positive int (元): 第一百一十二条 requires a prior fine, "
            f"got {original_amount!r}"
        )
    order_date, until = _as_date(order_date), _as_date(until)
    start = order_date + datetime.timedelta(days=1)
    days = max(0, (until - start).days + 1)
    return ContinuingPenalty(start, until, days, original_amount, days * original_amount)


def label(v: Violation) -> str:
    """``"第九十七条第（三）项 未按规定进行安全生产教育和培训或未如实告知有关安全生产事项"``."""
    return f"{v.penalty_article}{v.clause} {v.title}"
