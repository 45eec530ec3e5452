"""Grading an accident from its figures (条例 第三条), and reading loss amounts given in 元 or 万元."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from anjian.rules import accidents as rules

LOSS_UNITS = {"yuan": Decimal(1), "wan_yuan": Decimal(10000)}
LOSS_UNIT_LABELS = {"yuan": pgettext_lazy("loss unit", "元"), "wan_yuan": pgettext_lazy("loss unit", "万元")}
MAX_COUNT = 100000
MAX_LOSS_YUAN = Decimal("99999999999999")  # fits the column (16 digits, 2 decimals)

COUNT_FIELDS = ("deaths", "missing", "serious_injuries", "minor_injuries")


def missing_as_deaths() -> bool:
    """The platform setting (rules.MISSING_AS_DEATHS_RULE): whether missing persons count as deaths for grading."""
    return bool(getattr(settings, "ANJIAN_MISSING_AS_DEATHS", True))


def clean_count(value, field: str, errors: dict) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        errors[field] = ValidationError(_("人数须为不小于0的整数。"), code="invalid")
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = ValidationError(_("人数须为不小于0的整数。"), code="invalid")
        return 0
    if str(value).strip() != str(number) and not isinstance(value, int):
        errors[field] = ValidationError(_("人数须为不小于0的整数。"), code="invalid")
        return 0
    if number < 0:
        errors[field] = ValidationError(_("人数不能为负数。"), code="negative")
        return 0
    if number > MAX_COUNT:
        errors[field] = ValidationError(_("人数超出合理范围，请核对。"), code="out_of_range")
        return 0
    return number


def clean_loss(amount, unit, errors: dict, *, field: str = "direct_loss") -> Decimal:
    """The loss in 元 from an amount and its unit ("yuan" or "wan_yuan"); the unit must be given explicitly."""
    if unit not in LOSS_UNITS:
        message = _("请注明直接经济损失的单位（元或万元）。")
        errors[f"{field}_unit"] = ValidationError(message, code="loss_unit_required")
        return Decimal(0)
    if amount in (None, ""):
        return Decimal(0)
    if isinstance(amount, bool):
        errors[field] = ValidationError(_("直接经济损失须为数字。"), code="invalid")
        return Decimal(0)
    try:
        number = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation:
        errors[field] = ValidationError(_("直接经济损失须为数字。"), code="invalid")
        return Decimal(0)
    if not number.is_finite():
        errors[field] = ValidationError(_("直接经济损失须为数字。"), code="invalid")
        return Decimal(0)
    if number < 0:
        errors[field] = ValidationError(_("直接经济损失不能为负数。"), code="negative")
        return Decimal(0)
    yuan = (number * LOSS_UNITS[unit]).quantize(Decimal("0.01"))
    if yuan != number * LOSS_UNITS[unit]:
        errors[field] = ValidationError(_("直接经济损失最小单位为分。"), code="precision")
        return Decimal(0)
    if yuan > MAX_LOSS_YUAN:
        errors[field] = ValidationError(_("直接经济损失超出合理范围，请核对单位。"), code="out_of_range")
        return Decimal(0)
    return yuan


def grade_of(*, deaths: int, missing: int, serious_injuries: int, direct_loss_yuan: Decimal, missing_counted: bool):
    """(grade value, basis dict, investigating level) — the basis keeps the figures the grade came from."""
    grading = rules.classify(
        deaths=deaths,
        serious_injuries=serious_injuries,
        direct_loss_yuan=direct_loss_yuan,
        missing=missing,
        missing_count_as_deaths=missing_counted,
    )
    basis = {
        "deaths": deaths,
        "missing": missing,
        "serious_injuries": serious_injuries,
        "direct_loss_yuan": str(direct_loss_yuan),
        "missing_count_as_deaths": missing_counted,
        "deaths_counted": grading.deaths_counted,
        "reasons": list(grading.reasons),
        "dimensions": {dim: g.value for dim, g in grading.dimension_grades},
        "source": next(t.source for t in rules.THRESHOLDS if t.grade == grading.grade),
    }
    return grading.grade.value, basis, rules.investigating_level(grading.grade)


def format_loss(yuan) -> str:
    """A loss for display: 万元 with up to four decimals when ≥ 1万, else 元."""
    value = Decimal(yuan or 0)
    if value >= 10000:
        text = format((value / 10000).normalize(), "f")
        return f"{text}万元"
    return f"{format(value.normalize(), 'f')}元"
