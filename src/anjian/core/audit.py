"""The audit chain: append events, each bound by HMAC to the one before; verify the chain.

Every write service calls ``record``. Writes made by commands, imports and jobs pass a
``SystemActor`` so they are logged too.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from anjian.core.context import current_request
from anjian.core.crypto import get_provider
from anjian.core.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class SystemActor:
    """A non-human actor: a management command, an import or a scheduled job."""

    name: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"

    is_authenticated = True
    is_system = True


def actor_label(actor) -> str:
    if actor is None:
        return "anonymous"
    if isinstance(actor, SystemActor):
        return actor.label
    return actor.get_username()


def _canonical(event: AuditEvent) -> bytes:
    payload = [
        event.seq,
        event.prev_hash,
        event.created_at.isoformat(),
        event.actor_id,
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.changes,
        event.region_code,
        event.request_id,
        event.ip_address,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    out = {}
    for key in sorted(set(before) | set(after)):
        b, a = _jsonable(before.get(key)), _jsonable(after.get(key))
        if b != a:
            out[key] = [b, a]
    return out


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    region_code: str = "",
    label: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Runs inside the caller's transaction when there is one."""
    ctx = current_request.get()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor if (actor is not None and not isinstance(actor, SystemActor)) else None,
            actor_label=(label or actor_label(actor))[:150],
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:200],
            changes=_jsonable(changes or {}),
            region_code=region_code,
            request_id=ctx.request_id,
            ip_address=ctx.ip_address,
            prev_hash=head.last_hash,
        )
        event.hash = get_provider().mac(_canonical(event))
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None
    reason: str


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk the chain in order; report the first event whose link or MAC does not match."""
    provider = get_provider()
    expected_prev = "0" * 64
    expected_seq = 1
    checked = 0
    last = 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not events:
            break
        for event in events:
            if event.seq != expected_seq:
                return ChainReport(checked, expected_seq, f"event #{expected_seq} is missing")
            if event.prev_hash != expected_prev:
                return ChainReport(checked, event.seq, "link to the previous event does not match")
            if not provider.verify(_canonical(event), event.hash):
                return ChainReport(checked, event.seq, "content does not match its hash")
            expected_prev = event.hash
            expected_seq += 1
            checked += 1
            last = event.seq
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.last_seq != last:
        return ChainReport(checked, last + 1, f"chain head says #{head.last_seq}, last event is #{last}")
    return ChainReport(checked, None, "ok")
