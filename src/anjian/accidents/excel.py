"""The accident ledger (生产安全事故台账) as xlsx: one row per case, with the figures it was graded on, the
reporting clock's lateness and the follow-up finding."""


from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.choices import (
    AccidentGradeChoice,
    AccidentKind,
    AccidentState,
    ReportingFinding,
    ReportSource,
)
from anjian.accidents.forms import STEP_LABELS
from anjian.core import xlsx
from anjian.core.choices import Sector
from anjian.rules import accidents as rules

COLUMNS = (
    ("序号", 6),
    ("事故编号", 20),
    ("类别", 12),
    ("事故发生单位", 28),
    ("统一社会信用代码", 20),
    ("事发前未在册", 8),
    ("所属乡镇（街道）", 14),
    ("行业领域", 12),
    ("事故类别（GB 6441）", 14),
    ("发生时间", 17),
    ("发生地点", 20),
    ("死亡", 6),
    ("下落不明", 6),
    ("重伤", 6),
    ("轻伤", 6),
    ("直接经济损失（万元）", 12),
    ("事故等级", 10),
    ("定级理由", 40),
    ("负责调查的人民政府", 14),
    ("接报来源", 12),
    ("单位负责人接报时间", 17),
    ("县级部门接报时间", 17),
    ("单位迟报（分钟）", 8),
    ("逐级上报迟报", 24),
    ("疑似漏报瞒报", 8),
    ("报告情况认定", 12),
    ("状态", 12),
    ("结案时间", 17),
)


ExportTooLargeError = xlsx.ExportTooLargeError


_dt = xlsx.local_minute


def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


def _late_steps(accident) -> str:
    return "；".join(
        _("{step}迟报{n}分钟").format(step=STEP_LABELS.get(t.step, t.step), n=t.minutes_late)
        for t in accident.transmissions.all()
        if t.minutes_late
    )


def _row(n: int, a) -> list:
    return [
        n,
        a.number,
        _label(AccidentKind, a.kind),
        a.enterprise.name,
        a.enterprise.uscc or "",
        "是" if a.unit_was_unregistered else "否",
        a.enterprise.region.name,
        _label(Sector, a.sector),
        a.get_accident_type_display(),
        _dt(a.occurred_at),
        a.place,
        a.deaths,
        a.missing,
        a.serious_injuries,
        a.minor_injuries,
        float(a.direct_loss_yuan / 10000),
        _label(AccidentGradeChoice, a.grade) or _("（涉险事故不定级）"),
        " ".join((a.grade_basis or {}).get("reasons", [])),
        rules.INVESTIGATION_LEVEL_LABELS.get(a.investigating_level, ""),
        _label(ReportSource, a.source),
        _dt(a.unit_learned_at),
        _dt(a.county_received_at),
        a.unit_report_minutes_late,
        _late_steps(a),
        "是" if a.suspected_unreported else "否",
        _label(ReportingFinding, a.reporting_finding),
        _label(AccidentState, a.state),
        _dt(a.closed_at),
    ]


def export_ledger(queryset, title: str = "", limit: int | None = None) -> bytes:
    qs = (
        queryset.select_related("enterprise", "enterprise__region")
        .prefetch_related("transmissions")
        .order_by("occurred_at", "id")
    )
    rows = (_row(n, a) for n, a in enumerate(qs.iterator(chunk_size=2000), start=1))
    return xlsx.ledger_xlsx(
        sheet=_("事故台账"), title=title or _("生产安全事故台账"), columns=COLUMNS, rows=rows, limit=limit
    )


def export_filename() -> str:
    return "生产安全事故台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d"))
