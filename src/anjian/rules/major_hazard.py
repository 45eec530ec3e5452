"""重大事故隐患判定标准 — the catalogues of major-hazard criteria, as data.

An inspector who records a 重大事故隐患 cites one item of a criteria catalogue. Each catalogue is one
:class:`Catalogue` row in :data:`CATALOGUES` (source, status, effective dates, the sectors it covers);
each item is one :class:`Criterion` in :data:`CRITERIA`, with a stable ASCII code
(``<catalogue>.<article number>.<item>``, or ``<catalogue>.<item>`` where the document has no articles).
Legal basis for the catalogues: 《安全生产法》第一百一十八条第二款 (regulations.md §2.6, VERIFIED-PRIMARY).

Catalogues (regulations.md §8):

* ``gongmao_2023`` — 《工贸企业重大事故隐患判定标准》（应急管理部令第10号）, adopted 2023-03-20, in force
  2023-05-15 (regulations.md §8.2, VERIFIED-SECONDARY). 64 items: 管理类 第三条 (3), 冶金 第四条 (8),
  有色 (13), 建材 (8), 机械 (7), 轻工 (7), 纺织 (2), 烟草 (2), 专项类 粉尘爆炸 (10), 液氨制冷 (2),
  有限空间 (2). Scope (第二条): 冶金、有色、建材、机械、轻工、纺织、烟草、商贸. 商贸 has no item list of its
  own; only 管理类 and 专项类 apply to it. The numbering 第三条 and 第四条 is VERIFIED-SECONDARY; 第五条–第十三条
  is the logical sequence and UNVERIFIED. The reference gives no text for 第四条 items 5–8 nor for the
  有色/建材/机械/轻工/纺织/烟草 items: those rows carry a placeholder text and status ``AWAITING-TEXT``.
  The superseded 2017 工贸 standard (安监总管四〔2017〕129号, 59 items) is deliberately not seeded.
* ``hazchem_2017`` — 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》
  （安监总管三〔2017〕121号）, 20 items (regulations.md §8.3). The notice has numbered items, no articles.
  Items 1–14 and 16–18 VERIFIED-SECONDARY, item 15 only partly read, items 19–20 UNVERIFIED. The same
  notice also listed 10 items for 烟花爆竹; those are not seeded (UNVERIFIED). Whether the 试行 standard has
  since been replaced is UNVERIFIED.
* ``coal_2024`` — 《煤矿安全生产条例》 第三十六条, 17 items, wording from the statute mirror
  ``/work/shared/domain/statutes/煤矿安全生产条例(2024-01-24).md`` (= ``LawRefBook/Laws:行政法规/
  煤矿安全生产条例(2024-01-24).md``), VERIFIED-PRIMARY. Commencement: regulations.md §8.4 marks
  「2024-05-01」 UNVERIFIED, but the mirrored text itself reads 「第七十六条 本条例自2024年5月1日起施行。
  《煤矿安全监察条例》和《国务院关于预防煤矿生产安全事故的特别规定》同时废止。」 — so 2024-05-01 is
  VERIFIED-PRIMARY. The repealed 特别规定 第八条 (15 items) therefore ended 2024-04-30; it is not seeded.

Field ``status`` of a :class:`Criterion` is the status of the item's substance as regulations.md records it
(``AWAITING-TEXT``: the item exists but its text has not been entered). Where the Chinese ``text`` is our
paraphrase of the English summary in regulations.md rather than the official wording, ``note`` says so.

Selection (:func:`criteria_for`, :func:`is_selectable`) looks only at sector and date. Whether an item
fits the enterprise's facts (dust, ammonia refrigeration, 金属冶炼 …) is the inspector's judgement; the
status is shown beside the item and does not block selection.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from anjian.rules._dates import as_date as _as_date
from anjian.rules.staffing import SECTOR_CODES

__all__ = [
    "STATUSES",
    "CRITERION_STATUSES",
    "GONGMAO_SECTORS",
    "Catalogue",
    "Criterion",
    "GONGMAO_2023",
    "HAZCHEM_2017",
    "COAL_2024",
    "CATALOGUES",
    "CRITERIA",
    "get",
    "catalogue",
    "in_force",
    "criteria_for",
    "is_selectable",
    "label",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
AWAITING_TEXT = "AWAITING-TEXT"

STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)
CRITERION_STATUSES = (*STATUSES, AWAITING_TEXT)

# 第二条 scope of the 工贸 standard.
GONGMAO_SECTORS = (
    "metallurgy",
    "nonferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textile",
    "tobacco",
    "commerce",
)


@dataclass(frozen=True)
class Catalogue:
    """One criteria document, in force from ``effective_from`` to ``effective_to`` inclusive."""

    code: str
    title: str
    source: str
    status: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    sectors: tuple[str, ...]
    short: str = ""  # prefix used by label(), e.g. "工贸2023"

    def in_force(self, on: datetime.date) -> bool:
        on = _as_date(on)
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class Criterion:
    """One item of a catalogue."""

    code: str
    catalogue: str
    part: str
    article: str  # e.g. "第三条"; empty where the document has numbered items only
    item: int
    text: str
    sectors: tuple[str, ...]
    status: str
    note: str = ""


# --- Catalogues ----------------------------------------------------------------------------------

GONGMAO_2023 = Catalogue(
    code="gongmao_2023",
    title="《工贸企业重大事故隐患判定标准》（应急管理部令第10号）",
    source=(
        "《工贸企业重大事故隐患判定标准》（应急管理部令第10号，2023-03-20通过，2023-05-15施行）— regulations.md §8.2; "
        "http://anzhuopai.com/szb/pc/col/202306/01/content_202904.html ; "
        "http://www.jiangmen.gov.cn/gzhd/zhzw/content/post_2849362.html ; "
        "https://xz.jiceng.zhengzhou.gov.cn/022003006/9234731.jhtml"
    ),
    status=VERIFIED_SECONDARY,
    effective_from=datetime.date(2023, 5, 15),  # VERIFIED-SECONDARY (regulations.md §8.2)
    effective_to=None,
    sectors=GONGMAO_SECTORS,
    short="工贸2023",
)

HAZCHEM_2017 = Catalogue(
    code="hazchem_2017",
    title="《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）",
    source=(
        "安监总管三〔2017〕121号 — regulations.md §8.3; "
        "http://anzhuopai.com/szb/pc/col/202305/25/content_202393.html ; "
        "https://shanxi.news.163.com/24/0822/08/JA6CSUIP04199ACH.html ; "
        "http://m.918178.cn/index.php?a=show&catid=172&id=59505"
    ),
    status=VERIFIED_SECONDARY,
    # UNVERIFIED: 2017-11-13 is the date of the notice as commonly cited; no source read gives it, and the
    # notice (试行) states no separate commencement date. Whether it has been superseded is UNVERIFIED too.
    effective_from=datetime.date(2017, 11, 13),
    effective_to=None,
    sectors=("hazchem",),
    short="化工2017",
)

COAL_2024 = Catalogue(
    code="coal_2024",
    # Decree number 第774号 is not in the mirrored file (its header carries no number): UNVERIFIED.
    title="《煤矿安全生产条例》（中华人民共和国国务院令第774号）",
    source=(
        "《煤矿安全生产条例》第三十六条 — LawRefBook/Laws:行政法规/煤矿安全生产条例(2024-01-24).md, "
        "mirror /work/shared/domain/statutes/煤矿安全生产条例(2024-01-24).md (regulations.md §8.4)"
    ),
    status=VERIFIED_PRIMARY,
    # VERIFIED-PRIMARY from the text itself: 第七十六条「本条例自2024年5月1日起施行。」 (regulations.md §8.4
    # still marks the date UNVERIFIED; the mirror settles it).
    effective_from=datetime.date(2024, 5, 1),
    effective_to=None,
    sectors=("coal_mine",),
    short="煤矿2024",
)

CATALOGUES: tuple[Catalogue, ...] = (GONGMAO_2023, HAZCHEM_2017, COAL_2024)


# --- Item tables ---------------------------------------------------------------------------------
# One row per article: (article number, Chinese article, part, sectors, item count, default note,
# {item: (text, status, note)}). Items missing from the dict get a placeholder text and AWAITING-TEXT.

_PARAPHRASE = "中文为据 regulations.md 英文摘要所作转述，非原文措辞"
_GM_NUMBERING = "条号第五条–第十三条为按顺序推定，未核实（UNVERIFIED）"
_GM_SPECIAL = (
    "原文措辞未核实（UNVERIFIED）；" + _PARAPHRASE + "；要点经 https://www.aqrzj.com/doc/404215.html 、"
    "https://www.aqrzj.com/doc/370471.html 所载官方表格摘要佐证"
)
_AWAITING = "regulations.md 未给出条文；须据官方文本录入"

_GONGMAO_ARTICLES: tuple[tuple[int, str, str, tuple[str, ...], int, str, dict[int, tuple[str, str, str]]], ...] = (
    (
        3,
        "第三条",
        "管理类",
        GONGMAO_SECTORS,
        3,
        "",
        {
            1: (
                "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的",
                VERIFIED_SECONDARY,
                "政府问答原文（jiangmen.gov.cn）",
            ),
            2: (
                "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的",
                VERIFIED_SECONDARY,
                "政府问答原文（jiangmen.gov.cn）",
            ),
            3: (
                "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的",
                VERIFIED_SECONDARY,
                "政府问答原文（jiangmen.gov.cn）；仅涉及金属冶炼企业",
            ),
        },
    ),
    (
        4,
        "第四条",
        "冶金",
        ("metallurgy",),
        8,
        "",
        {
            1: (
                "会议室、活动室、休息室、操作室、交接班室、更衣室（含澡堂）等6类人员聚集场所，或者钢（铁）水罐冷（热）"
                "修工位，设置在铁水、钢水、液渣吊运跨的地坪区域内的",
                VERIFIED_SECONDARY,
                _PARAPHRASE,
            ),
            2: (
                "生产期间，事故坑、炉下渣坑，以及熔融金属泄漏、喷溅影响范围内的炉前平台、炉基区域、厂房内吊运和"
                "地面运输通道等6类区域存在积水的",
                VERIFIED_SECONDARY,
                _PARAPHRASE,
            ),
            3: (
                "炼钢连铸流程未设置事故钢水罐、中间罐漏钢坑（槽）、中间罐溢流坑（槽）、漏钢回转溜槽，或者模铸流程"
                "未设置事故钢水罐（坑、槽）的",
                VERIFIED_SECONDARY,
                _PARAPHRASE,
            ),
            4: (
                "转炉、电弧炉、AOD炉、LF炉、RH炉、VOD炉等炼钢炉的水冷元件未设置出水温度、进出水流量差监测报警装置，"
                "或者监测报警装置未与炉体倾动、氧枪提升、电极断电等联锁的",
                VERIFIED_SECONDARY,
                _PARAPHRASE,
            ),
        },
    ),
    (5, "第五条", "有色", ("nonferrous",), 13, _GM_NUMBERING, {}),
    (6, "第六条", "建材", ("building_materials",), 8, _GM_NUMBERING, {}),
    (7, "第七条", "机械", ("machinery",), 7, _GM_NUMBERING, {}),
    (8, "第八条", "轻工", ("light_industry",), 7, _GM_NUMBERING, {}),
    (9, "第九条", "纺织", ("textile",), 2, _GM_NUMBERING, {}),
    (10, "第十条", "烟草", ("tobacco",), 2, _GM_NUMBERING, {}),
    (
        11,
        "第十一条",
        "专项类·粉尘爆炸",
        GONGMAO_SECTORS,
        10,
        _GM_NUMBERING,
        {
            i + 1: (text, UNVERIFIED, _GM_SPECIAL)
            for i, text in enumerate(
                (
                    "粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、"
                    "会议室、办公室、休息室等人员聚集场所的",
                    "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等共用一套除尘系统，或者不同建（构）筑物、"
                    "不同防火分区共用一套除尘系统、除尘系统互联互通的",
                    "干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施的",
                    "铝镁等金属粉尘除尘系统采用正压方式收集粉尘，或者其他除尘系统采用正压吹送粉尘，"
                    "未采取火花探测消除等防范点燃源措施的",
                    "采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道的",
                    "铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置的",
                    "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所使用的电气设备不符合防爆要求的",
                    "粉碎、研磨、造粒、砂光等设备前未设置铁、石等杂物去除装置，或者木制品加工企业与砂光机连接的"
                    "风管未设置火花探测消除装置的",
                    "遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚措施，或者干式收集、堆放、"
                    "储存场所未采取防水、防潮措施的",
                    "未落实粉尘清理制度，造成作业现场积尘严重的",
                )
            )
        },
    ),
    (
        12,
        "第十二条",
        "专项类·液氨制冷",
        GONGMAO_SECTORS,
        2,
        _GM_NUMBERING,
        {
            1: ("包装、分割、产品整理场所的空调系统采用氨直接蒸发制冷的", UNVERIFIED, _GM_SPECIAL),
            2: (
                "快速冻结装置未设置在单独的作业间内，或者快速冻结装置作业间内作业人员数量超过9人的",
                UNVERIFIED,
                _GM_SPECIAL,
            ),
        },
    ),
    (
        13,
        "第十三条",
        "专项类·有限空间",
        GONGMAO_SECTORS,
        2,
        _GM_NUMBERING,
        {
            1: (
                "未对存在硫化氢、一氧化碳等中毒风险的有限空间进行辨识、建立安全管理台账，并且未设置明显的安全"
                "警示标志的",
                UNVERIFIED,
                _GM_SPECIAL,
            ),
            2: (
                "未落实有限空间作业审批，或者未执行「先通风、再检测、后作业」要求，或者作业现场未设置监护人员的",
                UNVERIFIED,
                _GM_SPECIAL,
            ),
        },
    ),
)

_HAZCHEM_CORROBORATED = "经山东「直判」清单佐证：https://haowendang.cn/c2c5jl40ekn5dq8n1sig30fluh9bohz00uhz_3.html"

# (item, text, status, note) — regulations.md §8.3 wording.
_HAZCHEM_ITEMS: tuple[tuple[int, str, str, str], ...] = (
    (1, "危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格。", VERIFIED_SECONDARY, ""),
    (2, "特种作业人员未持证上岗。", VERIFIED_SECONDARY, ""),
    (3, "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求。", VERIFIED_SECONDARY, ""),
    (
        4,
        "涉及重点监管危险化工工艺的装置未实现自动化控制，系统未实现紧急停车功能，装备的自动化控制系统、"
        "紧急停车系统未投入使用。",
        VERIFIED_SECONDARY,
        "",
    ),
    (
        5,
        "构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、"
        "二级重大危险源的危险化学品罐区未配备独立的安全仪表系统。",
        VERIFIED_SECONDARY,
        "",
    ),
    (6, "全压力式液化烃储罐未按国家标准设置注水措施。", VERIFIED_SECONDARY, ""),
    (
        7,
        "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统。",
        VERIFIED_SECONDARY,
        "",
    ),
    (
        8,
        "光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域。",
        VERIFIED_SECONDARY,
        "",
    ),
    (9, "地区架空电力线路穿越生产区且不符合国家标准要求。", VERIFIED_SECONDARY, ""),
    (10, "在役化工装置未经正规设计且未进行安全设计诊断。", VERIFIED_SECONDARY, ""),
    (11, "使用淘汰落后安全技术工艺、设备目录列出的工艺、设备。", VERIFIED_SECONDARY, ""),
    (
        12,
        "涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用防爆电气设备。",
        VERIFIED_SECONDARY,
        "",
    ),
    (
        13,
        "控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求。",
        VERIFIED_SECONDARY,
        "",
    ),
    (
        14,
        "化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源。",
        VERIFIED_SECONDARY,
        "",
    ),
    (
        15,
        "安全阀、爆破片等安全附件未正常投用。",
        UNVERIFIED,
        "来源摘录止于「安全阀、爆破」，其后文字未核实（UNVERIFIED）",
    ),
    (
        16,
        "未建立与岗位相匹配的全员安全生产责任制或者未制定实施生产安全事故隐患排查治理制度。",
        VERIFIED_SECONDARY,
        _HAZCHEM_CORROBORATED,
    ),
    (17, "未制定操作规程和工艺控制指标。", VERIFIED_SECONDARY, _HAZCHEM_CORROBORATED),
    (
        18,
        "未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行。",
        VERIFIED_SECONDARY,
        _HAZCHEM_CORROBORATED,
    ),
    (
        19,
        "新开发的危险化学品生产工艺未经小试、中试、工业化试验直接进行工业化生产；国内首次使用的化工工艺未经过"
        "省级人民政府有关部门组织的安全可靠性论证；新建装置未制定试生产方案投料开车；精细化工企业未按规范性文件"
        "要求开展反应安全风险评估。",
        UNVERIFIED,
        "",
    ),
    (
        20,
        "未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存。",
        UNVERIFIED,
        "",
    ),
)

# 《煤矿安全生产条例》第三十六条（一）至（十七）, statute wording (trailing 「；」/「。」 dropped).
_COAL_ITEMS: tuple[str, ...] = (
    "超能力、超强度或者超定员组织生产的",
    "瓦斯超限作业的",
    "煤（岩）与瓦斯（二氧化碳）突出矿井未按照规定实施防突措施的",
    "煤（岩）与瓦斯（二氧化碳）突出矿井、高瓦斯矿井未按照规定建立瓦斯抽采系统，或者系统不能正常运行的",
    "通风系统不完善、不可靠的",
    "超层、越界开采的",
    "有严重水患，未采取有效措施的",
    "有冲击地压危险，未采取有效措施的",
    "自然发火严重，未采取有效措施的",
    "使用应当淘汰的危及生产安全的设备、工艺的",
    "未按照规定建立监控与通讯系统，或者系统不能正常运行的",
    "露天煤矿边坡角大于设计最大值或者边坡发生严重变形，未采取有效措施的",
    "未按照规定采用双回路供电系统的",
    "新建煤矿边建设边生产，煤矿改扩建期间，在改扩建的区域生产，或者在其他区域的生产超出设计规定的范围和规模的",
    "实行整体承包生产经营后，未重新取得或者及时变更安全生产许可证而从事生产，或者承包方再次转包，以及将井下"
    "采掘工作面和井巷维修作业外包的",
    "改制、合并、分立期间，未明确安全生产责任人和安全生产管理机构，或者在完成改制、合并、分立后，未重新取得"
    "或者及时变更安全生产许可证等的",
    "有其他重大事故隐患的",
)
_COAL_NOTES = {17: "兜底项：其他重大事故隐患，具体情形依《煤矿重大事故隐患判定标准》等认定"}


def _build() -> tuple[Criterion, ...]:
    rows: list[Criterion] = []
    gm = GONGMAO_2023.code
    for number, article, part, sectors, count, default_note, items in _GONGMAO_ARTICLES:
        extra = set(items) - set(range(1, count + 1))
        if extra:
            raise ValueError(f"{gm} {article}: items {sorted(extra)} outside 1..{count}")
        for item in range(1, count + 1):
            if item in items:
                text, status, note = items[item]
            else:
                text, status, note = f"{article}第{item}项（条文待录入）", AWAITING_TEXT, _AWAITING
            note = "；".join(n for n in (note, default_note) if n)
            rows.append(Criterion(f"{gm}.{number}.{item}", gm, part, article, item, text, sectors, status, note))
    hc = HAZCHEM_2017.code
    for item, text, status, note in _HAZCHEM_ITEMS:
        rows.append(
            Criterion(f"{hc}.{item}", hc, "化工和危险化学品", "", item, text, HAZCHEM_2017.sectors, status, note)
        )
    coal = COAL_2024.code
    for item, text in enumerate(_COAL_ITEMS, start=1):
        rows.append(
            Criterion(
                f"{coal}.36.{item}",
                coal,
                "煤矿",
                "第三十六条",
                item,
                text,
                COAL_2024.sectors,
                VERIFIED_PRIMARY,
                _COAL_NOTES.get(item, ""),
            )
        )
    return tuple(rows)


CRITERIA: tuple[Criterion, ...] = _build()

_CATALOGUES_BY_CODE = {c.code: c for c in CATALOGUES}
_CRITERIA_BY_CODE = {c.code: c for c in CRITERIA}


def _check_tables() -> None:
    """Run at import so a bad row fails loudly."""
    known = frozenset(SECTOR_CODES)
    if len(_CATALOGUES_BY_CODE) != len(CATALOGUES):
        raise ValueError("duplicate catalogue codes")
    if len(_CRITERIA_BY_CODE) != len(CRITERIA):
        raise ValueError("duplicate criterion codes")
    for cat in CATALOGUES:
        if cat.status not in STATUSES:
            raise ValueError(f"{cat.code}: bad status {cat.status!r}")
        if not set(cat.sectors) <= known:
            raise ValueError(f"{cat.code}: unknown sectors {sorted(set(cat.sectors) - known)}")
        if cat.effective_to is not None and cat.effective_to < cat.effective_from:
            raise ValueError(f"{cat.code}: effective_to before effective_from")
    for crit in CRITERIA:
        cat = _CATALOGUES_BY_CODE.get(crit.catalogue)
        if cat is None:
            raise ValueError(f"{crit.code}: unknown catalogue {crit.catalogue!r}")
        if not crit.code.isascii() or not crit.code.startswith(cat.code + "."):
            raise ValueError(f"{crit.code}: code must be ASCII and start with {cat.code!r}")
        if crit.status not in CRITERION_STATUSES:
            raise ValueError(f"{crit.code}: bad status {crit.status!r}")
        if not crit.sectors or not set(crit.sectors) <= set(cat.sectors):
            raise ValueError(f"{crit.code}: sectors must be a non-empty subset of {cat.code}'s")
        if not crit.text or crit.item < 1:
            raise ValueError(f"{crit.code}: empty text or bad item number")


_check_tables()


# --- Lookups -------------------------------------------------------------------------------------




def _sector_set(sectors: Iterable[str]) -> frozenset[str]:
    if isinstance(sectors, str):  # a bare code, not an iterable of codes
        sectors = (sectors,)
    result = frozenset(sectors)
    unknown = result - frozenset(SECTOR_CODES)
    if unknown:
        raise ValueError(f"unknown sector codes: {sorted(unknown)}")
    return result


def get(code: str) -> Criterion | None:
    """The criterion with this code, or None."""
    return _CRITERIA_BY_CODE.get(code)


def catalogue(code: str) -> Catalogue | None:
    """The catalogue with this code, or None."""
    return _CATALOGUES_BY_CODE.get(code)


def in_force(catalogue: Catalogue | str, on: datetime.date) -> bool:
    """Whether the catalogue (object or code) is in force on ``on``. Unknown codes raise ValueError."""
    if isinstance(catalogue, str):
        code = catalogue
        found = _CATALOGUES_BY_CODE.get(code)
        if found is None:
            raise ValueError(f"unknown catalogue {code!r}")
        catalogue = found
    return catalogue.in_force(on)


def criteria_for(sectors: Iterable[str], on: datetime.date) -> list[Criterion]:
    """Criteria of the catalogues in force on ``on`` that apply to any of ``sectors``.

    Order: catalogue (as in :data:`CATALOGUES`), then article, then item. Unknown sector codes raise
    ValueError; an enterprise whose sectors no catalogue covers gets an empty list.
    """
    wanted = _sector_set(sectors)
    on = _as_date(on)
    live = {c.code for c in CATALOGUES if c.in_force(on) and wanted & set(c.sectors)}
    return [c for c in CRITERIA if c.catalogue in live and wanted & set(c.sectors)]


def is_selectable(code: str, sectors: Iterable[str], on: datetime.date) -> bool:
    """Whether an inspector may cite criterion ``code`` for an enterprise of ``sectors`` on ``on``.

    Only sector and date count; AWAITING-TEXT / UNVERIFIED items stay selectable (the status is shown).
    """
    crit = _CRITERIA_BY_CODE.get(code)
    if crit is None:
        return False
    return _CATALOGUES_BY_CODE[crit.catalogue].in_force(on) and bool(_sector_set(sectors) & set(crit.sectors))


def label(criterion: Criterion) -> str:
    """One line for lists and documents, e.g. 「〔工贸2023〕第三条第1项：未对承包单位……」."""
    cat = _CATALOGUES_BY_CODE[criterion.catalogue]
    return f"〔{cat.short or cat.code}〕{criterion.article}第{criterion.item}项：{criterion.text}"
