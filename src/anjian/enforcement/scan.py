"""The review clock: a served rectification order's review falls due on its deadline.

Stages (each sent once per order and due date): ``before_3`` — due within three days; ``before_0`` — due
today; both to the drafter and the members of the source inspection. ``overdue`` — the date has passed
and no review opinion has been drafted: to the same people and the bureau leaders of the issuing
authority (for a department, of the emergency bureau of the same region). An order first seen late gets
only its latest stage; the earlier ones are stale and are neither sent nor recorded.

It reads only served orders whose review is due within reach, through a partial index on ``review_due``,
and skips orders that already have a review opinion (other than a withdrawn one). Each reminder is a
``ReviewReminder`` row under a unique key, written in the same transaction as its notifications: a second
run finds it recorded; two workers at once take disjoint rows (SKIP LOCKED on PostgreSQL) and the unique
key stops any overlap, rolling the loser's chunk back to be redone.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit, notify
from anjian.core.audit import SystemActor
from anjian.core.choices import AuthorityKind
from anjian.enforcement.choices import LIVE_STATES, DocState, DocType
from anjian.enforcement.models import EnforcementDocument, ReviewReminder
from anjian.inspections.models import InspectionMember

BEFORE_DAYS = 3


@dataclass
class ScanResult:
    examined: int = 0
    reminders: int = 0
    notifications: int = 0
    retried_chunks: int = 0
    stages: Counter = field(default_factory=Counter)


def stage_for(due: datetime.date, today: datetime.date) -> str | None:
    """The latest stage that applies on ``today`` to a review due on ``due``."""
    if today > due:
        return "overdue"
    if today == due:
        return "before_0"
    if (due - today).days <= BEFORE_DAYS:
        return f"before_{BEFORE_DAYS}"
    return None


def _title(stage: str, row: dict) -> str:
    where = f"{row['enterprise__name']}（{row['number']}）"
    due = row["review_due"].isoformat()
    if stage == "overdue":
        return _("整改复查已逾期（应于{d}复查）：{w}").format(d=due, w=where)
    if stage == "before_0":
        return _("今天应进行整改复查：{w}").format(w=where)
    return _("整改复查将于{d}到期：{w}").format(d=due, w=where)


def _due_orders(reach: datetime.date):
    live_review = EnforcementDocument.objects.filter(
        parent=OuterRef("pk"), doc_type=DocType.REVIEW_OPINION
    ).filter(state__in=LIVE_STATES)
    return EnforcementDocument.objects.filter(
        doc_type=DocType.RECTIFICATION_ORDER, state=DocState.SERVED, review_due__lte=reach
    ).filter(~Exists(live_review))


def scan_reviews(*, today: datetime.date | None = None, chunk: int = 500, actor=None) -> ScanResult:
    today = today or timezone.localdate()
    actor = actor or SystemActor("review-scan")
    ids = sorted(_due_orders(today + datetime.timedelta(days=BEFORE_DAYS)).values_list("id", flat=True))
    result = ScanResult(examined=len(ids))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        for attempt in range(3):
            try:
                with transaction.atomic():
                    _chunk(part, today, actor, result)
                break
            except (IntegrityError, OperationalError):
                # Another scan recorded some of these first (or SQLite's writer lock was taken): nothing of
                # this chunk was kept; read again and send what is still unsent.
                result.retried_chunks += 1
                if attempt == 2:
                    raise
    return result


def _leaders_by_authority(rows) -> dict[int, set[int]]:
    """Bureau leaders of each issuing authority; for a department, those of the emergency bureau whose
    region is the department's."""
    authorities = {r["authority_id"]: (r["authority__kind"], r["authority__region_id"]) for r in rows}
    own = defaultdict(set)
    for authority_id, user_id in User.objects.filter(
        role=Role.BUREAU_LEADER, is_active=True, authority_id__in=list(authorities)
    ).values_list("authority_id", "id"):
        own[authority_id].add(user_id)
    regions = {region for kind, region in authorities.values() if kind != AuthorityKind.EMERGENCY_BUREAU}
    by_region = defaultdict(set)
    if regions:
        for region_id, user_id in User.objects.filter(
            role=Role.BUREAU_LEADER, is_active=True, authority__kind=AuthorityKind.EMERGENCY_BUREAU,
            authority__region_id__in=list(regions),
        ).values_list("authority__region_id", "id"):
            by_region[region_id].add(user_id)
    out = {}
    for authority_id, (kind, region_id) in authorities.items():
        out[authority_id] = own[authority_id] if kind == AuthorityKind.EMERGENCY_BUREAU else by_region[region_id]
    return out


def _chunk(ids, today, actor, result: ScanResult) -> None:
    qs = _due_orders(today + datetime.timedelta(days=BEFORE_DAYS)).filter(pk__in=ids)
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    rows = list(qs.values(
        "id", "number", "review_due", "drafted_by_id", "inspection_id", "authority_id", "authority__kind",
        "authority__region_id", "enterprise__name",
    ))
    if not rows:
        return
    sent = set(ReviewReminder.objects.filter(document_id__in=[r["id"] for r in rows]).values_list(
        "document_id", "stage", "due"))
    members = defaultdict(set)
    for inspection_id, user_id in InspectionMember.objects.filter(
        inspection_id__in={r["inspection_id"] for r in rows if r["inspection_id"]}, user__is_active=True
    ).values_list("inspection_id", "user_id"):
        members[inspection_id].add(user_id)
    leaders = None
    detail = reverse("enforcement:list")  # a document's page is <list>/<id>/ (reverse once, not per row)
    reminders, messages = [], []
    for row in rows:
        stage = stage_for(row["review_due"], today)
        if stage is None or (row["id"], stage, row["review_due"]) in sent:
            continue
        recipients = {row["drafted_by_id"], *members.get(row["inspection_id"], ())}
        if stage == "overdue":
            if leaders is None:
                leaders = _leaders_by_authority(rows)
            recipients |= leaders.get(row["authority_id"], set())
        message = notify.Message(
            kind=f"enforcement.review.{stage}", title=_title(stage, row), url=f"{detail}{row['id']}/",
            object_type="enforcement.enforcementdocument", object_id=str(row["id"]),
        )
        messages.extend(notify.build(uid, message) for uid in sorted(recipients))
        reminders.append(ReviewReminder(document_id=row["id"], stage=stage, due=row["review_due"],
                                        recipients=len(recipients)))
        result.stages[stage] += 1
    ReviewReminder.objects.bulk_create(reminders)
    notify.send(messages)
    if reminders:
        audit.record(
            actor=actor, action="enforcement.review_scan", object_repr=_("整改复查期限扫描"),
            changes={"reminders": [[r.document_id, r.stage] for r in reminders], "notifications": len(messages)},
        )
    result.reminders += len(reminders)
    result.notifications += len(messages)
