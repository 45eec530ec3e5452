"""Personnel certificates — validity, review and renewal dates, reminders, certificate-number checks.

Three kinds (regulations.md §4, one :class:`CertificateKindRule` row each in :data:`KIND_RULES`):

* ``special_operation`` 特种作业操作证 — 《特种作业人员安全技术培训考核管理规定》(原国家安全生产监督管理总局令第30号,
  amended by 令第63号 and 令第80号), VERIFIED-SECONDARY: valid **6 years** nationwide (第十九条); reviewed (复审)
  **every 3 years** (第二十一条), or **every 6 years** when the holder has worked continuously in the same job for
  ≥ 10 years during the validity and kept to the safety rules (第二十一条, ``extended_review=True``); the review and
  the renewal at the end of the 6 years (延期复审) are applied for **within 60 days before** the due date (第二十二条).
  Legal basis for needing it: 《中华人民共和国安全生产法》第三十条 (VERIFIED-PRIMARY,
  :data:`SPECIAL_OPERATION_REQUIRED`).
* ``safety_qualification`` 主要负责人和安全生产管理人员安全生产知识和管理能力考核合格证 — 《安全生产培训管理办法》
  (原国家安全生产监督管理总局令第44号) 第二十五条, VERIFIED-SECONDARY: valid **3 years**; apply for extension **at
  least 30 days before** expiry. Basis: 安全生产法第二十七条第二款 (VERIFIED-PRIMARY,
  :data:`SAFETY_QUALIFICATION_REQUIRED`).
* ``equipment_operator`` 特种设备安全管理和作业人员证 — TSG Z6001-2019: valid **4 years** (VERIFIED-SECONDARY); the
  application **1 month** before expiry is UNVERIFIED. Basis: 特种设备安全法第十四条 (VERIFIED-PRIMARY, in
  :mod:`anjian.rules.equipment`).

Dates (:func:`certificate_dates`):

* ``valid_until`` defaults to ``add_years(issued_on, validity_years)`` — the same calendar day (our convention,
  UNVERIFIED: certificates print their own end date; pass it when known). A renewal (延期复审) is modelled by the
  caller passing the new ``valid_until``; the renewal date itself goes into ``reviews``.
* Reviews are due every ``review_years`` counted **from the issue date** (issued + 3 y, + 6 y, …) while strictly
  before ``valid_until``. Reviews are matched in date order, each to the earliest due date not yet met; a review dated
  after its due date (late) still counts for that due date, a review up to the application window early counts
  too. ``next_review_due`` is the first unmet due date (None if none before ``valid_until``); ``due`` is the earlier
  of it and ``valid_until``, ``due_kind`` "review" or "renewal"; ``apply_from`` = ``due`` − the application window.
  For ``safety_qualification`` the window is a *minimum* lead (「届满30日前」), so ``apply_from`` is also the last day
  to apply (``apply_by``).
* :func:`status_on`: ``expired`` after ``valid_until``; ``review_overdue`` after an unmet review due date;
  otherwise ``valid`` (the due date itself is still valid).
* :func:`reminders_due`: the offsets of :data:`REMINDER_DAYS` (**a platform setting**, 90 / 60 / 30 / 7 days before,
  from the issue, not a legal rule) whose day has come and whose due date has not passed, so a daily scan sends each
  reminder once.

Catalogues: :data:`SPECIAL_OPERATION_CATALOGUE` — 《特种作业目录》 (令第30号附件): category list VERIFIED-SECONDARY;
items VERIFIED-SECONDARY where a source names them, UNVERIFIED otherwise (see each row).
:data:`EQUIPMENT_OPERATOR_ITEMS` — TSG Z6001-2019 作业项目 (VERIFIED-SECONDARY from one third-party page; the mapping
to equipment kinds is ours).

Numbers (:func:`number_problem`): after :func:`normalise_number` (strip, full-width to half-width, upper case) a
number is 6–30 characters of ``A–Z 0–9 -``. For ``special_operation`` and ``equipment_operator`` an 18-character
number that passes the GB 11643 check is taken to be the holder's 公民身份号码 (national practice of using the ID number
as the certificate number — UNVERIFIED) and must then equal the holder's ID number (``not_holder_id``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from anjian.rules import id_card
from anjian.rules._dates import add_months, add_years
from anjian.rules._dates import as_date as _as_date

__all__ = [
    "STATUSES",
    "LAW_AQSC",
    "MIRRORED_LAWS",
    "Rule",
    "SPECIAL_OPERATION",
    "SAFETY_QUALIFICATION",
    "EQUIPMENT_OPERATOR",
    "KINDS",
    "KIND_LABELS",
    "WITHIN",
    "AT_LEAST",
    "CertificateKindRule",
    "KIND_RULES",
    "kind_rule",
    "SPECIAL_OPERATION_REQUIRED",
    "SAFETY_QUALIFICATION_REQUIRED",
    "DEFAULT_VALID_UNTIL_RULE",
    "ID_NUMBER_AS_CERTIFICATE_RULE",
    "REMINDER_DAYS",
    "REMINDER_RULE",
    "RULES",
    "CatalogueCategory",
    "CatalogueItem",
    "SPECIAL_OPERATION_CATEGORIES",
    "SPECIAL_OPERATION_CATALOGUE",
    "catalogue_item",
    "catalogue_items",
    "EQUIPMENT_KINDS",
    "EquipmentOperatorItem",
    "EQUIPMENT_OPERATOR_ITEMS",
    "equipment_operator_item",
    "items_for_equipment",
    "NON_OPERATING_ITEMS",
    "operator_items_for_equipment",
    "Problem",
    "NUMBER_PATTERN",
    "normalise_number",
    "number_problem",
    "REVIEW",
    "RENEWAL",
    "DUE_KIND_LABELS",
    "CertificateDates",
    "certificate_dates",
    "VALID",
    "REVIEW_OVERDUE",
    "EXPIRED",
    "CERTIFICATE_STATUSES",
    "STATUS_LABELS",
    "status_on",
    "reminders_due",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

LAW_AQSC = "《中华人民共和国安全生产法》"
MIRROR = "/work/shared/domain/statutes/"
MIRRORED_LAWS = {LAW_AQSC: MIRROR + "安全生产法(2021-06-10).md"}

ORDER_30 = "《特种作业人员安全技术培训考核管理规定》（原国家安全生产监督管理总局令第30号，经令第63号、第80号修正）"
ORDER_44 = "《安全生产培训管理办法》（原国家安全生产监督管理总局令第44号，经令第63号、第80号修正）"
TSG_Z6001 = "TSG Z6001-2019《特种设备作业人员考核规则》"


@dataclass(frozen=True)
class Rule:
    """One rule or setting with its source and status."""

    code: str
    title: str
    source: str
    status: str
    effective_from: datetime.date | None = None
    effective_to: datetime.date | None = None
    note: str = ""


# --- kinds ---------------------------------------------------------------------------------------------------------

SPECIAL_OPERATION = "special_operation"
SAFETY_QUALIFICATION = "safety_qualification"
EQUIPMENT_OPERATOR = "equipment_operator"
KINDS = (SPECIAL_OPERATION, SAFETY_QUALIFICATION, EQUIPMENT_OPERATOR)

WITHIN = "within"  # apply within N days before the due date (window opens at due − N)
AT_LEAST = "at_least"  # apply at least N days before the due date (due − N is the last day)


@dataclass(frozen=True)
class CertificateKindRule:
    """Validity and review rules of one certificate kind.

    ``review_years`` None: no separate review inside the validity. ``apply_window_days`` / ``apply_window_months``:
    the application lead (one of them is set); ``apply_window_kind`` says whether it is a window (``within``) or a
    minimum lead (``at_least``). ``apply_window_status`` is the lead's own status when it differs from the row's.
    """

    kind: str
    label: str
    validity_years: int
    review_years: int | None
    extended_review_years: int | None
    apply_window_days: int | None
    source: str
    status: str
    effective_from: datetime.date | None
    effective_to: datetime.date | None = None
    apply_window_months: int | None = None
    apply_window_kind: str = WITHIN
    apply_window_status: str = ""
    issuer: str = ""
    note: str = ""

    def apply_from(self, due: datetime.date) -> datetime.date:
        if self.apply_window_months is not None:
            return add_months(due, -self.apply_window_months)
        return due - datetime.timedelta(days=self.apply_window_days or 0)


KIND_RULES: tuple[CertificateKindRule, ...] = (
    CertificateKindRule(
        kind=SPECIAL_OPERATION,
        label="特种作业操作证",
        validity_years=6,
        review_years=3,
        extended_review_years=6,
        apply_window_days=60,
        source=f"{ORDER_30}第十九条、第二十一条、第二十二条；https://99.wendadaohang.com/zd/WXXB7vXO7We7e7eXXtt.html ；"
        "http://cqspb.gov.cn/zwgk_235/zfxxgkpt/zcwdpt/xzbm/zcwdptyjj/202407/t20240702_13341165.html ；"
        "https://m.tftnews.com/news7654191",
        status=VERIFIED_SECONDARY,
        effective_from=datetime.date(2010, 7, 1),
        issuer="应急管理部门",
        note="有效期6年，全国通用（第十九条）；每3年复审1次；在有效期内连续从事本工种10年以上、严格遵守安全生产法律法规的，"
        "经原考核发证机关或者从业所在地考核发证机关同意，复审时间可延长至每6年1次（第二十一条）；期满前60日内申请复审，"
        "6年期满的延期复审程序相同（第二十二条）。令第30号施行日期2010-07-01未核实。",
    ),
    CertificateKindRule(
        kind=SAFETY_QUALIFICATION,
        label="安全生产知识和管理能力考核合格证",
        validity_years=3,
        review_years=None,
        extended_review_years=None,
        apply_window_days=30,
        apply_window_kind=AT_LEAST,
        source=f"{ORDER_44}第二十五条；https://m.zhangyue.com/readbook/12871062/32.html?p2=108045",
        status=VERIFIED_SECONDARY,
        effective_from=datetime.date(2012, 3, 1),
        issuer="应急管理部门（主管的负有安全生产监督管理职责的部门）",
        note="危险物品生产经营储存单位、矿山、金属冶炼单位主要负责人和安全生产管理人员的安全合格证有效期3年，"
        "有效期届满30日前向原发证部门申请延期。2021年起考核不得收费（安全生产法第二十七条第二款），各省改发"
        "「考核合格证明」，名称和程序不一。令第44号施行日期2012-03-01未核实。",
    ),
    CertificateKindRule(
        kind=EQUIPMENT_OPERATOR,
        label="特种设备安全管理和作业人员证",
        validity_years=4,
        review_years=None,
        extended_review_years=None,
        apply_window_days=None,
        apply_window_months=1,
        apply_window_status=UNVERIFIED,
        source=f"{TSG_Z6001}；TSG Z6001-2013 第三条（4年）；https://m.baijiantest.com/infoDetails/87/11961751 ；"
        "https://360docs.net/doc/3016189049.html",
        status=VERIFIED_SECONDARY,
        effective_from=datetime.date(2019, 6, 1),
        issuer="市场监督管理部门",
        note="有效期4年，期满复审（换证）后方可继续作业。2019版规则下期满前1个月申请复审的期限未核实（UNVERIFIED）；"
        "TSG Z6001-2019 施行日期2019-06-01未核实。",
    ),
)
_KIND_RULE = {r.kind: r for r in KIND_RULES}
KIND_LABELS = {r.kind: r.label for r in KIND_RULES}


def kind_rule(kind: str) -> CertificateKindRule:
    try:
        return _KIND_RULE[kind]
    except KeyError:
        raise ValueError(f"证书类别应为 {KINDS} 之一，实际为 {kind!r}") from None


# --- rules ---------------------------------------------------------------------------------------------------------

SPECIAL_OPERATION_REQUIRED = Rule(
    code="special_operation_required",
    title="特种作业人员经专门的安全作业培训、取得相应资格方可上岗作业",
    source=f"{LAW_AQSC}第三十条第一款",
    status=VERIFIED_PRIMARY,
    note="「生产经营单位的特种作业人员必须按照国家有关规定经专门的安全作业培训，取得相应资格，方可上岗作业。」",
)
SAFETY_QUALIFICATION_REQUIRED = Rule(
    code="safety_qualification_required",
    title="高危行业主要负责人和安全生产管理人员由主管部门考核合格，考核不得收费",
    source=f"{LAW_AQSC}第二十七条第二款",
    status=VERIFIED_PRIMARY,
    note="「危险物品的生产、经营、储存、装卸单位以及矿山、金属冶炼、建筑施工、运输单位的主要负责人和安全生产管理人员，"
    "应当由主管的负有安全生产监督管理职责的部门对其安全生产知识和管理能力考核合格。考核不得收费。」",
)
DEFAULT_VALID_UNTIL_RULE = Rule(
    code="default_valid_until",
    title="未录入有效期截止日时，按发证日加有效年限的同一日计（平台约定）",
    source="本平台约定",
    status=UNVERIFIED,
    note="证书印有自己的有效期；录入证书时应以证面日期为准。2月29日发证的，非闰年按2月28日计。",
)
ID_NUMBER_AS_CERTIFICATE_RULE = Rule(
    code="id_number_as_certificate_number",
    title="特种作业操作证和特种设备作业人员证以持证人公民身份号码作为证号（全国做法）",
    source="全国做法，条文出处未核实",
    status=UNVERIFIED,
    note="18位且能通过 GB 11643 校验的证号视为身份证号码，须与持证人身份证号码一致；其他证号只校验字符和长度。",
)
REMINDER_DAYS = (90, 60, 30, 7)
REMINDER_RULE = Rule(
    code="reminder_days",
    title="到期前90、60、30、7天提醒（平台设置）",
    source="本平台设置，取自需求（issue）",
    status=UNVERIFIED,
    note="不是法定期限。法定申请期限见各证书类别：特种作业操作证期满前60日内，考核合格证届满30日前，特种设备作业人员证"
    "期满前1个月（未核实）。",
)
RULES: tuple[Rule, ...] = (
    SPECIAL_OPERATION_REQUIRED,
    SAFETY_QUALIFICATION_REQUIRED,
    DEFAULT_VALID_UNTIL_RULE,
    ID_NUMBER_AS_CERTIFICATE_RULE,
    REMINDER_RULE,
)

# --- 《特种作业目录》 ------------------------------------------------------------------------------------------------

_CAT_SRC = "https://www.233.com/aq/zhishiku/210/202504/22110332414787.html ；https://m.64365.com/ask/11920729.aspx"
_ITEM_SRC = "https://99.wendadaohang.com/zd/WzXOzjte7zXzWOtevjj.html"


@dataclass(frozen=True)
class CatalogueCategory:
    code: str  # "1" … "11"
    name: str
    status: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class CatalogueItem:
    code: str  # "1.1"
    category_code: str
    category: str
    item: str
    status: str
    source: str
    note: str = ""


SPECIAL_OPERATION_CATEGORIES: tuple[CatalogueCategory, ...] = tuple(
    CatalogueCategory(code=str(i), name=name, status=VERIFIED_SECONDARY, source=f"{ORDER_30}附件；{_CAT_SRC}")
    for i, name in enumerate(
        (
            "电工作业",
            "焊接与热切割作业",
            "高处作业",
            "制冷与空调作业",
            "煤矿安全作业",
            "金属非金属矿山安全作业",
            "石油天然气安全作业",
            "冶金（有色）生产安全作业",
            "危险化学品安全作业",
            "烟花爆竹安全作业",
            "其他",
        ),
        start=1,
    )
)
_CATEGORY = {c.code: c for c in SPECIAL_OPERATION_CATEGORIES}

# (code, item, status, extra source / note). Items named in regulations.md §4.1 or on the listing page are
# VERIFIED-SECONDARY; the others are best knowledge (UNVERIFIED).
_V2, _UV = VERIFIED_SECONDARY, UNVERIFIED
_ITEMS = (
    ("1.1", "高压电工作业", _V2, ""),
    ("1.2", "低压电工作业", _V2, ""),
    ("1.3", "防爆电气作业", _V2, ""),
    ("2.1", "熔化焊接与热切割作业", _V2, ""),
    ("2.2", "压力焊作业", _V2, ""),
    ("2.3", "钎焊作业", _V2, ""),
    ("3.1", "登高架设作业", _V2, ""),
    ("3.2", "高处安装、维护、拆除作业", _V2, ""),
    ("4.1", "制冷与空调设备运行操作作业", _UV, ""),
    ("4.2", "制冷与空调设备安装修理作业", _UV, ""),
    ("5.1", "煤矿井下电气作业", _V2, _ITEM_SRC),
    ("5.2", "煤矿井下爆破作业", _V2, _ITEM_SRC),
    ("5.3", "煤矿安全监测监控作业", _V2, _ITEM_SRC),
    ("5.4", "煤矿瓦斯检查作业", _V2, _ITEM_SRC),
    ("5.5", "煤矿安全检查作业", _V2, _ITEM_SRC),
    ("5.6", "煤矿提升机操作作业", _V2, _ITEM_SRC),
    ("5.7", "煤矿采煤机（掘进机）操作作业", _V2, _ITEM_SRC),
    ("5.8", "煤矿瓦斯抽采作业", _V2, _ITEM_SRC),
    ("5.9", "煤矿防突作业", _UV, ""),
    ("5.10", "煤矿探放水作业", _UV, ""),
    ("6.1", "金属非金属矿井通风作业", _V2, _ITEM_SRC),
    ("6.2", "尾矿作业", _V2, _ITEM_SRC),
    ("6.3", "金属非金属矿山安全检查作业", _V2, _ITEM_SRC),
    ("6.4", "金属非金属矿山提升机操作作业", _V2, _ITEM_SRC),
    ("6.5", "金属非金属矿山支柱作业", _V2, _ITEM_SRC),
    ("6.6", "金属非金属矿山井下电气作业", _V2, _ITEM_SRC),
    ("6.7", "金属非金属矿山排水作业", _V2, _ITEM_SRC),
    ("6.8", "金属非金属矿山爆破作业", _V2, _ITEM_SRC),
    ("7.1", "司钻作业", _V2, ""),
    ("8.1", "煤气作业", _V2, ""),
    ("9.1", "光气及光气化工艺作业", _UV, ""),
    ("9.2", "氯碱电解工艺作业", _UV, ""),
    ("9.3", "氯化工艺作业", _UV, ""),
    ("9.4", "硝化工艺作业", _UV, ""),
    ("9.5", "合成氨工艺作业", _UV, ""),
    ("9.6", "裂解（裂化）工艺作业", _UV, ""),
    ("9.7", "氟化工艺作业", _UV, ""),
    ("9.8", "加氢工艺作业", _UV, ""),
    ("9.9", "重氮化工艺作业", _UV, ""),
    ("9.10", "氧化工艺作业", _UV, ""),
    ("9.11", "过氧化工艺作业", _UV, ""),
    ("9.12", "胺基化工艺作业", _UV, ""),
    ("9.13", "磺化工艺作业", _UV, ""),
    ("9.14", "聚合工艺作业", _UV, ""),
    ("9.15", "烷基化工艺作业", _UV, ""),
    ("9.16", "化工自动化控制仪表作业", _V2, ""),
    ("10.1", "烟火药制造作业", _UV, ""),
    ("10.2", "黑火药制造作业", _UV, ""),
    ("10.3", "引火线制造作业", _UV, ""),
    ("10.4", "烟花爆竹产品涉药作业", _UV, ""),
    ("10.5", "烟花爆竹储存作业", _UV, ""),
    ("11.1", "应急管理部（原国家安全生产监督管理总局）认定的其他作业", _V2, ""),
)
_ITEM_NOTES = {
    "6": "regulations.md §4.1 记为5个小类，列表页列出8个（带「等」字）；以8项收录，小类数待核实。",
    "9": "regulations.md §4.1：15项危险化工工艺作业加化工自动化控制仪表作业，共16项；15项工艺作业的名称未核实。",
    "5": "regulations.md §4.1：10项；列表页列出前8项（带「等」字），防突、探放水两项名称未核实。",
    "1": "安监总人事〔2018〕18号对电工作业的调整（另一来源称调整后共11类54项）未反映在本表中（UNVERIFIED）。",
}

SPECIAL_OPERATION_CATALOGUE: tuple[CatalogueItem, ...] = tuple(
    CatalogueItem(
        code=code,
        category_code=code.split(".")[0],
        category=_CATEGORY[code.split(".")[0]].name,
        item=item,
        status=status,
        source=f"{ORDER_30}附件《特种作业目录》；" + ((src or _CAT_SRC) if status == _V2 else "名称为最佳认识，未核实"),
        note=_ITEM_NOTES.get(code.split(".")[0], ""),
    )
    for code, item, status, src in _ITEMS
)
_CATALOGUE = {i.code: i for i in SPECIAL_OPERATION_CATALOGUE}


def catalogue_item(code: str) -> CatalogueItem | None:
    """The 《特种作业目录》 item with this code (e.g. ``"1.1"``), or None."""
    return _CATALOGUE.get(code.strip() if isinstance(code, str) else code)


def catalogue_items(category_code: str) -> tuple[CatalogueItem, ...]:
    """The items of one category (``"9"``), in order."""
    return tuple(i for i in SPECIAL_OPERATION_CATALOGUE if i.category_code == category_code)


# --- TSG Z6001-2019 作业项目 ------------------------------------------------------------------------------------------

EQUIPMENT_KINDS = (
    "boiler",
    "pressure_vessel",
    "gas_cylinder",
    "pressure_pipeline",
    "elevator",
    "lifting",
    "in_plant_vehicle",
    "ropeway",
    "amusement",
)
_Z6001_SRC = f"{TSG_Z6001}附件A《特种设备作业人员资格认定分类与项目》；https://linglongfuyuqi.com/?id=50751"


@dataclass(frozen=True)
class EquipmentOperatorItem:
    code: str
    category: str
    name: str
    equipment_kinds: tuple[str, ...]  # equipment kind codes the item covers (our mapping)
    status: str
    source: str
    note: str = ""


def _eq(code, category, name, kinds, note="", status=VERIFIED_SECONDARY) -> EquipmentOperatorItem:
    return EquipmentOperatorItem(code, category, name, tuple(kinds), status, _Z6001_SRC, note)


EQUIPMENT_OPERATOR_ITEMS: tuple[EquipmentOperatorItem, ...] = (
    _eq("A", "特种设备安全管理", "特种设备安全管理", EQUIPMENT_KINDS, "适用于各类特种设备的安全管理人员。"),
    _eq("G1", "锅炉作业", "工业锅炉司炉", ("boiler",)),
    _eq("G2", "锅炉作业", "电站锅炉司炉", ("boiler",), "资格认定范围为300MW以下的电站锅炉司炉人员。"),
    _eq("G3", "锅炉作业", "锅炉水处理", ("boiler",)),
    _eq("R1", "压力容器作业", "快开门式压力容器操作", ("pressure_vessel",)),
    _eq("R2", "压力容器作业", "移动式压力容器充装", ("pressure_vessel",)),
    _eq("R3", "压力容器作业", "氧舱维护保养", ("pressure_vessel",)),
    _eq("P", "气瓶作业", "气瓶充装", ("gas_cylinder",)),
    _eq("T", "电梯作业", "电梯修理", ("elevator",), "包括修理和维护保养作业。"),
    _eq("Q1", "起重机作业", "起重机指挥", ("lifting",)),
    _eq(
        "Q2",
        "起重机作业",
        "起重机司机",
        ("lifting",),
        "可按申请限制范围（桥式、门式、塔式、门座式、缆索式、流动式、升降机等）。",
    ),
    _eq("S1", "客运索道作业", "客运索道修理", ("ropeway",)),
    _eq("S2", "客运索道作业", "客运索道司机", ("ropeway",)),
    _eq("Y1", "大型游乐设施作业", "大型游乐设施修理", ("amusement",)),
    _eq("Y2", "大型游乐设施作业", "大型游乐设施操作", ("amusement",)),
    _eq("N1", "场（厂）内专用机动车辆作业", "叉车司机", ("in_plant_vehicle",)),
    _eq("N2", "场（厂）内专用机动车辆作业", "观光车和观光列车司机", ("in_plant_vehicle",)),
    _eq(
        "F",
        "安全附件维修作业",
        "安全阀校验",
        ("boiler", "pressure_vessel", "pressure_pipeline"),
        "项目名称 VERIFIED-SECONDARY；所涉设备类别（锅炉、压力容器、压力管道的安全阀）为平台的对应，未核实。",
    ),
)
# 特种设备焊接作业 (金属焊接操作、非金属焊接操作) has its own item codes (TSG Z6002) and is not encoded here.
_EQ_ITEM = {i.code: i for i in EQUIPMENT_OPERATOR_ITEMS}


def equipment_operator_item(code: str) -> EquipmentOperatorItem | None:
    return _EQ_ITEM.get(code.strip().upper() if isinstance(code, str) else code)


def items_for_equipment(kind: str) -> tuple[str, ...]:
    """Codes of the TSG Z6001-2019 items that cover equipment ``kind`` (``A`` first, table order)."""
    if kind not in EQUIPMENT_KINDS:
        raise ValueError(f"特种设备类别应为 {EQUIPMENT_KINDS} 之一，实际为 {kind!r}")
    return tuple(i.code for i in EQUIPMENT_OPERATOR_ITEMS if kind in i.equipment_kinds)


# Items that do not make their holder an operator: A is the safety manager's certificate (特种设备安全管理), F the
# safety-valve calibration item (a testing job). An operator (作业人员, 特种设备安全法 第十四条) needs an operating
# item of the equipment's kind; only where TSG Z6001-2019 has none (pressure pipelines) does A stand in for it. Our
# reading of the item table, UNVERIFIED.
NON_OPERATING_ITEMS = frozenset({"A", "F"})


def operator_items_for_equipment(kind: str) -> tuple[str, ...]:
    """Codes of the items whose holder may operate equipment ``kind``: the operating items covering it, or ``("A",)``
    for a kind that has no operating item of its own."""
    items = tuple(code for code in items_for_equipment(kind) if code not in NON_OPERATING_ITEMS)
    return items or ("A",)


# --- certificate numbers -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


NUMBER_PATTERN = re.compile(r"[A-Z0-9-]{6,30}")
NUMBER_MESSAGES = {
    "empty": "请填写证书编号。",
    "characters": "证书编号只能包含大写字母、数字和连字符（-），请核对。",
    "length": "证书编号应为6至30个字符，当前为{n}个，请核对。",
    "not_holder_id": "证书编号为身份证号码格式，但与持证人的身份证号码不一致，请核对。",
}
_ID_KINDS = frozenset({SPECIAL_OPERATION, EQUIPMENT_OPERATOR})


def normalise_number(number: str) -> str:
    """Full-width ASCII to half-width (incl. the ideographic space), surrounding whitespace stripped, upper case."""
    if not isinstance(number, str):
        return ""
    out = []
    for ch in number:
        cp = ord(ch)
        if 0xFF01 <= cp <= 0xFF5E:
            ch = chr(cp - 0xFEE0)
        elif cp == 0x3000:
            ch = " "
        out.append(ch)
    return "".join(out).strip().upper()


def number_problem(kind: str, number: str, *, holder_id_number: str | None) -> Problem | None:
    """A :class:`Problem` with the certificate number, or None when it is acceptable.

    ``holder_id_number`` None: the holder's ID number is not known and an ID-number certificate cannot be compared,
    so it is accepted.
    """
    kind_rule(kind)
    n = normalise_number(number)
    if not n:
        return Problem("empty", NUMBER_MESSAGES["empty"])
    if not all(ch.isascii() and (ch.isupper() or ch.isdigit() or ch == "-") for ch in n):
        return Problem("characters", NUMBER_MESSAGES["characters"])
    if not NUMBER_PATTERN.fullmatch(n):
        return Problem("length", NUMBER_MESSAGES["length"].format(n=len(n)))
    if kind in _ID_KINDS and len(n) == id_card.LENGTH and id_card.is_valid(n, today=datetime.date.max):
        if holder_id_number is not None and id_card.normalise(holder_id_number) != n:
            return Problem("not_holder_id", NUMBER_MESSAGES["not_holder_id"])
    return None


# --- due dates -----------------------------------------------------------------------------------------------------

REVIEW = "review"
RENEWAL = "renewal"
DUE_KIND_LABELS = {REVIEW: "复审", RENEWAL: "延期复审（换证）"}


@dataclass(frozen=True)
class CertificateDates:
    """Due dates of one certificate (see :func:`certificate_dates`)."""

    valid_until: datetime.date
    next_review_due: datetime.date | None
    due: datetime.date
    due_kind: str  # REVIEW / RENEWAL
    apply_from: datetime.date
    apply_by: datetime.date
    kind: str = ""
    issued_on: datetime.date | None = None
    reviews: tuple[datetime.date, ...] = ()
    extended_review: bool = False
    review_dues: tuple[datetime.date, ...] = ()  # every review due date before valid_until

    @property
    def due_kind_label(self) -> str:
        return DUE_KIND_LABELS[self.due_kind]


def _review_dues(issued_on: datetime.date, cycle: int | None, valid_until: datetime.date) -> list[datetime.date]:
    out: list[datetime.date] = []
    if not cycle:
        return out
    k = 1
    while (d := add_years(issued_on, k * cycle)) < valid_until:
        out.append(d)
        k += 1
    return out


def _unmet(dues: Sequence[datetime.date], reviews: Iterable[datetime.date]) -> list[datetime.date]:
    """Due dates left after matching each review, in date order, to the earliest unmet due date."""
    left = list(dues)
    for _ in sorted(reviews):
        if not left:
            break
        left.pop(0)
    return left


def certificate_dates(
    kind: str,
    *,
    issued_on: datetime.date,
    valid_until: datetime.date | None = None,
    reviews: Sequence[datetime.date] = (),
    extended_review: bool = False,
) -> CertificateDates:
    """The validity end, the next review due date, the next due date and its application window."""
    rule = kind_rule(kind)
    issued_on = _as_date(issued_on)
    valid_until = add_years(issued_on, rule.validity_years) if valid_until is None else _as_date(valid_until)
    if valid_until <= issued_on:
        raise ValueError(f"有效期截止日 {valid_until.isoformat()} 应晚于发证日 {issued_on.isoformat()}")
    if extended_review and not rule.extended_review_years:
        raise ValueError(f"{rule.label}没有延长复审周期的规定")
    reviews = tuple(sorted(_as_date(r) for r in reviews))
    for r in reviews:
        if r < issued_on:
            raise ValueError(f"复审日期 {r.isoformat()} 早于发证日 {issued_on.isoformat()}")
    cycle = rule.extended_review_years if extended_review else rule.review_years
    dues = _review_dues(issued_on, cycle, valid_until)
    unmet = _unmet(dues, reviews)
    next_review = unmet[0] if unmet else None
    due, due_kind = (next_review, REVIEW) if next_review is not None else (valid_until, RENEWAL)
    apply_from = rule.apply_from(due)
    apply_by = apply_from if rule.apply_window_kind == AT_LEAST else due
    return CertificateDates(
        valid_until=valid_until,
        next_review_due=next_review,
        due=due,
        due_kind=due_kind,
        apply_from=apply_from,
        apply_by=apply_by,
        kind=kind,
        issued_on=issued_on,
        reviews=reviews,
        extended_review=extended_review,
        review_dues=tuple(dues),
    )


VALID = "valid"
REVIEW_OVERDUE = "review_overdue"
EXPIRED = "expired"
CERTIFICATE_STATUSES = (VALID, REVIEW_OVERDUE, EXPIRED)
STATUS_LABELS = {VALID: "有效", REVIEW_OVERDUE: "逾期未复审", EXPIRED: "已过期"}


def status_on(dates: CertificateDates, on: datetime.date, *, reviews: Sequence[datetime.date] = ()) -> str:
    """``expired`` after ``valid_until``; ``review_overdue`` after an unmet review due date; else ``valid``.

    ``reviews`` adds reviews recorded after ``dates`` was computed; those in ``dates.reviews`` always count. Reviews
    dated after ``on`` do not count on ``on``.
    """
    on = _as_date(on)
    if on > dates.valid_until:
        return EXPIRED
    all_reviews = [r for r in (*dates.reviews, *(_as_date(r) for r in reviews)) if r <= on]
    unmet = _unmet(dates.review_dues, all_reviews)
    if unmet and on > unmet[0]:
        return REVIEW_OVERDUE
    return VALID


def reminders_due(due: datetime.date, on: datetime.date) -> list[int]:
    """Offsets of :data:`REMINDER_DAYS` whose reminder day (``due - offset``) is on or before ``on``, while ``due``
    has not passed (``due >= on``) — e.g. 60 days before: ``[90, 60]``. Empty after the due date."""
    due, on = _as_date(due), _as_date(on)
    if due < on:
        return []
    return [d for d in REMINDER_DAYS if due - datetime.timedelta(days=d) <= on]


# --- self-check ----------------------------------------------------------------------------------------------------


def _check_tables() -> None:
    if tuple(r.kind for r in KIND_RULES) != KINDS:
        raise ValueError("证书类别表与 KINDS 不一致")
    for r in KIND_RULES:
        if r.status not in STATUSES or (r.apply_window_status and r.apply_window_status not in STATUSES):
            raise ValueError(f"{r.kind}：核实状态无效")
        if (r.apply_window_days is None) == (r.apply_window_months is None):
            raise ValueError(f"{r.kind}：申请期限须以日或月之一表示")
        if r.apply_window_kind not in (WITHIN, AT_LEAST) or r.validity_years <= 0:
            raise ValueError(f"{r.kind}：有效期或申请期限类型无效")
        if r.review_years is not None and not 0 < r.review_years <= r.validity_years:
            raise ValueError(f"{r.kind}：复审周期无效")
    for r in RULES:
        if r.status not in STATUSES or not r.source or not r.note:
            raise ValueError(f"{r.code}：核实状态、来源或说明无效")
        if r.status == VERIFIED_PRIMARY and (not any(law in r.source for law in MIRRORED_LAWS) or "「" not in r.note):
            raise ValueError(f"{r.code}：VERIFIED-PRIMARY 须引用法规镜像中的条文并在说明中摘引原文")
    if len(_CATALOGUE) != len(SPECIAL_OPERATION_CATALOGUE) or len(_EQ_ITEM) != len(EQUIPMENT_OPERATOR_ITEMS):
        raise ValueError("目录代码重复")
    for i in SPECIAL_OPERATION_CATALOGUE:
        if i.status not in STATUSES or not re.fullmatch(r"\d+\.\d+", i.code):
            raise ValueError(f"特种作业目录 {i.code}：代码或核实状态无效")
    for e in EQUIPMENT_OPERATOR_ITEMS:
        if e.status not in STATUSES or not set(e.equipment_kinds) <= set(EQUIPMENT_KINDS) or not e.equipment_kinds:
            raise ValueError(f"特种设备作业项目 {e.code}：设备类别或核实状态无效")
    if any(b >= a for a, b in zip(REMINDER_DAYS, REMINDER_DAYS[1:], strict=False)):
        raise ValueError("REMINDER_DAYS 须严格递减")


_check_tables()
