"""The hazard lifecycle through the services: general and major, returns and accountability,
temporary control, extensions, listing and close-out; who may take each step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import AuditEvent, Notification
from anjian.hazards import services
from anjian.hazards.models import HazardEvent, SupervisionListing
from anjian.hazards.queries import counters_for
from tests.hazards.conftest import general_plan, jpeg, major_plan, rectifying_general, rectifying_major, report, today


def _refresh(h):
    h.refresh_from_db()
    return h


def test_general_hazard_from_phone_report_to_close(world, django_capture_on_commit_callbacks):
    u = world.user
    with django_capture_on_commit_callbacks(execute=True):
        hazard = services.hazard_report(
            actor=u["e1w"],
            enterprise=world.e1,
            data={"location": "一号车间", "description": "配电箱门未关闭", "category": "equipment"},
            photos=[jpeg(gps=(30.5123, 120.6789))],
        )
    assert hazard.state == "reported" and hazard.route == "employee_report" and hazard.region_code == world.t1.code
    photo = hazard.photos.get()
    assert photo.kind == "before" and float(photo.latitude) == pytest.approx(30.5123, abs=1e-4)
    assert float(photo.longitude) == pytest.approx(120.6789, abs=1e-4)
    assert set(Notification.objects.filter(kind="hazard.reported").values_list("recipient__username", flat=True)) == {
        "e1",
        "e1m",
    }

    services.hazard_confirm(actor=u["e1m"], hazard=hazard, grade="general")
    with pytest.raises(services.PlanIncompleteError) as exc:
        services.hazard_start(actor=u["e1m"], hazard=hazard)
    assert exc.value.extra["missing"] == ["measures", "responsible_name", "deadline"]
    services.hazard_start(actor=u["e1m"], hazard=hazard, data=general_plan(world))
    assert _refresh(hazard).state == "rectifying" and hazard.responsible_user == u["e1w"]

    services.hazard_submit(actor=u["e1w"], hazard=hazard, note="已加锁", photos=[jpeg("after.jpg")])
    services.hazard_return(actor=u["e1m"], hazard=hazard, reason="锁具不合格")
    assert _refresh(hazard).state == "rectifying" and hazard.return_count == 1 and not hazard.accountability_flag
    services.hazard_submit(actor=u["e1w"], hazard=hazard, note="已更换锁具")
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_return(actor=u["e1m"], hazard=hazard, reason="仍未上锁")
    assert _refresh(hazard).accountability_flag and hazard.return_count == 2
    assert Notification.objects.filter(kind="hazard.accountability", recipient=u["leader"]).exists()
    assert not Notification.objects.filter(kind="hazard.accountability", recipient=u["b2"]).exists()

    services.hazard_submit(actor=u["e1m"], hazard=hazard, note="已上锁并张贴警示")
    with pytest.raises(PermissionDeniedError) as denied:  # the one who handed it in cannot accept it
        services.hazard_verify(actor=u["e1m"], hazard=hazard)
    assert denied.value.code == "self_verification"
    services.hazard_verify(actor=u["e1"], hazard=hazard, note="合格")
    hazard = _refresh(hazard)
    assert hazard.state == "closed" and hazard.verified_by == u["e1"]
    assert [p.kind for p in hazard.photos.all()] == ["before", "after"]
    actions = list(HazardEvent.objects.filter(hazard=hazard).values_list("action", flat=True))
    assert actions == ["report", "confirm", "start", "submit", "return", "submit", "return", "submit", "verify"]
    assert AuditEvent.objects.filter(action="hazard.verify", object_id=str(hazard.pk)).exists()
    figures = counters_for(u["b1"])
    assert (figures["found"], figures["rectified"], figures["open"], figures["rate"]) == (1, 1, 0, 100.0)


def test_reject_needs_reason_and_ends_it(world):
    hazard = report(world)
    with pytest.raises(ValidationError):
        services.hazard_reject(actor=world.user["e1m"], hazard=hazard, reason="  ")
    services.hazard_reject(actor=world.user["e1m"], hazard=hazard, reason="已有防护罩，非隐患")
    assert _refresh(hazard).state == "rejected"
    with pytest.raises(ConflictError) as exc:
        services.hazard_confirm(actor=world.user["e1m"], hazard=hazard, grade="general")
    assert exc.value.extra == {"current_state": "rejected", "action": "confirm"}
    assert counters_for(world.user["b1"])["found"] == 0


def test_employee_cannot_confirm_or_verify(world):
    hazard = report(world)
    with pytest.raises(PermissionDeniedError):
        services.hazard_confirm(actor=world.user["e1w"], hazard=hazard, grade="general")


def test_major_needs_a_criterion_that_applies(world):
    hazard = report(world, key="b1", route="enforcement_inspection")
    with pytest.raises(ValidationError) as exc:
        services.hazard_confirm(actor=world.user["b1"], hazard=hazard, grade="major")
    assert "criterion_code" in exc.value.error_dict
    with pytest.raises(ValidationError):  # a coal-mine item does not apply to a textile mill
        services.hazard_confirm(actor=world.user["b1"], hazard=hazard, grade="major", criterion_code="coal_2024.36.2")
    services.hazard_confirm(actor=world.user["b1"], hazard=hazard, grade="major", criterion_code="gongmao_2023.13.2")
    assert "第十三条第2项" in _refresh(hazard).criterion_text


def test_major_without_catalogue_names_its_basis(world):
    hazard = report(world, key="d1", enterprise=world.e2, route="department_inspection")
    with pytest.raises(ValidationError) as exc:
        services.hazard_confirm(actor=world.user["d1"], hazard=hazard, grade="major")
    assert "basis" in exc.value.error_dict
    services.hazard_confirm(
        actor=world.user["d1"], hazard=hazard, grade="major", basis="深基坑支护失效，依据住建部重大隐患判定标准"
    )
    assert _refresh(hazard).criterion_text.startswith("深基坑")


def test_major_hazard_plan_listing_and_close_out(world, django_capture_on_commit_callbacks):
    u = world.user
    hazard = report(
        world, key="b1", route="enforcement_inspection", location="除尘间", description="不同类别粉尘共用除尘系统"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_confirm(actor=u["e1m"], hazard=hazard, grade="major", criterion_code="gongmao_2023.11.2")
    notified = set(
        Notification.objects.filter(kind="hazard.major_confirmed").values_list("recipient__username", flat=True)
    )
    assert {"e1", "e1m", "b1", "leader"} <= notified and "b2" not in notified and "d1" not in notified

    with pytest.raises(services.PlanIncompleteError) as exc:
        services.hazard_start(
            actor=u["e1m"], hazard=hazard, data={"measures": "更换", "deadline": today() + datetime.timedelta(days=30)}
        )
    assert exc.value.extra["missing"] == [
        "responsible_name",
        "funds",
        "contingency_plan",
        "plan_goals",
        "plan_safety_measures",
        "production_stop",
        "report_state_cause",
        "report_harm_difficulty",
    ]
    assert _refresh(hazard).state == "confirmed" and hazard.measures == ""  # nothing half-written
    services.hazard_save_plan(actor=u["e1m"], hazard=hazard, data=major_plan())
    services.hazard_start(actor=u["e1m"], hazard=hazard)
    hazard = _refresh(hazard)
    assert hazard.state == "rectifying" and hazard.plan_reported_at is not None

    with pytest.raises(PermissionDeniedError):  # townships do not list for supervision
        services.listing_create(
            actor=u["t1"], hazard=hazard, document_number="x", deadline=today(), government_contact="y"
        )
    listing = services.listing_create(
        actor=u["b1"],
        hazard=hazard,
        document_number="海应急督〔2026〕1号",
        deadline=today() + datetime.timedelta(days=90),
        government_contact="王局长",
        publicly_announced=True,
    )
    assert listing.level == "county" and _refresh(hazard).listed
    with pytest.raises(ConflictError):
        services.listing_create(
            actor=u["leader"], hazard=hazard, document_number="2", deadline=today(), government_contact="y"
        )
    assert counters_for(u["b1"])["listed"] == 1

    with pytest.raises(ValidationError):  # close-out needs evidence
        services.hazard_submit(actor=u["e1m"], hazard=hazard, note="已改造")
    services.hazard_submit(actor=u["e1m"], hazard=hazard, note="已改造", photos=[jpeg("after.jpg")])
    for key in ("e1", "t1", "x1"):  # enterprise, township and expert cannot close out a major hazard
        with pytest.raises(PermissionDeniedError):
            services.hazard_verify(actor=u[key], hazard=hazard, close_out_document="x")
    with pytest.raises(ValidationError):
        services.hazard_verify(actor=u["b1"], hazard=hazard)
    services.hazard_verify(actor=u["b1"], hazard=hazard, close_out_document="海应急销〔2026〕1号")
    hazard = _refresh(hazard)
    assert hazard.state == "closed" and not hazard.listed
    listing = SupervisionListing.objects.get(pk=listing.pk)
    assert listing.lifted_at is not None and listing.lift_document == "海应急销〔2026〕1号"
    figures = counters_for(u["b1"])
    assert (figures["major_found"], figures["major_rectified"], figures["major_open"], figures["listed"]) == (
        1,
        1,
        0,
        0,
    )


def test_temporary_control_checkins_and_resume(world):
    u = world.user
    hazard = rectifying_general(world)
    with pytest.raises(ValidationError):
        services.hazard_temporary_control(
            actor=u["e1m"], hazard=hazard, contingency_plan="", monitoring_measures="m", reason="r"
        )
    services.hazard_temporary_control(
        actor=u["e1m"],
        hazard=hazard,
        contingency_plan="预案",
        monitoring_measures="每班巡检",
        checkin_interval_days=3,
        reason="需等待设备到货",
    )
    hazard = _refresh(hazard)
    assert hazard.state == "temporary_control" and hazard.next_checkin_due == today() + datetime.timedelta(days=3)
    with pytest.raises(ConflictError):
        services.hazard_submit(actor=u["e1w"], hazard=hazard, note="x")
    services.hazard_checkin(actor=u["e1w"], hazard=hazard, note="监控正常")
    services.hazard_resume(actor=u["e1m"], hazard=hazard, reason="设备已到货")
    assert _refresh(hazard).state == "rectifying" and hazard.next_checkin_due is None


def test_extension_general_by_principal_major_by_authority(world):
    u = world.user
    hazard = rectifying_general(world, days=5)
    new = today() + datetime.timedelta(days=20)
    with pytest.raises(ValidationError):
        services.extension_request(actor=u["e1w"], hazard=hazard, new_deadline=today(), reason="来不及")
    ext = services.extension_request(actor=u["e1w"], hazard=hazard, new_deadline=new, reason="配件缺货")
    with pytest.raises(ConflictError):
        services.extension_request(actor=u["e1w"], hazard=hazard, new_deadline=new, reason="again")
    for key in ("e1w", "e1m"):  # the applicant and the safety manager may not decide a general one
        with pytest.raises(PermissionDeniedError):
            services.extension_decide(actor=u[key], extension=ext, grant=True)
    with pytest.raises(ValidationError):
        services.extension_decide(actor=u["e1"], extension=ext, grant=False)
    services.extension_decide(actor=u["e1"], extension=ext, grant=True, note="同意")
    hazard = _refresh(hazard)
    assert hazard.deadline == new and hazard.extension_count == 1
    with pytest.raises(ConflictError):
        services.extension_decide(actor=u["e1"], extension=ext, grant=True)

    major = rectifying_major(world)
    ext = services.extension_request(
        actor=u["e1m"], hazard=major, new_deadline=major.deadline + datetime.timedelta(days=30), reason="改造周期长"
    )
    with pytest.raises(PermissionDeniedError):
        services.extension_decide(actor=u["e1"], extension=ext, grant=True)
    services.extension_decide(actor=u["b1"], extension=ext, grant=False, note="不同意，按期完成")
    assert _refresh(major).extension_count == 0


def test_deadline_cannot_move_after_start_except_by_extension(world):
    hazard = rectifying_general(world)
    with pytest.raises(ValidationError) as exc:
        services.hazard_save_plan(
            actor=world.user["e1m"], hazard=hazard, data={"deadline": today() + datetime.timedelta(days=99)}
        )
    assert exc.value.error_dict["deadline"][0].code == "use_extension"


def test_out_of_scope_users_cannot_act(world):
    hazard = report(world)
    for key in ("b2", "t2", "g2", "e2", "d1"):
        with pytest.raises(PermissionDeniedError):
            services.hazard_confirm(actor=world.user[key], hazard=hazard, grade="general")
    with pytest.raises(PermissionDeniedError):
        services.hazard_report(actor=world.user["e2"], enterprise=world.e1, data={})
    with pytest.raises(PermissionDeniedError):
        services.hazard_report(actor=world.user["sys"], enterprise=world.e1, data={})


def test_bad_report_input_writes_nothing(world):
    from anjian.hazards.models import Hazard

    with pytest.raises(ValidationError) as exc:
        services.hazard_report(
            actor=world.user["e1w"],
            enterprise=world.e1,
            data={
                "location": "",
                "description": "",
                "category": "nope",
                "route": "grid_patrol",
                "latitude": "abc",
                "found_at": "2020-01-01",
            },
        )
    assert set(exc.value.error_dict) >= {"location", "description", "category", "route", "latitude", "found_at"}
    with pytest.raises(ValidationError) as exc:
        services.hazard_report(
            actor=world.user["e1w"],
            enterprise=world.e1,
            data={"location": "a", "description": "b", "category": "equipment"},
            photos=[jpeg(), SimpleUploadedFile("a.jpg", b"not an image")],
        )
    assert exc.value.error_dict["photos"][0].code == "photo_invalid"
    assert Hazard.objects.count() == 0


def test_an_empty_deadline_after_start_is_refused_not_saved(world):
    hazard = rectifying_general(world)
    deadline = hazard.deadline
    for value in (None, ""):
        with pytest.raises(ValidationError) as exc:
            services.hazard_save_plan(actor=world.user["e1m"], hazard=hazard, data={"deadline": value})
        assert exc.value.error_dict["deadline"][0].code == "use_extension"
    hazard.refresh_from_db()
    assert hazard.deadline == deadline


def test_a_rolled_back_step_removes_the_photo_files_it_wrote(world, settings):
    from pathlib import Path

    from anjian.hazards import photos

    hazard = report(world)
    with pytest.raises(RuntimeError), services._atomic_with_files() as written:
        services._save_photos(hazard, world.user["e1w"], "before", photos.process_all([jpeg()]), written)
        assert len([p for p in Path(settings.MEDIA_ROOT).rglob("*.jpg")]) == 1
        raise RuntimeError("a later check refuses the step")
    assert list(Path(settings.MEDIA_ROOT).rglob("*.jpg")) == []
    assert hazard.photos.count() == 0
