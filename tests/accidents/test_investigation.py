"""The investigation services case by case: opening (level, near misses, entrusting), the team, the deadline
with extension and appraisal pauses, the six-part report, the reply, publication, penalties checked against the
ranges, corrective measures tracked as hazards, the supervision listing and the closure under the 四不放过."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anjian.accidents import investigation as inv_services
from anjian.accidents.models import Accident, AccidentEvent, CorrectiveMeasure, Investigation, Penalty
from anjian.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from anjian.core.models import Notification
from anjian.hazards import services as hazard_services
from anjian.hazards.models import Hazard
from tests.accidents.conftest import report
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db

PARTS = {
    "report_unit_overview": "企业1成立于2010年，从事纺织品生产。",
    "report_course_rescue": "操作工清理设备时被卷入，现场立即停机施救。",
    "report_casualties_loss": "死亡1人，轻伤2人，直接经济损失120万元。",
    "report_cause_nature": "未停机清理设备，属生产安全责任事故。",
    "report_responsibility": "企业主要负责人未履行职责，建议依法处罚。",
    "report_prevention": "加装联锁保护，开展全员培训。",
}
EVIDENCE = {
    "cause_found": "调查报告已查明原因（海宁市政府批复）",
    "responsible_handled": "已对企业和主要负责人作出行政处罚",
    "measures_done": "整改措施已全部落实并验收",
    "people_educated": "已组织全员警示教育",
}


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def accident(aw, *, days_ago: int = 3, key: str = "b1", **overrides) -> Accident:
    """An accident at e1 that occurred ``days_ago`` days ago (default: 1 death — 一般事故, county)."""
    occurred = timezone.now() - datetime.timedelta(days=days_ago, hours=1)
    overrides.setdefault("occurred_at", occurred)
    overrides.setdefault("unit_learned_at", occurred + datetime.timedelta(minutes=10))
    overrides.setdefault("county_received_at", occurred + datetime.timedelta(minutes=40))
    return report(aw, key=key, **overrides)


def near_miss(aw, **overrides) -> Accident:
    data = {"kind": "near_miss", "near_miss_item": "2", "deaths": 0, "minor_injuries": 0, "direct_loss": "0"}
    data.update(overrides)
    return accident(aw, **data)


def opened(aw, key="b1", *, leader=True, formed_on=None, **overrides):
    a = accident(aw, **overrides)
    leader_row = {"role": "leader", "name": "王组长", "organisation": "海宁市应急管理局", "position": "副局长"}
    members = [leader_row] if leader else []
    inv = inv_services.open_investigation(
        actor=aw.user[key], accident=a, team_name="“3·1”机械伤害事故调查组", formed_on=formed_on or today(),
        members=members,
    )
    return Accident.objects.get(pk=a.pk), inv


def submitted(aw, key="b1", **overrides):
    a, _inv = opened(aw, key, **overrides)
    inv_services.save_report(actor=aw.user[key], accident=a, parts=PARTS)
    inv = inv_services.submit_report(actor=aw.user[key], accident=a, submitted_on=today())
    return Accident.objects.get(pk=a.pk), inv


def replied(aw, key="b1", **overrides):
    a, _inv = submitted(aw, key, **overrides)
    inv = inv_services.record_reply(
        actor=aw.user[key], accident=a, document="海政复〔2026〕1号", authority="海宁市人民政府", replied_on=today(),
        summary="同意调查报告",
    )
    return Accident.objects.get(pk=a.pk), inv


def code_of(exc: ValidationError, field: str) -> str:
    return exc.error_dict[field][0].code


def close_hazard(aw, hazard: Hazard) -> Hazard:
    u = aw.user
    hazard_services.hazard_confirm(actor=u["e1m"], hazard=hazard, grade="general")
    hazard_services.hazard_start(
        actor=u["e1m"], hazard=hazard,
        data={"measures": "加装联锁", "responsible_name": "张三", "deadline": today() + days(10)},
    )
    hazard_services.hazard_submit(actor=u["e1m"], hazard=hazard, note="已加装")
    return hazard_services.hazard_verify(actor=u["e1"], hazard=hazard, note="合格")


# --- opening ------------------------------------------------------------------------------------------------------


def test_open_investigation_sets_level_deadline_team_and_tells_the_unit(aw, django_capture_on_commit_callbacks):
    a = accident(aw)
    with django_capture_on_commit_callbacks(execute=True):
        inv = inv_services.open_investigation(
            actor=aw.user["b1"], accident=a, team_name="调查组", formed_on=today(),
            members=[{"role": "leader", "name": "王组长", "organisation": "海宁市应急管理局"},
                     {"role": "expert", "name": "李专家", "organisation": "浙江大学", "position": "教授"}],
        )
    a.refresh_from_db()
    assert a.state == "investigating"
    assert inv.level == "county" and inv.organised_by == aw.bureau and not inv.entrusted_to_unit
    assert inv.deadline == inv_services.occurred_on(a) + days(60)
    assert [m.role for m in inv.members.all()] == ["leader", "expert"]
    assert AccidentEvent.objects.filter(accident=a, action="open_investigation", to_state="investigating").exists()
    assert Notification.objects.filter(recipient=aw.user["e1"], kind="accident.investigation_opened").exists()
    assert not Notification.objects.filter(recipient=aw.user["b1"], kind="accident.investigation_opened").exists()


def test_near_miss_is_not_investigated(aw):
    a = near_miss(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.open_investigation(actor=aw.user["b1"], accident=a, team_name="组", formed_on=today())
    assert e.value.code == "near_miss_not_investigated"
    assert not Investigation.objects.exists()


def test_a_larger_accident_is_investigated_by_the_city(aw):
    a = accident(aw, deaths=3)
    assert a.investigating_level == "city"
    with pytest.raises(PermissionDeniedError) as e:
        inv_services.open_investigation(actor=aw.user["b1"], accident=a, team_name="组", formed_on=today())
    assert "设区的市级人民政府" in str(e.value.message)
    inv = inv_services.open_investigation(actor=aw.user["city"], accident=a, team_name="组", formed_on=today())
    assert inv.level == "city" and inv.organised_by == aw.city_bureau


def test_a_higher_level_may_take_over_a_county_investigation(aw):
    a = accident(aw)
    inv = inv_services.open_investigation(actor=aw.user["city"], accident=a, team_name="组", formed_on=today())
    assert inv.level == "city"
    assert AccidentEvent.objects.get(accident=a, action="open_investigation").data["taken_over"] is True
    # the county may no longer act on the city's investigation
    with pytest.raises(PermissionDeniedError):
        inv_services.add_member(actor=aw.user["b1"], accident=a, role="member", name="张", organisation="县局")


@pytest.mark.parametrize("key", ["t1", "e1", "g1", "x1"])
def test_only_supervisors_open(aw, key):
    a = accident(aw)
    with pytest.raises(PermissionDeniedError):
        inv_services.open_investigation(actor=aw.user[key], accident=a, team_name="组", formed_on=today())


def test_out_of_scope_is_refused(aw):
    a = accident(aw)
    with pytest.raises(PermissionDeniedError):
        inv_services.open_investigation(actor=aw.user["b2"], accident=a, team_name="组", formed_on=today())


def test_entrusting_the_unit_only_without_casualties(aw):
    a = accident(aw)  # 1 death
    with pytest.raises(ValidationError) as e:
        inv_services.open_investigation(
            actor=aw.user["b1"], accident=a, team_name="组", formed_on=today(), entrusted_to_unit=True
        )
    assert code_of(e.value, "entrusted_to_unit") == "entrust_not_allowed"
    assert "未造成人员伤亡的一般事故" in e.value.error_dict["entrusted_to_unit"][0].messages[0]
    injured = accident(aw, deaths=0, minor_injuries=1)
    with pytest.raises(ValidationError):
        inv_services.open_investigation(
            actor=aw.user["b1"], accident=injured, team_name="组", formed_on=today(), entrusted_to_unit=True
        )
    clean = accident(aw, deaths=0, minor_injuries=0)
    with pytest.raises(ValidationError) as e:  # the city taking it over may not entrust: 县级人民政府 decides
        inv_services.open_investigation(
            actor=aw.user["city"], accident=clean, team_name="组", formed_on=today(), entrusted_to_unit=True
        )
    assert code_of(e.value, "entrusted_to_unit") == "entrust_not_allowed"
    inv = inv_services.open_investigation(
        actor=aw.user["b1"], accident=clean, team_name="企业调查组", formed_on=today(), entrusted_to_unit=True
    )
    assert inv.entrusted_to_unit


def test_formed_on_between_the_accident_and_today(aw):
    a = accident(aw, days_ago=3)
    for formed, code in ((today() - days(5), "order"), (today() + days(1), "future"), ("2026-13-01", "invalid"),
                         (None, "required")):
        with pytest.raises(ValidationError) as e:
            inv_services.open_investigation(actor=aw.user["b1"], accident=a, team_name="组", formed_on=formed)
        assert code_of(e.value, "formed_on") == code
    with pytest.raises(ValidationError) as e:
        inv_services.open_investigation(actor=aw.user["b1"], accident=a, team_name=" ", formed_on=today())
    assert code_of(e.value, "team_name") == "required"
    assert not Investigation.objects.exists()
    a.refresh_from_db()
    assert a.state == "reported"


def test_open_twice_is_a_conflict(aw):
    a, _ = opened(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.open_investigation(actor=aw.user["b1"], accident=a, team_name="组", formed_on=today())
    assert e.value.code == "invalid_transition" and e.value.extra["current_state"] == "investigating"


def test_members_bad_input_and_two_leaders(aw):
    a = accident(aw)
    with pytest.raises(ValidationError) as e:
        inv_services.open_investigation(
            actor=aw.user["b1"], accident=a, team_name="组", formed_on=today(),
            members=[{"role": "leader", "name": "甲", "organisation": "局"},
                     {"role": "leader", "name": "乙", "organisation": "局"},
                     {"role": "boss", "name": "", "organisation": "局"}],
        )
    codes = [err.code for err in e.value.error_dict["members"]]
    assert "leader_exists" in codes and "invalid_choice" in codes and "required" in codes
    assert not Investigation.objects.exists()


# --- the team -----------------------------------------------------------------------------------------------------


def test_add_and_remove_members_one_leader(aw):
    a, inv = opened(aw)
    with pytest.raises(ValidationError) as e:
        inv_services.add_member(actor=aw.user["b1"], accident=a, role="leader", name="乙", organisation="局")
    assert code_of(e.value, "role") == "leader_exists"
    m = inv_services.add_member(actor=aw.user["b1"], accident=a, role="member", name="张", organisation="公安局",
                                position="科长")
    assert inv.members.count() == 2
    inv_services.remove_member(actor=aw.user["b1"], accident=a, member=m)
    assert inv.members.count() == 1
    with pytest.raises(NotFoundError):
        inv_services.remove_member(actor=aw.user["b1"], accident=a, member=m.pk)
    with pytest.raises(ValidationError) as e:
        inv_services.add_member(actor=aw.user["b1"], accident=a, role="member", name="", organisation="")
    assert set(e.value.error_dict) == {"name", "organisation"}
    with pytest.raises(PermissionDeniedError):
        inv_services.add_member(actor=aw.user["t1"], accident=a, role="member", name="张", organisation="局")


def test_members_before_the_investigation_is_opened(aw):
    a = accident(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.add_member(actor=aw.user["b1"], accident=a, role="member", name="张", organisation="局")
    assert e.value.code == "invalid_transition"


# --- deadline: extension and pauses -------------------------------------------------------------------------------


def test_extension_once_within_sixty_days(aw):
    a, inv = opened(aw)
    base = inv.deadline
    for bad in (0, 61, "x", True):
        with pytest.raises(ValidationError) as e:
            inv_services.extend_investigation(
                actor=aw.user["b1"], accident=a, days=bad, reason="鉴定", approved_by="市政府"
            )
        assert code_of(e.value, "days") in ("out_of_range", "invalid")
    with pytest.raises(ValidationError) as e:
        inv_services.extend_investigation(actor=aw.user["b1"], accident=a, days=30, reason="", approved_by="")
    assert set(e.value.error_dict) == {"reason", "approved_by"}
    inv = inv_services.extend_investigation(
        actor=aw.user["b1"], accident=a, days=30, reason="需补充鉴定", approved_by="海宁市人民政府"
    )
    assert inv.deadline == base + days(30) and inv.extension_days == 30
    with pytest.raises(ConflictError) as e:
        inv_services.extend_investigation(actor=aw.user["b1"], accident=a, days=10, reason="再延", approved_by="市政府")
    assert e.value.code == "already_extended"


def test_appraisal_pauses_the_clock(aw):
    a, inv = opened(aw, days_ago=20, formed_on=today() - days(18))
    base = inv.deadline
    start = today() - days(10)
    pause = inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="设备失效鉴定", started_on=start)
    clock = inv_services.investigation_clock(Investigation.objects.get(pk=inv.pk), today())
    assert clock["paused"] and clock["paused_since"] == start
    assert clock["days_left"] == (base - start).days  # frozen at the pause's start
    assert clock["projected_deadline"] == base + days(10)
    assert not clock["overdue"]
    with pytest.raises(ConflictError) as e:
        inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="又一项", started_on=today())
    assert e.value.code == "appraisal_open"
    with pytest.raises(ValidationError) as e:
        inv_services.end_appraisal(actor=aw.user["b1"], accident=a, ended_on=start - days(1))
    assert code_of(e.value, "ended_on") == "order"
    pause = inv_services.end_appraisal(actor=aw.user["b1"], accident=a, ended_on=today() - days(2))
    assert pause.days == 8
    inv.refresh_from_db()
    assert inv.deadline == base + days(8)
    clock = inv_services.investigation_clock(inv, today())
    assert not clock["paused"] and clock["paused_days"] == 8 and clock["days_left"] == (inv.deadline - today()).days
    with pytest.raises(ConflictError) as e:
        inv_services.end_appraisal(actor=aw.user["b1"], accident=a, ended_on=today())
    assert e.value.code == "no_open_appraisal"
    with pytest.raises(ValidationError) as e:  # no overlap with the previous pause
        inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="第二项", started_on=today() - days(5))
    assert code_of(e.value, "started_on") == "order"


def test_appraisal_must_start_inside_the_period(aw):
    a, inv = opened(aw, days_ago=3)
    with pytest.raises(ValidationError) as e:
        inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="鉴定", started_on=today() + days(1))
    assert code_of(e.value, "started_on") == "future"
    with pytest.raises(ValidationError) as e:
        inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="鉴定", started_on=today() - days(1))
    assert code_of(e.value, "started_on") == "order"  # before the team was formed
    # An overdue investigation: the team formed long ago, the period is over.
    old = accident(aw, days_ago=70)
    inv_services.open_investigation(actor=aw.user["b1"], accident=old, team_name="组", formed_on=today() - days(68))
    with pytest.raises(ValidationError) as e:
        inv_services.start_appraisal(actor=aw.user["b1"], accident=old, reason="鉴定", started_on=today())
    assert code_of(e.value, "started_on") == "after_deadline"
    clock = inv_services.investigation_clock(Investigation.objects.get(accident=old), today())
    assert clock["overdue"] and clock["days_overdue"] == (today() - clock["deadline"]).days > 0


def test_clock_on_a_given_day(aw):
    _a, inv = opened(aw, days_ago=3)
    later = inv.deadline + days(2)
    clock = inv_services.investigation_clock(inv, later)
    assert clock["overdue"] and clock["days_overdue"] == 2 and clock["days_left"] == -2
    assert clock["base_deadline"] == inv.deadline


# --- the report ---------------------------------------------------------------------------------------------------


def test_report_partial_saves_and_submit_needs_all_six_parts(aw):
    a, inv = opened(aw)
    inv_services.save_report(actor=aw.user["b1"], accident=a, parts={"report_unit_overview": "概况"})
    inv_services.save_report(actor=aw.user["b1"], accident=a, parts={"report_cause_nature": "原因"})
    inv.refresh_from_db()
    assert inv.report_unit_overview == "概况" and inv.report_cause_nature == "原因"
    with pytest.raises(ValidationError) as e:
        inv_services.save_report(actor=aw.user["b1"], accident=a, parts={"report_summary": "x"})
    assert code_of(e.value, "report_summary") == "unknown_part"
    with pytest.raises(ServiceError) as e:
        inv_services.submit_report(actor=aw.user["b1"], accident=a, submitted_on=today())
    assert e.value.code == "report_incomplete"
    assert e.value.extra["missing"] == [
        "report_course_rescue", "report_casualties_loss", "report_responsibility", "report_prevention"
    ]
    assert "事故发生经过和事故救援情况" in str(e.value.message)
    a.refresh_from_db()
    assert a.state == "investigating"


def test_submit_needs_a_leader_and_no_open_appraisal(aw):
    a, inv = opened(aw, leader=False)
    inv_services.save_report(actor=aw.user["b1"], accident=a, parts=PARTS)
    with pytest.raises(ServiceError) as e:
        inv_services.submit_report(actor=aw.user["b1"], accident=a, submitted_on=today())
    assert e.value.code == "team_leader_missing"
    inv_services.add_member(actor=aw.user["b1"], accident=a, role="leader", name="王", organisation="局")
    inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="鉴定", started_on=today())
    with pytest.raises(ConflictError) as e:
        inv_services.submit_report(actor=aw.user["b1"], accident=a, submitted_on=today())
    assert e.value.code == "appraisal_open"
    inv_services.end_appraisal(actor=aw.user["b1"], accident=a, ended_on=today())
    with pytest.raises(ValidationError) as e:
        inv_services.submit_report(actor=aw.user["b1"], accident=a, submitted_on=today() + days(1))
    assert code_of(e.value, "submitted_on") == "future"
    inv = inv_services.submit_report(actor=aw.user["b1"], accident=a, submitted_on=today())
    assert inv.report_submitted_on == today() and inv.reply_deadline == today() + days(15)
    a.refresh_from_db()
    assert a.state == "report_submitted"
    with pytest.raises(ConflictError):  # the report is frozen once submitted
        inv_services.save_report(actor=aw.user["b1"], accident=a, parts={"report_prevention": "改"})


# --- the reply and publication ------------------------------------------------------------------------------------


def test_reply_late_is_flagged_not_refused(aw, django_capture_on_commit_callbacks):
    a, inv = submitted(aw)
    Investigation.objects.filter(pk=inv.pk).update(report_submitted_on=today() - days(20),
                                                   reply_deadline=today() - days(5))
    with pytest.raises(ValidationError) as e:
        inv_services.record_reply(actor=aw.user["b1"], accident=a, document="", authority="", replied_on=today())
    assert set(e.value.error_dict) == {"document", "authority"}
    with pytest.raises(ValidationError) as e:
        inv_services.record_reply(actor=aw.user["b1"], accident=a, document="文", authority="政府",
                                  replied_on=today(), extension_days=5)
    assert code_of(e.value, "extension_days") == "reply_extension_not_allowed"
    with django_capture_on_commit_callbacks(execute=True):
        inv = inv_services.record_reply(actor=aw.user["b1"], accident=a, document="海政复1号",
                                        authority="海宁市人民政府", replied_on=today())
    clock = inv_services.reply_clock(inv, today())
    assert clock["late"] and clock["days_late"] == 5
    a.refresh_from_db()
    assert a.state == "replied"
    assert AccidentEvent.objects.get(accident=a, action="reply").data["days_late"] == 5
    assert Notification.objects.filter(recipient=aw.user["e1"], kind="accident.replied").exists()


def test_reply_before_the_report_is_refused(aw):
    a, _ = opened(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.record_reply(actor=aw.user["b1"], accident=a, document="文", authority="政府", replied_on=today())
    assert e.value.code == "invalid_transition"


def test_especially_serious_reply_may_be_extended_up_to_thirty_days(aw):
    a = accident(aw, deaths=30)
    assert a.investigating_level == "state_council"
    with pytest.raises(PermissionDeniedError) as e:  # nobody below the State Council
        inv_services.open_investigation(actor=aw.user["city"], accident=a, team_name="组", formed_on=today())
    assert "国务院" in str(e.value.message)
    inv_services.open_investigation(actor=SYSTEM, accident=a, team_name="国务院调查组", formed_on=today(),
                                    organised_by=aw.city_bureau,
                                    members=[{"role": "leader", "name": "组长", "organisation": "应急管理部"}])
    inv_services.save_report(actor=SYSTEM, accident=a, parts=PARTS)
    inv = inv_services.submit_report(actor=SYSTEM, accident=a, submitted_on=today())
    assert inv.reply_deadline == today() + days(30)
    with pytest.raises(ValidationError) as e:
        inv_services.record_reply(actor=SYSTEM, accident=a, document="国函1号", authority="国务院", replied_on=today(),
                                  extension_days=31)
    assert code_of(e.value, "extension_days") == "out_of_range"
    inv = inv_services.record_reply(actor=SYSTEM, accident=a, document="国函1号", authority="国务院",
                                    replied_on=today(), extension_days=30)
    assert inv.reply_extension_days == 30 and inv.reply_deadline == today() + days(60)


def test_publish_once_after_the_reply(aw):
    a, _ = submitted(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.publish(actor=aw.user["b1"], accident=a, published_on=today(), publication="政府网站")
    assert e.value.code == "invalid_transition"
    a, _ = replied(aw)
    with pytest.raises(ValidationError) as e:
        inv_services.publish(actor=aw.user["b1"], accident=a, published_on=today(), publication="")
    assert code_of(e.value, "publication") == "required"
    inv = inv_services.publish(actor=aw.user["b1"], accident=a, published_on=today(), publication="海宁市政府网站")
    assert inv.published_on == today()
    with pytest.raises(ConflictError) as e:
        inv_services.publish(actor=aw.user["b1"], accident=a, published_on=today(), publication="又一次")
    assert e.value.code == "already_published"


# --- penalties ----------------------------------------------------------------------------------------------------


def test_unit_fine_checked_against_article_114(aw):
    a, _ = replied(aw)
    with pytest.raises(ServiceError) as e:
        inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1",
                                    measure="fine", amount_yuan=100_000)
    assert e.value.code == "fine_out_of_range"
    assert "第一百一十四条" in str(e.value.message) and "30万元以上100万元以下" in str(e.value.message)
    assert e.value.extra["range"] == [300_000, 1_000_000]
    assert not Penalty.objects.exists()
    row = inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1",
                                      measure="fine", amount_yuan=500_000, document_number="海应急罚〔2026〕1号",
                                      decided_on=today())
    assert "符合" in row.check_message and "第一百一十四条" in row.check_message
    # 第二款: 情节特别严重 — 2× the floor to 5× the ceiling
    row = inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1",
                                      measure="fine", amount_yuan=5_000_000, aggravated=True)
    assert row.aggravated and "第二款" in row.check_message
    with pytest.raises(ServiceError) as e:
        inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1",
                                    measure="fine", amount_yuan=5_000_001, aggravated=True)
    assert e.value.code == "fine_out_of_range"


def test_larger_accident_unit_fine_range(aw):
    a, _ = replied(aw, key="city", deaths=3)
    with pytest.raises(ServiceError) as e:
        inv_services.record_penalty(actor=aw.user["city"], accident=a, target="unit", person_name="企业1",
                                    measure="fine", amount_yuan=500_000)
    assert "100万元以上200万元以下" in str(e.value.message)
    inv_services.record_penalty(actor=aw.user["city"], accident=a, target="unit", person_name="企业1",
                                measure="fine", amount_yuan=1_500_000)


def test_principal_fine_is_a_percentage_of_last_years_income(aw):
    a, _ = replied(aw)
    with pytest.raises(ValidationError) as e:
        inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="principal", person_name="张总",
                                    measure="fine", amount_yuan=40_000)
    assert code_of(e.value, "last_year_income_yuan") == "required"
    with pytest.raises(ServiceError) as e:
        inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="principal", person_name="张总",
                                    measure="fine", amount_yuan=30_000, last_year_income_yuan=100_000)
    assert e.value.code == "fine_out_of_range" and "第九十五条" in str(e.value.message)
    row = inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="principal", person_name="张总",
                                      measure="fine", amount_yuan=40_000, last_year_income_yuan=100_000)
    assert "40%" in row.check_message and row.last_year_income_yuan == 100_000


def test_other_persons_and_non_fine_measures(aw):
    a, _ = replied(aw)
    row = inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="other_person", person_name="李主任",
                                      measure="fine", amount_yuan=12_345)
    assert row.amount_yuan == 12_345 and "未按幅度核对" in row.check_message
    row = inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="other_person", person_name="王班长",
                                      measure="sanction", note="记过")
    assert row.amount_yuan is None and row.check_message == ""
    for kwargs, field, code in (
        ({"measure": "sanction", "amount_yuan": 100}, "amount_yuan", "amount_not_allowed"),
        ({"measure": "fine"}, "amount_yuan", "required"),
        ({"measure": "fine", "amount_yuan": -5}, "amount_yuan", "out_of_range"),
        ({"measure": "sanction", "last_year_income_yuan": 100}, "last_year_income_yuan", "income_not_applicable"),
        ({"measure": "sanction", "aggravated": True}, "aggravated", "aggravated_unit_only"),
        ({"measure": "jail"}, "measure", "invalid_choice"),
        ({"measure": "sanction", "decided_on": today() + days(1)}, "decided_on", "future"),
    ):
        with pytest.raises(ValidationError) as e:
            inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="other_person", person_name="某",
                                        **kwargs)
        assert code_of(e.value, field) == code, kwargs
    with pytest.raises(PermissionDeniedError):
        inv_services.record_penalty(actor=aw.user["t1"], accident=a, target="other_person", person_name="某",
                                    measure="sanction")


def test_penalty_before_the_reply_is_refused(aw):
    a, _ = submitted(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1",
                                    measure="fine", amount_yuan=500_000)
    assert e.value.code == "invalid_transition"


# --- corrective measures ------------------------------------------------------------------------------------------


def test_measure_by_hand(aw):
    a, _ = opened(aw)
    with pytest.raises(ValidationError) as e:
        inv_services.add_measure(actor=aw.user["b1"], accident=a, description="", responsible="",
                                 deadline=today() - days(1))
    assert set(e.value.error_dict) == {"description", "responsible", "deadline"}
    m = inv_services.add_measure(actor=aw.user["b1"], accident=a, description="全员培训", responsible="企业1",
                                 deadline=today() + days(30))
    assert m.state == "open" and m.hazard is None
    with pytest.raises(ValidationError) as e:
        inv_services.complete_measure(actor=aw.user["b1"], accident=a, measure=m, done_on=today(), note="")
    assert code_of(e.value, "note") == "required"
    m = inv_services.complete_measure(actor=aw.user["b1"], accident=a, measure=m, done_on=today(), note="已培训")
    assert m.state == "done" and m.done_on == today()
    with pytest.raises(ConflictError) as e:
        inv_services.complete_measure(actor=aw.user["b1"], accident=a, measure=m, done_on=today(), note="再次")
    assert e.value.code == "measure_done"
    other, _ = opened(aw)
    with pytest.raises(NotFoundError):
        inv_services.complete_measure(actor=aw.user["b1"], accident=other, measure=m, done_on=today(), note="x")


def test_measure_tracked_as_hazard(aw):
    a, _ = opened(aw)
    m = inv_services.add_measure(actor=aw.user["b1"], accident=a, description="加装联锁保护装置", responsible="企业1",
                                 as_hazard=True)
    hazard = m.hazard
    assert hazard.route == "accident_investigation" and hazard.source_reference == a.number
    assert hazard.category == "management" and hazard.enterprise == aw.e1 and hazard.state == "reported"
    with pytest.raises(ConflictError) as e:
        inv_services.complete_measure(actor=aw.user["b1"], accident=a, measure=m, done_on=today(), note="已装")
    assert e.value.code == "measure_tracked_as_hazard" and e.value.extra["hazard_state"] == "reported"
    assert not inv_services.measure_carried_out(CorrectiveMeasure.objects.get(pk=m.pk))
    close_hazard(aw, hazard)
    assert inv_services.measure_carried_out(CorrectiveMeasure.objects.get(pk=m.pk))
    m = inv_services.complete_measure(actor=aw.user["b1"], accident=a, measure=m)
    assert m.state == "done" and hazard.number in m.done_note


def test_measure_hazard_with_another_category_and_a_rejected_hazard(aw):
    a, _ = opened(aw)
    with pytest.raises(ValidationError) as e:
        inv_services.add_measure(actor=aw.user["b1"], accident=a, description="x", responsible="y", as_hazard=True,
                                 category="nonsense")
    assert code_of(e.value, "category") == "invalid_choice"
    m = inv_services.add_measure(actor=aw.user["b1"], accident=a, description="更换防护罩", responsible="企业1",
                                 as_hazard=True, category="equipment")
    assert m.hazard.category == "equipment"
    hazard_services.hazard_reject(actor=aw.user["e1m"], hazard=m.hazard, reason="已在事故后更换")
    m = inv_services.complete_measure(actor=aw.user["b1"], accident=a, measure=m, done_on=today(), note="核实已更换")
    assert m.state == "done"


def test_only_supervisors_record_measures(aw):
    a, _ = opened(aw)
    with pytest.raises(PermissionDeniedError):
        inv_services.add_measure(actor=aw.user["t1"], accident=a, description="x", responsible="y", as_hazard=True)
    assert not Hazard.objects.exists() and not CorrectiveMeasure.objects.exists()


# --- listing ------------------------------------------------------------------------------------------------------


def test_listing_by_a_higher_level(aw, django_capture_on_commit_callbacks):
    a, _ = opened(aw)
    with pytest.raises(PermissionDeniedError):
        inv_services.list_investigation(actor=aw.user["b1"], accident=a, document_number="督1", deadline=today())
    with pytest.raises(ValidationError) as e:
        inv_services.list_investigation(actor=aw.user["city"], accident=a, document_number="",
                                        deadline=today() - days(1))
    assert set(e.value.error_dict) == {"document_number", "deadline"}
    with django_capture_on_commit_callbacks(execute=True):
        listing = inv_services.list_investigation(
            actor=aw.user["city"], accident=a, document_number="嘉安督〔2026〕1号", deadline=today() + days(30),
            requirements="30日内报告进展",
        )
    a.refresh_from_db()
    assert a.listed and listing.level == "city" and listing.authority == aw.city_bureau
    assert Notification.objects.filter(recipient=aw.user["b1"], kind="accident.listed").exists()
    assert Notification.objects.filter(recipient=aw.user["e1"], kind="accident.listed").exists()
    with pytest.raises(ConflictError) as e:
        inv_services.list_investigation(actor=aw.user["cityleader"], accident=a, document_number="督2",
                                        deadline=today())
    assert e.value.code == "already_listed"
    with pytest.raises(PermissionDeniedError):
        inv_services.lift_listing(actor=aw.user["b1"], accident=a, lift_document="摘1")
    with pytest.raises(ValidationError):
        inv_services.lift_listing(actor=aw.user["city"], accident=a, lift_document="")
    listing = inv_services.lift_listing(actor=aw.user["city"], accident=a, lift_document="嘉安摘〔2026〕1号")
    a.refresh_from_db()
    assert listing.lifted_at and not a.listed
    with pytest.raises(ConflictError) as e:
        inv_services.lift_listing(actor=aw.user["city"], accident=a, lift_document="摘2")
    assert e.value.code == "not_listed"
    # a new listing after the lift is allowed
    inv_services.list_investigation(actor=aw.user["city"], accident=a, document_number="督3", deadline=today())


def test_listing_of_a_city_investigation_needs_the_province(aw):
    a, _ = opened(aw, key="city", deaths=3)
    with pytest.raises(PermissionDeniedError) as e:
        inv_services.list_investigation(actor=aw.user["city"], accident=a, document_number="督1", deadline=today())
    assert "更高一级" in str(e.value.message)


def test_listing_a_near_miss_is_refused(aw):
    a = near_miss(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.list_investigation(actor=aw.user["city"], accident=a, document_number="督1", deadline=today())
    assert e.value.code == "near_miss_not_investigated"


def test_listing_before_the_team_is_formed(aw):
    a = accident(aw)
    listing = inv_services.list_investigation(actor=aw.user["city"], accident=a, document_number="督1",
                                              deadline=today())
    assert listing.level == "city"


# --- closure ------------------------------------------------------------------------------------------------------


def test_close_needs_the_four_not_let_go(aw):
    a, _ = replied(aw)
    inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1", measure="fine",
                                amount_yuan=500_000)
    with pytest.raises(ServiceError) as e:
        inv_services.close_accident(actor=aw.user["b1"], accident=a,
                                    evidence={"cause_found": "已查明", "people_educated": "  "})
    assert e.value.code == "four_not_let_go"
    assert e.value.extra["blockers"] == ["responsible_handled", "measures_done", "people_educated"]
    assert "责任人员未处理不放过" in str(e.value.message)
    with pytest.raises(ValidationError) as e:
        inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence={"typo": "x"})
    assert code_of(e.value, "evidence") == "invalid"
    a.refresh_from_db()
    assert a.state == "replied"


def test_close_needs_a_penalty_done_measures_and_no_listing(aw, django_capture_on_commit_callbacks):
    a, _ = replied(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence=EVIDENCE)
    assert e.value.code == "penalties_missing"
    inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="other_person",
                                person_name="经调查无人应被追究", measure="other", note="不可抗力因素为主")
    m = inv_services.add_measure(actor=aw.user["b1"], accident=a, description="加装联锁", responsible="企业1",
                                 as_hazard=True)
    with pytest.raises(ConflictError) as e:
        inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence=EVIDENCE)
    assert e.value.code == "measures_open" and e.value.extra["measures"] == [m.pk]
    close_hazard(aw, m.hazard)
    Accident.objects.filter(pk=a.pk).update(listed=True)
    from anjian.accidents.models import InvestigationListing

    InvestigationListing.objects.create(accident=a, region_code=a.region_code, level="city",
                                        authority=aw.city_bureau, document_number="督1", deadline=today(),
                                        listed_by=aw.user["city"])
    with pytest.raises(ConflictError) as e:
        inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence=EVIDENCE)
    assert e.value.code == "listing_open"
    inv_services.lift_listing(actor=aw.user["city"], accident=a, lift_document="摘1")
    with pytest.raises(PermissionDeniedError):
        inv_services.close_accident(actor=aw.user["t1"], accident=a, evidence=EVIDENCE)
    with django_capture_on_commit_callbacks(execute=True):
        a = inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence=EVIDENCE, note="结案")
    assert a.state == "closed" and a.closed_by == aw.user["b1"] and a.closure_evidence == EVIDENCE
    assert CorrectiveMeasure.objects.get(pk=m.pk).state == "done"  # synced from the closed hazard
    assert Notification.objects.filter(recipient=aw.user["e1"], kind="accident.closed").exists()
    # publication is still allowed after the close
    inv_services.publish(actor=aw.user["b1"], accident=a, published_on=today(), publication="政府网站")


def test_an_accident_does_not_close_straight_from_the_report(aw):
    a = accident(aw)
    with pytest.raises(ConflictError) as e:
        inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence=EVIDENCE, note="直接结案")
    assert e.value.code == "invalid_transition"


def test_a_near_miss_closes_from_the_report_with_a_note(aw):
    a = near_miss(aw)
    with pytest.raises(ValidationError) as e:
        inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence={}, note="")
    assert code_of(e.value, "note") == "required"
    with pytest.raises(PermissionDeniedError):
        inv_services.close_accident(actor=aw.user["e1"], accident=a, evidence={}, note="企业自行结案")
    a = inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence={}, note="已核查，无人员伤亡")
    assert a.state == "closed" and a.closing_note == "已核查，无人员伤亡"
    with pytest.raises(ConflictError):
        inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence={}, note="再次")


def test_readiness_lists_what_blocks(aw):
    a, inv = replied(aw)
    codes = [b["code"] for b in inv_services.closure_readiness(a, inv)]
    assert codes == ["penalties_missing"]
    fresh = accident(aw)
    assert [b["code"] for b in inv_services.closure_readiness(fresh, None)] == ["invalid_transition"]


def test_level_change_after_opening_is_flagged(aw):
    a, inv = opened(aw)
    Accident.objects.filter(pk=a.pk).update(investigating_level="city")
    a.refresh_from_db()
    assert inv_services.level_changed(a, inv)


def test_a_department_with_supervision_duties_may_organise(aw):
    a = accident(aw, key="d1", enterprise=aw.e2, sector="construction")
    inv = inv_services.open_investigation(actor=aw.user["d1"], accident=a, team_name="住建局调查组", formed_on=today())
    assert inv.organised_by == aw.dept and inv.level == "county"
    # the department does not see a textile accident at all
    other = accident(aw)
    with pytest.raises(PermissionDeniedError):
        inv_services.open_investigation(actor=aw.user["d1"], accident=other, team_name="组", formed_on=today())
