"""The inspection ledger (监督检查台账) as xlsx: one row per inspection, with its team, findings and
signatures, in the layout of the hazard ledger (title, export time, header, rows)."""


from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import xlsx
from anjian.inspections.choices import InspectionKind, InspectionState, SignatureKind, SignerRole

COLUMNS = (
    ("序号", 6),
    ("检查编号", 12),
    ("被检查单位", 28),
    ("统一社会信用代码", 20),
    ("所属乡镇（街道）", 14),
    ("检查机关", 18),
    ("检查类别", 12),
    ("专项名称", 14),
    ("检查表", 28),
    ("计划日期", 11),
    ("开始时间", 17),
    ("结束时间", 17),
    ("检查地点", 20),
    ("检查人员（执法证号）", 30),
    ("检查项数", 8),
    ("不符合项", 8),
    ("转为隐患", 8),
    ("检查情况", 30),
    ("状态", 10),
    ("签字情况", 30),
    ("双随机抽查", 10),
)


_dt = xlsx.local_minute


def _signatures(inspection) -> str:
    parts = []
    for sig in inspection.signatures.all():
        if sig.kind == SignatureKind.REFUSED:
            parts.append(_("{name}拒签（见证：{witness}）").format(name=sig.name, witness=sig.witness_name))
        else:
            who = _("单位") if sig.role == SignerRole.ENTERPRISE else ""
            parts.append(f"{who}{sig.name}")
    return "、".join(parts)


def _row(n: int, i) -> list:
    team = "、".join(
        f"{m.user.display_name}（{m.credential_number}）" if m.credential_number else m.user.display_name
        for m in i.members.all()
    )
    return [
        n,
        i.number,
        i.enterprise.name,
        i.enterprise.uscc or "",
        i.enterprise.region.name,
        i.authority.name if i.authority_id else _("企业自查"),
        str(InspectionKind(i.kind).label),
        i.campaign,
        str(i.template),
        i.planned_date.isoformat() if i.planned_date else "",
        _dt(i.started_at),
        _dt(i.ended_at),
        i.location,
        team,
        i.items_total,
        i.items_failed,
        i.hazards_found,
        i.summary,
        str(InspectionState(i.state).label),
        _signatures(i),
        i.draw.number if i.draw_id else "",
    ]


def export_ledger(queryset, title: str, limit: int | None = None) -> bytes:
    qs = (
        queryset.select_related("enterprise", "enterprise__region", "authority", "template", "draw")
        .prefetch_related("members__user", "signatures")
        .order_by("id")
    )
    rows = (_row(n, i) for n, i in enumerate(qs.iterator(chunk_size=1000), start=1))
    return xlsx.ledger_xlsx(
        sheet=_("检查台账"), title=title, columns=COLUMNS, rows=rows, limit=limit
    )


def export_filename() -> str:
    return "监督检查台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d"))
