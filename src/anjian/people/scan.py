"""The daily people scan: certificate reminders, then the may-work verdicts as dates pass.

* Before a due date (a review, or the end of the validity): the reminders of
  :data:`anjian.rules.certificates.REMINDER_DAYS` (90, 60, 30 and 7 days before), each once. Only ACTIVE
  certificates whose ``due_on`` lies within the next 90 days are read, through the (state, due_on) index.
  On a day the scan sends at most one reminder per certificate: the nearest offset whose day has come (the smallest
  offset ≥ the days left). A scan that starts late (a certificate registered 20 days before its due date, or a scan
  that did not run for a while) therefore sends only the 30-day reminder, not the 90, 60 and 30 at once; and since a
  larger offset is never sent once a smaller one went out for the same due date, the passed-over ones never come
  later either (no row is written for them: a CertificateReminder row always means a reminder that was sent; the
  scan's ``skipped`` figure counts them).
* After the due date (expired, or a review overdue — a failed review counts, see :mod:`anjian.people.certificates`):
  one reminder, recorded with ``days_before = 0`` (:data:`OVERDUE`). Only due dates of the last
  :data:`OVERDUE_LOOKBACK_DAYS` days are read, so the scan does not walk every certificate that ever expired; one
  registered longer than that after it ran out is not reminded (the ledger and the list of people who may not work
  show it).
* Each reminder is a CertificateReminder row (certificate, due date, days before), inserted in the same transaction as
  its notifications, so it goes out exactly once even when two scans run at the same time; a renewal or a review
  gives a new due date, which is reminded again.
* Recipients: the safety managers of every enterprise where the holder currently works (active employee rows with
  the holder's ID-card index), or its principal when an enterprise has no safety manager. The message names the
  person (by name only, as registered at the recipients' own enterprise — that enterprise's employee row of the
  holder, not the registering enterprise's row), the certificate
  kind, item and number (an ID-format number masked), the due date, what is due and when to apply.
* Finally :func:`anjian.people.verdict.refresh_due` recomputes the verdicts not yet computed today.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import notify
from anjian.people import certificates as services
from anjian.people import verdict
from anjian.people.choices import CertificateState, EmployeeState
from anjian.people.models import Certificate, CertificateReminder, Employee
from anjian.rules import certificates as rules

WINDOW_DAYS = max(rules.REMINDER_DAYS)
OVERDUE = 0  # days_before of the one reminder after the due date
OVERDUE_LOOKBACK_DAYS = 30  # our choice: how far back the scan looks for due dates passed without their reminder
BATCH = 500


@dataclass
class PeopleScanResult:
    examined: int = 0
    reminders: int = 0
    skipped: int = 0
    expired: int = 0
    notifications: int = 0
    verdicts: int = 0
    offsets: Counter = field(default_factory=Counter)


def certificate_url(cert: Certificate) -> str:
    return reverse("people:certificate_detail", args=[cert.pk])


def _employee_url(employee_id: int) -> str:
    try:
        return reverse("people:employee_detail", args=[employee_id])
    except NoReverseMatch:
        return ""


def _batches(queryset):
    """``queryset`` (ordered by due_on, id) in keyset batches, so writes between batches do not hold a cursor."""
    last = None
    while True:
        qs = queryset
        if last is not None:
            qs = qs.filter(Q(due_on__gt=last[0]) | Q(due_on=last[0], pk__gt=last[1]))
        rows = list(qs.order_by("due_on", "id")[:BATCH])
        if not rows:
            return
        yield rows
        last = (rows[-1].due_on, rows[-1].pk)


class _Recipients:
    """Who is told about the certificates of one batch: per holder, per current enterprise, the safety managers or
    else the principals — read in three queries for the whole batch."""

    def __init__(self, certs: list[Certificate]) -> None:
        holders = sorted({c.holder_index for c in certs})
        self.workplaces: dict[str, dict[int, int]] = defaultdict(dict)  # holder → {enterprise id: employee id}
        self.names: dict[int, str] = {}  # employee id → the name as registered at that enterprise
        for pk, index, enterprise_id, name in Employee.objects.filter(
            id_number_index__in=holders, state=EmployeeState.ACTIVE
        ).values_list("pk", "id_number_index", "enterprise_id", "name"):
            self.workplaces[index][enterprise_id] = pk
            self.names[pk] = name
        enterprises = sorted({e for places in self.workplaces.values() for e in places})
        by_role: dict[tuple[int, str], list[int]] = defaultdict(list)
        for pk, enterprise_id, role in User.objects.filter(
            enterprise_id__in=enterprises, is_active=True,
            role__in=[Role.ENTERPRISE_SAFETY_MANAGER, Role.ENTERPRISE_PRINCIPAL],
        ).values_list("pk", "enterprise_id", "role").order_by("id"):
            by_role[(enterprise_id, role)].append(pk)
        self.managers = {
            e: by_role.get((e, Role.ENTERPRISE_SAFETY_MANAGER)) or by_role.get((e, Role.ENTERPRISE_PRINCIPAL)) or []
            for e in enterprises
        }

    def of(self, cert: Certificate) -> list[tuple[int, int, str, list[int]]]:
        """(enterprise id, the holder's employee id there, the holder's name there, user ids) for each enterprise
        where the holder works."""
        places = sorted(self.workplaces.get(cert.holder_index, {}).items())
        return [(e, emp, self.names[emp], self.managers.get(e, [])) for e, emp in places]


def _what(cert: Certificate) -> str:
    return _("{kind}（{item}）").format(kind=services.kind_label(cert.kind), item=services.item_label(
        cert.kind, cert.item_code))


def _due_message(cert: Certificate, name: str, days_left: int) -> tuple[str, str]:
    due = services.DUE_KIND_LABELS.get(cert.due_kind, cert.due_kind)
    title = _("证书{due}提醒：{name}的{what}还有{n}天到期（{day}）").format(
        due=due, name=name, what=_what(cert), n=days_left, day=cert.due_on.isoformat())
    window = services.apply_window(cert.kind, cert.due_on)["text"]
    body = _("持证人：{name}；证书：{what}，编号 {number}；{due_label}：{day}（{due}）。{window}。逾期未办理的，"
             "持证人不得从事该作业。").format(
        name=name, what=_what(cert), number=services.display_number(cert.number),
        due_label=_("应复审日期") if cert.due_kind == rules.REVIEW else _("有效期至"), day=cert.due_on.isoformat(),
        due=due, window=window)
    return title, body


def _overdue_message(cert: Certificate, name: str, today: datetime.date) -> tuple[str, str]:
    if cert.valid_until < today:
        state = _("已过期")
        detail = _("有效期至 {day}").format(day=cert.valid_until.isoformat())
    elif services.failed_review(cert) is not None:
        state = _("复审不合格")
        detail = _("{day} 复审不合格").format(day=services.failed_review(cert).reviewed_on.isoformat())
    else:
        state = _("逾期未复审")
        detail = _("应于 {day} 前复审").format(day=cert.review_due.isoformat() if cert.review_due else "")
    title = _("证书{state}：{name}的{what}").format(state=state, name=name, what=_what(cert))
    body = _("持证人：{name}；证书：{what}，编号 {number}；{detail}。在复审或换证前，持证人不得从事该作业。").format(
        name=name, what=_what(cert), number=services.display_number(cert.number), detail=detail)
    return title, body


def _send(result: PeopleScanResult, cert: Certificate, days_before: int, recipients, compose) -> bool:
    """Record the reminder and tell each workplace's managers; ``compose(name)`` gives the (title, body) naming the
    holder as registered at that workplace."""
    users = sorted({u for _e, _emp, _name, ids in recipients for u in ids})
    try:
        with transaction.atomic():
            CertificateReminder.objects.create(
                certificate=cert, due_on=cert.due_on, days_before=days_before, recipients=len(users)
            )
            rows = 0
            for enterprise_id, employee_id, name, ids in recipients:
                if not ids:
                    continue
                title, body = compose(name)
                # The certificate's page for its own enterprise; elsewhere the holder's row at that enterprise.
                url = certificate_url(cert) if enterprise_id == cert.enterprise_id else _employee_url(employee_id)
                kind = "certificate.overdue" if days_before == OVERDUE else "certificate.due"
                message = notify.Message(kind=kind, title=title, body=body, url=url,
                                         object_type="people.certificate", object_id=str(cert.pk))
                rows += len(notify.notify(ids, message))
    except IntegrityError:  # recorded already (an earlier run, or another scan at the same time)
        return False
    result.reminders += 1
    result.notifications += rows
    return True


def _sent(certs: list[Certificate]) -> dict[tuple[int, datetime.date], set[int]]:
    out: dict[tuple[int, datetime.date], set[int]] = defaultdict(set)
    for cert_id, due_on, days in CertificateReminder.objects.filter(
        certificate_id__in=[c.pk for c in certs]
    ).values_list("certificate_id", "due_on", "days_before"):
        out[(cert_id, due_on)].add(days)
    return out


def _before_due(result: PeopleScanResult, today: datetime.date) -> None:
    window = Certificate.objects.filter(
        state=CertificateState.ACTIVE, due_on__gte=today, due_on__lte=today + datetime.timedelta(days=WINDOW_DAYS)
    ).select_related("employee")
    for certs in _batches(window):
        sent = _sent(certs)
        recipients = _Recipients(certs)
        for cert in certs:
            result.examined += 1
            reached = rules.reminders_due(cert.due_on, today)
            if not reached:
                continue
            nearest = min(reached)
            done = sent.get((cert.pk, cert.due_on), set())
            if nearest in done or any(d < nearest for d in done):
                continue  # sent, or a nearer one went out already (a scan run for an earlier day after a later one)
            days_left = (cert.due_on - today).days
            if _send(result, cert, nearest, recipients.of(cert),
                     lambda name, cert=cert, days_left=days_left: _due_message(cert, name, days_left)):
                result.offsets[nearest] += 1
                result.skipped += len([d for d in reached if d > nearest and d not in done])


def _after_due(result: PeopleScanResult, today: datetime.date) -> None:
    reminded = CertificateReminder.objects.filter(
        certificate_id=OuterRef("pk"), due_on=OuterRef("due_on"), days_before=OVERDUE
    )
    overdue = (
        Certificate.objects.filter(
            state=CertificateState.ACTIVE, due_on__lt=today,
            due_on__gte=today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS),
        )
        .exclude(Exists(reminded))
        .select_related("employee")
        .prefetch_related("reviews")
    )
    for certs in _batches(overdue):
        recipients = _Recipients(certs)
        for cert in certs:
            result.examined += 1
            if _send(result, cert, OVERDUE, recipients.of(cert),
                     lambda name, cert=cert: _overdue_message(cert, name, today)):
                result.expired += 1
                result.offsets[OVERDUE] += 1


def scan_people(*, today: datetime.date | None = None) -> PeopleScanResult:
    """Send the certificate reminders due on ``today`` (default: today), once each; refresh stale verdicts."""
    today = today or timezone.localdate()
    result = PeopleScanResult()
    _before_due(result, today)
    _after_due(result, today)
    result.verdicts = verdict.refresh_due(on=today)
    return result
