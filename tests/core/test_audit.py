"""The audit chain: every write leaves an event; tampering, deletion and gaps are found."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from anjian.core.audit import SystemActor, record, verify_chain
from anjian.core.models import AuditEvent, AuditHead


def test_chain_links_and_verifies(world):
    report = verify_chain()
    assert report.broken_seq is None and report.checked == AuditEvent.objects.count() > 10
    events = list(AuditEvent.objects.order_by("seq")[:3])
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert AuditHead.objects.get().last_seq == AuditEvent.objects.count()
    call_command("verify_audit")


def test_system_writes_carry_a_system_actor(world):
    event = AuditEvent.objects.filter(action="enterprise.create").order_by("seq").first()
    assert event.actor is None and event.actor_label == "system:tests"


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_changed_content_is_named(world):
    target = AuditEvent.objects.filter(action="enterprise.create").order_by("seq")[1]
    _tamper("UPDATE core_auditevent SET object_repr = %s WHERE seq = %s", ["篡改", target.seq])
    report = verify_chain()
    assert report.broken_seq == target.seq and "content" in report.reason
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("verify_audit")


def test_deleted_event_is_named(world):
    target = AuditEvent.objects.order_by("seq")[4]
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [target.seq])
    assert verify_chain().broken_seq == target.seq


def test_rewritten_hash_breaks_the_next_link(world):
    target = AuditEvent.objects.order_by("seq")[2]
    _tamper("UPDATE core_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, target.seq])
    assert verify_chain().broken_seq == target.seq


def test_truncated_tail_is_found(world):
    last = AuditEvent.objects.order_by("-seq").first()
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [last.seq])
    assert verify_chain().broken_seq == last.seq


def test_events_are_append_only_in_the_application(world):
    event = AuditEvent.objects.first()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_record_serialises_values(db):
    import datetime

    event = record(actor=SystemActor("t"), action="system.test",
                   changes={"d": [None, datetime.date(2026, 1, 2)], "s": [None, {"b", "a"}]})
    event.refresh_from_db()
    assert event.changes == {"d": [None, "2026-01-02"], "s": [None, ["a", "b"]]}
    assert verify_chain().broken_seq is None


def test_audit_viewer_is_for_the_audit_admin_only(world):
    response = world.client("aud").get("/audit/?action=enterprise.")
    assert response.status_code == 200 and "企业1" in response.content.decode()
    for key in ("b1", "sys", "sec", "e1"):
        assert world.client(key).get("/audit/").status_code == 403
    # The audit admin of one county does not read another county's enterprise events.
    assert "企业3" not in world.client("aud").get("/audit/?action=enterprise.").content.decode()
