"""Notification delivery through real peers: an SMTP server process for e-mail, an HTTP server for
an authority's signed webhook. Failures are recorded, never raised into the step that notified."""

import email
import email.policy
import hashlib
import hmac
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from anjian.core import notify, services
from anjian.core.models import AuthorityWebhook, Notification
from anjian.hazards import services as hazard_services

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def smtp(tmp_path, settings):
    folder = tmp_path / "mail"
    folder.mkdir()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("smtp_sink.py")), str(folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(proc.stdout.readline())
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_BACKEND = SMTP_BACKEND  # the test runner swaps in an in-memory backend
        yield folder
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _messages(folder, expected, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.eml"))
        if len(files) >= expected:
            break
        time.sleep(0.05)
    out = []
    for path in sorted(folder.glob("*.eml")):
        head, raw = path.read_bytes().split(b"\n", 1)
        out.append((head.decode()[6:], email.message_from_bytes(raw, policy=email.policy.default)))
    return out


def _report(world):
    return hazard_services.hazard_report(
        actor=world.user["e1w"],
        enterprise=world.e1,
        data={"location": "锅炉房", "description": "压力表过期", "category": "equipment"},
    )


def test_email_goes_to_users_with_an_address(world, smtp, django_capture_on_commit_callbacks):
    world.user["e1m"].email = "anquan@example.com"
    world.user["e1m"].save()
    with django_capture_on_commit_callbacks(execute=True):
        _report(world)
    mails = _messages(smtp, 1)
    assert len(mails) == 1
    rcpt, message = mails[0]
    assert rcpt == "anquan@example.com" and "新隐患待确认" in message["Subject"]
    assert "/hazards/" in message.get_content()
    sent = Notification.objects.get(recipient=world.user["e1m"])
    assert sent.emailed_at is not None and sent.email_error == ""
    assert Notification.objects.get(recipient=world.user["e1"]).emailed_at is None  # no address, inbox only


def test_mail_server_down_keeps_the_notification(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.EMAIL_BACKEND = SMTP_BACKEND
    world.user["e1m"].email = "anquan@example.com"
    world.user["e1m"].save()
    with django_capture_on_commit_callbacks(execute=True):
        hazard = _report(world)
    assert hazard.pk
    row = Notification.objects.get(recipient=world.user["e1m"])
    assert row.emailed_at is None and row.email_error


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/anjian", _Hook.received
    server.shutdown()


def test_webhook_is_signed_and_batched_per_authority(world, hook_server, django_capture_on_commit_callbacks):
    url, received = hook_server
    secret = "s3cret-for-the-county-bureau"
    services.webhook_set(actor=world.user["leader"], url=url, secret=secret)
    message = notify.Message(kind="test", title="测试通知", url="/hazards/")
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify([world.user["b1"], world.user["leader"], world.user["e1"]], message)
    assert len(received) == 1
    headers, body = received[0]
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Anjian-Signature"] == expected
    payload = json.loads(body)
    assert payload["authority"] == world.bureau.pk
    assert sorted(i["recipient"] for i in payload["items"]) == ["b1", "leader"]
    assert AuthorityWebhook.objects.get().last_status == "HTTP 204"


def test_webhook_down_is_recorded(world, django_capture_on_commit_callbacks):
    services.webhook_set(actor=world.user["b1"], url="http://127.0.0.1:1/x", secret="0123456789abcdef")
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify([world.user["b1"]], notify.Message(kind="t", title="t"))
    assert AuthorityWebhook.objects.get().last_status not in ("", "HTTP 204")
    assert Notification.objects.filter(recipient=world.user["b1"]).count() == 1


def test_webhook_api_validates_and_is_per_authority(world):
    client = world.client("b1")
    r = client.put("/api/webhook/", {"url": "ftp://x", "secret": "short"}, content_type="application/json")
    assert r.status_code == 400 and "url" in r.json()["fields"]
    r = client.put(
        "/api/webhook/",
        {"url": "https://ops.example.gov.cn/hook", "secret": "0123456789abcdef"},
        content_type="application/json",
    )
    assert r.status_code == 200 and "secret" not in r.json()
    assert client.get("/api/webhook/").json()["url"] == "https://ops.example.gov.cn/hook"
    assert world.client("b2").get("/api/webhook/").status_code == 404
    assert (
        world.client("e1").put("/api/webhook/", {"url": "https://x.cn/"}, content_type="application/json").status_code
        == 403
    )
