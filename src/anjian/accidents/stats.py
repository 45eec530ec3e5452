"""Accident statistics of the user's scope: the month and the year to date, grouped by region, sector, type or
grade, each figure with the same period of last year and the change.

What counts (our conventions, consistent with the circular and the control targets):

* **The date** is ``occurred_at`` in the platform's time zone (``settings.TIME_ZONE``, Asia/Shanghai): an accident
  at 23:30 on 31 March Beijing time is a March accident whatever the UTC date. The month is [1st 00:00, next 1st
  00:00); the year to date is [1 January 00:00, the end of the month). Last year is the same dates a year earlier.
* **The figures** are the accident's current ones: after the last 续报. Supplementary reports may change the
  figures only inside the 第十三条 window (reporting.supplement), so after it they are final.
* **Accidents** are rows of kind ``accident``; near misses (较大涉险事故, kind ``near_miss``) are counted in
  ``near_misses`` only, and their casualties and loss are not added to the accident figures.
* **Deaths** are the reported deaths; missing persons (下落不明) are a separate measure here (the targets count them
  as deaths where the accident was graded that way, see targets.py). Injuries = serious + minor.
* **The scope** is :func:`anjian.accidents.queries.accidents_visible_to`: a county bureau sees its county, a
  department its sectors in its region, and so on. Statistics are for officers of supervising authorities
  (:data:`STATS_ROLES`); enterprise users, grid officers, experts and administrators are refused.

Grouping by region is by the next level below the user's authority region (province → cities, city → counties,
county → townships, township → villages), computed with ``Substr(region_code, 1, n)`` in the one GROUP BY query
(works on SQLite and PostgreSQL). Accidents whose unit is registered at the user's own level (a code shorter than
the next level's) form a row 「本级」.

One call of :func:`figures` runs one GROUP BY query with conditional aggregates for the four periods, plus one
query for the region names.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents.choices import AccidentGradeChoice, AccidentKind
from anjian.accidents.queries import accidents_visible_to
from anjian.accounts.roles import Role
from anjian.core.choices import LEVEL_PREFIX_LENGTH, RegionLevel, Sector
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import Region
from anjian.rules import accidents as rules

STATS_ROLES = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER})
FIRST_YEAR = 2000

DIMENSIONS = {
    "region": gettext_lazy("按区域"),
    "sector": gettext_lazy("按行业领域"),
    "type": gettext_lazy("按事故类别"),
    "grade": gettext_lazy("按事故等级"),
}
DIMENSION_HEADINGS = {
    "region": gettext_lazy("区域"),
    "sector": gettext_lazy("行业领域"),
    "type": gettext_lazy("事故类别（GB 6441）"),
    "grade": gettext_lazy("事故等级"),
}
MEASURES = (
    "accidents",
    "deaths",
    "missing",
    "injuries",
    "serious_injuries",
    "minor_injuries",
    "direct_loss_yuan",
    "near_misses",
)
MEASURE_LABELS = {
    "accidents": gettext_lazy("事故起数"),
    "deaths": gettext_lazy("死亡人数"),
    "missing": gettext_lazy("下落不明人数"),
    "injuries": gettext_lazy("受伤人数"),
    "serious_injuries": gettext_lazy("其中重伤"),
    "minor_injuries": gettext_lazy("其中轻伤"),
    "direct_loss_yuan": gettext_lazy("直接经济损失（万元）"),
    "near_misses": gettext_lazy("较大涉险事故起数"),
}
PERIODS = ("month", "ytd")
_SUMMED = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan")
_GROUP_FIELDS = {"sector": "sector", "type": "accident_type", "grade": "grade"}
_GRADE_ORDER = [g.value for g in reversed(rules.GRADES)]
OWN_KEY = "_own"
NEAR_MISS_GRADE_KEY = "_near_miss"


# --- who and when -------------------------------------------------------------------------------------------------


def can_view(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.role in STATS_ROLES and getattr(user, "authority_id", None)
    )


def require_viewer(user) -> None:
    if not can_view(user):
        raise PermissionDeniedError(_("事故统计只对应急管理部门、负有安全生产监督管理职责的部门和乡镇（街道）开放。"))


def parse_int(value, field: str, label: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({field: ValidationError(_("{label}须为整数。").format(label=label), code="invalid")})
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        raise ValidationError({field: ValidationError(_("{label}须为整数。").format(label=label), code="invalid")})
    return int(text)


def clean_period(year, month, by="region", *, today: datetime.date | None = None) -> tuple[int, int, str]:
    """(year, month, by) from request values; ValidationError with codes ``invalid``, ``year_out_of_range``,
    ``month_out_of_range``, ``future_period``, ``invalid_choice``. Empty values mean the current month, by region."""
    today = today or timezone.localdate()
    year = today.year if year in (None, "") else parse_int(year, "year", _("年份"))
    month = today.month if month in (None, "") else parse_int(month, "month", _("月份"))
    by = by or "region"
    errors = {}
    if not FIRST_YEAR <= year <= today.year:
        errors["year"] = ValidationError(
            _("年份须在{a}年至{b}年之间。").format(a=FIRST_YEAR, b=today.year), code="year_out_of_range"
        )
    if not 1 <= month <= 12:
        errors["month"] = ValidationError(_("月份须为1至12。"), code="month_out_of_range")
    elif year == today.year and month > today.month:
        errors["month"] = ValidationError(_("不能统计尚未开始的月份。"), code="future_period")
    if by not in DIMENSIONS:
        errors["by"] = ValidationError(_("请选择统计口径：区域、行业领域、事故类别或事故等级。"), code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    return year, month, by


def clean_year(year, *, today: datetime.date | None = None, future: int = 0) -> int:
    """A year from a request value (empty = this year), from FIRST_YEAR to this year + ``future``."""
    today = today or timezone.localdate()
    year = today.year if year in (None, "") else parse_int(year, "year", _("年份"))
    if not FIRST_YEAR <= year <= today.year + future:
        raise ValidationError({"year": ValidationError(
            _("年份须在{a}年至{b}年之间。").format(a=FIRST_YEAR, b=today.year + future), code="year_out_of_range"
        )})
    return year


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def _next_month(year: int, month: int) -> datetime.date:
    return datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)


def period_bounds(year: int, month: int) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """Half-open [start, end) local-time bounds of the month, the year to date and the same periods last year."""
    out = {}
    for key, y in (("", year), ("_ly", year - 1)):
        end = _local_midnight(_next_month(y, month))
        out["month" + key] = (_local_midnight(datetime.date(y, month, 1)), end)
        out["ytd" + key] = (_local_midnight(datetime.date(y, 1, 1)), end)
    return out


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return _local_midnight(datetime.date(year, 1, 1)), _local_midnight(datetime.date(year + 1, 1, 1))


def period_labels(year: int, month: int) -> dict[str, str]:
    return {
        "month": _("{y}年{m}月").format(y=year, m=month),
        "ytd": _("{y}年1—{m}月").format(y=year, m=month) if month > 1 else _("{y}年1月").format(y=year),
        "month_ly": _("{y}年{m}月").format(y=year - 1, m=month),
        "ytd_ly": _("{y}年1—{m}月").format(y=year - 1, m=month) if month > 1 else _("{y}年1月").format(y=year - 1),
    }


# --- regions ------------------------------------------------------------------------------------------------------

_NEXT_LEVEL = {
    RegionLevel.PROVINCE: RegionLevel.CITY,
    RegionLevel.CITY: RegionLevel.COUNTY,
    RegionLevel.COUNTY: RegionLevel.TOWNSHIP,
    RegionLevel.TOWNSHIP: RegionLevel.VILLAGE,
}


def child_prefix_length(region: Region) -> int | None:
    """Digits of region_code that name the next level down (4 below a province …), None below a village."""
    level = _NEXT_LEVEL.get(region.level)
    return LEVEL_PREFIX_LENGTH[level] if level else None


def child_code(key: str, length: int) -> str:
    """The region code of a ``Substr(region_code, 1, length)`` key: cities and counties are six digits."""
    return key.ljust(6, "0") if length < 6 else key


def region_key(region_code: str, own: Region, length: int | None) -> str:
    """The child region's code that holds ``region_code``, or OWN_KEY for a unit at the user's own level."""
    if length is None or len(region_code or "") < length:
        return OWN_KEY
    code = child_code(region_code[:length], length)
    return OWN_KEY if code == own.code else code


def child_regions(region: Region) -> list[Region]:
    length = child_prefix_length(region)
    if length is None:
        return []
    return list(Region.objects.filter(parent=region).order_by("code"))


def user_region(user) -> Region:
    return user.authority.region


def scope_note(user) -> str:
    """For a department: the sectors its figures cover (its scope is those sectors only)."""
    if user.role == Role.DEPARTMENT_OFFICER:
        names = "、".join(str(Sector(s).label) for s in (user.authority.sectors or []) if s in Sector.values)
        return _("（{sectors}行业领域）").format(sectors=names) if names else ""
    return ""


# --- cells --------------------------------------------------------------------------------------------------------


def _wan(value: Decimal) -> str:
    return f"{(Decimal(value) / 10000).quantize(Decimal('0.01')):,}"


def _pct(current, last) -> Decimal | None:
    if not last:
        return None
    return (Decimal(current - last) * 100 / Decimal(last)).quantize(Decimal("0.1"))


def cell(measure: str, current, last) -> dict[str, Any]:
    """One figure with last year's and the change: absolute, and % (None, shown 「—」, when last year is 0)."""
    change = current - last
    pct = _pct(current, last)
    if measure == "direct_loss_yuan":
        texts = (_wan(current), _wan(last), ("+" if change > 0 else "") + _wan(change))
    else:
        texts = (str(current), str(last), f"{change:+d}" if change else "0")
    return {
        "current": current,
        "last_year": last,
        "change": change,
        "change_pct": pct,
        "current_text": texts[0],
        "last_year_text": texts[1],
        "change_text": texts[2],
        "pct_text": "—" if pct is None else f"{pct:+}%",
    }


def _zero(measure: str):
    return Decimal("0.00") if measure == "direct_loss_yuan" else 0


def _measures_of(values: dict, period: str) -> dict[str, Any]:
    out = {}
    for m in MEASURES:
        if m == "injuries":
            out[m] = values.get(f"{period}_serious_injuries", 0) + values.get(f"{period}_minor_injuries", 0)
        elif m == "direct_loss_yuan":
            out[m] = Decimal(str(values.get(f"{period}_{m}") or 0)).quantize(Decimal("0.01"))
        else:
            out[m] = int(values.get(f"{period}_{m}") or 0)
    return out


def _row(key: str, label: str, values: dict) -> dict[str, Any]:
    row = {"key": key, "label": label}
    for period in PERIODS:
        now, last = _measures_of(values, period), _measures_of(values, f"{period}_ly")
        row[period] = {m: cell(m, now[m], last[m]) for m in MEASURES}
    return row


def _aggregates(bounds) -> dict[str, Any]:
    aggs = {}
    for period, (start, end) in bounds.items():
        when = Q(occurred_at__gte=start, occurred_at__lt=end)
        accident = when & Q(kind=AccidentKind.ACCIDENT)
        aggs[f"{period}_accidents"] = Count("id", filter=accident)
        aggs[f"{period}_near_misses"] = Count("id", filter=when & Q(kind=AccidentKind.NEAR_MISS))
        for field in _SUMMED:
            aggs[f"{period}_{field}"] = Sum(field, filter=accident)
    return aggs


def _add(total: dict, values: dict) -> None:
    for k, v in values.items():
        if k != "key" and v is not None:
            total[k] = total.get(k, 0) + v


# --- figures ------------------------------------------------------------------------------------------------------


def figures(user, *, year: int, month: int, by: str) -> dict[str, Any]:
    """The month's and the year-to-date figures of the user's scope grouped ``by`` region | sector | type | grade.

    Returns ``{"year", "month", "by", "by_label", "heading", "region", "region_name", "authority_name",
    "scope_note", "labels" (period → text), "rows": [row], "total": row}``; a row is ``{"key", "label",
    "month": {measure: cell}, "ytd": {measure: cell}}`` and a cell ``{"current", "last_year", "change",
    "change_pct", "current_text", "last_year_text", "change_text", "pct_text"}`` (see :func:`cell`).
    The loss is in 元 (Decimal) with texts in 万元. PermissionDeniedError for users without statistics."""
    require_viewer(user)
    if by not in DIMENSIONS:
        raise ValidationError({"by": ValidationError(_("请选择统计口径。"), code="invalid_choice")})
    own = user_region(user)
    bounds = period_bounds(year, month)
    window = Q()
    for period in ("ytd_ly", "ytd"):  # the month lies inside the year to date
        start, end = bounds[period]
        window |= Q(occurred_at__gte=start, occurred_at__lt=end)
    qs = accidents_visible_to(user).filter(window)
    length = child_prefix_length(own) if by == "region" else None
    if by == "region":
        key = Substr("region_code", 1, length) if length else Value("")
    else:
        key = F(_GROUP_FIELDS[by])
    grouped = list(qs.annotate(stat_key=key).values("stat_key").annotate(**_aggregates(bounds)).order_by())

    values: dict[str, dict] = {}
    for row in grouped:
        raw = row.pop("stat_key") or ""
        if by == "region":
            k = region_key(raw, own, length) if length else OWN_KEY
        elif by == "grade":
            k = raw or NEAR_MISS_GRADE_KEY
        else:
            k = raw
        _add(values.setdefault(k, {}), row)

    rows = []
    if by == "region":
        children = child_regions(own)
        known = {r.code for r in children}
        extra = sorted(k for k in values if k not in known and k != OWN_KEY)
        names = dict(Region.objects.filter(code__in=extra).values_list("code", "name")) if extra else {}
        for region in children:
            rows.append(_row(region.code, region.name, values.get(region.code, {})))
        for code in extra:
            rows.append(_row(code, names.get(code, code), values[code]))
        if OWN_KEY in values or not children:
            rows.append(_row(OWN_KEY, _("{name}本级").format(name=own.name), values.get(OWN_KEY, {})))
    elif by == "grade":
        for g in _GRADE_ORDER:
            rows.append(_row(g, str(AccidentGradeChoice(g).label), values.get(g, {})))
        if NEAR_MISS_GRADE_KEY in values:
            rows.append(_row(NEAR_MISS_GRADE_KEY, str(AccidentKind.NEAR_MISS.label) + _("（不定级）"),
                             values[NEAR_MISS_GRADE_KEY]))
    elif by == "sector":
        order = {code: i for i, code in enumerate(Sector.values)}
        for k in sorted(values, key=lambda c: (order.get(c, len(order)), c)):
            label = str(Sector(k).label) if k in Sector.values else k
            rows.append(_row(k, label, values[k]))
    else:
        for k in sorted(values):
            label = f"{k} {rules.ACCIDENT_TYPES[k]}" if k in rules.ACCIDENT_TYPES else k
            rows.append(_row(k, label, values[k]))

    total: dict = {}
    for v in values.values():
        _add(total, v)
    return {
        "year": year,
        "month": month,
        "by": by,
        "by_label": str(DIMENSIONS[by]),
        "heading": str(DIMENSION_HEADINGS[by]),
        "region": own,
        "region_name": own.name,
        "authority_name": user.authority.name,
        "scope_note": scope_note(user),
        "labels": period_labels(year, month),
        "rows": rows,
        "total": _row("_total", _("合计"), total),
    }


def measure_labels() -> list[tuple[str, str]]:
    return [(m, str(MEASURE_LABELS[m])) for m in MEASURES]
