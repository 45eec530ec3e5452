"""The procedure clocks of a penalty case (rules.procedure), the late surcharge, and what still blocks a
decision under 行政处罚法 第六十二条、第六十四条、第六十五条."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from anjian.enforcement.models import PenaltyCase
from anjian.rules import procedure


def decision_blockers(case: PenaltyCase, day: datetime.date) -> list[dict[str, str]]:
    """What still stands in the way of a decision, each with the article that requires it."""
    out = []
    if not case.notice_served_on:
        out.append({"code": "notice_not_served", "message": _(
            "行政处罚告知书尚未送达当事人（行政处罚法第四十四条、第六十二条）。")})
        return out
    if not (case.statement_waived or case.statement_on) and case.statement_deadline and day <= case.statement_deadline:
        out.append({"code": "statement_period", "message": _(
            "陈述、申辩期限至{d}：期满、当事人明确放弃或已听取其陈述申辩后，方可作出决定（行政处罚法第六十二条）。"
        ).format(d=case.statement_deadline.isoformat())})
    if case.hearing_requested_on and not case.hearing_held_on:
        out.append({"code": "hearing_not_held", "message": _(
            "当事人已申请听证：听证结束后方可作出决定（行政处罚法第六十四条、第六十五条）。")})
    elif (case.hearing_right and not case.hearing_requested_on and not case.hearing_waived and case.hearing_deadline
          and day <= case.hearing_deadline):
        out.append({"code": "hearing_window", "message": _(
            "当事人可在{d}前申请听证（行政处罚法第六十四条第（一）项）。").format(d=case.hearing_deadline.isoformat())})
    return out


def surcharge(case: PenaltyCase, day: datetime.date) -> int:
    """加处罚款 owed on ``day`` (rules.procedure.late_surcharge: 3 % a day, at most the fine)."""
    if not case.payment_due or not case.total_fine or day <= case.payment_due:
        return 0
    return procedure.late_surcharge(case.total_fine, (day - case.payment_due).days)


# --- the clocks -------------------------------------------------------------------------------------------------

SOON_DAYS = 3


@dataclass(frozen=True)
class CaseClock:
    """One procedure clock of a case. ``status``: ok (running), due (within 3 days), overdue (passed, the
    authority has not acted), done (the act happened), ended (a party's period passed without the act)."""

    code: str
    label: str
    due: datetime.date
    status: str
    source: str
    actor: str
    note: str = ""


def _status(due: datetime.date, today: datetime.date, done: bool, actor: str) -> str:
    if done:
        return "done"
    if today > due:
        return "ended" if actor == "party" else "overdue"
    return "due" if (due - today).days <= SOON_DAYS else "ok"


def case_clocks(case: PenaltyCase, today: datetime.date) -> list[CaseClock]:
    """Each clock that applies to the case now: the decision within 90 days of 立案, the statement and
    hearing windows, the hearing notice, serving the decision, payment (with the late surcharge), and the
    party's review and litigation periods."""
    out: list[CaseClock] = []

    def add(code, due, done, note=""):
        clock = procedure.clock(code)
        out.append(CaseClock(code, clock.title, due, _status(due, today, done, clock.actor), clock.source,
                             clock.actor, note))

    add("decision_deadline", procedure.due("decision_deadline", case.opened_on), bool(case.decision_on))
    if case.notice_served_on:
        if case.statement_deadline:
            add("statement_period", case.statement_deadline, bool(case.statement_on or case.statement_waived),
                _("期限按《安全生产违法行为行政处罚办法》（未核实），可配置。"))
        if case.hearing_right and case.hearing_deadline:
            add("hearing_request", case.hearing_deadline, bool(case.hearing_requested_on or case.hearing_waived))
    if case.hearing_date:
        latest = procedure.due("hearing_notice", case.hearing_date)
        done = bool(case.hearing_notified_on and case.hearing_notified_on <= latest)
        add("hearing_notice", latest, done, _("听证日期：{}").format(case.hearing_date.isoformat()))
    if case.decision_on:
        add("decision_service", procedure.due("decision_service", case.decision_on), bool(case.decided_on))
    if case.decided_on:
        if case.total_fine and case.payment_due:
            extra = surcharge(case, case.paid_on or today)
            note = _("逾期{days}天，加处罚款{amount}元（行政处罚法第七十二条）").format(
                days=((case.paid_on or today) - case.payment_due).days, amount=extra) if extra else ""
            add("fine_payment", case.payment_due, bool(case.paid_on), note)
        add("review_application", procedure.due("review_application", case.decided_on), False)
        add("litigation", procedure.due("litigation", case.decided_on), False)
    return out
