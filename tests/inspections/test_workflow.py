"""The inspection lifecycle through the services: plan → start → walk item by item → findings become
hazards → end → sign (re-authenticated, bound to the record's hash) → archived; refusals, addenda, tampering,
and who may do what."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from anjian.accounts.models import LoginFailure
from anjian.core.errors import ConflictError, PermissionDeniedError, ServiceError
from anjian.core.models import AuditEvent, Notification
from anjian.hazards.models import Hazard
from anjian.inspections import services
from anjian.inspections.choices import InspectionState, SignatureKind, SignerRole
from anjian.inspections.models import Inspection, InspectionItem, Recusal
from anjian.inspections.queries import inspections_visible_to
from anjian.rules import checklists as rules_checklists
from tests.conftest import PASSWORD
from tests.inspections.conftest import credential, plan, shipped, today, walk


def test_shipped_templates_are_loaded_after_migrate(db):
    for t in rules_checklists.TEMPLATES:
        row = shipped(t.code)
        assert row.version == t.version and row.state == "published"
        assert [i.code for i in row.items.all()] == [i.code for i in t.items]
    hazchem = shipped("hazchem_major")
    assert hazchem.items.count() == 20 and all(i.criterion_code for i in hazchem.items.all())


def test_plan_copies_the_template_version_and_team(team):
    w = team
    inspection = plan(w, planned_date=today())
    assert inspection.state == InspectionState.PLANNED and inspection.authority == w.bureau
    assert inspection.items_total == shipped().items.count() == inspection.items.count()
    members = {m.user.username: (m.role, m.credential_number) for m in inspection.members.all()}
    assert members == {"b1": ("lead", "33048100001"), "leader": ("inspector", "33048100002")}
    # The enterprise's managers are told of a routine inspection; the other member is assigned.
    assert Notification.objects.filter(recipient=w.user["e1"], kind="inspection.planned").exists()
    assert Notification.objects.filter(recipient=w.user["leader"], kind="inspection.assigned").exists()
    assert AuditEvent.objects.filter(action="inspection.plan", object_id=str(inspection.pk)).exists()


def test_enforcement_needs_two_credentialed_inspectors(team):
    w = team
    with pytest.raises(ValidationError) as exc:
        plan(w, members=())
    assert exc.value.error_dict["members"][0].code == "team_invalid"
    # A lapsed credential does not count.
    w.user["leader"].credentials.update(valid_until=today() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        plan(w)
    assert not Inspection.objects.exists()


def test_grid_patrol_and_expert_checks_need_no_credentials(world):
    patrol = plan(world, kind="grid_patrol", actor="g1", members=())
    assert patrol.authority == world.town1 and patrol.members.count() == 1
    expert = plan(world, kind="expert", actor="x1", members=())
    assert expert.kind == "expert"


def test_roles_and_scope_decide_who_plans_what(team):
    w = team
    with pytest.raises(ValidationError) as exc:
        plan(w, kind="routine", actor="g1", members=())
    assert exc.value.error_dict["kind"][0].code == "kind_not_allowed"
    with pytest.raises(PermissionDeniedError):
        plan(w, actor="b2", members=(), enterprise=w.e1)  # 平湖 cannot inspect 海宁's enterprise
    with pytest.raises(ValidationError):
        plan(w, members=("b2",))  # b2's jurisdiction does not hold e1
    with pytest.raises(PermissionDeniedError):
        plan(w, kind="self_inspection", actor="e1", members=(), enterprise=w.e2)


def test_a_recused_officer_cannot_join(team):
    w = team
    Recusal.objects.create(user=w.user["leader"], enterprise=w.e1, reason="亲属在该企业任职")
    with pytest.raises(ValidationError) as exc:
        plan(w)
    assert "回避" in str(exc.value)


def test_unannounced_inspections_are_hidden_from_the_enterprise_until_they_start(team):
    w = team
    inspection = plan(w, kind="unannounced")
    assert not Notification.objects.filter(recipient__enterprise=w.e1).exists()
    assert not inspections_visible_to(w.user["e1"]).filter(pk=inspection.pk).exists()
    assert inspections_visible_to(w.user["b1"]).filter(pk=inspection.pk).exists()
    services.inspection_start(actor=w.user["b1"], inspection=inspection)
    assert inspections_visible_to(w.user["e1"]).filter(pk=inspection.pk).exists()
    assert Notification.objects.filter(recipient=w.user["e1"], kind="inspection.started").exists()


def test_covert_visits_stay_hidden_until_they_end(team):
    w = team
    inspection = plan(w, kind="covert")
    services.inspection_start(actor=w.user["b1"], inspection=inspection)
    assert not inspections_visible_to(w.user["e1m"]).filter(pk=inspection.pk).exists()
    assert not Notification.objects.filter(recipient__enterprise=w.e1).exists()
    walk(w, inspection, failed=())
    assert inspections_visible_to(w.user["e1m"]).filter(pk=inspection.pk).exists()
    assert Notification.objects.filter(recipient=w.user["e1"], kind="inspection.completed").exists()


def test_answers_move_the_counters_and_need_a_running_walk(team):
    w = team
    inspection = plan(w)
    item = inspection.items.order_by("position").first()
    with pytest.raises(ConflictError) as exc:
        services.item_answer(actor=w.user["b1"], item=item, result="compliant")
    assert exc.value.extra["current_state"] == "planned"
    services.inspection_start(
        actor=w.user["b1"], inspection=inspection, location="厂区", latitude="30.5123456789", longitude="120.68"
    )
    services.item_answer(actor=w.user["b1"], item=item, result="non_compliant", note="未建立责任制")
    services.item_answer(actor=w.user["leader"], item=item, result="non_compliant", note="补充说明")
    inspection.refresh_from_db()
    assert (inspection.items_answered, inspection.items_failed) == (1, 1)
    assert str(inspection.latitude) == "30.512346"
    services.item_answer(actor=w.user["b1"], item=item, result="compliant")
    inspection.refresh_from_db()
    assert (inspection.items_answered, inspection.items_failed) == (1, 0)
    with pytest.raises(ValidationError):
        services.item_answer(actor=w.user["b1"], item=item, result="maybe")
    with pytest.raises(PermissionDeniedError):
        services.item_answer(actor=w.user["x1"], item=item, result="compliant")  # not on the team


def test_the_walk_cannot_end_with_items_unanswered(team):
    w = team
    inspection = services.inspection_start(actor=w.user["b1"], inspection=plan(w))
    with pytest.raises(ServiceError) as exc:
        services.inspection_complete(actor=w.user["b1"], inspection=inspection)
    assert exc.value.code == "items_pending" and exc.value.extra["pending"] == inspection.items_total


def test_a_finding_becomes_a_hazard_in_one_step(team):
    w = team
    inspection = walk(w, plan(w), failed=(0, 1))
    first, second = inspection.items.filter(result="non_compliant").order_by("position")[:2]
    hazard = services.item_to_hazard(actor=w.user["b1"], item=first, category="management")
    assert hazard.state == "reported" and hazard.route == "enforcement_inspection"
    assert hazard.source_reference.startswith(inspection.number) and first.requirement in hazard.description
    first.refresh_from_db()
    assert first.hazard == hazard
    with pytest.raises(ConflictError):
        services.item_to_hazard(actor=w.user["b1"], item=first)
    # An officer may grade it at once.
    graded = services.item_to_hazard(actor=w.user["b1"], item=second, grade="general")
    assert graded.state == "confirmed" and graded.grade == "general"
    inspection.refresh_from_db()
    assert inspection.hazards_found == 2
    compliant = inspection.items.filter(result="compliant").first()
    with pytest.raises(ConflictError):
        services.item_to_hazard(actor=w.user["b1"], item=compliant)


def test_a_criterion_item_becomes_a_major_hazard_under_its_criterion(team):
    w = team
    dust = shipped("dust")
    item_position = next(i.position for i in dust.items.all() if i.criterion_code)
    inspection = plan(w, template=dust)
    index = [i.position for i in inspection.items.order_by("position")].index(item_position)
    inspection = walk(w, inspection, failed=(index,))
    item = inspection.items.get(result="non_compliant")
    hazard = services.item_to_hazard(actor=w.user["b1"], item=item, grade="major")
    assert hazard.grade == "major" and hazard.criterion_code == item.criterion_code


def test_grid_officers_report_findings_without_grading(world):
    patrol = walk(world, plan(world, kind="grid_patrol", actor="g1", members=()), actor="g1")
    item = patrol.items.get(result="non_compliant")
    hazard = services.item_to_hazard(actor=world.user["g1"], item=item)
    assert hazard.route == "grid_patrol" and hazard.state == "reported"
    item2 = patrol.items.filter(result="compliant").first()
    with pytest.raises(ConflictError):
        services.item_to_hazard(actor=world.user["g1"], item=item2)


def test_signatures_reauthenticate_and_archive_the_record(team):
    w = team
    inspection = walk(w, plan(w))
    assert inspection.state == InspectionState.COMPLETED and len(inspection.content_hash) == 64
    with pytest.raises(services.ReauthError):
        services.inspection_sign(actor=w.user["b1"], inspection=inspection, password="wrong")
    assert LoginFailure.objects.filter(username="b1").count() == 1  # counts towards the lockout
    services.inspection_sign(actor=w.user["b1"], inspection=inspection, password=PASSWORD)
    with pytest.raises(ConflictError) as exc:
        services.inspection_sign(actor=w.user["b1"], inspection=inspection, password=PASSWORD)
    assert exc.value.code == "already_signed"
    services.inspection_sign(actor=w.user["leader"], inspection=inspection, password=PASSWORD)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.COMPLETED  # the enterprise has not signed yet
    # The representative signs on the inspector's phone with their own account.
    services.inspection_sign(actor=w.user["b1"], inspection=inspection, username="e1m", password=PASSWORD)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SIGNED
    sigs = {s.name: s for s in inspection.signatures.all()}
    assert sigs["e1m"].role == SignerRole.ENTERPRISE and sigs["e1m"].content_hash == inspection.content_hash
    report = services.integrity(inspection)
    assert report["record_intact"] is True and all(s["valid"] for s in report["signatures"])


def test_only_the_team_and_the_units_managers_can_sign(team):
    w = team
    inspection = walk(w, plan(w))
    with pytest.raises(PermissionDeniedError):
        services.inspection_sign(actor=w.user["x1"], inspection=inspection, password=PASSWORD)
    with pytest.raises(PermissionDeniedError):  # an employee is not the unit's representative
        services.inspection_sign(actor=w.user["b1"], inspection=inspection, username="e1w", password=PASSWORD)
    with pytest.raises(PermissionDeniedError):  # another enterprise's principal
        services.inspection_sign(actor=w.user["b1"], inspection=inspection, username="e2", password=PASSWORD)
    with pytest.raises(PermissionDeniedError):  # a stranger cannot sign for someone on their device
        services.inspection_sign(actor=w.user["x1"], inspection=inspection, username="e1", password=PASSWORD)


def test_a_refusal_is_recorded_with_a_witness_and_reported(team):
    w = team
    inspection = walk(w, plan(w))
    with pytest.raises(ValidationError):
        services.inspection_refuse(actor=w.user["b1"], inspection=inspection, representative_name="", reason="")
    services.inspection_refuse(
        actor=w.user["b1"],
        inspection=inspection,
        representative_name="王五",
        reason="不认可检查结论",
        witness_name="村委会主任李六",
    )
    refusal = inspection.signatures.get(role=SignerRole.ENTERPRISE)
    assert refusal.kind == SignatureKind.REFUSED and refusal.witness == w.user["b1"]
    assert Notification.objects.filter(recipient=w.user["leader"], kind="inspection.refused").exists()
    with pytest.raises(ConflictError):
        services.inspection_sign(actor=w.user["b1"], inspection=inspection, username="e1", password=PASSWORD)
    for key in ("b1", "leader"):
        services.inspection_sign(actor=w.user[key], inspection=inspection, password=PASSWORD)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SIGNED


def test_a_change_after_signing_breaks_the_signatures_visibly(team):
    w = team
    inspection = walk(w, plan(w))
    services.inspection_sign(actor=w.user["b1"], inspection=inspection, password=PASSWORD)
    # Someone edits the record behind the application's back.
    InspectionItem.objects.filter(inspection=inspection, result="non_compliant").update(result="compliant")
    report = services.integrity(inspection)
    assert report["record_intact"] is False and report["signatures"][0]["valid"] is False
    with pytest.raises(ConflictError) as exc:
        services.inspection_sign(actor=w.user["leader"], inspection=inspection, password=PASSWORD)
    assert exc.value.code == "record_tampered"


def test_a_forged_signature_row_does_not_verify(team):
    w = team
    inspection = walk(w, plan(w))
    services.inspection_sign(actor=w.user["b1"], inspection=inspection, password=PASSWORD)
    inspection.signatures.update(name="冒名")
    assert services.integrity(inspection)["signatures"][0]["valid"] is False


def test_a_signed_record_is_corrected_only_by_an_addendum(team):
    w = team
    inspection = walk(w, plan(w))
    first_hash = inspection.content_hash
    with pytest.raises(ConflictError):
        services.item_answer(actor=w.user["b1"], item=inspection.items.first(), result="compliant")
    a1 = services.inspection_addendum(actor=w.user["b1"], inspection=inspection, text="第1项应为“部分落实”。")
    a2 = services.inspection_addendum(actor=w.user["leader"], inspection=inspection, text="补充：已拍照取证。")
    assert a1.prev_hash == first_hash and a2.prev_hash == a1.hash
    with pytest.raises(PermissionDeniedError):
        services.inspection_addendum(actor=w.user["e1"], inspection=inspection, text="企业不能补充检查记录")
    inspection.refresh_from_db()
    assert inspection.content_hash == first_hash and services.integrity(inspection)["record_intact"]


def test_self_inspection_is_signed_by_the_enterprise_itself(world):
    small = shipped("small_self")
    inspection = plan(world, kind="self_inspection", actor="e1m", members=(), template=small)
    assert inspection.authority is None
    inspection = walk(world, inspection, actor="e1m", failed=())
    services.inspection_sign(actor=world.user["e1m"], inspection=inspection, password=PASSWORD)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SIGNED


def test_cancel_only_before_it_starts(team):
    w = team
    inspection = plan(w)
    with pytest.raises(ValidationError):
        services.inspection_cancel(actor=w.user["b1"], inspection=inspection, reason="")
    with pytest.raises(PermissionDeniedError):
        services.inspection_cancel(actor=w.user["x1"], inspection=inspection, reason="x")
    services.inspection_cancel(actor=w.user["b1"], inspection=inspection, reason="企业停产")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CANCELLED
    with pytest.raises(ConflictError):
        services.inspection_start(actor=w.user["b1"], inspection=inspection)


def test_the_credential_is_checked_again_on_the_day(team):
    w = team
    inspection = plan(w)
    w.user["leader"].credentials.update(revoked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError):
        services.inspection_start(actor=w.user["b1"], inspection=inspection)
    credential(w.user["leader"], "33048100009")
    started = services.inspection_start(actor=w.user["b1"], inspection=inspection)
    assert started.members.get(user=w.user["leader"]).credential_number == "33048100009"


def test_earlier_inspections_show_who_signed_when_a_hazard_is_found_later(team):
    from anjian.hazards import services as hazard_services
    from anjian.inspections.queries import earlier_inspections

    w = team
    inspection = walk(w, plan(w), failed=())
    services.inspection_sign(actor=w.user["b1"], inspection=inspection, password=PASSWORD)
    hazard = hazard_services.hazard_report(
        actor=w.user["e1w"],
        enterprise=w.e1,
        data={"location": "仓库", "description": "灭火器过期", "category": "equipment"},
    )
    earlier = list(earlier_inspections(w.e1.pk, hazard.found_at, 90))
    assert earlier == [inspection]
    assert [s.name for s in earlier[0].signatures.all()] == ["b1"]
    assert not list(earlier_inspections(w.e2.pk, hazard.found_at, 90))
    assert Hazard.objects.count() == 1


# --- found in review -------------------------------------------------------------------------------------------


def test_a_covert_visit_cannot_turn_findings_into_hazards_before_it_ends(team):
    w = team
    inspection = services.inspection_start(actor=w.user["b1"], inspection=plan(w, kind="covert"))
    item = inspection.items.order_by("position").first()
    services.item_answer(actor=w.user["b1"], item=item, result="non_compliant", note="x")
    with pytest.raises(ConflictError) as exc:
        services.item_to_hazard(actor=w.user["b1"], item=item)
    assert exc.value.code == "hidden_inspection"
    assert not Hazard.objects.exists() and not Notification.objects.filter(recipient__enterprise=w.e1).exists()
    for other in inspection.items.exclude(pk=item.pk):
        services.item_answer(actor=w.user["b1"], item=other, result="compliant")
    services.inspection_complete(actor=w.user["b1"], inspection=inspection)
    assert services.item_to_hazard(actor=w.user["b1"], item=item).state == "reported"


def test_renaming_the_enterprise_later_does_not_break_the_signatures(team):
    from anjian.enterprises import services as enterprise_services

    w = team
    inspection = walk(w, plan(w))
    services.inspection_sign(actor=w.user["b1"], inspection=inspection, password=PASSWORD)
    enterprise_services.enterprise_update(actor=w.user["b1"], enterprise=w.e1, data={"name": "企业1（更名）"})
    w.user["leader"].full_name = "新名字"
    w.user["leader"].save()
    report = services.integrity(inspection)
    assert report["record_intact"] is True and report["signatures"][0]["valid"] is True
    services.inspection_sign(actor=w.user["leader"], inspection=inspection, password=PASSWORD)


def test_a_non_finite_position_is_a_field_error(team):
    w = team
    with pytest.raises(ValidationError) as exc:
        services.inspection_start(actor=w.user["b1"], inspection=plan(w), latitude="NaN", longitude="Infinity")
    assert set(exc.value.error_dict) == {"latitude", "longitude"}


def test_a_refusal_on_a_patrol_is_reported_to_the_regions_bureau_leaders(world):
    patrol = walk(world, plan(world, kind="grid_patrol", actor="g1", members=()), actor="g1")
    services.inspection_refuse(actor=world.user["g1"], inspection=patrol, representative_name="王五", reason="不认可")
    assert Notification.objects.filter(recipient=world.user["leader"], kind="inspection.refused").exists()


def test_team_and_partners_must_hold_the_enterprise(team):
    from anjian.accounts import services as account_services
    from anjian.accounts.roles import Role
    from tests.conftest import SYSTEM

    w = team
    outsider = account_services.user_create(actor=SYSTEM, username="x2", password=PASSWORD, full_name="平湖专家",
                                            role=Role.EXPERT, authority=w.bureau2)
    with pytest.raises(ValidationError):
        services.inspection_plan(actor=w.user["b1"], enterprise=w.e1, kind="routine", template=shipped(),
                                 members=[w.user["leader"], outsider])
    with pytest.raises(ValidationError) as exc:
        plan(w, partners=[w.dept])
    assert exc.value.error_dict["partners"][0].code == "not_joint"
    with pytest.raises(ValidationError) as exc:
        plan(w, kind="joint", partners=[w.bureau2])
    assert exc.value.error_dict["partners"][0].code == "partner_out_of_scope"
    assert plan(w, kind="joint", partners=[w.dept]).partners.get() == w.dept


def test_a_rejected_report_no_longer_counts_as_found(team):
    from anjian.hazards import services as hazard_services

    w = team
    inspection = walk(w, plan(w))
    hazard = services.item_to_hazard(actor=w.user["b1"], item=inspection.items.get(result="non_compliant"))
    hazard_services.hazard_reject(actor=w.user["e1m"], hazard=hazard, reason="已当场整改")
    inspection.refresh_from_db()
    assert inspection.hazards_found == 0


def test_who_may_not_sign_is_told_so_before_any_password_check(team):
    w = team
    inspection = walk(w, plan(w))
    with pytest.raises(PermissionDeniedError):
        services.inspection_sign(actor=w.user["e1w"], inspection=inspection, username="leader", password="wrong")
    assert not LoginFailure.objects.exists()
