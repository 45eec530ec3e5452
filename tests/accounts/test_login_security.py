"""Passwords, lockout, idle timeout, the three separated administrators, and their audit trail."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from anjian.accounts import services
from anjian.accounts.models import LoginFailure, User
from anjian.accounts.roles import Role
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import AuditEvent
from tests.conftest import PASSWORD


@pytest.mark.parametrize("password", ["Ab1!", "abcdefgh", "abcdefg1", "ABCDEFG1", "password1", "Password1"])
def test_weak_passwords_are_refused(password):
    # "Password1" has three classes but is a common password.
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Safe-pass1", "Qz7#kwmp", "anjian2026!"])
def test_strong_passwords_pass(password):
    validate_password(password)


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_for_thirty_minutes(world):
    client = Client()
    for _ in range(4):
        response = login(client, "b1", "wrong")
        assert "用户名或密码不正确" in response.content.decode()
    response = login(client, "b1", "wrong")
    assert "已锁定" in response.content.decode()
    # Right password, other address: the account is still locked.
    response = login(Client(), "b1", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 200 and "已锁定" in response.content.decode()
    actions = list(AuditEvent.objects.filter(actor_label="b1").values_list("action", flat=True))
    assert actions.count("auth.login_failed") == 5 and "auth.lockout" in actions
    assert "auth.login_refused_locked" in actions
    # Thirty minutes later it opens again.
    LoginFailure.objects.update(at=LoginFailure.objects.first().at.replace(year=2000))
    response = login(Client(), "b1", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302


def test_five_failures_from_one_address_lock_that_address(world):
    for name in ["a", "b", "c", "d", "e"]:
        login(Client(), name, "wrong", ip="10.9.9.9")
    response = login(Client(), "b1", PASSWORD, ip="10.9.9.9")
    assert "已锁定" in response.content.decode()
    assert login(Client(), "b1", PASSWORD, ip="10.9.9.8").status_code == 302


def test_token_endpoint_obeys_the_lockout(world, client):
    for _ in range(5):
        client.post("/api/auth/token/", {"username": "t1", "password": "x"}, content_type="application/json")
    response = client.post("/api/auth/token/", {"username": "t1", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "login_locked"


def test_success_is_audited_and_clears_failures(world):
    client = Client()
    login(client, "t1", "wrong")
    assert login(client, "t1", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="t1").exists()
    assert AuditEvent.objects.filter(action="auth.login", actor=world.user["t1"], region_code="330481001").exists()
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="auth.logout", actor=world.user["t1"]).exists()


def test_idle_timeout_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_activity_renews_the_session(world):
    client = Client()
    login(client, "b1", PASSWORD)
    session = client.session
    session["_touched"] = 0  # as if the last renewal were long ago
    session.save()
    client.get("/")
    assert client.session["_touched"] != 0


def test_a_user_without_a_role_cannot_sign_in(world):
    user = services.user_create(actor=world.user["sys"], username="newbie", password="Fresh#Start9",
                                authority=world.town1)
    assert user.role == ""
    response = login(Client(), "newbie", "Fresh#Start9")
    assert response.status_code == 200
    services.user_set_role(actor=world.user["sec"], user=user, role=Role.TOWNSHIP_OFFICER, reason="任命")
    assert login(Client(), "newbie", "Fresh#Start9").status_code == 302
    event = AuditEvent.objects.get(action="user.role_change")
    assert event.changes["role"] == ["", "township_officer"] and event.actor == world.user["sec"]


def test_three_administrators_are_separated(world):
    sys_admin, sec_admin, audit_admin = world.user["sys"], world.user["sec"], world.user["aud"]
    with pytest.raises(PermissionDeniedError):
        services.user_create(actor=sys_admin, username="x", password="Fresh#Start9", authority=world.bureau,
                             role=Role.AUDIT_ADMIN)
    with pytest.raises(PermissionDeniedError):
        services.user_set_role(actor=sys_admin, user=world.user["t1"], role=Role.BUREAU_LEADER)
    with pytest.raises(PermissionDeniedError):
        services.user_set_role(actor=sec_admin, user=sec_admin, role=Role.SYSTEM_ADMIN)
    with pytest.raises(PermissionDeniedError):
        services.user_create(actor=sec_admin, username="y", password="Fresh#Start9", authority=world.bureau)
    with pytest.raises(PermissionDeniedError):
        services.user_set_role(actor=audit_admin, user=world.user["t1"], role=Role.EXPERT)
    # One role per person: granting another role replaces the first, never adds to it.
    services.user_set_role(actor=sec_admin, user=sys_admin, role=Role.AUDIT_ADMIN)
    sys_admin.refresh_from_db()
    assert sys_admin.role == Role.AUDIT_ADMIN
    assert world.client("aud").get("/accounts/users/").status_code == 403
    assert world.client("b1").get("/accounts/users/").status_code == 403


def test_role_must_match_home(world):
    with pytest.raises(ValidationError) as info:
        services.user_set_role(actor=world.user["sec"], user=world.user["e1w"], role=Role.BUREAU_OFFICER)
    assert info.value.error_dict["role"][0].code == "role_home_mismatch"


def test_admin_pages(world):
    sys_client, sec_client = world.client("sys"), world.client("sec")
    response = sys_client.post("/accounts/users/new/", {"username": "wang", "full_name": "王", "password": "weak",
                                                        "authority": world.town2.pk})
    assert response.status_code == 200 and not User.objects.filter(username="wang").exists()
    response = sys_client.post("/accounts/users/new/", {"username": "wang", "full_name": "王",
                                                        "password": "Strong#Pass1", "authority": world.town2.pk})
    assert response.status_code == 302
    wang = User.objects.get(username="wang")
    response = sec_client.post(f"/accounts/users/{wang.pk}/", {"action": "role", "role": "township_officer"})
    assert response.status_code == 302
    wang.refresh_from_db()
    assert wang.role == Role.TOWNSHIP_OFFICER
    # The system admin cannot use the role form.
    assert sys_client.post(f"/accounts/users/{wang.pk}/", {"action": "role", "role": "expert"}).status_code == 403
    # Outside the admin's county: 404.
    other = world.user["b2"]
    assert sys_client.get(f"/accounts/users/{other.pk}/").status_code == 404
