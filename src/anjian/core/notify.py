"""Notifications: the inbox row is written in the caller's transaction; e-mail and webhooks go out
after commit (on a Celery worker when a broker is configured, inline otherwise).

A failed e-mail or webhook never undoes the notification: the error is kept on the row (or on
the webhook) for the administrator to see, and the inbox still has the message.
"""

import hashlib
import hmac
import json
import logging
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.utils import timezone

from anjian.core.models import AuthorityWebhook, Notification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str = ""
    url: str = ""
    object_type: str = ""
    object_id: str = ""


def build(recipient_id: int, message: Message) -> Notification:
    return Notification(
        recipient_id=recipient_id,
        kind=message.kind,
        title=message.title[:200],
        body=message.body,
        url=message.url,
        object_type=message.object_type,
        object_id=message.object_id,
    )


def send(rows: Iterable[Notification]) -> list[Notification]:
    """Save inbox rows and deliver them after the surrounding transaction commits."""
    rows = [row for row in rows if row.recipient_id]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [row.pk for row in created]  # PostgreSQL and SQLite ≥ 3.35 return the new ids
    transaction.on_commit(lambda: schedule_delivery(ids))
    return created


def notify(recipients: Iterable, message: Message) -> list[Notification]:
    """One inbox row per distinct recipient (users or user ids)."""
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    return send(build(rid, message) for rid in sorted(ids))


def schedule_delivery(ids: list[int]) -> None:
    if settings.CELERY_BROKER_URL:
        from anjian.core.tasks import deliver_notifications

        deliver_notifications.delay(ids)
    else:
        deliver(ids)


def deliver(ids: list[int]) -> None:
    """E-mail each notification whose recipient has an address; post each authority's share to its webhook."""
    if not settings.EMAIL_HOST and not AuthorityWebhook.objects.filter(active=True).exists():
        return  # inbox only: nothing to read back
    rows = list(
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .select_related("recipient", "recipient__authority")
        .order_by("id")
    )
    _email(rows)
    _webhooks(rows)


def _email(rows: list[Notification]) -> None:
    if not settings.EMAIL_HOST:
        return
    targets = [row for row in rows if row.recipient.email and row.recipient.is_active]
    if not targets:
        return
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except OSError as exc:
        Notification.objects.filter(pk__in=[r.pk for r in targets]).update(email_error=str(exc)[:300])
        log.warning("SMTP connection failed: %s", exc)
        return
    try:
        for row in targets:
            text = row.body
            if row.url:
                text = f"{text}\n\n{settings.ANJIAN_BASE_URL.rstrip('/')}{row.url}"
            message = EmailMessage(
                subject=f"[安监] {row.title}", body=text, to=[row.recipient.email], connection=connection
            )
            try:
                message.send()
            except Exception as exc:  # noqa: BLE001 — one bad address must not stop the rest
                Notification.objects.filter(pk=row.pk).update(email_error=str(exc)[:300])
            else:
                Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now(), email_error="")
    finally:
        connection.close()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _webhooks(rows: list[Notification]) -> None:
    by_authority: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.recipient.authority_id:
            by_authority[row.recipient.authority_id].append(row)
    if not by_authority:
        return
    hooks = AuthorityWebhook.objects.filter(authority_id__in=list(by_authority), active=True)
    for hook in hooks:
        items = [
            {
                "id": row.pk,
                "kind": row.kind,
                "title": row.title,
                "body": row.body,
                "url": row.url,
                "recipient": row.recipient.get_username(),
                "object_type": row.object_type,
                "object_id": row.object_id,
                "created_at": row.created_at.isoformat(),
            }
            for row in by_authority[hook.authority_id]
        ]
        post_webhook(hook, {"event": "notifications", "authority": hook.authority_id, "items": items})


def post_webhook(hook: AuthorityWebhook, payload: dict) -> bool:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "X-Anjian-Signature": signature(hook.secret, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ANJIAN_WEBHOOK_TIMEOUT) as response:  # noqa: S310
            status = f"HTTP {response.status}"
            ok = 200 <= response.status < 300
    except Exception as exc:  # noqa: BLE001 — recorded on the hook, never raised into the caller
        status, ok = str(exc)[:200], False
    AuthorityWebhook.objects.filter(pk=hook.pk).update(last_status=status, last_sent_at=timezone.now())
    return ok
