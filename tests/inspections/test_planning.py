"""Credentials (行政执法证), recusals (回避) and annual enforcement plans (年度执法计划): who may write them, the
error codes, their scoping, the progress counts, the pages and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import AuditEvent
from anjian.inspections import planning
from anjian.inspections.models import ChecklistTemplate, EnforcementPlan, Inspection, InspectorCredential, Recusal
from tests.conftest import SYSTEM


def today() -> datetime.date:
    return timezone.localdate()


def issue(world, key="b1", number="浙33048100001", actor="leader", **kw):
    args = {"issuer": "海宁市人民政府", "valid_from": today() - datetime.timedelta(days=1),
            "valid_until": today() + datetime.timedelta(days=365)}
    args.update(kw)
    return planning.credential_create(actor=world.user[actor] if actor else SYSTEM, user=world.user[key],
                                      number=number, **args)


def error_code(exc_info, field):
    return exc_info.value.error_dict[field][0].code


# --- credentials ------------------------------------------------------------------------------------------------


def test_leader_issues_and_revokes_credentials(world):
    c = issue(world)
    assert c.valid_on(today()) and c.created_by == world.user["leader"]
    assert AuditEvent.objects.filter(action="credential.create", object_id=str(c.pk)).exists()
    planning.credential_revoke(actor=world.user["leader"], credential=c)
    c.refresh_from_db()
    assert c.revoked_at is not None and not c.valid_on(today())
    with pytest.raises(ConflictError) as exc:
        planning.credential_revoke(actor=world.user["leader"], credential=c)
    assert exc.value.code == "credential_revoked"


def test_credential_errors(world):
    issue(world)
    with pytest.raises(ValidationError) as exc:
        issue(world, key="leader")
    assert error_code(exc, "number") == "credential_duplicate"
    with pytest.raises(ValidationError) as exc:
        issue(world, number="X-2", valid_from=today(), valid_until=today() - datetime.timedelta(days=1))
    assert error_code(exc, "valid_until") == "invalid_range"
    with pytest.raises(ValidationError) as exc:
        issue(world, key="x1", number="X-3")  # an expert holds no enforcement credential
    assert error_code(exc, "user") == "role_not_eligible"
    with pytest.raises(ValidationError) as exc:
        issue(world, number=" ", valid_from=None)
    assert error_code(exc, "number") == "required" and error_code(exc, "valid_from") == "required"
    # Township officers may hold one; the system job (no leader there) issues it.
    assert issue(world, key="t1", number="X-4", actor=None).user == world.user["t1"]


def test_only_the_leader_of_the_holders_authority_manages_credentials(world):
    with pytest.raises(PermissionDeniedError):
        issue(world, key="b1", actor="b1")
    with pytest.raises(PermissionDeniedError):
        issue(world, key="b2", actor="leader")  # 平湖's officer
    c = issue(world)
    with pytest.raises(PermissionDeniedError):
        planning.credential_revoke(actor=world.user["b1"], credential=c)
    assert set(planning.credentials_visible_to(world.user["leader"])) == {c}
    assert set(planning.credentials_visible_to(world.user["b1"])) == {c}
    for key in ("b2", "d1", "e1", "sys"):
        assert not planning.credentials_visible_to(world.user[key]).exists()


def test_credential_api(world):
    leader = world.client("leader")
    body = {"user": world.user["b1"].pk, "number": "API-1", "issuer": "海宁市人民政府",
            "valid_from": today().isoformat(), "valid_until": (today() + datetime.timedelta(days=30)).isoformat()}
    r = leader.post("/api/credentials/", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["valid_today"] and r.json()["user_name"] == "b1"
    r = leader.post("/api/credentials/", {**body, "user": world.user["leader"].pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert r.json()["fields"]["number"][0]["code"] == "credential_duplicate"
    r = leader.post("/api/credentials/", {**body, "number": "API-2", "valid_until": "2000-01-01"},
                    content_type="application/json")
    assert r.json()["fields"]["valid_until"][0]["code"] == "invalid_range"
    r = world.client("b1").post("/api/credentials/", {**body, "number": "API-3"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = leader.post("/api/credentials/", {**body, "user": world.user["b2"].pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["fields"]["user"][0]["code"] == "not_found"
    cid = InspectorCredential.objects.get(number="API-1").pk
    assert world.client("b2").get(f"/api/credentials/{cid}/").status_code == 404
    assert world.client("b1").get("/api/credentials/").json()["results"][0]["number"] == "API-1"
    r = leader.post(f"/api/credentials/{cid}/revoke/")
    assert r.status_code == 200 and r.json()["revoked_at"] and not r.json()["valid_today"]
    assert leader.post(f"/api/credentials/{cid}/revoke/").json()["code"] == "credential_revoked"


def test_credential_page(world):
    leader = world.client("leader")
    page = leader.get("/inspections/credentials/").content.decode()
    assert 'data-testid="credential-form"' in page and 'name="csrfmiddlewaretoken"' in page
    r = leader.post("/inspections/credentials/", {
        "user": world.user["b1"].pk, "number": "PAGE-1", "issuer": "海宁市人民政府",
        "valid_from": today().isoformat(), "valid_until": (today() + datetime.timedelta(days=9)).isoformat()})
    assert r.status_code == 302
    r = leader.post("/inspections/credentials/", {
        "user": world.user["leader"].pk, "number": "PAGE-1", "valid_from": today().isoformat(),
        "valid_until": today().isoformat()})
    assert r.status_code == 400 and "已登记" in r.content.decode()
    html = world.client("b1").get("/inspections/credentials/").content.decode()
    assert "PAGE-1" in html and 'data-testid="credential-form"' not in html
    assert world.client("b1").post("/inspections/credentials/", {}).status_code == 403
    cid = InspectorCredential.objects.get(number="PAGE-1").pk
    assert world.client("b2").post(f"/inspections/credentials/{cid}/revoke/").status_code == 404
    assert leader.post(f"/inspections/credentials/{cid}/revoke/").status_code == 302
    assert InspectorCredential.objects.get(pk=cid).revoked_at is not None


# --- recusals ---------------------------------------------------------------------------------------------------


def test_recusals_by_the_officer_and_the_leader(world):
    b1, leader = world.user["b1"], world.user["leader"]
    own = planning.recusal_create(actor=b1, user=b1, enterprise=world.e1, reason="配偶任该企业安全员")
    by_leader = planning.recusal_create(actor=leader, user=world.user["x1"], enterprise=world.e2, reason="曾任顾问")
    with pytest.raises(PermissionDeniedError):
        planning.recusal_create(actor=b1, user=leader, enterprise=world.e2, reason="x")
    with pytest.raises(PermissionDeniedError):
        planning.recusal_create(actor=b1, user=b1, enterprise=world.e3, reason="x")  # not in b1's scope
    with pytest.raises(ValidationError) as exc:
        planning.recusal_create(actor=leader, user=b1, enterprise=world.e1, reason="重复")
    assert error_code(exc, "enterprise") == "recusal_duplicate"
    with pytest.raises(ValidationError) as exc:
        planning.recusal_create(actor=b1, user=b1, enterprise=world.e2, reason=" ")
    assert error_code(exc, "reason") == "required"
    with pytest.raises(ValidationError) as exc:
        planning.recusal_create(actor=SYSTEM, user=world.user["e1"], enterprise=world.e2, reason="x")
    assert error_code(exc, "user") == "role_not_eligible"
    assert set(planning.recusals_visible_to(leader)) == {own, by_leader}
    assert set(planning.recusals_visible_to(b1)) == {own}
    assert not planning.recusals_visible_to(world.user["b2"]).exists()
    with pytest.raises(PermissionDeniedError):
        planning.recusal_delete(actor=b1, recusal=own)  # declared, but lifting it is the leader's decision
    planning.recusal_delete(actor=leader, recusal=own)
    assert not Recusal.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.filter(action="recusal.delete", object_id=str(own.pk)).exists()


def test_recusal_api_and_page(world):
    b1 = world.client("b1")
    r = b1.post("/api/recusals/", {"user": world.user["b1"].pk, "enterprise": world.e1.pk, "reason": "亲属"},
                content_type="application/json")
    assert r.status_code == 201 and r.json()["enterprise_name"] == "企业1"
    rid = r.json()["id"]
    r = b1.post("/api/recusals/", {"user": world.user["b1"].pk, "enterprise": world.e1.pk, "reason": "亲属"},
                content_type="application/json")
    assert r.status_code == 400 and r.json()["fields"]["enterprise"][0]["code"] == "recusal_duplicate"
    r = b1.post("/api/recusals/", {"user": world.user["b1"].pk, "enterprise": world.e3.pk, "reason": "x"},
                content_type="application/json")
    assert r.status_code == 400 and r.json()["fields"]["enterprise"][0]["code"] == "not_found"
    assert b1.delete(f"/api/recusals/{rid}/").status_code == 403
    assert world.client("b2").delete(f"/api/recusals/{rid}/").status_code == 404
    assert world.client("leader").delete(f"/api/recusals/{rid}/").status_code == 204

    page = b1.get(f"/inspections/recusals/?enterprise={world.e2.pk}").content.decode()
    assert 'data-testid="recusal-form"' in page
    r = b1.post("/inspections/recusals/", {"user": world.user["b1"].pk, "enterprise": world.e2.uscc,
                                            "reason": "曾在该企业任职"})
    assert r.status_code == 302 and Recusal.objects.get().enterprise == world.e2
    r = b1.post("/inspections/recusals/", {"user": world.user["b1"].pk, "enterprise": "不存在的企业", "reason": "x"})
    assert r.status_code == 400 and "没有这家企业" in r.content.decode()
    assert "企业2" in world.client("leader").get("/inspections/recusals/").content.decode()


# --- plans ------------------------------------------------------------------------------------------------------


def make_plan(world, key="b1", year=None, targets=None):
    plan = planning.plan_create(actor=world.user[key], year=year or today().year, title="")
    if targets is not None:
        planning.plan_set_targets(actor=world.user[key], plan=plan, targets=targets)
    return plan


def test_plan_create_targets_and_approve(world):
    plan = make_plan(world)
    assert plan.authority == world.bureau and plan.state == "draft" and str(today().year) in plan.title
    with pytest.raises(ValidationError) as exc:
        make_plan(world, key="leader")
    assert error_code(exc, "year") == "plan_duplicate"
    with pytest.raises(ValidationError) as exc:
        make_plan(world, year=1999)
    assert error_code(exc, "year") == "invalid_year"
    with pytest.raises(PermissionDeniedError):
        make_plan(world, key="t1")
    with pytest.raises(ValidationError) as exc:
        planning.plan_approve(actor=world.user["leader"], plan=plan)
    assert error_code(exc, "targets") == "plan_empty"

    planning.plan_set_targets(actor=world.user["b1"], plan=plan, targets=[
        {"sector": "textile", "supervision_class": "", "planned": 10},
        {"sector": "", "supervision_class": "A", "planned": "5"},
    ])
    assert sorted(plan.targets.values_list("sector", "supervision_class", "planned")) == [
        ("", "A", 5), ("textile", "", 10)]
    with pytest.raises(PermissionDeniedError):
        planning.plan_approve(actor=world.user["b1"], plan=plan)
    with pytest.raises(PermissionDeniedError):
        planning.plan_set_targets(actor=world.user["b2"], plan=plan, targets=[])
    planning.plan_approve(actor=world.user["leader"], plan=plan)
    plan.refresh_from_db()
    assert plan.state == "approved" and plan.approved_by == world.user["leader"]
    with pytest.raises(ConflictError) as exc:
        planning.plan_set_targets(actor=world.user["b1"], plan=plan, targets=[])
    assert exc.value.code == "plan_approved"


@pytest.mark.parametrize(("line", "code"), [
    ({"sector": "nonsense", "planned": 1}, "invalid_sector"),
    ({"supervision_class": "E", "planned": 1}, "invalid_class"),
    ({"planned": 0}, "invalid_planned"),
    ({"planned": "x"}, "invalid_planned"),
    ({"planned": True}, "invalid_planned"),
])
def test_plan_target_errors(world, line, code):
    plan = make_plan(world)
    with pytest.raises(ValidationError) as exc:
        planning.plan_set_targets(actor=world.user["b1"], plan=plan, targets=[line])
    assert error_code(exc, "targets") == code
    with pytest.raises(ValidationError) as exc:
        planning.plan_set_targets(actor=world.user["b1"], plan=plan, targets=[
            {"sector": "textile", "planned": 1}, {"sector": "textile", "supervision_class": "", "planned": 2}])
    assert error_code(exc, "targets") == "duplicate_target" and "第 2 行" in exc.value.messages[0]


def test_a_department_plans_only_its_own_sectors(world):
    plan = make_plan(world, key="d1")
    with pytest.raises(ValidationError) as exc:
        planning.plan_set_targets(actor=world.user["d1"], plan=plan, targets=[{"sector": "textile", "planned": 3}])
    assert error_code(exc, "targets") == "sector_not_supervised"
    planning.plan_set_targets(actor=world.user["d1"], plan=plan, targets=[
        {"sector": "construction", "planned": 3}, {"sector": "", "supervision_class": "B", "planned": 1}])
    assert plan.targets.count() == 2


def _inspected(world, enterprise, *, authority=None, kind="routine", state="completed", ended=None):
    template = ChecklistTemplate.objects.get(authority__isnull=True, code="general")
    return Inspection.objects.create(
        enterprise=enterprise, region_code=enterprise.region_code, authority=authority or world.bureau, kind=kind,
        state=state, template=template, ended_at=ended or timezone.now(),
    )


def test_plan_progress_counts_distinct_enterprises_the_authority_inspected_in_the_year(world):
    year = today().year
    plan = make_plan(world, targets=[
        {"sector": "textile", "planned": 4},
        {"sector": "construction", "supervision_class": "C", "planned": 2},
        {"sector": "", "supervision_class": "A", "planned": 1},
        {"sector": "", "supervision_class": "", "planned": 10},
    ])
    _inspected(world, world.e1)
    _inspected(world, world.e1, kind="campaign", state="signed")  # the same enterprise again: counted once
    _inspected(world, world.e2, kind="expert")
    # None of these count:
    _inspected(world, world.e1, kind="grid_patrol")
    _inspected(world, world.e1, kind="self_inspection", authority=None)
    _inspected(world, world.e2, state="planned")
    _inspected(world, world.e2, state="cancelled")
    _inspected(world, world.e3, authority=world.bureau2)
    _inspected(world, world.e3, ended=timezone.make_aware(datetime.datetime(year - 1, 12, 31, 23, 30)))
    rows = planning.plan_progress(plan)
    by_label = {(r["sector"], r["supervision_class"]): r for r in rows if r["target"] is not None}
    assert by_label[("textile", "")]["done"] == 1 and by_label[("textile", "")]["rate"] == 0.25
    assert by_label[("construction", "C")]["done"] == 1 and by_label[("construction", "C")]["percent"] == 50.0
    assert by_label[("", "A")]["done"] == 0
    assert by_label[("", "")]["done"] == 2
    total = rows[-1]
    assert total["target"] is None and total["planned"] == 17 and total["done"] == 2
    # The year is the local calendar year: 00:30 on 1 January in Shanghai is still 31 December in UTC.
    _inspected(world, world.e3, ended=timezone.make_aware(datetime.datetime(year, 1, 1, 0, 30)))
    assert planning.plan_progress(plan)[-1]["done"] == 3


def test_plans_are_scoped(world):
    bureau_plan, dept_plan = make_plan(world), make_plan(world, key="d1")
    assert set(planning.plans_visible_to(world.user["leader"])) == {bureau_plan, dept_plan}
    assert set(planning.plans_visible_to(world.user["d1"])) == {dept_plan}
    for key in ("b2", "t1", "g1", "e1"):
        assert not planning.plans_visible_to(world.user[key]).exists()
        client = world.client(key)
        assert client.get(f"/inspections/plans/{bureau_plan.pk}/").status_code == 404
        assert client.get(f"/api/enforcement-plans/{bureau_plan.pk}/").status_code == 404
        assert client.post(f"/api/enforcement-plans/{bureau_plan.pk}/approve/").status_code == 404
    assert world.client("d1").get(f"/api/enforcement-plans/{bureau_plan.pk}/").status_code == 404


def test_plan_pages(world):
    client = world.client("b1")
    page = client.get("/inspections/plans/").content.decode()
    assert 'data-testid="plan-form"' in page and 'name="csrfmiddlewaretoken"' in page
    r = client.post("/inspections/plans/", {"year": today().year, "title": "海宁市应急管理局年度监督检查计划"})
    assert r.status_code == 302
    plan = EnforcementPlan.objects.get()
    assert r["Location"] == f"/inspections/plans/{plan.pk}/"
    html = client.get(r["Location"]).content.decode()
    assert 'data-testid="target-form"' in html and 'data-testid="approve-plan"' not in html
    form = {"t-TOTAL_FORMS": "3", "t-INITIAL_FORMS": "0", "t-0-sector": "textile", "t-0-supervision_class": "",
            "t-0-planned": "8", "t-1-sector": "", "t-1-supervision_class": "A", "t-1-planned": "2",
            "t-2-sector": "", "t-2-supervision_class": "", "t-2-planned": ""}
    assert client.post(f"/inspections/plans/{plan.pk}/targets/", form).status_code == 302
    assert plan.targets.count() == 2
    r = client.post(f"/inspections/plans/{plan.pk}/targets/", {**form, "t-1-sector": "textile",
                                                                 "t-1-supervision_class": ""})
    assert r.status_code == 400 and "重复" in r.content.decode() and plan.targets.count() == 2
    leader = world.client("leader")
    html = leader.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert 'data-testid="approve-plan"' in html and 'data-testid="plan-progress"' in html and "<progress" in html
    assert leader.post(f"/inspections/plans/{plan.pk}/approve/").status_code == 302
    plan.refresh_from_db()
    assert plan.state == "approved"
    assert 'data-testid="target-form"' not in client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert world.client("t1").post("/inspections/plans/", {"year": today().year}).status_code == 403


def test_plan_api(world):
    client = world.client("b1")
    r = client.post("/api/enforcement-plans/", {"year": today().year}, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "draft"
    pid = r.json()["id"]
    r = client.post("/api/enforcement-plans/", {"year": today().year}, content_type="application/json")
    assert r.status_code == 400 and r.json()["fields"]["year"][0]["code"] == "plan_duplicate"
    r = client.post(f"/api/enforcement-plans/{pid}/targets/", {"targets": [{"sector": "x", "planned": 1}]},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["fields"]["targets"][0]["code"] == "invalid_sector"
    r = client.post(f"/api/enforcement-plans/{pid}/targets/", {"targets": [{"sector": "textile", "planned": 3}]},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["targets"][0]["planned"] == 3
    _inspected(world, world.e1)
    progress = client.get(f"/api/enforcement-plans/{pid}/").json()["progress"]
    assert progress[0]["done"] == 1 and progress[-1]["target"] is None and progress[-1]["label"] == "合计"
    assert client.post(f"/api/enforcement-plans/{pid}/approve/").status_code == 403
    assert world.client("leader").post(f"/api/enforcement-plans/{pid}/approve/").json()["state"] == "approved"
    r = client.post(f"/api/enforcement-plans/{pid}/targets/", {"targets": []}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "plan_approved"
    assert [p["id"] for p in client.get("/api/enforcement-plans/").json()["results"]] == [pid]
    assert world.client("b2").get("/api/enforcement-plans/").json()["results"] == []


# --- found in review -------------------------------------------------------------------------------------------


def test_the_bureau_leader_keeps_credentials_and_recusals_of_departments_and_townships(world):
    import datetime

    from django.utils import timezone

    from anjian.inspections import planning

    today = timezone.localdate()
    leader = world.user["leader"]
    for key in ("d1", "t1"):
        planning.credential_create(actor=leader, user=world.user[key], number=f"R-{key}", issuer="浙江省人民政府",
                                   valid_from=today, valid_until=today + datetime.timedelta(days=30))
        recusal = planning.recusal_create(actor=world.user[key], user=world.user[key], enterprise=world.e2
                                          if key == "d1" else world.e1, reason="亲属")
        planning.recusal_delete(actor=leader, recusal=recusal)
    assert {c.user.username for c in planning.credentials_visible_to(leader)} >= {"d1", "t1"}
    with pytest.raises(Exception):  # noqa: B017 — another county's leader does not
        planning.credential_create(actor=world.user["b2"], user=world.user["t2"], number="R-x", issuer="x",
                                   valid_from=today, valid_until=today)
