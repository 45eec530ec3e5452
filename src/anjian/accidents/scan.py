"""The accident clock scan: who is told when a statutory clock runs out.

* an upward report (县 → 市 → 省 → 国务院有关部门) past its 2-hour deadline and not recorded: the officers of the level
  that owes it (条例 第十一条);
* the investigation report due within ``DUE_SOON_DAYS`` days, and overdue (第二十九条; paused while a technical
  appraisal is open, 第二十七条): the officers of the investigating level;
* the reply (批复) overdue (第三十二条): the officers of the investigating level;
* a corrective measure past its deadline and not carried out (measures tracked as hazards are reminded by the hazard
  deadline scan): the unit's principal and safety manager, and the county officers.

Each reminder is recorded in AccidentReminder under (accident, stage, key) in the same transaction as its
notifications, so it goes out once; the key holds the step, the deadline or the measure, so an extended deadline
is reminded again. Only open accidents are read, so the scan costs what the open cases cost.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import common, investigation, reporting
from anjian.accidents.choices import OPEN_STATES, AccidentState, MeasureState
from anjian.accidents.models import Accident, AccidentReminder, Investigation
from anjian.core import notify

DUE_SOON_DAYS = 7  # our default: a week's notice before the investigation report is due
# Upward reports only matter in the first days; older cases are not re-read for them.
TRANSMISSION_LOOKBACK = datetime.timedelta(days=30)


@dataclass
class AccidentScanResult:
    examined: int = 0
    reminders: int = 0
    notifications: int = 0
    stages: Counter = field(default_factory=Counter)


def _send(result: AccidentScanResult, accident: Accident, stage: str, key: str, recipients, title: str) -> None:
    recipients = sorted({u.pk for u in recipients if u is not None})
    try:
        with transaction.atomic():
            AccidentReminder.objects.create(accident=accident, stage=stage, key=key[:60], recipients=len(recipients))
            rows = notify.notify(recipients, common.message(accident, f"accident.{stage}", title))
    except IntegrityError:  # recorded already (an earlier run, or another scan at the same time)
        return
    result.reminders += 1
    result.notifications += len(rows)
    result.stages[stage] += 1


def _sent(accident: Accident) -> set[tuple[str, str]]:
    return set(accident.reminders.values_list("stage", "key"))


def _transmissions(result: AccidentScanResult, accident: Accident, sent, now: datetime.datetime) -> None:
    for step in reporting.clock(accident)["steps"]:
        if step["done"] or not step["overdue"] or step["deadline"] is None:
            continue
        if ("transmission_overdue", step["step"]) in sent:
            continue
        title = _("事故上报已超时：{number} 应于{deadline}前报{to}").format(
            number=accident.number,
            deadline=timezone.localtime(step["deadline"]).strftime("%m-%d %H:%M"),
            to=step["to_label"],
        )
        owing = common.officers_over(accident, level=step["from_level"])
        _send(result, accident, "transmission_overdue", step["step"], owing, title)


def _investigation(result: AccidentScanResult, accident: Accident, inv: Investigation, sent, today) -> None:
    officers = common.officers_over(accident, level=inv.level)
    if accident.state == AccidentState.INVESTIGATING:
        clock = investigation.investigation_clock(inv, today)
        if clock["paused"]:
            return
        deadline = clock["deadline"].isoformat()
        if clock["overdue"] and ("investigation_overdue", deadline) not in sent:
            title = _("事故调查报告已逾期：{number}（期限 {deadline}）").format(
                number=accident.number, deadline=deadline
            )
            _send(result, accident, "investigation_overdue", deadline, officers, title)
        elif 0 <= clock["days_left"] <= DUE_SOON_DAYS and ("investigation_due", deadline) not in sent:
            title = _("事故调查报告还有{n}天到期：{number}（期限 {deadline}）").format(
                n=clock["days_left"], number=accident.number, deadline=deadline
            )
            _send(result, accident, "investigation_due", deadline, officers, title)
    elif accident.state == AccidentState.REPORT_SUBMITTED and inv.reply_deadline and today > inv.reply_deadline:
        deadline = inv.reply_deadline.isoformat()
        if ("reply_overdue", deadline) not in sent:
            title = _("事故调查报告批复已逾期：{number}（期限 {deadline}）").format(
                number=accident.number, deadline=deadline
            )
            _send(result, accident, "reply_overdue", deadline, officers, title)


def _measures(result: AccidentScanResult, accident: Accident, sent, today) -> None:
    overdue = accident.measures.filter(
        state=MeasureState.OPEN, hazard__isnull=True, deadline__isnull=False, deadline__lt=today
    )
    for measure in overdue:
        key = f"{measure.pk}:{measure.deadline.isoformat()}"
        if ("measure_overdue", key) in sent:
            continue
        title = _("事故整改措施逾期未落实：{number} {what}（期限 {deadline}）").format(
            number=accident.number, what=measure.description[:40], deadline=measure.deadline.isoformat()
        )
        recipients = [
            *common.enterprise_managers(accident.enterprise_id),
            *common.officers_over(accident, level="county"),
        ]
        _send(result, accident, "measure_overdue", key, recipients, title)


def scan_accidents(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> AccidentScanResult:
    """Remind once for each clock of an open accident that has run out (or, for the investigation, nearly)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    result = AccidentScanResult()
    accidents = (
        Accident.objects.filter(state__in=sorted(OPEN_STATES))
        .select_related("enterprise")
        .prefetch_related("transmissions", "notices")
        .order_by("id")
    )
    for accident in accidents.iterator(chunk_size=500):
        result.examined += 1
        sent = _sent(accident)
        if accident.occurred_at >= now - TRANSMISSION_LOOKBACK:
            _transmissions(result, accident, sent, now)
        inv = Investigation.objects.filter(accident=accident).first()
        if inv is not None and accident.kind == "accident":
            _investigation(result, accident, inv, sent, today)
        _measures(result, accident, sent, today)
    return result

