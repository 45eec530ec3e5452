"""特种设备定期检验 — inspection clocks, default and maximum next-inspection dates, the request lead.

Legal rules (《中华人民共和国特种设备安全法》, VERIFIED-PRIMARY, quoted from the mirror in :data:`RULES`):

* 第四十条第一款 — the user requests the periodic inspection **one month before** the inspection validity ends:
  :func:`request_by` = ``add_months(due, -1)`` (:data:`REQUEST_LEAD_RULE`).
* 第四十条第三款 — equipment not inspected, or failed, may not be used (:data:`NOT_INSPECTED_NOT_USABLE_RULE`).
* 第十四条 — safety managers, testers and operators must hold the qualification (:data:`EQUIPMENT_OPERATOR_REQUIRED`;
  the certificate itself is :mod:`anjian.rules.certificates` ``equipment_operator``).
* 第三十九条第一款 — maintenance and periodic self-inspection by the user, recorded (:data:`SELF_INSPECTION_RULE`).

Intervals (regulations.md §5.2) are rows of :data:`INTERVALS` (:class:`IntervalRow`). The next inspection date is
data entered from the inspection report; the table gives defaults and the limits the entered date is checked
against (:func:`propose`, :func:`check_due`). Status per row; the main ones:

* Boilers (TSG G7002-2015 / TSG G0001-2012, VERIFIED-SECONDARY): two clocks, external inspection every 12 months and
  internal inspection every 24 months, the first internal inspection 12 months after commissioning. Power-station
  boilers and boilers in process units: internal inspection with the overhauls, "generally 3–6 years" — **our
  choice: default 36 months, maximum 72**.
* Fixed pressure vessels (TSG 21-2016, VERIFIED-SECONDARY): first inspection within 36 months of commissioning; by
  safety grade 1–2: 72 months; 3: default 36, maximum 72; 4: monitored use, interval set by the inspection body,
  cumulative monitored use ≤ 36 months (the maximum is counted from this inspection — the earlier monitored time is
  not known here); 5: may not be used until the defects are dealt with (:func:`check_due` → ``not_usable``).
* Mobile pressure vessels 12 months (annual inspection), gas cylinders default 36 months with no maximum checked,
  industrial pipelines (TSG D7005-2018: first 36, grades 1–2 72, grade 3 36, grade 4 monitored ≤ 36), public and
  long-distance pipelines 12 months with no maximum checked, in-plant vehicles, ropeways and amusement rides 12
  months: all **UNVERIFIED**.
* Elevators — two schedules. :data:`ELEVATOR_2023` (TSG T7001-2023, VERIFIED-SECONDARY; published 2023-04-02 with
  a one-year transition, so in force from **2024-04-02** — that date is derived, UNVERIFIED): counted from the
  installation supervisory-inspection date (``installed_on``), year *n* ends on the *n*-th anniversary; years 1, 4, 7,
  9, 11, 13 and 15 have a periodic inspection, the other years up to 15 a self-test (自行检测, TSG T7008-2023), after
  year 15 a periodic inspection every year (UNVERIFIED) — :func:`elevator_year_event`. The next event falls on the
  next anniversary after the inspection; a periodic inspection up to 2 months early, a self-test up to 1 month early,
  counts for that year and does not move the schedule. :data:`ELEVATOR_LEGACY` (TSG T7001-2009, every 12 months,
  UNVERIFIED but widely known) is kept for legacy data; without ``schedule`` the date of the inspection decides, and
  an elevator with no ``installed_on`` falls back to the legacy yearly rule with a note.
* Lifting machinery (TSG Q7015-2016, VERIFIED-SECONDARY): tower cranes, hoists (incl. construction hoists) and mobile
  cranes 12 months; bridge, gantry, portal, light-and-small, jib, railway cranes, mechanical parking equipment and
  rubber-tyred container gantry cranes 24 months; cranes lifting molten metal (``molten_metal=True``) 12 months. The
  inspection body may shorten a cycle, never below 6 months (:func:`check_due` → ``below_min``).

:func:`clocks_for` lists the inspection kinds a kind of equipment runs a clock for (boilers: external and internal;
the others periodic; an elevator's self-tests are events of its periodic clock under the 2023 schedule).

Subtypes (:data:`SUBTYPES`): lifting machinery needs one; boilers, pressure vessels and pipelines default to
``industrial`` / ``fixed`` / ``industrial`` (:data:`DEFAULT_SUBTYPES`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from anjian.rules._dates import add_months, add_years
from anjian.rules._dates import as_date as _as_date

__all__ = [
    "STATUSES",
    "LAW_TZSB",
    "MIRRORED_LAWS",
    "Rule",
    "BOILER",
    "PRESSURE_VESSEL",
    "GAS_CYLINDER",
    "PRESSURE_PIPELINE",
    "ELEVATOR",
    "LIFTING",
    "IN_PLANT_VEHICLE",
    "ROPEWAY",
    "AMUSEMENT",
    "KINDS",
    "KIND_LABELS",
    "SUBTYPES",
    "DEFAULT_SUBTYPES",
    "MOLTEN_METAL_LABEL",
    "PERIODIC",
    "EXTERNAL",
    "INTERNAL",
    "SELF_TEST",
    "INSPECTION_KINDS",
    "INSPECTION_KIND_LABELS",
    "clocks_for",
    "ELEVATOR_2023",
    "ELEVATOR_LEGACY",
    "ELEVATOR_SCHEDULES",
    "ELEVATOR_SCHEDULE_LABELS",
    "ELEVATOR_2023_FROM",
    "ELEVATOR_PERIODIC_YEARS",
    "ELEVATOR_EARLY_MONTHS",
    "elevator_year_event",
    "elevator_schedule",
    "IntervalRow",
    "INTERVALS",
    "interval_row",
    "Proposal",
    "propose",
    "Finding",
    "check_due",
    "REQUEST_LEAD_MONTHS",
    "request_by",
    "REQUEST_LEAD_RULE",
    "NOT_INSPECTED_NOT_USABLE_RULE",
    "EQUIPMENT_OPERATOR_REQUIRED",
    "SELF_INSPECTION_RULE",
    "BOILER_HYDROSTATIC_RULE",
    "ELEVATOR_RESTART_RULE",
    "RULES",
]

VERIFIED_PRIMARY = "VERIFIED-PRIMARY"
VERIFIED_SECONDARY = "VERIFIED-SECONDARY"
UNVERIFIED = "UNVERIFIED"
STATUSES = (VERIFIED_PRIMARY, VERIFIED_SECONDARY, UNVERIFIED)

LAW_TZSB = "《中华人民共和国特种设备安全法》"
MIRROR = "/work/shared/domain/statutes/"
MIRRORED_LAWS = {LAW_TZSB: MIRROR + "特种设备安全法(2013-06-29).md"}
# 第一百零一条 「本法自2014年1月1日起施行。」 — VERIFIED-PRIMARY.
TZSB_FROM = datetime.date(2014, 1, 1)


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


# --- kinds -----------------------------------------------------------------------------------------------------

BOILER = "boiler"
PRESSURE_VESSEL = "pressure_vessel"
GAS_CYLINDER = "gas_cylinder"
PRESSURE_PIPELINE = "pressure_pipeline"
ELEVATOR = "elevator"
LIFTING = "lifting"
IN_PLANT_VEHICLE = "in_plant_vehicle"
ROPEWAY = "ropeway"
AMUSEMENT = "amusement"
KINDS = (
    BOILER,
    PRESSURE_VESSEL,
    GAS_CYLINDER,
    PRESSURE_PIPELINE,
    ELEVATOR,
    LIFTING,
    IN_PLANT_VEHICLE,
    ROPEWAY,
    AMUSEMENT,
)
KIND_LABELS = {
    BOILER: "锅炉",
    PRESSURE_VESSEL: "压力容器",
    GAS_CYLINDER: "气瓶",
    PRESSURE_PIPELINE: "压力管道",
    ELEVATOR: "电梯",
    LIFTING: "起重机械",
    IN_PLANT_VEHICLE: "场（厂）内专用机动车辆",
    ROPEWAY: "客运索道",
    AMUSEMENT: "大型游乐设施",
}
SUBTYPES: dict[str, dict[str, str]] = {
    BOILER: {"industrial": "工业锅炉", "power_station": "电站锅炉", "process_unit": "工艺装置中的锅炉"},
    PRESSURE_VESSEL: {"fixed": "固定式压力容器", "mobile": "移动式压力容器"},
    PRESSURE_PIPELINE: {"industrial": "工业管道", "public": "公用管道", "long_distance": "长输管道"},
    LIFTING: {
        "tower": "塔式起重机",
        "hoist": "升降机（含施工升降机）",
        "mobile": "流动式起重机",
        "bridge": "桥式起重机",
        "gantry": "门式起重机",
        "portal": "门座式起重机",
        "light_small": "轻小型起重设备",
        "jib": "旋臂式起重机",
        "railway": "铁路起重机",
        "parking": "机械式停车设备",
        "rtg": "轮胎式集装箱门式起重机",
    },
}
DEFAULT_SUBTYPES = {BOILER: "industrial", PRESSURE_VESSEL: "fixed", PRESSURE_PIPELINE: "industrial"}
MOLTEN_METAL_LABEL = "吊运熔融金属"

PERIODIC = "periodic"
EXTERNAL = "external"
INTERNAL = "internal"
SELF_TEST = "self_test"
INSPECTION_KINDS = (PERIODIC, EXTERNAL, INTERNAL, SELF_TEST)
INSPECTION_KIND_LABELS = {PERIODIC: "定期检验", EXTERNAL: "外部检验", INTERNAL: "内部检验", SELF_TEST: "自行检测"}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"特种设备类别应为 {KINDS} 之一，实际为 {kind!r}")
    return kind


def clocks_for(kind: str) -> tuple[str, ...]:
    """The inspection kinds that run a separate clock: boilers external + internal, every other kind periodic."""
    return (EXTERNAL, INTERNAL) if _kind(kind) == BOILER else (PERIODIC,)


# --- elevators ---------------------------------------------------------------------------------------------------

ELEVATOR_2023 = "tsg_t7001_2023"
ELEVATOR_LEGACY = "legacy_yearly"
ELEVATOR_SCHEDULES = (ELEVATOR_2023, ELEVATOR_LEGACY)
ELEVATOR_SCHEDULE_LABELS = {
    ELEVATOR_2023: "TSG T7001-2023（第1、4、7、9、11、13、15年定期检验，其余年份自行检测）",
    ELEVATOR_LEGACY: "TSG T7001-2009（每年定期检验）",
}
# Published 2023-04-02 with a one-year transition (regulations.md §5.2): the derived date is UNVERIFIED.
ELEVATOR_2023_FROM = datetime.date(2024, 4, 2)
ELEVATOR_PERIODIC_YEARS = frozenset({1, 4, 7, 9, 11, 13, 15})
ELEVATOR_LAST_SCHEDULED_YEAR = 15
ELEVATOR_EARLY_MONTHS = {PERIODIC: 2, SELF_TEST: 1}


def elevator_year_event(year_number: int) -> str:
    """TSG T7001-2023: ``periodic`` in years 1, 4, 7, 9, 11, 13 and 15, ``self_test`` in the other years up to 15,
    ``periodic`` every year after year 15 (UNVERIFIED). Years count from the installation supervisory inspection."""
    if isinstance(year_number, bool) or not isinstance(year_number, int) or year_number < 1:
        raise ValueError(f"year_number 应为正整数，实际为 {year_number!r}")
    if year_number > ELEVATOR_LAST_SCHEDULED_YEAR or year_number in ELEVATOR_PERIODIC_YEARS:
        return PERIODIC
    return SELF_TEST


def elevator_schedule(inspected_on: datetime.date, *, installed_on: datetime.date | None = None) -> str:
    """The schedule used when none is given: TSG T7001-2023 for inspections from :data:`ELEVATOR_2023_FROM` of
    elevators whose installation date is known, the legacy yearly rule otherwise."""
    inspected_on = _as_date(inspected_on)
    return ELEVATOR_2023 if inspected_on >= ELEVATOR_2023_FROM and installed_on is not None else ELEVATOR_LEGACY


# --- interval table ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntervalRow:
    """One interval rule. ``subtype`` "" matches every subtype; ``safety_grade`` None: not graded (or the first
    inspection row of a graded kind). ``months`` None: no fixed default (set by the inspection body, computed by the
    elevator schedule, or not usable). ``max_months`` / ``min_months`` None: not checked."""

    code: str
    kind: str
    subtype: str
    inspection_kind: str
    safety_grade: int | None
    months: int | None
    first_months: int | None
    source: str
    status: str
    note: str
    citation: str  # short name for messages
    max_months: int | None = None
    min_months: int | None = None
    usable: bool = True
    schedule: str = ""
    molten_metal: bool = False
    elevator_over_15: bool = False
    effective_from: datetime.date | None = None  # None: the start date was not verified
    effective_to: datetime.date | None = None

    def in_force(self, on: datetime.date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


_BOILER_SRC = (
    "TSG G7002-2015《锅炉定期检验规则》、TSG G0001-2012《锅炉安全技术监察规程》（现行综合规程 TSG 11-2020，间隔是否相同"
    "未核实）；http://tedao.com.cn/news/556-cn.html ；https://www.360docs.net/doc/3e11528754.html"
)
_BOILER_CIT = "TSG G7002-2015《锅炉定期检验规则》"
_VESSEL_SRC = (
    "TSG 21-2016《固定式压力容器安全技术监察规程》8.1.6（条款号未核实）；"
    "http://m.niuyw.com/index.php?a=show&catid=178&id=56032 ；"
    "https://czt.cc/zhjx/202406/19453.html"
)
_VESSEL_CIT = "TSG 21-2016《固定式压力容器安全技术监察规程》"
_PIPE_CIT = "TSG D7005-2018《压力管道定期检验规则——工业管道》"
_PIPE_SRC = f"{_PIPE_CIT}（间隔未核实）；https://www.wanglu.net/thread/t12-42342-0.html（仅存在性）"
_PIPE_RULES = {
    "public": "TSG D7004《压力管道定期检验规则——公用管道》",
    "long_distance": "TSG D7003《压力管道定期检验规则——长输管道》",
}
_ELEV_SRC = (
    "TSG T7001-2023《电梯监督检验和定期检验规则》、TSG T7008-2023（自行检测）；"
    "https://zqwgzs.com/encyclopedia/685.html ；"
    "过渡期：http://lsgzd.com/standard/sort/9/137533.html"
)
_ELEV_CIT = "TSG T7001-2023《电梯监督检验和定期检验规则》"
_LIFT_SRC = "TSG Q7015-2016《起重机械定期检验规则》；regulations.md §5.2（两份独立的第三方摘录，未给出网址）"
_LIFT_CIT = "TSG Q7015-2016《起重机械定期检验规则》"


def _lifting(subtype: str, months: int) -> IntervalRow:
    return IntervalRow(
        code=f"lifting_{subtype}",
        kind=LIFTING,
        subtype=subtype,
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=months,
        first_months=None,
        max_months=months,
        min_months=6,
        source=_LIFT_SRC,
        status=VERIFIED_SECONDARY,
        citation=_LIFT_CIT,
        note=f"{SUBTYPES[LIFTING][subtype]}{'每年' if months == 12 else '每2年'}定期检验1次；"
        "检验机构可对存在严重隐患的起重机械缩短周期，但不得少于6个月。首次检验做静载、额定载荷和动载试验，此后每隔一个检验周期做额定载荷试验。",
    )


def _graded(kind, subtype, code, grade, months, max_months, status, source, citation, note, usable=True):
    return IntervalRow(
        code=code,
        kind=kind,
        subtype=subtype,
        inspection_kind=PERIODIC,
        safety_grade=grade,
        months=months,
        first_months=None,
        max_months=max_months,
        source=source,
        status=status,
        citation=citation,
        note=note,
        usable=usable,
    )


def _simple(code, kind, subtype, months, max_months, source, citation, note, status=UNVERIFIED) -> IntervalRow:
    return IntervalRow(
        code=code,
        kind=kind,
        subtype=subtype,
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=months,
        first_months=None,
        max_months=max_months,
        source=source,
        status=status,
        citation=citation,
        note=note,
    )


_V2, _UV = VERIFIED_SECONDARY, UNVERIFIED
_PV, _PP = PRESSURE_VESSEL, PRESSURE_PIPELINE

INTERVALS: tuple[IntervalRow, ...] = (
    # --- boilers
    IntervalRow(
        code="boiler_external",
        kind=BOILER,
        subtype="",
        inspection_kind=EXTERNAL,
        safety_grade=None,
        months=12,
        first_months=None,
        max_months=12,
        source=_BOILER_SRC,
        status=_V2,
        citation=_BOILER_CIT,
        note="外部检验每年1次。",
    ),
    IntervalRow(
        code="boiler_internal",
        kind=BOILER,
        subtype="industrial",
        inspection_kind=INTERNAL,
        safety_grade=None,
        months=24,
        first_months=12,
        max_months=24,
        source=_BOILER_SRC,
        status=_V2,
        citation=_BOILER_CIT,
        note="内部检验一般每2年1次；首次内部检验在投入运行后1年进行。移装锅炉投运前、停止运行1年以上恢复运行前等情形"
        "另需内部检验。",
    ),
    *(
        IntervalRow(
            code=f"boiler_internal_{sub}",
            kind=BOILER,
            subtype=sub,
            inspection_kind=INTERNAL,
            safety_grade=None,
            months=36,
            first_months=12,
            max_months=72,
            source=_BOILER_SRC,
            status=_V2,
            citation=_BOILER_CIT,
            note=f"{SUBTYPES[BOILER][sub]}结合大修进行内部检验，一般每3–6年1次：平台默认36个月（平台选择），最长72个月。"
            "经使用单位安全管理负责人批准并向登记机关备案可延期，但不得连续延期。首次内部检验按投入运行后1年计。",
        )
        for sub in ("power_station", "process_unit")
    ),
    # --- fixed pressure vessels (TSG 21-2016)
    IntervalRow(
        code="vessel_fixed_first",
        kind=_PV,
        subtype="fixed",
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=None,
        first_months=36,
        max_months=None,
        source=_VESSEL_SRC,
        status=_V2,
        citation=_VESSEL_CIT,
        note="首次定期检验一般在投用后3年内进行；此后按检验报告的安全状况等级确定周期。",
    ),
    *(
        _graded(
            _PV,
            "fixed",
            f"vessel_fixed_grade{g}",
            g,
            72,
            72,
            _V2,
            _VESSEL_SRC,
            _VESSEL_CIT,
            "安全状况等级为1、2级的，一般每6年检验一次。",
        )
        for g in (1, 2)
    ),
    _graded(
        _PV,
        "fixed",
        "vessel_fixed_grade3",
        3,
        36,
        72,
        _V2,
        _VESSEL_SRC,
        _VESSEL_CIT,
        "安全状况等级为3级的，一般每3年至6年检验一次：平台默认36个月，最长72个月。",
    ),
    _graded(
        _PV,
        "fixed",
        "vessel_fixed_grade4",
        4,
        None,
        36,
        _V2,
        _VESSEL_SRC,
        _VESSEL_CIT,
        "安全状况等级为4级的，应当监控使用，检验周期由检验机构确定，累计监控使用时间不得超过3年；平台从本次检验起"
        "按36个月校验（此前的监控使用时间未计入，请人工核对）。",
    ),
    _graded(
        _PV,
        "fixed",
        "vessel_fixed_grade5",
        5,
        None,
        None,
        _V2,
        _VESSEL_SRC,
        _VESSEL_CIT,
        "安全状况等级为5级的，应当对缺陷进行处理，否则不得继续使用。",
        usable=False,
    ),
    _simple(
        "vessel_mobile",
        _PV,
        "mobile",
        12,
        12,
        "TSG R0005《移动式压力容器安全技术监察规程》（现行 TSG 23-2021 等）；"
        "niuyw 旧表（regulations.md §5.2，可能已过时）",
        "移动式压力容器安全技术规范",
        "年度检验每年1次；旧表：汽车罐车、铁路罐车、罐式集装箱1–2级全面检验分别每5、4、5年，可能已被修订（UNVERIFIED）。",
    ),
    _simple(
        "gas_cylinder",
        GAS_CYLINDER,
        "",
        36,
        None,
        "气瓶定期检验规则（TSG 23-2021 等）；niuyw 旧表（regulations.md §5.2，可能已过时）",
        "气瓶安全技术规范",
        "旧表：腐蚀性气体气瓶每2年、一般气体每3年、惰性气体每5年；平台默认36个月，不校验最长期限（UNVERIFIED）。",
    ),
    # --- pressure pipelines
    IntervalRow(
        code="pipeline_industrial_first",
        kind=_PP,
        subtype="industrial",
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=None,
        first_months=36,
        max_months=None,
        source=_PIPE_SRC,
        status=_UV,
        citation=_PIPE_CIT,
        note="首次定期检验一般在投用后3年内进行（未核实）；年度检查每年1次。",
    ),
    *(
        _graded(
            _PP,
            "industrial",
            f"pipeline_industrial_grade{g}",
            g,
            72,
            72,
            _UV,
            _PIPE_SRC,
            _PIPE_CIT,
            "安全状况等级为1、2级的，一般不超过6年（未核实）。",
        )
        for g in (1, 2)
    ),
    _graded(
        _PP,
        "industrial",
        "pipeline_industrial_grade3",
        3,
        36,
        36,
        _UV,
        _PIPE_SRC,
        _PIPE_CIT,
        "安全状况等级为3级的，一般不超过3年（未核实）。",
    ),
    _graded(
        _PP,
        "industrial",
        "pipeline_industrial_grade4",
        4,
        None,
        36,
        _UV,
        _PIPE_SRC,
        _PIPE_CIT,
        "安全状况等级为4级的，监控使用，周期由检验机构确定，累计监控使用时间不超过3年（未核实）。",
    ),
    *(
        _simple(
            f"pipeline_{sub}",
            _PP,
            sub,
            12,
            None,
            f"{_PIPE_RULES[sub]}；http://www.wwwjizzhut.com.cn/m/show.asp?id=32371（仅结构）",
            "TSG D7004" if sub == "public" else "TSG D7003",
            "年度检查加全面检验；平台默认12个月（年度检查），全面检验周期未核实，不校验最长期限。",
        )
        for sub in ("public", "long_distance")
    ),
    # --- elevators
    IntervalRow(
        code="elevator_legacy",
        kind=ELEVATOR,
        subtype="",
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=12,
        first_months=None,
        max_months=12,
        schedule=ELEVATOR_LEGACY,
        source="TSG T7001-2009《电梯监督检验和定期检验规则——曳引与强制驱动电梯》"
        "（regulations.md §5.2：广为人知，未核实）",
        status=_UV,
        citation="TSG T7001-2009",
        note="旧规则：每年定期检验1次。用于 TSG T7001-2023 施行前的数据和缺少安装监督检验日期的电梯。",
        effective_to=ELEVATOR_2023_FROM - datetime.timedelta(days=1),
    ),
    IntervalRow(
        code="elevator_2023_periodic",
        kind=ELEVATOR,
        subtype="",
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=None,
        first_months=None,
        schedule=ELEVATOR_2023,
        source=_ELEV_SRC,
        status=_V2,
        citation=_ELEV_CIT,
        note="自安装监督检验合格之日起第1、4、7、9、11、13、15年进行定期检验，下次日期为相应周年日；可提前2个月进行，"
        "提前不改变周期。施行日期2024-04-02由发布日2023-04-02加一年过渡期推算（UNVERIFIED）。重大修理监督检验合格的，"
        "当年不再定期检验；停用1年以上重新启用须定期检验。",
        effective_from=ELEVATOR_2023_FROM,
    ),
    IntervalRow(
        code="elevator_2023_self_test",
        kind=ELEVATOR,
        subtype="",
        inspection_kind=SELF_TEST,
        safety_grade=None,
        months=None,
        first_months=None,
        schedule=ELEVATOR_2023,
        source=_ELEV_SRC,
        status=_V2,
        citation="TSG T7008-2023",
        note="15年以内除定期检验年份外，其余年份每年进行1次自行检测（TSG T7008-2023），可提前1个月进行。",
        effective_from=ELEVATOR_2023_FROM,
    ),
    IntervalRow(
        code="elevator_2023_over_15",
        kind=ELEVATOR,
        subtype="",
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=12,
        first_months=None,
        max_months=12,
        schedule=ELEVATOR_2023,
        elevator_over_15=True,
        source=f"{_ELEV_SRC}（该条款缺失于来源页面）",
        status=_UV,
        citation=_ELEV_CIT,
        note="超过15年的电梯每年定期检验1次（来源页面缺少该条，未核实）。",
        effective_from=ELEVATOR_2023_FROM,
    ),
    # --- lifting machinery (TSG Q7015-2016)
    *(_lifting(sub, 12) for sub in ("tower", "hoist", "mobile")),
    *(_lifting(sub, 24) for sub in ("bridge", "gantry", "portal", "light_small", "jib", "railway", "parking", "rtg")),
    IntervalRow(
        code="lifting_molten_metal",
        kind=LIFTING,
        subtype="",
        inspection_kind=PERIODIC,
        safety_grade=None,
        months=12,
        first_months=None,
        max_months=12,
        min_months=6,
        molten_metal=True,
        source=_LIFT_SRC,
        status=_V2,
        citation=_LIFT_CIT,
        note="吊运熔融金属和炽热金属的起重机每年定期检验1次（不论类别）；缩短周期不得少于6个月。",
    ),
    # --- others
    _simple(
        "in_plant_vehicle",
        IN_PLANT_VEHICLE,
        "",
        12,
        12,
        "TSG N0001-2017，现行 TSG 81-2022（regulations.md §5.2）",
        "TSG 81-2022《场（厂）内专用机动车辆安全技术规程》",
        "每年定期检验1次（未核实）。",
    ),
    _simple(
        "ropeway",
        ROPEWAY,
        "",
        12,
        12,
        "客运索道安全技术规范（regulations.md §5.2，未给出来源）",
        "客运索道安全技术规范",
        "每年定期检验1次（未核实）。",
    ),
    _simple(
        "amusement",
        AMUSEMENT,
        "",
        12,
        12,
        "大型游乐设施安全技术规范（regulations.md §5.2，未给出来源）",
        "大型游乐设施安全技术规范",
        "每年定期检验1次（未核实）。",
    ),
)

_GRADED = {(PRESSURE_VESSEL, "fixed"), (PRESSURE_PIPELINE, "industrial")}


def _subtype(kind: str, subtype: str) -> str:
    choices = SUBTYPES.get(kind, {})
    if not subtype:
        if kind == LIFTING:
            raise ValueError(f"请选择起重机械类别（{'、'.join(choices.values())}）")
        return DEFAULT_SUBTYPES.get(kind, "")
    if subtype not in choices:
        raise ValueError(f"{KIND_LABELS[kind]}的类别应为 {tuple(choices)} 之一，实际为 {subtype!r}")
    return subtype


def _inspection_kind(kind: str, inspection_kind: str) -> str:
    allowed = (PERIODIC, SELF_TEST) if kind == ELEVATOR else clocks_for(kind)
    if inspection_kind not in allowed:
        raise ValueError(f"{KIND_LABELS[kind]}的检验类别应为 {allowed} 之一，实际为 {inspection_kind!r}")
    return inspection_kind


def interval_row(
    kind: str,
    subtype: str = "",
    inspection_kind: str = PERIODIC,
    *,
    safety_grade: int | None = None,
    first: bool = False,
    schedule: str = "",
    molten_metal: bool = False,
    elevator_over_15: bool = False,
    on: datetime.date | None = None,
) -> IntervalRow:
    """The :class:`IntervalRow` that applies (ValueError with a Chinese message when none does).

    ``on`` prefers rows in force on that date (rows without dates are always in force)."""
    kind = _kind(kind)
    subtype = _subtype(kind, subtype)
    inspection_kind = _inspection_kind(kind, inspection_kind)
    if molten_metal and kind != LIFTING:
        raise ValueError("「吊运熔融金属」只适用于起重机械")
    if kind == ELEVATOR:
        schedule = schedule or ELEVATOR_LEGACY
        if schedule not in ELEVATOR_SCHEDULES:
            raise ValueError(f"电梯检验周期规则应为 {ELEVATOR_SCHEDULES} 之一，实际为 {schedule!r}")
        if schedule == ELEVATOR_LEGACY and inspection_kind == SELF_TEST:
            raise ValueError("旧规则（每年定期检验）没有自行检测")
    elif schedule:
        raise ValueError("schedule 只适用于电梯")
    rows = [
        r
        for r in INTERVALS
        if r.kind == kind
        and r.subtype in ("", subtype)
        and r.inspection_kind == inspection_kind
        and r.schedule == (schedule if kind == ELEVATOR else "")
        and r.molten_metal == (molten_metal and kind == LIFTING)
        and r.elevator_over_15 == (elevator_over_15 and schedule == ELEVATOR_2023)
    ]
    if (kind, subtype) in _GRADED:
        if first:
            rows = [r for r in rows if r.safety_grade is None and r.first_months is not None]
        else:
            if safety_grade is None:
                raise ValueError(f"{SUBTYPES[kind][subtype]}须按检验报告填写安全状况等级")
            rows = [r for r in rows if r.safety_grade == safety_grade]
            if not rows:
                grades = sorted({r.safety_grade for r in INTERVALS if (r.kind, r.subtype) == (kind, subtype)} - {None})
                raise ValueError(
                    f"{SUBTYPES[kind][subtype]}的安全状况等级应为 {grades[0]}–{grades[-1]} 级，实际为 {safety_grade!r}"
                )
    if not rows:
        raise ValueError(f"没有适用于{KIND_LABELS[kind]}（{subtype or '—'}，{inspection_kind}）的检验周期规则")
    exact = [r for r in rows if r.subtype == subtype] or rows
    if on is not None:
        in_force = [r for r in exact if r.in_force(_as_date(on))]
        exact = in_force or exact
    return exact[0]


# --- proposal and check -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """Default and maximum next-inspection dates after one inspection (see :func:`propose`).

    ``default_due`` None: no default (set by the inspection body, or the equipment may not be used); ``max_due`` None:
    no maximum is checked. ``next_kind``: the inspection kind of the next event (for elevators periodic or self_test).
    """

    default_due: datetime.date | None
    max_due: datetime.date | None
    next_kind: str
    rule: IntervalRow
    note: str
    inspected_on: datetime.date | None = None
    min_due: datetime.date | None = None
    schedule: str = ""
    year_number: int | None = None  # elevators under the 2023 schedule: the year the next event belongs to

    @property
    def usable(self) -> bool:
        return self.rule.usable

    @property
    def next_kind_label(self) -> str:
        return INSPECTION_KIND_LABELS[self.next_kind]


def _elevator_next(installed_on: datetime.date, inspected_on: datetime.date, inspection_kind: str) -> int:
    """The year number whose event comes next after an inspection on ``inspected_on``."""
    n = 1
    while add_years(installed_on, n) <= inspected_on:
        n += 1
    # Done early (up to 2 months for a periodic inspection, 1 month for a self-test): it counts for year n.
    if inspected_on >= add_months(add_years(installed_on, n), -ELEVATOR_EARLY_MONTHS[inspection_kind]):
        n += 1
    return n


def propose(
    *,
    kind: str,
    subtype: str = "",
    inspection_kind: str,
    inspected_on: datetime.date,
    safety_grade: int | None = None,
    commissioned_on: datetime.date | None = None,
    first: bool = False,
    schedule: str = "",
    molten_metal: bool = False,
    installed_on: datetime.date | None = None,
) -> Proposal:
    """The default and the maximum next date for the clock of ``inspection_kind`` after an inspection on
    ``inspected_on``.

    ``first``: propose the first inspection after commissioning (``commissioned_on``, else ``inspected_on``) using the
    row's ``first_months`` (the ordinary interval when the row has none). Elevators: see the module docstring.
    """
    kind = _kind(kind)
    inspected_on = _as_date(inspected_on)
    commissioned_on = None if commissioned_on is None else _as_date(commissioned_on)
    installed_on = None if installed_on is None else _as_date(installed_on)
    notes: list[str] = []

    if kind == ELEVATOR:
        if schedule == ELEVATOR_2023 and installed_on is None:
            raise ValueError("按 TSG T7001-2023 推算下次检验日期，须填写安装监督检验日期")
        if not schedule:
            schedule = elevator_schedule(inspected_on, installed_on=installed_on)
            if schedule == ELEVATOR_LEGACY and inspected_on >= ELEVATOR_2023_FROM:
                notes.append(
                    "缺少安装监督检验日期，暂按每年定期检验推算；请补录安装监督检验日期以按 TSG T7001-2023 推算。"
                )
        if schedule == ELEVATOR_2023:
            _inspection_kind(kind, inspection_kind)
            if installed_on > inspected_on:
                raise ValueError("安装监督检验日期不能晚于本次检验日期")
            n = _elevator_next(installed_on, inspected_on, inspection_kind)
            next_kind = elevator_year_event(n)
            row = interval_row(
                kind,
                inspection_kind=next_kind,
                schedule=schedule,
                elevator_over_15=n > ELEVATOR_LAST_SCHEDULED_YEAR,
                on=inspected_on,
            )
            due = add_years(installed_on, n)
            notes.append(
                f"自安装监督检验日 {installed_on.isoformat()} 起第{n}年（截至 {due.isoformat()}）应进行"
                f"{INSPECTION_KIND_LABELS[next_kind]}。{row.note}"
            )
            return Proposal(
                default_due=due,
                max_due=due,
                next_kind=next_kind,
                rule=row,
                note="".join(notes),
                inspected_on=inspected_on,
                schedule=schedule,
                year_number=n,
            )

    row = interval_row(
        kind,
        subtype,
        inspection_kind,
        safety_grade=safety_grade,
        first=first,
        schedule=schedule,
        molten_metal=molten_metal,
        on=inspected_on,
    )
    notes.append(row.note)
    if not row.usable:
        return Proposal(None, None, inspection_kind, row, "".join(notes), inspected_on=inspected_on, schedule=schedule)
    if first:
        base = commissioned_on or inspected_on
        months = row.first_months or row.months
        if months is None:
            raise ValueError(f"{KIND_LABELS[kind]}没有首次检验期限")
        due = add_months(base, months)
        return Proposal(due, due, inspection_kind, row, "".join(notes), inspected_on=inspected_on, schedule=schedule)
    default = add_months(inspected_on, row.months) if row.months else None
    max_due = add_months(inspected_on, row.max_months) if row.max_months else None
    min_due = add_months(inspected_on, row.min_months) if row.min_months else None
    return Proposal(
        default_due=default,
        max_due=max_due,
        next_kind=inspection_kind,
        rule=row,
        note="".join(notes),
        inspected_on=inspected_on,
        min_due=min_due,
        schedule=schedule,
    )


@dataclass(frozen=True)
class Finding:
    code: str  # not_usable / before_inspection / exceeds_max / below_min
    message: str


def check_due(proposal: Proposal, entered_due: datetime.date) -> Finding | None:
    """Check the next-inspection date entered from the report against the proposal; None when it is acceptable."""
    row = proposal.rule
    if not row.usable:
        return Finding(
            "not_usable",
            f"{row.note.rstrip('。')}（{row.citation}）。",
        )
    entered_due = _as_date(entered_due)
    if proposal.inspected_on is not None and entered_due <= proposal.inspected_on:
        return Finding(
            "before_inspection",
            f"下次检验日期 {entered_due.isoformat()} 应晚于本次检验日期 {proposal.inspected_on.isoformat()}，请核对。",
        )
    if proposal.max_due is not None and entered_due > proposal.max_due:
        return Finding(
            "exceeds_max",
            f"下次检验日期 {entered_due.isoformat()} 晚于最长期限 {proposal.max_due.isoformat()}（{row.citation}），"
            "请按检验报告核对。",
        )
    if proposal.min_due is not None and entered_due < proposal.min_due:
        return Finding(
            "below_min",
            f"下次检验日期 {entered_due.isoformat()} 早于最短周期 {proposal.min_due.isoformat()}"
            f"（{row.citation}：缩短周期不得少于{row.min_months}个月），请核对。",
        )
    return None


# --- request lead and legal rules ------------------------------------------------------------------------------

REQUEST_LEAD_MONTHS = 1


def request_by(due: datetime.date) -> datetime.date:
    """第四十条第一款: the periodic inspection is requested one month before ``due`` (end-of-month clamped)."""
    return add_months(_as_date(due), -REQUEST_LEAD_MONTHS)


REQUEST_LEAD_RULE = Rule(
    code="request_lead",
    title="检验合格有效期届满前一个月提出定期检验要求",
    source=f"{LAW_TZSB}第四十条第一款",
    status=VERIFIED_PRIMARY,
    effective_from=TZSB_FROM,
    note="「特种设备使用单位应当按照安全技术规范的要求，在检验合格有效期届满前一个月向特种设备检验机构提出定期检验要求。」"
    "平台在下次检验日期前一个月（按月末对齐）提醒。",
)
NOT_INSPECTED_NOT_USABLE_RULE = Rule(
    code="not_inspected_not_usable",
    title="未经定期检验或者检验不合格的特种设备不得继续使用",
    source=f"{LAW_TZSB}第四十条第三款",
    status=VERIFIED_PRIMARY,
    effective_from=TZSB_FROM,
    note="「未经定期检验或者检验不合格的特种设备，不得继续使用。」",
)
EQUIPMENT_OPERATOR_REQUIRED = Rule(
    code="equipment_operator_required",
    title="特种设备安全管理人员、检测人员和作业人员取得相应资格方可从事相关工作",
    source=f"{LAW_TZSB}第十四条",
    status=VERIFIED_PRIMARY,
    effective_from=TZSB_FROM,
    note="「特种设备安全管理人员、检测人员和作业人员应当按照国家有关规定取得相应资格，方可从事相关工作。」"
    "证书见 anjian.rules.certificates（equipment_operator，TSG Z6001-2019）。",
)
SELF_INSPECTION_RULE = Rule(
    code="self_inspection",
    title="使用单位对特种设备进行经常性维护保养和定期自行检查并记录",
    source=f"{LAW_TZSB}第三十九条第一款",
    status=VERIFIED_PRIMARY,
    effective_from=TZSB_FROM,
    note="「特种设备使用单位应当对其使用的特种设备进行经常性维护保养和定期自行检查，并作出记录。」",
)
BOILER_HYDROSTATIC_RULE = Rule(
    code="boiler_hydrostatic",
    title="锅炉水（耐）压试验没有固定的6年周期",
    source=_BOILER_SRC,
    status=VERIFIED_SECONDARY,
    note="检验人员或使用单位对安全状况有怀疑时进行；因结构原因无法进行内部检验的锅炉每3年进行一次。"
    "常见的“水压试验一般每6年一次”出自旧表，已过时（regulations.md §5.2、附录A第1条）。平台不为水压试验设检验周期。",
)
ELEVATOR_RESTART_RULE = Rule(
    code="elevator_restart",
    title="电梯停用1年以上重新启用须定期检验；重大修理监督检验合格的当年不再定期检验",
    source=_ELEV_SRC,
    status=VERIFIED_SECONDARY,
    effective_from=ELEVATOR_2023_FROM,
    note="TSG T7001-2023 的特殊情形，由录入的检验记录体现；提前检验不改变周期。施行日期为推算（UNVERIFIED）。",
)
RULES: tuple[Rule, ...] = (
    REQUEST_LEAD_RULE,
    NOT_INSPECTED_NOT_USABLE_RULE,
    EQUIPMENT_OPERATOR_REQUIRED,
    SELF_INSPECTION_RULE,
    BOILER_HYDROSTATIC_RULE,
    ELEVATOR_RESTART_RULE,
)


# --- self-check --------------------------------------------------------------------------------------------------


def _check_tables() -> None:
    codes = [r.code for r in INTERVALS]
    if len(codes) != len(set(codes)):
        raise ValueError("检验周期规则代码重复")
    for r in INTERVALS:
        if r.kind not in KINDS or r.inspection_kind not in INSPECTION_KINDS:
            raise ValueError(f"{r.code}：设备类别或检验类别无效")
        if r.subtype and r.subtype not in SUBTYPES.get(r.kind, {}):
            raise ValueError(f"{r.code}：设备子类无效")
        if r.status not in STATUSES or r.status == VERIFIED_PRIMARY or not r.source or not r.note or not r.citation:
            raise ValueError(
                f"{r.code}：核实状态、来源或说明无效（安全技术规范不在法规镜像中，不能为 VERIFIED-PRIMARY）"
            )
        for attr in ("months", "first_months", "max_months", "min_months"):
            v = getattr(r, attr)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v <= 0):
                raise ValueError(f"{r.code}：{attr} 应为正整数月数")
        if r.months and r.max_months and r.months > r.max_months:
            raise ValueError(f"{r.code}：默认周期超过最长周期")
        if r.min_months and r.months and r.min_months > r.months:
            raise ValueError(f"{r.code}：最短周期超过默认周期")
        if not r.usable and (r.months or r.max_months):
            raise ValueError(f"{r.code}：不得使用的等级不应有周期")
        if r.schedule and (r.kind != ELEVATOR or r.schedule not in ELEVATOR_SCHEDULES):
            raise ValueError(f"{r.code}：电梯周期规则无效")
    for sub in SUBTYPES[LIFTING]:
        interval_row(LIFTING, sub)
    for r in RULES:
        if r.status not in STATUSES or not r.source or not r.note:
            raise ValueError(f"{r.code}：核实状态、来源或说明无效")
        if r.status == VERIFIED_PRIMARY and (not any(law in r.source for law in MIRRORED_LAWS) or "「" not in r.note):
            raise ValueError(f"{r.code}：VERIFIED-PRIMARY 须引用法规镜像中的条文并在说明中摘引原文")


_check_tables()
