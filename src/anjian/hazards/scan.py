"""The deadline scan: reminders before a hazard's deadline, escalation once it is overdue, and
check-in reminders for hazards under temporary control.

It reads only hazards whose deadline (or check-in date) has come within reach, through partial
indexes on those dates. Each (hazard, stage, deadline) is recorded in HazardReminder under a
unique key in the same transaction as its notifications, so a reminder goes out exactly once:
a second run finds it recorded; two workers at once take disjoint rows (SKIP LOCKED on
PostgreSQL) and the unique key stops any overlap, rolling the loser's chunk back to be redone.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit, notify
from anjian.core.audit import SystemActor
from anjian.core.choices import AuthorityKind
from anjian.enterprises.models import Enterprise, EnterpriseSector
from anjian.hazards.choices import DEADLINE_STATES, HazardState
from anjian.hazards.models import Hazard, HazardReminder
from anjian.hazards.rollups import bump_gauges_bulk
from anjian.rules.hazard_schedule import ReminderPolicy, reminder_stages, stage_audience

CHECKIN_STAGE = "checkin"


@dataclass
class ScanResult:
    examined: int = 0
    reminders: int = 0
    notifications: int = 0
    newly_overdue: int = 0
    retried_chunks: int = 0
    stages: Counter = field(default_factory=Counter)


def policy() -> ReminderPolicy:
    return ReminderPolicy.from_strings(settings.ANJIAN_REMINDER_BEFORE_DAYS, settings.ANJIAN_REMINDER_ESCALATE_DAYS)


def _leaders() -> list[tuple[str, int]]:
    """(region prefix, user id) of every active bureau leader of an emergency bureau."""
    return list(
        User.objects.filter(
            role=Role.BUREAU_LEADER, is_active=True, authority__kind=AuthorityKind.EMERGENCY_BUREAU
        ).values_list("authority__region__prefix", "id")
    )


def _title(stage: str, row: dict) -> str:
    """The title of a per-hazard reminder (the leaders' escalation is a digest, titled where it is made)."""
    where = f"{row['enterprise__name']} · {row['location']}"
    if stage == CHECKIN_STAGE:
        return _("临时管控检查到期：{}").format(where)
    if stage.startswith("before_"):
        days = int(stage.split("_")[1])
        if days == 0:
            return _("今天是隐患整改期限：{}").format(where)
        return _("隐患整改期限还有{n}天（{d}）：{w}").format(n=days, d=row["deadline"].isoformat(), w=where)
    return _("隐患逾期未整改（期限 {d}）：{w}").format(d=row["deadline"].isoformat(), w=where)


def scan_deadlines(*, today: datetime.date | None = None, chunk: int = 2000, actor=None) -> ScanResult:
    today = today or timezone.localdate()
    actor = actor or SystemActor("deadline-scan")
    pol = policy()
    reach = today + datetime.timedelta(days=max(pol.before_days))
    due = Hazard.objects.filter(state__in=sorted(DEADLINE_STATES), deadline__lte=reach).values_list("id", flat=True)
    checkins = Hazard.objects.filter(state=HazardState.TEMPORARY_CONTROL, next_checkin_due__lte=today).values_list(
        "id", flat=True
    )
    ids = sorted(set(due) | set(checkins))
    result = ScanResult(examined=len(ids))
    leaders = _leaders()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        for attempt in range(3):
            try:
                with transaction.atomic():
                    _chunk(part, today, pol, leaders, actor, result)
                break
            except (IntegrityError, OperationalError):
                # Another scan recorded some of these reminders first (or SQLite's writer lock was
                # taken): nothing of this chunk was kept; read again and send what is still unsent.
                result.retried_chunks += 1
                if attempt == 2:
                    raise
    return result


def _chunk(ids, today, pol, leaders, actor, result: ScanResult) -> None:
    detail_prefix = reverse("hazards:list")  # a hazard's page is <list>/<id>/ (reverse once, not per row)
    overdue_url = detail_prefix + "?state=open&overdue=true"
    qs = Hazard.objects.filter(pk__in=ids, state__in=sorted(DEADLINE_STATES))
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    rows = list(
        qs.values(
            "id",
            "enterprise_id",
            "region_code",
            "deadline",
            "state",
            "is_overdue",
            "responsible_user_id",
            "location",
            "next_checkin_due",
            "enterprise__name",
            "grade",
        )
    )
    if not rows:
        return
    sent = set(
        HazardReminder.objects.filter(hazard_id__in=[r["id"] for r in rows]).values_list(
            "hazard_id", "stage", "deadline"
        )
    )
    enterprise_ids = {r["enterprise_id"] for r in rows}
    people: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"manager": [], "principal": []})
    for enterprise_id, role, user_id in User.objects.filter(
        enterprise_id__in=enterprise_ids,
        is_active=True,
        role__in=[Role.ENTERPRISE_PRINCIPAL, Role.ENTERPRISE_SAFETY_MANAGER],
    ).values_list("enterprise_id", "role", "id"):
        people[enterprise_id]["principal" if role == Role.ENTERPRISE_PRINCIPAL else "manager"].append(user_id)
    grid_officer = dict(
        Enterprise.objects.filter(pk__in=enterprise_ids, grid__officer__isnull=False).values_list(
            "id", "grid__officer_id"
        )
    )

    reminders: list[HazardReminder] = []
    messages = []
    overdue_ids: list[int] = []
    leader_digest: dict[int, list[int]] = defaultdict(list)  # leader id -> hazards escalated to them
    for row in rows:
        todo: list[tuple[str, datetime.date]] = []
        if row["deadline"] and row["state"] in DEADLINE_STATES:
            passed = row["deadline"] < today
            stages = [
                s
                for s in reminder_stages(row["deadline"], today, pol)
                # Once the deadline has passed, "before" reminders are stale: never sent, not recorded.
                if not (passed and s.startswith("before_")) and (row["id"], s, row["deadline"]) not in sent
            ]
            # When several stages of one audience fall due at once (a hazard first seen late), only the
            # latest is sent; the earlier ones are recorded as passed (no recipients).
            latest = {stage_audience(s): s for s in stages}
            for s in stages:
                if latest[stage_audience(s)] != s:
                    reminders.append(
                        HazardReminder(hazard_id=row["id"], stage=s, deadline=row["deadline"], recipients=0)
                    )
                else:
                    todo.append((s, row["deadline"]))
            if passed and not row["is_overdue"]:
                overdue_ids.append(row["id"])
        if (
            row["state"] == HazardState.TEMPORARY_CONTROL
            and row["next_checkin_due"]
            and row["next_checkin_due"] <= today
            and (row["id"], CHECKIN_STAGE, row["next_checkin_due"]) not in sent
        ):
            todo.append((CHECKIN_STAGE, row["next_checkin_due"]))
        for stage, deadline in todo:
            audience = "responsible" if stage == CHECKIN_STAGE else stage_audience(stage)
            crew = people[row["enterprise_id"]]
            if audience == "leader":
                # Bureau leaders get one digest per scan round, not one message per hazard.
                recipients = {uid for prefix, uid in leaders if row["region_code"].startswith(prefix)}
                for uid in recipients:
                    leader_digest[uid].append(row["id"])
            else:
                if audience == "responsible":
                    recipients = set(crew["manager"])
                    if row["responsible_user_id"]:
                        recipients.add(row["responsible_user_id"])
                else:
                    recipients = set(crew["principal"])
                    if row["enterprise_id"] in grid_officer:
                        recipients.add(grid_officer[row["enterprise_id"]])
                message = notify.Message(
                    kind=f"hazard.reminder.{stage}",
                    title=_title(stage, row),
                    url=f"{detail_prefix}{row['id']}/",
                    object_type="hazards.hazard",
                    object_id=str(row["id"]),
                )
                messages.extend(notify.build(uid, message) for uid in sorted(recipients))
            reminders.append(
                HazardReminder(hazard_id=row["id"], stage=stage, deadline=deadline, recipients=len(recipients))
            )
            result.stages[stage] += 1
    for uid, hazard_ids in sorted(leader_digest.items()):
        message = notify.Message(
            kind=f"hazard.reminder.overdue_{pol.overdue_escalate_days}",
            title=_("{n}项隐患逾期超过{d}天未整改").format(n=len(hazard_ids), d=pol.overdue_escalate_days),
            body=_("隐患编号：{}").format("、".join(f"YH{i:08d}" for i in hazard_ids[:50]))
            + ("……" if len(hazard_ids) > 50 else ""),
            url=overdue_url,
            object_type="hazards.hazard",
            object_id=str(hazard_ids[0]) if len(hazard_ids) == 1 else "",
        )
        messages.append(notify.build(uid, message))

    HazardReminder.objects.bulk_create(reminders, batch_size=1000)
    notify.send(messages)
    if overdue_ids:
        # Becoming overdue is not a move of the workflow: the flag, the reminder rows and the scan's
        # audit event (which lists these ids) record it; no HazardEvent per hazard (20k rows at scale).
        Hazard.objects.filter(pk__in=overdue_ids).update(is_overdue=True)
        by_id = {r["id"]: r for r in rows}
        sectors = defaultdict(list)
        for enterprise_id, sector in EnterpriseSector.objects.filter(
            enterprise_id__in={by_id[i]["enterprise_id"] for i in overdue_ids}
        ).values_list("enterprise_id", "sector"):
            sectors[enterprise_id].append(sector)
        changes: Counter = Counter()
        for i in overdue_ids:
            row = by_id[i]
            for sector in ["", *sectors[row["enterprise_id"]]]:
                changes[(row["region_code"], sector, "overdue")] += 1
        bump_gauges_bulk(changes)
    if reminders or overdue_ids:
        audit.record(
            actor=actor,
            action="hazard.scan",
            changes={"reminders": len(reminders), "notifications": len(messages), "overdue": overdue_ids},
            object_repr=_("隐患期限扫描"),
        )
    result.reminders += len(reminders)
    result.notifications += len(messages)
    result.newly_overdue += len(overdue_ids)
