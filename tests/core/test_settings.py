"""Settings fail loudly; production refuses the development key; check --deploy passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANJIAN_", "DATABASE_URL", "ALLOWED_HOSTS"))}
    env.update(env_extra)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True,
                          text=True, timeout=120)


PROD = {"ANJIAN_ENV": "production", "ALLOWED_HOSTS": "anjian.example.gov.cn",
        "ANJIAN_SECRET_KEY": "k" * 20 + "x9Qz-2Lm_8Vt@4Np&7Rs^1Wy(5Bc)3Hd=6Fg+0Jk"}


def test_production_refuses_to_start_without_a_secret_key():
    result = run({"ANJIAN_ENV": "production", "ALLOWED_HOSTS": "a.example"}, "check")
    assert result.returncode != 0 and "ANJIAN_SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = run({"ANJIAN_ENV": "production", "ALLOWED_HOSTS": "a.example",
                  "ANJIAN_SECRET_KEY": "anjian-development-secret-key-not-for-production-0123456789"}, "check")
    assert result.returncode != 0 and "ANJIAN_SECRET_KEY" in result.stderr


def test_bad_values_fail_loudly():
    assert "not a boolean" in run({"ANJIAN_DEBUG": "maybe"}, "check").stderr
    assert "ANJIAN_ENV" in run({"ANJIAN_ENV": "staging"}, "check").stderr
    assert "DATABASE_URL" in run({"DATABASE_URL": "mysql://x@y/z"}, "check").stderr


def test_check_deploy_passes_in_production():
    result = run(PROD, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_headers(world):
    response = world.client("b1").get("/enterprises/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_csrf_is_enforced(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user["b1"])
    assert client.post("/enterprises/new/", {"name": "x"}).status_code == 403
    response = client.post("/api/enterprises/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_english_is_available(world):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Password" in client.get("/accounts/login/").content.decode()
    client.force_login(world.user["b1"])
    page = client.get("/enterprises/").content.decode()
    assert 'lang="en"' in page and "企业档案" not in page
    assert "企业档案" in world.client("b1").get("/enterprises/").content.decode()  # Chinese stays the default


def test_bad_reminder_policy_stops_start_up():
    env = {**os.environ, "ANJIAN_REMINDER_BEFORE_DAYS": "3,-1"}
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], env=env, capture_output=True,
                            text=True)
    assert result.returncode != 0 and "ANJIAN_REMINDER_BEFORE_DAYS" in result.stderr
