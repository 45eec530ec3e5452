"""检查表模板 — the checklist templates the inspections feature ships, as data (no Django, no I/O).

A :class:`ChecklistTemplate` is a versioned list of :class:`ChecklistItem` rows. Each item states what must be
true, phrased as the inspector checks it (``requirement``), and cites its legal basis (``basis``) with the
verification status of that citation (``basis_status``, as in ``/work/shared/domain/regulations.md``):

* ``VERIFIED-PRIMARY`` is used only for articles of 《中华人民共和国安全生产法》 (2021-06-10 第三次修正) that were
  read in the statute mirror ``/work/shared/domain/statutes/安全生产法(2021-06-10).md``
  (= ``LawRefBook/Laws:社会法/安全生产法(2021-06-10).md``, regulations.md §2). The citation form is
  「《中华人民共和国安全生产法》第N条」, optionally followed by 「第N款」 and/or 「第（N）项」;
  ``tests/rules/test_checklists.py`` parses the mirror and checks that every such article, paragraph and item
  exists.
* Items whose basis is a major-hazard criterion cite the criterion (e.g. 「《工贸企业重大事故隐患判定标准》第十一条
  第7项」) and carry that criterion's status from :mod:`anjian.rules.major_hazard` — VERIFIED-SECONDARY for
  工贸 第三条 and most 化工 items, UNVERIFIED for 工贸 第十一条–第十三条 (wording and article numbering both
  unverified, regulations.md §8.2) and for 化工 items 15, 19 and 20 (regulations.md §8.3).

``criterion_code`` links an item to a :class:`~anjian.rules.major_hazard.Criterion`: a failed item with a
criterion code is a candidate 重大事故隐患 (``major`` is true exactly when ``criterion_code`` is set). An item may
carry a statute basis *and* a criterion code (e.g. 特种作业 — 第三十条 and 工贸 第三条第2项); the criterion's own
citation is then available through :func:`anjian.rules.major_hazard.label`. Several items may share one
criterion where the criterion lists alternatives joined by 「或者」 (有限空间 第十三条第2项: 审批 / 先通风、再检测、
后作业 / 监护 — any one failing is the 重大事故隐患).

Standards whose text could not be read (GB 15577-2018 粉尘防爆安全规程, GB 30871-2022, 《工贸企业有限空间作业安全
规定》 …) are deliberately not cited by clause; where a technical requirement matters, the item rests on the
major-hazard criterion or on a statute article instead.

A template is identified by ``code`` and ``version``; item codes (``<template code>.<NN>``) are stable within a
version — a change of wording or order that alters what a stored answer means needs a new version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from anjian.rules import major_hazard
from anjian.rules.major_hazard import GONGMAO_SECTORS
from anjian.rules.staffing import SECTOR_CODES

__all__ = [
    "STATUSES",
    "AUDIENCES",
    "LAW",
    "ChecklistItem",
    "ChecklistTemplate",
    "GONGMAO_GENERAL",
    "DUST",
    "AMMONIA",
    "CONFINED_SPACE",
    "HAZCHEM_MAJOR",
    "SMALL_SELF",
    "GENERAL",
    "TEMPLATES",
    "get",
    "for_sectors",
    "major_items",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

AUDIENCES = ("authority", "enterprise")

LAW = "《中华人民共和国安全生产法》"
LAW_SOURCE = (
    "《中华人民共和国安全生产法》（2021年6月10日第三次修正）— LawRefBook/Laws:社会法/安全生产法(2021-06-10).md, "
    "mirror /work/shared/domain/statutes/安全生产法(2021-06-10).md (regulations.md §2, VERIFIED-PRIMARY)"
)

_ITEM_CODE = re.compile(r"[a-z][a-z0-9_]*\.[0-9]{2}")
_TEMPLATE_CODE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a checklist: what the inspector checks, and why."""

    code: str  # ASCII, unique within the template, "<template code>.<NN>"
    section: str  # Chinese group heading
    requirement: str  # what must be true, phrased as the inspector checks it
    basis: str  # Chinese citation
    basis_status: str  # status of the citation (STATUSES)
    criterion_code: str = ""  # anjian.rules.major_hazard code, or ""
    major: bool = field(init=False)  # criterion_code != ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "major", self.criterion_code != "")


@dataclass(frozen=True)
class ChecklistTemplate:
    """A versioned checklist. ``sectors`` empty = all sectors."""

    code: str
    version: int
    title: str
    theme: str
    sectors: tuple[str, ...]
    audience: str  # "authority" | "enterprise"
    items: tuple[ChecklistItem, ...]
    source_note: str


# --- Item builders -------------------------------------------------------------------------------


def _law(code: str, section: str, requirement: str, article: str, criterion: str = "") -> ChecklistItem:
    """An item resting on an article of the 安全生产法 read in the statute mirror (VERIFIED-PRIMARY)."""
    return ChecklistItem(code, section, requirement, LAW + article, VERIFIED_PRIMARY, criterion)


def _criterion_basis(criterion_code: str) -> tuple[str, str]:
    """Citation and status of a major-hazard criterion, e.g. 「《工贸企业重大事故隐患判定标准》第十一条第7项」."""
    crit = major_hazard.get(criterion_code)
    if crit is None:
        raise ValueError(f"unknown criterion {criterion_code!r}")
    cat = major_hazard.catalogue(crit.catalogue)
    assert cat is not None  # major_hazard's own self-check guarantees this
    document = cat.title[: cat.title.index("》") + 1]
    status = crit.status if crit.status in STATUSES else UNVERIFIED  # AWAITING-TEXT: nothing verified
    return f"{document}{crit.article}第{crit.item}项", status


def _crit(code: str, section: str, requirement: str, criterion_code: str) -> ChecklistItem:
    """An item whose basis is the major-hazard criterion itself (status = the criterion's status)."""
    basis, status = _criterion_basis(criterion_code)
    return ChecklistItem(code, section, requirement, basis, status, criterion_code)


# --- 1. 工贸企业安全生产管理通用检查表 --------------------------------------------------------------

_G1 = "一、责任体系与机构人员"
_G2 = "二、教育培训与持证上岗"
_G3 = "三、现场安全管理"
_G4 = "四、风险管控与隐患排查治理"
_G5 = "五、承包、承租与交叉作业"
_G6 = "六、应急管理与保险"

GONGMAO_GENERAL = ChecklistTemplate(
    code="gongmao_general",
    version=1,
    title="工贸企业安全生产管理通用检查表",
    theme="安全生产管理（综合）",
    sectors=GONGMAO_SECTORS,
    audience="authority",
    items=(
        _law(
            "gongmao_general.01",
            _G1,
            "主要负责人履行法定安全生产职责：建立健全并落实全员安全生产责任制；组织制定并实施安全生产规章制度和操作规程、"
            "教育和培训计划；保证安全生产投入有效实施；组织建立并落实双重预防工作机制；组织制定并实施应急救援预案；"
            "及时、如实报告生产安全事故",
            "第二十一条",
        ),
        _law(
            "gongmao_general.02",
            _G1,
            "全员安全生产责任制明确各岗位的责任人员、责任范围和考核标准，并建立对其落实情况的监督考核机制",
            "第二十二条",
        ),
        _law(
            "gongmao_general.03",
            _G1,
            "已制定并实施本单位安全生产规章制度和操作规程",
            "第二十一条第（二）项",
        ),
        _law(
            "gongmao_general.04",
            _G1,
            "按规定设置安全生产管理机构或者配备安全生产管理人员：金属冶炼等第二十四条第一款所列单位，以及从业人员超过"
            "一百人的单位，设置机构或者配备专职人员；其他从业人员在一百人以下的，至少配备专职或者兼职的安全生产管理人员",
            "第二十四条",
        ),
        _law(
            "gongmao_general.05",
            _G1,
            "主要负责人和安全生产管理人员具备与本单位生产经营活动相应的安全生产知识和管理能力",
            "第二十七条第一款",
        ),
        _law(
            "gongmao_general.06",
            _G1,
            "金属冶炼企业的主要负责人和安全生产管理人员经主管的负有安全生产监督管理职责的部门考核合格"
            "（非金属冶炼企业不适用）",
            "第二十七条第二款",
            "gongmao_2023.3.3",
        ),
        _law(
            "gongmao_general.07",
            _G1,
            "安全生产条件所必需的资金投入有保证；属于按规定提取安全生产费用的单位，按规定提取和使用，专门用于改善"
            "安全生产条件",
            "第二十三条",
        ),
        _law(
            "gongmao_general.08",
            _G2,
            "从业人员（含被派遣劳动者、实习学生）经安全生产教育和培训合格后上岗作业",
            "第二十八条",
        ),
        _law(
            "gongmao_general.09",
            _G2,
            "建立安全生产教育和培训档案，如实记录培训的时间、内容、参加人员以及考核结果",
            "第二十八条第四款",
        ),
        _law(
            "gongmao_general.10",
            _G2,
            "特种作业人员（如电工、焊接与热切割、制冷与空调、高处作业等）经专门的安全作业培训并取得相应资格后上岗作业",
            "第三十条第一款",
            "gongmao_2023.3.2",
        ),
        _law(
            "gongmao_general.11",
            _G2,
            "采用新工艺、新技术、新材料或者使用新设备的，已掌握其安全技术特性，采取有效防护措施，并对从业人员进行"
            "专门的安全生产教育和培训",
            "第二十九条",
        ),
        _law(
            "gongmao_general.12",
            _G3,
            "有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
            "第三十五条",
        ),
        _law(
            "gongmao_general.13",
            _G3,
            "安全设备经常性维护、保养并定期检测，保证正常运转；维护、保养、检测有记录并由有关人员签字",
            "第三十六条第二款",
        ),
        _law(
            "gongmao_general.14",
            _G3,
            "未关闭、破坏直接关系生产安全的监控、报警、防护、救生设备、设施，未篡改、隐瞒、销毁其相关数据、信息",
            "第三十六条第三款",
        ),
        _law(
            "gongmao_general.15",
            _G3,
            "未使用应当淘汰的危及生产安全的工艺、设备",
            "第三十八条第三款",
        ),
        _law(
            "gongmao_general.16",
            _G3,
            "生产经营场所和员工宿舍设有符合紧急疏散要求、标志明显、保持畅通的出口和疏散通道，无占用、锁闭、封堵；"
            "生产、经营、储存、使用危险物品的车间、商店、仓库不与员工宿舍在同一座建筑物内",
            "第四十二条",
        ),
        _law(
            "gongmao_general.17",
            _G3,
            "进行爆破、吊装、动火、临时用电等危险作业时，安排专门人员进行现场安全管理",
            "第四十三条",
        ),
        _law(
            "gongmao_general.18",
            _G3,
            "为从业人员提供符合国家标准或者行业标准的劳动防护用品，并监督、教育其按照使用规则佩戴、使用",
            "第四十五条",
        ),
        _law(
            "gongmao_general.19",
            _G3,
            "向从业人员如实告知作业场所和工作岗位存在的危险因素、防范措施以及事故应急措施",
            "第四十四条第一款",
        ),
        _law(
            "gongmao_general.20",
            _G4,
            "建立安全风险分级管控制度，按照安全风险分级采取相应的管控措施",
            "第四十一条第一款",
        ),
        _law(
            "gongmao_general.21",
            _G4,
            "建立健全并落实事故隐患排查治理制度；排查治理情况如实记录，并通过职工大会或者职工代表大会、信息公示栏等"
            "方式向从业人员通报；重大事故隐患排查治理情况及时报告",
            "第四十一条第二款",
        ),
        _law(
            "gongmao_general.22",
            _G4,
            "安全生产管理人员对安全生产状况进行经常性检查，发现问题立即处理或者及时报告，检查及处理情况如实记录在案",
            "第四十六条第一款",
        ),
        _law(
            "gongmao_general.23",
            _G4,
            "有重大危险源的，已登记建档，定期检测、评估、监控，制定应急预案，并按规定报有关部门备案",
            "第四十条",
        ),
        _law(
            "gongmao_general.24",
            _G5,
            "生产经营项目、场所、设备未发包或者出租给不具备安全生产条件或者相应资质的单位或者个人",
            "第四十九条第一款",
        ),
        _law(
            "gongmao_general.25",
            _G5,
            "与承包单位、承租单位签订专门的安全生产管理协议或者在合同中约定各自的安全生产管理职责；对其安全生产工作"
            "统一协调、管理，定期进行安全检查，督促整改发现的问题",
            "第四十九条第二款",
            "gongmao_2023.3.1",
        ),
        _law(
            "gongmao_general.26",
            _G5,
            "两个以上生产经营单位在同一作业区域内作业、可能危及对方安全的，已签订安全生产管理协议，并指定专职安全生产"
            "管理人员进行安全检查与协调",
            "第四十八条",
        ),
        _law(
            "gongmao_general.27",
            _G6,
            "制定本单位生产安全事故应急救援预案，与所在地政府预案相衔接，并定期组织演练",
            "第八十一条",
        ),
        _law(
            "gongmao_general.28",
            _G6,
            "依法参加工伤保险，为从业人员缴纳保险费",
            "第五十一条第一款",
        ),
    ),
    source_note=(
        LAW_SOURCE + "。重大事故隐患对应《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第三条（regulations.md "
        "§8.2，VERIFIED-SECONDARY）。特种作业类别举例取自《特种作业目录》（regulations.md §4.1，VERIFIED-SECONDARY）。"
    ),
)


# --- 2. 涉爆粉尘专项检查表 ---------------------------------------------------------------------------

_D1 = "一、重大事故隐患判定项（工贸标准第十一条）"
_D2 = "二、安全管理"

DUST = ChecklistTemplate(
    code="dust",
    version=1,
    title="涉爆粉尘专项检查表",
    theme="粉尘爆炸",
    sectors=GONGMAO_SECTORS,
    audience="authority",
    items=(
        _crit(
            "dust.01",
            _D1,
            "粉尘爆炸危险场所未设置在非框架结构的多层建（构）筑物内，场所内未设有员工宿舍、会议室、办公室、休息室等"
            "人员聚集场所",
            "gongmao_2023.11.1",
        ),
        _crit(
            "dust.02",
            _D1,
            "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等未共用一套除尘系统；不同建（构）筑物、不同防火分区未共用一套"
            "除尘系统，除尘系统未互联互通",
            "gongmao_2023.11.2",
        ),
        _crit(
            "dust.03",
            _D1,
            "干式除尘系统采取了泄爆、惰化、抑爆等至少一种爆炸防控措施",
            "gongmao_2023.11.3",
        ),
        _crit(
            "dust.04",
            _D1,
            "铝镁等金属粉尘除尘系统未采用正压方式收集粉尘；其他除尘系统采用正压吹送粉尘的，已采取火花探测消除等防范"
            "点燃源措施",
            "gongmao_2023.11.4",
        ),
        _crit(
            "dust.05",
            _D1,
            "未采用重力沉降室除尘，未采用干式巷道式构筑物作为除尘风道",
            "gongmao_2023.11.5",
        ),
        _crit(
            "dust.06",
            _D1,
            "铝镁等金属粉尘、木质粉尘的干式除尘系统设置了锁气卸灰装置",
            "gongmao_2023.11.6",
        ),
        _crit(
            "dust.07",
            _D1,
            "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所使用的电气设备符合防爆要求",
            "gongmao_2023.11.7",
        ),
        _crit(
            "dust.08",
            _D1,
            "粉碎、研磨、造粒、砂光等设备前设置了铁、石等杂物去除装置；木制品加工企业与砂光机连接的风管设置了火花"
            "探测消除装置",
            "gongmao_2023.11.8",
        ),
        _crit(
            "dust.09",
            _D1,
            "遇湿自燃金属粉尘的收集、堆放、储存场所采取了通风等防止氢气积聚措施，干式收集、堆放、储存场所采取了防水、"
            "防潮措施",
            "gongmao_2023.11.9",
        ),
        _crit(
            "dust.10",
            _D1,
            "落实粉尘清理制度，作业现场无严重积尘",
            "gongmao_2023.11.10",
        ),
        _law(
            "dust.11",
            _D2,
            "除尘、泄爆、隔爆、抑爆、火花探测消除等安全设备的设计、安装、使用、检测、维修符合国家标准或者行业标准",
            "第三十六条第一款",
        ),
        _law(
            "dust.12",
            _D2,
            "上述安全设备经常性维护、保养并定期检测，保证正常运转；维护、保养、检测有记录并由有关人员签字",
            "第三十六条第二款",
        ),
        _law(
            "dust.13",
            _D2,
            "粉尘爆炸危险场所和除尘系统等设施、设备上设置明显的安全警示标志",
            "第三十五条",
        ),
        _law(
            "dust.14",
            _D2,
            "建立粉尘防爆相关安全生产规章制度（含粉尘清理、动火作业等）和安全操作规程，并组织实施",
            "第二十一条第（二）项",
        ),
        _law(
            "dust.15",
            _D2,
            "涉粉作业人员经安全生产教育和培训合格，掌握本岗位粉尘防爆安全操作技能，了解事故应急处理措施",
            "第二十八条第一款",
        ),
        _law(
            "dust.16",
            _D2,
            "向涉粉作业人员如实告知粉尘爆炸危险因素、防范措施以及事故应急措施",
            "第四十四条第一款",
        ),
        _law(
            "dust.17",
            _D2,
            "在粉尘爆炸危险场所进行动火、临时用电等危险作业时，安排专门人员进行现场安全管理",
            "第四十三条",
        ),
        _law(
            "dust.18",
            _D2,
            "将粉尘爆炸风险纳入安全风险分级管控，粉尘防爆隐患排查治理如实记录并向从业人员通报",
            "第四十一条",
        ),
        _law(
            "dust.19",
            _D2,
            "为涉粉作业人员提供符合国家标准或者行业标准的劳动防护用品，并监督其正确佩戴、使用",
            "第四十五条",
        ),
    ),
    source_note=(
        "第一部分：《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第十一条第1–10项；条文措辞及条号均未核实"
        "（regulations.md §8.2，UNVERIFIED），检查要求为判定情形的正面表述。第二部分：" + LAW_SOURCE + "。"
        "《粉尘防爆安全规程》（GB 15577-2018）原文未能查阅，不引用其条款。"
    ),
)


# --- 3. 涉氨制冷专项检查表 ---------------------------------------------------------------------------

_A1 = "一、重大事故隐患判定项（工贸标准第十二条）"
_A2 = "二、安全管理"

AMMONIA = ChecklistTemplate(
    code="ammonia",
    version=1,
    title="涉氨制冷专项检查表",
    theme="液氨制冷",
    sectors=GONGMAO_SECTORS,
    audience="authority",
    items=(
        _crit(
            "ammonia.01",
            _A1,
            "包装、分割、产品整理场所的空调系统未采用氨直接蒸发制冷",
            "gongmao_2023.12.1",
        ),
        _crit(
            "ammonia.02",
            _A1,
            "快速冻结装置设置在单独的作业间内，且作业间内作业人员数量不超过9人",
            "gongmao_2023.12.2",
        ),
        _law(
            "ammonia.03",
            _A2,
            "使用液氨执行有关法律、法规和国家标准或者行业标准，建立专门的安全管理制度，采取可靠的安全措施",
            "第三十九条第二款",
        ),
        _law(
            "ammonia.04",
            _A2,
            "液氨储存量构成重大危险源的，已登记建档，定期检测、评估、监控，制定应急预案，并按规定报有关部门备案",
            "第四十条",
        ),
        _law(
            "ammonia.05",
            _A2,
            "氨泄漏检测报警等安全设备经常性维护、保养并定期检测，保证正常运转，维护、保养、检测有记录并由有关人员签字",
            "第三十六条第二款",
        ),
        _law(
            "ammonia.06",
            _A2,
            "未关闭、破坏氨泄漏监控、报警、防护、救生设备、设施，未篡改、隐瞒、销毁其相关数据、信息",
            "第三十六条第三款",
        ),
        _law(
            "ammonia.07",
            _A2,
            "氨制冷机房、储氨设备、氨管道等有较大危险因素的场所和设施、设备上设置明显的安全警示标志",
            "第三十五条",
        ),
        _law(
            "ammonia.08",
            _A2,
            "从事制冷与空调作业的特种作业人员经专门的安全作业培训并取得相应资格后上岗作业",
            "第三十条第一款",
            "gongmao_2023.3.2",
        ),
        _law(
            "ammonia.09",
            _A2,
            "涉氨岗位从业人员经安全生产教育和培训合格，掌握本岗位安全操作技能，了解氨泄漏事故应急处理措施",
            "第二十八条第一款",
        ),
        _law(
            "ammonia.10",
            _A2,
            "向涉氨岗位从业人员如实告知氨泄漏中毒、火灾爆炸等危险因素、防范措施以及事故应急措施",
            "第四十四条第一款",
        ),
        _law(
            "ammonia.11",
            _A2,
            "配备符合国家标准或者行业标准的防毒、防护等劳动防护用品，并监督、教育从业人员按照使用规则佩戴、使用",
            "第四十五条",
        ),
        _law(
            "ammonia.12",
            _A2,
            "应急救援预案包含液氨泄漏事故的处置，并定期组织演练",
            "第八十一条",
        ),
    ),
    source_note=(
        "第一部分：《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第十二条第1–2项；条文措辞及条号均未核实"
        "（regulations.md §8.2，UNVERIFIED）。第二部分：" + LAW_SOURCE + "。「制冷与空调作业」属特种作业见"
        "《特种作业目录》（regulations.md §4.1，VERIFIED-SECONDARY）。"
    ),
)


# --- 4. 有限空间作业专项检查表 -----------------------------------------------------------------------

_C1 = "一、重大事故隐患判定项（工贸标准第十三条）"
_C2 = "二、安全管理"

CONFINED_SPACE = ChecklistTemplate(
    code="confined_space",
    version=1,
    title="有限空间作业专项检查表",
    theme="有限空间作业",
    sectors=GONGMAO_SECTORS,
    audience="authority",
    items=(
        _crit(
            "confined_space.01",
            _C1,
            "已对存在硫化氢、一氧化碳等中毒风险的有限空间进行辨识、建立安全管理台账，并设置明显的安全警示标志",
            "gongmao_2023.13.1",
        ),
        _crit(
            "confined_space.02",
            _C1,
            "有限空间作业落实作业审批",
            "gongmao_2023.13.2",
        ),
        _crit(
            "confined_space.03",
            _C1,
            "有限空间作业执行「先通风、再检测、后作业」要求",
            "gongmao_2023.13.2",
        ),
        _crit(
            "confined_space.04",
            _C1,
            "有限空间作业现场设置监护人员",
            "gongmao_2023.13.2",
        ),
        _law(
            "confined_space.05",
            _C2,
            "建立有限空间作业安全管理制度和安全操作规程，并组织实施",
            "第二十一条第（二）项",
        ),
        _law(
            "confined_space.06",
            _C2,
            "有限空间作业人员、监护人员经安全生产教育和培训合格，掌握本岗位安全操作技能，了解事故应急处理措施",
            "第二十八条第一款",
        ),
        _law(
            "confined_space.07",
            _C2,
            "向作业人员如实告知有限空间存在的危险因素、防范措施以及事故应急措施",
            "第四十四条第一款",
        ),
        _law(
            "confined_space.08",
            _C2,
            "气体检测报警仪器、通风设备等安全设备经常性维护、保养并定期检测，保证正常运转，且有记录",
            "第三十六条第二款",
        ),
        _law(
            "confined_space.09",
            _C2,
            "配备符合国家标准或者行业标准的呼吸防护、坠落防护等劳动防护用品，并监督作业人员正确佩戴、使用",
            "第四十五条",
        ),
        _law(
            "confined_space.10",
            _C2,
            "有限空间作业发包的，未发包给不具备安全生产条件或者相应资质的单位或者个人",
            "第四十九条第一款",
        ),
        _law(
            "confined_space.11",
            _C2,
            "有限空间作业发包的，与承包单位签订安全生产管理协议或者在承包合同中约定各自的安全生产管理职责，并对其统一"
            "协调、管理，定期进行安全检查",
            "第四十九条第二款",
            "gongmao_2023.3.1",
        ),
        _law(
            "confined_space.12",
            _C2,
            "应急救援预案包含有限空间中毒、窒息事故的处置，并定期组织演练",
            "第八十一条",
        ),
    ),
    source_note=(
        "第一部分：《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第十三条第1–2项；第2项所列「审批」「先通风、"
        "再检测、后作业」「监护人员」为以「或者」连接的三种情形，任一未落实即构成该项，故分列三条；条文措辞及条号均未"
        "核实（regulations.md §8.2，UNVERIFIED）。第二部分：" + LAW_SOURCE + "。《工贸企业有限空间作业安全规定》"
        "原文未能查阅，不引用其条款。"
    ),
)


# --- 5. 危险化学品重大隐患检查表 ---------------------------------------------------------------------

_H1 = "一、人员资质"
_H2 = "二、装置、设施与工艺"
_H3 = "三、管理制度"
_H4 = "四、新工艺、试生产与储存"

_HAZCHEM_REQUIREMENTS: tuple[tuple[str, str], ...] = (
    (_H1, "危险化学品生产、经营单位主要负责人和安全生产管理人员依法经考核合格"),
    (_H1, "特种作业人员持证上岗"),
    (_H2, "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离符合国家标准要求"),
    (
        _H2,
        "涉及重点监管危险化工工艺的装置实现自动化控制，系统具备紧急停车功能，装备的自动化控制系统、紧急停车系统已投入"
        "使用",
    ),
    (
        _H2,
        "构成一级、二级重大危险源的危险化学品罐区实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、二级重大"
        "危险源的危险化学品罐区配备独立的安全仪表系统",
    ),
    (_H2, "全压力式液化烃储罐按国家标准设置注水措施"),
    (_H2, "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装使用万向管道充装系统"),
    (_H2, "光气、氯气等剧毒气体及硫化氢气体管道未穿越除厂区（包括化工园区、工业园区）外的公共区域"),
    (_H2, "地区架空电力线路未穿越生产区，或者穿越生产区的符合国家标准要求"),
    (_H2, "在役化工装置经正规设计，或者已进行安全设计诊断"),
    (_H2, "未使用淘汰落后安全技术工艺、设备目录列出的工艺、设备"),
    (
        _H2,
        "涉及可燃和有毒有害气体泄漏的场所按国家标准设置检测报警装置，爆炸危险场所按国家标准安装使用防爆电气设备",
    ),
    (_H2, "控制室或机柜间面向具有火灾、爆炸危险性装置一侧满足国家标准关于防火防爆的要求"),
    (_H2, "化工生产装置按国家标准要求设置双重电源供电，自动化控制系统设置不间断电源"),
    (_H2, "安全阀、爆破片等安全附件正常投用"),
    (_H3, "建立与岗位相匹配的全员安全生产责任制，并制定实施生产安全事故隐患排查治理制度"),
    (_H3, "制定操作规程和工艺控制指标"),
    (_H3, "按照国家标准制定动火、进入受限空间等特殊作业管理制度，并有效执行"),
    (
        _H4,
        "新开发的危险化学品生产工艺经小试、中试、工业化试验后方进行工业化生产；国内首次使用的化工工艺经省级人民政府"
        "有关部门组织的安全可靠性论证；新建装置制定试生产方案后投料开车；精细化工企业按规范性文件要求开展反应安全风险"
        "评估",
    ),
    (_H4, "按国家标准分区分类储存危险化学品，未超量、超品种储存，相互禁配物质未混放混存"),
)

HAZCHEM_MAJOR = ChecklistTemplate(
    code="hazchem_major",
    version=1,
    title="危险化学品重大隐患检查表",
    theme="化工和危险化学品重大生产安全事故隐患",
    sectors=("hazchem",),
    audience="authority",
    items=tuple(
        _crit(f"hazchem_major.{n:02d}", section, requirement, f"hazchem_2017.{n}")
        for n, (section, requirement) in enumerate(_HAZCHEM_REQUIREMENTS, start=1)
    ),
    source_note=(
        "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）第1–20项，"
        "每项一条，检查要求为判定情形的正面表述（regulations.md §8.3：第1–14、16–18项 VERIFIED-SECONDARY；第15项"
        "仅部分读到、第19–20项 UNVERIFIED）。该试行标准是否已被替代未核实。"
    ),
)


# --- 6. 小微企业安全生产自查表 -----------------------------------------------------------------------

_S1 = "一、责任和制度"
_S2 = "二、培训和持证"
_S3 = "三、现场和设备"
_S4 = "四、隐患自查和外包"
_S5 = "五、应急和保险"

SMALL_SELF = ChecklistTemplate(
    code="small_self",
    version=1,
    title="小微企业安全生产自查表",
    theme="安全生产自查（小微企业）",
    sectors=(),
    audience="enterprise",
    items=(
        _law(
            "small_self.01",
            _S1,
            "老板（主要负责人）清楚自己是本单位安全生产第一责任人，对安全生产全面负责",
            "第五条",
        ),
        _law(
            "small_self.02",
            _S1,
            "每个岗位的安全责任都写清楚了：谁负责、管什么、怎么考核",
            "第二十二条第一款",
        ),
        _law(
            "small_self.03",
            _S1,
            "有人管安全：一百人以下的单位至少有专职或者兼职安全管理人员；超过一百人或者属于矿山、建筑施工、运输、危险"
            "物品等行业的，设了安全管理机构或者有专职安全管理人员",
            "第二十四条",
        ),
        _law(
            "small_self.04",
            _S1,
            "有书面的安全生产规章制度和操作规程，并且照着执行",
            "第二十一条第（二）项",
        ),
        _law(
            "small_self.05",
            _S2,
            "每名员工（包括劳务派遣人员、实习学生）上岗前都经过安全培训并且考核合格",
            "第二十八条",
        ),
        _law(
            "small_self.06",
            _S2,
            "每次培训都有记录：时间、内容、参加人员、考核结果",
            "第二十八条第四款",
        ),
        _law(
            "small_self.07",
            _S2,
            "电工、电焊等特种作业人员都持有有效的特种作业操作证",
            "第三十条第一款",
        ),
        _law(
            "small_self.08",
            _S2,
            "已告诉每名员工其岗位有哪些危险、怎么防范、出事后怎么应急",
            "第四十四条第一款",
        ),
        _law(
            "small_self.09",
            _S3,
            "危险的地方和设备上贴了明显的安全警示标志",
            "第三十五条",
        ),
        _law(
            "small_self.10",
            _S3,
            "安全设备定期维护保养和检测，能正常使用，每次都有记录和签字",
            "第三十六条第二款",
        ),
        _law(
            "small_self.11",
            _S3,
            "餐饮等使用燃气的，装了可燃气体报警装置并能正常使用（不使用燃气的不适用）",
            "第三十六条第四款",
        ),
        _law(
            "small_self.12",
            _S3,
            "存放或者使用危险物品的车间、商店、仓库没有和员工宿舍在同一座建筑物内",
            "第四十二条第一款",
        ),
        _law(
            "small_self.13",
            _S3,
            "安全出口、疏散通道标志明显、保持畅通，没有被占用、上锁或者堵住",
            "第四十二条第二款",
        ),
        _law(
            "small_self.14",
            _S3,
            "给员工发了合格的劳动防护用品，并督促他们正确佩戴、使用",
            "第四十五条",
        ),
        _law(
            "small_self.15",
            _S3,
            "动火、临时用电、吊装等危险作业时，有专人在现场管安全",
            "第四十三条",
        ),
        _law(
            "small_self.16",
            _S4,
            "定期排查事故隐患，发现的隐患及时整改，排查整改情况有记录并告知员工",
            "第四十一条第二款",
        ),
        _law(
            "small_self.17",
            _S4,
            "把场地、设备或者项目发包、出租的，对方具备安全生产条件或者相应资质，并且签了安全生产管理协议",
            "第四十九条",
        ),
        _law(
            "small_self.18",
            _S5,
            "有生产安全事故应急救援预案，并且定期组织演练",
            "第八十一条",
        ),
        _law(
            "small_self.19",
            _S5,
            "发生事故时，现场人员立即报告负责人，负责人立即组织抢救并如实向当地监管部门报告",
            "第八十三条",
        ),
        _law(
            "small_self.20",
            _S5,
            "已为全部员工参加工伤保险、缴纳保险费",
            "第五十一条第一款",
        ),
    ),
    source_note=LAW_SOURCE + "。面向企业自查，表述为通俗语言；每项对应的法律条文见依据栏。",
)


# --- 7. 安全生产通用检查表（各行业） -------------------------------------------------------------------
# For the sectors no themed list covers yet (construction, transport, mines, fireworks, other): the duty
# articles of the 安全生产法 that bind every 生产经营单位, i.e. the law items of the 工贸 general list without
# its 工贸 criterion items, renumbered. Same wording, same VERIFIED-PRIMARY citations.
GENERAL = ChecklistTemplate(
    code="general",
    version=1,
    title="安全生产通用检查表（各行业）",
    theme="安全生产管理（综合，各行业适用）",
    sectors=(),
    audience="authority",
    items=tuple(
        ChecklistItem(f"general.{n:02d}", i.section, i.requirement, i.basis, i.basis_status)
        for n, i in enumerate((i for i in GONGMAO_GENERAL.items if not i.criterion_code), start=1)
    ),
    source_note=LAW_SOURCE + "。各行业生产经营单位均适用的法定义务（取自工贸通用检查表中不涉及工贸判定标准的条目）。",
)


TEMPLATES: tuple[ChecklistTemplate, ...] = (
    GONGMAO_GENERAL,
    DUST,
    AMMONIA,
    CONFINED_SPACE,
    HAZCHEM_MAJOR,
    SMALL_SELF,
    GENERAL,
)

_BY_CODE = {t.code: t for t in TEMPLATES}


def _check_templates(templates: tuple[ChecklistTemplate, ...]) -> None:
    """Run at import so a malformed row fails loudly."""
    known = frozenset(SECTOR_CODES)
    codes = [t.code for t in templates]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate template codes")
    for t in templates:
        if not _TEMPLATE_CODE.fullmatch(t.code):
            raise ValueError(f"{t.code!r}: template code must be lower-case ASCII")
        if not isinstance(t.version, int) or isinstance(t.version, bool) or t.version < 1:
            raise ValueError(f"{t.code}: version must be an int >= 1")
        if not t.title or not t.theme or not t.source_note:
            raise ValueError(f"{t.code}: title, theme and source_note are required")
        if t.audience not in AUDIENCES:
            raise ValueError(f"{t.code}: bad audience {t.audience!r}")
        if not set(t.sectors) <= known or len(set(t.sectors)) != len(t.sectors):
            raise ValueError(f"{t.code}: unknown or repeated sectors {t.sectors}")
        if not t.items:
            raise ValueError(f"{t.code}: no items")
        item_codes = [i.code for i in t.items]
        if len(set(item_codes)) != len(item_codes):
            raise ValueError(f"{t.code}: duplicate item codes")
        for item in t.items:
            if not _ITEM_CODE.fullmatch(item.code) or not item.code.startswith(t.code + "."):
                raise ValueError(f"{item.code!r}: item code must be '{t.code}.<NN>' (ASCII)")
            if not item.section or not item.requirement or not item.basis:
                raise ValueError(f"{item.code}: section, requirement and basis are required")
            if item.basis_status not in STATUSES:
                raise ValueError(f"{item.code}: bad basis_status {item.basis_status!r}")
            if item.basis_status == VERIFIED_PRIMARY and not item.basis.startswith(LAW):
                raise ValueError(f"{item.code}: VERIFIED-PRIMARY is reserved for {LAW} citations")
            if item.major != (item.criterion_code != ""):
                raise ValueError(f"{item.code}: major must equal criterion_code != ''")
            if item.criterion_code:
                crit = major_hazard.get(item.criterion_code)
                if crit is None:
                    raise ValueError(f"{item.code}: unknown criterion {item.criterion_code!r}")
                if t.sectors and not set(crit.sectors) & set(t.sectors):
                    raise ValueError(f"{item.code}: criterion {crit.code} covers none of {t.code}'s sectors")


_check_templates(TEMPLATES)


# --- Lookups -------------------------------------------------------------------------------------


def get(code: str) -> ChecklistTemplate | None:
    """The template with this code, or None."""
    return _BY_CODE.get(code)


def for_sectors(sectors: Iterable[str], audience: str | None = None) -> list[ChecklistTemplate]:
    """Templates that apply to any of ``sectors`` (all-sector templates always apply), in :data:`TEMPLATES` order.

    ``sectors`` is an iterable of codes from ``SECTOR_CODES`` (a bare code is accepted); unknown codes raise
    ValueError. ``audience`` (``"authority"`` / ``"enterprise"``) filters further; None means both.
    """
    if isinstance(sectors, str):
        sectors = (sectors,)
    wanted = frozenset(sectors)
    unknown = wanted - frozenset(SECTOR_CODES)
    if unknown:
        raise ValueError(f"unknown sector codes: {sorted(unknown)}")
    if audience is not None and audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    return [
        t
        for t in TEMPLATES
        if (not t.sectors or wanted & set(t.sectors)) and (audience is None or t.audience == audience)
    ]


def major_items(template: ChecklistTemplate | str) -> list[ChecklistItem]:
    """The items of ``template`` (object or code) that map to a major-hazard criterion, in order."""
    if isinstance(template, str):
        found = _BY_CODE.get(template)
        if found is None:
            raise ValueError(f"unknown template {template!r}")
        template = found
    return [i for i in template.items if i.major]
