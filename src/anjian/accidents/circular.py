"""The monthly circular (生产安全事故情况通报): the month's and the year-to-date figures against last year, the
tables by region, sector, type and grade, the month's accidents (较大 and above named in the text), the control
targets and the one-vote veto flags — as a dict (:func:`circular_data`), PDF (:func:`circular_pdf`, WeasyPrint
with the enforcement documents' refusing URL fetcher, so nothing external is ever loaded) and xlsx
(:func:`circular_xlsx`, one sheet per table plus the accident list).

The figures are those of :mod:`anjian.accidents.stats` (occurred_at in local time, current figures after 续报,
near misses counted apart); targets and veto flags are as of the end of the month.

The circular is an official document: like the enforcement documents it is always written in Chinese, whatever the
interface language (:data:`DOCUMENT_LANGUAGE`).
"""

from __future__ import annotations

import datetime
import functools
import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from anjian.accidents import stats, targets
from anjian.accidents.choices import AccidentKind
from anjian.accidents.queries import accidents_visible_to
from anjian.core.models import Region
from anjian.rules import accidents as rules

DOCUMENT_LANGUAGE = "zh-hans"


def _in_chinese(func):
    """Run ``func`` with the document language active (a fresh override per call: thread-safe)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(DOCUMENT_LANGUAGE):
            return func(*args, **kwargs)

    return wrapper


TABLE_MEASURES = ("accidents", "deaths", "injuries", "direct_loss_yuan")
COMPARED = ("accidents", "deaths")  # shown with last year's figure and the change


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _moment_text(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _wan(yuan) -> str:
    return f"{(Decimal(yuan or 0) / 10000).quantize(Decimal('0.01')):,}"


def compare_text(c: dict, unit: str) -> str:
    """「上升2起（+50.0%）」, 「下降1人（-25.0%）」, 「持平」; last year 0: 「上升2起（去年同期为0）」."""
    change = c["change"]
    if change == 0:
        return _("持平")
    word = _("上升") if change > 0 else _("下降")
    pct = _("去年同期为0") if c["change_pct"] is None else f"{c['change_pct']:+}%"
    return f"{word}{abs(change)}{unit}（{pct}）"


def _figures_sentence(t: dict) -> str:
    parts = [_("发生生产安全事故{n}起，死亡{d}人").format(n=t["accidents"]["current"], d=t["deaths"]["current"])]
    if t["missing"]["current"]:
        parts.append(_("下落不明{n}人").format(n=t["missing"]["current"]))
    parts.append(
        _("受伤{n}人（其中重伤{s}人）").format(n=t["injuries"]["current"], s=t["serious_injuries"]["current"])
    )
    parts.append(_("直接经济损失{v}万元").format(v=t["direct_loss_yuan"]["current_text"]))
    return "，".join(parts)


def _period_paragraph(label: str, where: str, t: dict, *, cumulative: bool) -> str:
    lead = _("{label}，{where}累计").format(label=label, where=where) if cumulative else _("{label}，{where}共").format(
        label=label, where=where
    )
    if not t["accidents"]["current"] and not t["accidents"]["last_year"]:
        text = _("{label}，{where}未发生生产安全事故，与去年同期持平").format(label=label, where=where)
    elif not t["accidents"]["current"]:
        text = _("{label}，{where}未发生生产安全事故；去年同期发生{n}起、死亡{d}人").format(
            label=label, where=where, n=t["accidents"]["last_year"], d=t["deaths"]["last_year"]
        )
    else:
        text = lead + _figures_sentence(t) + _("；与去年同期相比，事故起数{a}，死亡人数{d}").format(
            a=compare_text(t["accidents"], pgettext("accident count", "起")),
            d=compare_text(t["deaths"], _("人")),
        )
    near = t["near_misses"]["current"]
    if near:
        text += _("；另发生较大涉险事故{n}起").format(n=near)
    return text + "。"


def _accident_sentence(a: dict) -> str:
    casualties = [_("{n}人死亡").format(n=a["deaths"])] if a["deaths"] else []
    if a["missing"]:
        casualties.append(_("{n}人下落不明").format(n=a["missing"]))
    if a["serious_injuries"]:
        casualties.append(_("{n}人重伤").format(n=a["serious_injuries"]))
    caused = _("造成{c}").format(c="、".join(casualties)) if casualties else _("未造成人员伤亡")
    return _("{when}，{where}{unit}发生一起{type}事故（{grade}），{caused}，直接经济损失{loss}万元。").format(
        when=a["occurred_text"], where=a["region_name"], unit=a["enterprise_name"], type=a["type_label"],
        grade=a["grade_label"], caused=caused, loss=a["loss_text"],
    )


def _month_accidents(user, year: int, month: int) -> list[dict[str, Any]]:
    start, end = stats.period_bounds(year, month)["month"]
    rows = list(
        accidents_visible_to(user)
        .filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related("enterprise")
        .order_by("occurred_at", "id")
    )
    names = dict(Region.objects.filter(code__in={a.region_code for a in rows}).values_list("code", "name"))
    out = []
    for i, a in enumerate(rows, 1):
        near_miss = a.kind == AccidentKind.NEAR_MISS
        out.append({
            "no": i,
            "id": a.pk,
            "number": a.number,
            "kind": a.kind,
            "occurred_at": a.occurred_at,
            "occurred_text": _moment_text(a.occurred_at),
            "region_code": a.region_code,
            "region_name": names.get(a.region_code, a.region_code),
            "enterprise_name": a.enterprise.name,
            "place": a.place,
            "sector_label": a.get_sector_display(),
            "type_label": rules.ACCIDENT_TYPES.get(a.accident_type, a.accident_type),
            "grade": a.grade,
            "grade_label": a.get_kind_display() if near_miss else a.get_grade_display(),
            "named": not near_miss and a.grade in {g.value for g in rules.ONE_VOTE_VETO_GRADES},
            "deaths": a.deaths,
            "missing": a.missing,
            "serious_injuries": a.serious_injuries,
            "minor_injuries": a.minor_injuries,
            "direct_loss_yuan": a.direct_loss_yuan,
            "loss_text": _wan(a.direct_loss_yuan),
            "state_label": a.get_state_display(),
        })
    return out


def _plain_progress(p: dict) -> dict:
    return {k: v for k, v in p.items() if k != "target"}


@_in_chinese
def circular_data(user, year: int, month: int) -> dict[str, Any]:
    """Everything the circular shows, for the user's scope (PermissionDeniedError for users without statistics)."""
    stats.require_viewer(user)
    tables = []
    for by, label in stats.DIMENSIONS.items():
        fig = stats.figures(user, year=year, month=month, by=by)
        tables.append({
            "by": by,
            "title": _("{what}统计").format(what=str(label)[1:] if str(label).startswith("按") else label),
            "heading": fig["heading"],
            "rows": fig["rows"],
            "total": fig["total"],
        })
    base = next(t for t in tables if t["by"] == "region")
    labels = stats.period_labels(year, month)
    region = stats.user_region(user)
    note = stats.scope_note(user)
    where = region.name + note if note else _("全{region}").format(region=region.name)
    total = base["total"]
    end = stats.period_bounds(year, month)["month"][1]
    accidents = _month_accidents(user, year, month)
    named = [a for a in accidents if a["named"]]
    summary = [
        _period_paragraph(labels["month"], where, total["month"], cumulative=False),
        _period_paragraph(labels["ytd"], where, total["ytd"], cumulative=True) if month > 1 else "",
    ]
    if named:
        lead = _("本月发生较大及以上生产安全事故{n}起：").format(n=len(named))
        summary.append(lead + "".join(_accident_sentence(a) for a in named))
    progress = [_plain_progress(p) for p in targets.target_progress(user, year, until=end)]
    veto = targets.veto_flags(user, year, until=end)
    today = timezone.localdate()
    return {
        "title": _("{region}{year}年{month}月生产安全事故情况通报").format(region=region.name, year=year, month=month),
        "authority_name": user.authority.name,
        "region_code": region.code,
        "region_name": region.name,
        "scope_note": note,
        "year": year,
        "month": month,
        "labels": labels,
        "issued_on": today,
        "issued_on_text": _date_text(today),
        "summary": [p for p in summary if p],
        "tables": tables,
        "accidents": accidents,
        "named_accidents": named,
        "near_misses": total["month"]["near_misses"]["current"],
        "targets": progress,
        "veto": veto,
        "measures": [(m, str(stats.MEASURE_LABELS[m])) for m in TABLE_MEASURES],
    }


def filename(data: dict, ext: str) -> str:
    return f"{data['region_name']}{data['year']}年{data['month']}月生产安全事故情况通报.{ext}"


# --- PDF ------------------------------------------------------------------------------------------------------------


@_in_chinese
def circular_html(data: dict) -> str:
    return render_to_string("accidents/circular.html", {"c": data, "compared": COMPARED})


def circular_pdf(data: dict) -> bytes:
    """The circular as A4 PDF; no URL (font, image, stylesheet) is ever fetched."""
    from anjian.enforcement.pdf import url_fetcher

    html = circular_html(data)
    import weasyprint

    return weasyprint.HTML(string=html, base_url=None, url_fetcher=url_fetcher()).write_pdf()


# --- xlsx -----------------------------------------------------------------------------------------------------------


def _sheet_title(text: str) -> str:
    for ch in "[]:*?/\\":
        text = text.replace(ch, "")
    return text[:31]


def _cell(ws, *, row: int, column: int, value=None):
    """``ws.cell`` that keeps text as text: openpyxl stores a string starting with 「=」 as a formula, and unit names,
    places and accounts come from reporters (formula injection)."""
    c = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        c.data_type = "s"
    return c


@_in_chinese
def circular_xlsx(data: dict) -> bytes:
    """The circular as xlsx: 概况 (title and text), one sheet per table, 事故清单, 控制指标, 一票否决."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("概况")
    ws["A1"] = data["title"]
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = data["authority_name"]
    ws["A3"] = data["issued_on_text"]
    for i, paragraph in enumerate(data["summary"], 5):
        _cell(ws, row=i, column=1, value=paragraph).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120

    for table in data["tables"]:
        ws = wb.create_sheet(_sheet_title(table["title"]))
        _cell(ws, row=1, column=1, value=f"{data['title']} — {table['title']}").font = Font(bold=True, size=12)
        headers = []
        for m, label in data["measures"]:
            if m in COMPARED:
                headers += [(m, "current", label), (m, "last_year", _("去年同期")), (m, "change", _("增减")),
                            (m, "change_pct", _("增减幅度（%）"))]
            else:
                headers.append((m, "current", label))
        headers.append(("near_misses", "current", str(stats.MEASURE_LABELS["near_misses"])))
        _cell(ws, row=2, column=1, value=str(table["heading"])).font = bold
        ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
        col = 2
        for period in stats.PERIODS:
            _cell(ws, row=2, column=col, value=data["labels"][period]).font = bold
            _cell(ws, row=2, column=col).alignment = centre
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(headers) - 1)
            for j, (_m, _k, label) in enumerate(headers):
                c = _cell(ws, row=3, column=col + j, value=label)
                c.font, c.alignment = bold, centre
            col += len(headers)
        r = 4
        for row in [*table["rows"], table["total"]]:
            _cell(ws, row=r, column=1, value=row["label"])
            col = 2
            for period in stats.PERIODS:
                for m, key, _label in headers:
                    value = row[period][m][key]
                    if m == "direct_loss_yuan" and value is not None:
                        value = float(Decimal(value) / 10000)
                    elif isinstance(value, Decimal):
                        value = float(value)
                    c = _cell(ws, row=r, column=col, value=value)
                    if m == "direct_loss_yuan":
                        c.number_format = "#,##0.00"
                    col += 1
            if row is table["total"]:
                for c in ws[r]:
                    c.font = bold
            r += 1
        ws.column_dimensions["A"].width = 24
        for i in range(2, col):
            ws.column_dimensions[get_column_letter(i)].width = 10
        ws.freeze_panes = "B4"

    ws = wb.create_sheet(_("事故清单"))
    columns = [
        (_("序号"), 6), (_("事故编号"), 22), (_("发生时间"), 18), (_("区域"), 12), (_("事故单位"), 28),
        (_("发生地点"), 20), (_("行业领域"), 12), (_("事故类别"), 12), (_("等级"), 14), (_("死亡"), 6),
        (_("下落不明"), 8), (_("重伤"), 6), (_("轻伤"), 6), (_("直接经济损失（万元）"), 14), (_("状态"), 12),
    ]
    for i, (label, width) in enumerate(columns, 1):
        c = _cell(ws, row=1, column=i, value=label)
        c.font, c.alignment = bold, centre
        ws.column_dimensions[get_column_letter(i)].width = width
    for r, a in enumerate(data["accidents"], 2):
        values = [
            a["no"], a["number"], timezone.localtime(a["occurred_at"]).strftime("%Y-%m-%d %H:%M"), a["region_name"],
            a["enterprise_name"], a["place"], a["sector_label"], a["type_label"], a["grade_label"], a["deaths"],
            a["missing"], a["serious_injuries"], a["minor_injuries"], float(Decimal(a["direct_loss_yuan"]) / 10000),
            a["state_label"],
        ]
        for i, v in enumerate(values, 1):
            _cell(ws, row=r, column=i, value=v)
        _cell(ws, row=r, column=14).number_format = "#,##0.00"
    ws.freeze_panes = "A2"

    ws = wb.create_sheet(_("控制指标"))
    for i, label in enumerate([_("辖区"), _("行业领域"), _("指标"), _("控制指标"), _("实际"), _("占比"), _("状态")], 1):
        _cell(ws, row=1, column=i, value=label).font = bold
    r = 2
    for p in data["targets"]:
        for m in p["measures"]:
            for i, v in enumerate([p["region_name"], p["sector_label"] or _("全部"), m["label"], m["limit"],
                                   m["value"], m["percent_text"], m["status_label"]], 1):
                _cell(ws, row=r, column=i, value=v)
            r += 1
    ws.column_dimensions["A"].width = 16

    ws = wb.create_sheet(_("一票否决"))
    for i, label in enumerate([_("辖区"), _("事故编号"), _("事故单位"), _("发生时间"), _("等级"), _("死亡")], 1):
        _cell(ws, row=1, column=i, value=label).font = bold
    r = 2
    for flag in data["veto"]:
        for a in flag["accidents"]:
            for i, v in enumerate([flag["region_name"], a["number"], a["enterprise_name"],
                                   timezone.localtime(a["occurred_at"]).strftime("%Y-%m-%d %H:%M"), a["grade_label"],
                                   a["deaths"]], 1):
                _cell(ws, row=r, column=i, value=v)
            r += 1
    ws.column_dimensions["A"].width = 16

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
