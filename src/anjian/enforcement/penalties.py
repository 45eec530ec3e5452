"""Proposed penalties of a case (处罚项): a violation of the library (``rules.violations``), on the unit or a
named person, with the fine checked against the article's range (``check_fine`` / ``check_income_fine``).
An out-of-range fine may be saved — it shows as such — but no notice or decision is approved with it."""

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from anjian.enforcement import common as c
from anjian.enforcement.choices import MEASURE_TEXT, FineStage, Party
from anjian.enforcement.models import PenaltyCase, PenaltyItem
from anjian.rules import procedure, violations

PENALTY_MEASURES = tuple(MEASURE_TEXT)


def fine_range_text(code: str) -> dict:
    """What the page shows for a violation: its article, text and the fines it provides."""
    v = violations.get(code)

    def rng(r):
        return violations.range_text(r) if r else ""

    stages = []
    for name, stage in (("immediate", v.immediate), ("after_deadline", v.after_deadline)):
        if stage is None:
            continue
        stages.append({
            "stage": name,
            "measures": "，".join(stage.measures),
            "unit": rng(stage.unit_fine),
            "person": rng(stage.person_fine),
            "income_percent": f"{stage.income_percent[0]}%—{stage.income_percent[1]}%" if stage.income_percent else "",
        })
    return {
        "code": v.code, "label": violations.label(v), "citation": v.citation, "text": v.text,
        "duty": "、".join(v.duty_articles), "person_role": v.person_role, "gains_based": v.gains_based,
        "after_trigger": v.after_trigger, "stages": stages, "note": v.note,
    }


def check_item(*, violation_code: str, party: str, amount: int, stage: str = FineStage.IMMEDIATE,
               illegal_gains: int | None = None, last_year_income: int | None = None, aggravated: bool = False,
               measures=()) -> violations.FineVerdict:
    """The fine check of one item: ``check_income_fine`` for a fine as a percentage of last year's income,
    ``check_fine`` otherwise. An item without a fine needs another measure."""
    v = violations.get(violation_code)
    if not amount:
        if measures:
            return violations.FineVerdict(True, _("不处罚款，处{}。").format("、".join(
                str(MEASURE_TEXT[m]) for m in measures)))
        return violations.FineVerdict(False, _("请填写罚款数额或选择其他处罚。"))
    s = v.immediate if stage == FineStage.IMMEDIATE else v.after_deadline
    if party == Party.PERSON and s is not None and s.income_percent is not None:
        if last_year_income is None:
            message = _("{}对个人的罚款按上一年年收入计算，请填写上一年年收入。").format(v.citation)
            return violations.FineVerdict(False, message)
        return violations.check_income_fine(violation_code, amount, last_year_income)
    if v.gains_based and party == Party.UNIT and illegal_gains is None:
        illegal_gains = 0
    return violations.check_fine(
        violation_code, party, amount, stage=stage, illegal_gains=illegal_gains,
        aggravated=aggravated and violation_code.startswith("aqf2021.114."),
    )


def clean_item(data: dict, errors: c.Errors, on: datetime.date) -> dict:
    code = (data.get("violation_code") or "").strip()
    try:
        v = violations.get(code)
        if not v.in_force(on):
            errors.add("violation_code", _("该违法行为条款在立案日不适用。"), "not_in_force")
    except KeyError:
        errors.add("violation_code", _("请从违法行为库中选择。"), "invalid_choice")
        v = None
    party = data.get("party") or Party.UNIT
    if party not in Party.values:
        errors.add("party", _("请选择被处罚人类别。"), "invalid_choice")
    stage = data.get("stage") or FineStage.IMMEDIATE
    if stage not in FineStage.values:
        errors.add("stage", _("请选择适用情形。"), "invalid_choice")
    elif v is not None and stage == FineStage.AFTER_DEADLINE and v.after_deadline is None:
        errors.add("stage", _("该条款没有逾期未改正的罚则。"), "not_applicable")
    party_name = c.text(data.get("party_name"), "party_name", errors, required=_("请填写被处罚人。"), max_length=100)
    amount = c.integer(data.get("amount") or 0, "amount", errors, high=100_000_000)
    gains = c.integer(data.get("illegal_gains"), "illegal_gains", errors, high=10_000_000_000)
    income = c.integer(data.get("last_year_income"), "last_year_income", errors, high=10_000_000_000)
    measures = list(dict.fromkeys(data.get("measures") or []))
    if any(m not in PENALTY_MEASURES for m in measures):
        errors.add("measures", _("未知的处罚种类。"), "invalid_choice")
    aggravated = bool(data.get("aggravated"))
    if aggravated and not code.startswith("aqf2021.114."):
        message = _("只有第一百一十四条（事故责任单位）可以适用二倍以上五倍以下的罚款。")
        errors.add("aggravated", message, "not_applicable")
    return {
        "violation_code": code, "party": party, "party_name": party_name, "amount": amount or 0, "stage": stage,
        "illegal_gains": gains, "last_year_income": income, "aggravated": aggravated, "measures": measures,
    }


def item_verdict(fields: dict) -> violations.FineVerdict:
    return check_item(**{k: fields[k] for k in (
        "violation_code", "party", "amount", "stage", "illegal_gains", "last_year_income", "aggravated", "measures")})


def item_fields(item: PenaltyItem) -> dict:
    return {k: getattr(item, k) for k in (
        "violation_code", "party", "party_name", "amount", "stage", "illegal_gains", "last_year_income",
        "aggravated", "measures")}


def check_fines(case: PenaltyCase) -> list[PenaltyItem]:
    """Re-check every item (the library may have changed since it was saved); field errors
    ``fine_out_of_range`` with the verdict's message for those that fail."""
    items = list(case.items.all())
    errors = c.Errors()
    if not items:
        errors.add("items", _("案件还没有处罚项。"), "required")
    for n, item in enumerate(items, 1):
        verdict = item_verdict(item_fields(item))
        if (item.verdict_ok, item.verdict_message) != (verdict.ok, verdict.message):
            item.verdict_ok, item.verdict_message = verdict.ok, verdict.message
            item.save(update_fields=["verdict_ok", "verdict_message"])
        if not verdict.ok:
            errors.add("items", _("第{n}项：{message}").format(n=n, message=verdict.message), "fine_out_of_range")
    errors.raise_if_any()
    return items


def violations_and_penalties(items) -> tuple[list, list, int]:
    seen, found = set(), []
    for item in items:
        if item.violation_code in seen:
            continue
        seen.add(item.violation_code)
        v = violations.get(item.violation_code)
        violated = f"{violations.LAW_TITLE}{'、'.join(v.duty_articles)}" if v.duty_articles else v.citation
        found.append({"violated": violated, "penalty_basis": v.citation, "title": v.title})
    with translation.override(c.DOCUMENT_LANGUAGE):
        penalties = [
            {"party": i.party, "party_name": i.party_name, "amount": i.amount,
             "measures": "、".join(str(MEASURE_TEXT[m]) for m in i.measures)}
            for i in items
        ]
    return found, penalties, sum(i.amount for i in items)


def hearing_verdict(items) -> procedure.HearingVerdict:
    return procedure.hearing_right(
        unit_fine=sum(i.amount for i in items if i.party == Party.UNIT),
        person_fines=tuple(i.amount for i in items if i.party == Party.PERSON),
        measures=tuple(dict.fromkeys(m for i in items for m in i.measures)),
    )
