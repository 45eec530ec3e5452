"""The training services: sessions with their participants and results, the checks on time and hours, the
participant list replaced atomically, deletion; the verdicts of the people concerned follow."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anjian.core.errors import PermissionDeniedError
from anjian.core.models import AuditEvent
from anjian.people import training
from anjian.people.models import TrainingRecord, TrainingSession
from tests.conftest import SYSTEM

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def session_data(**overrides) -> dict:
    start = at(datetime.date(2024, 3, 1))
    out = {
        "kind": "company", "title": "厂级安全教育", "content": "本单位安全生产情况、规章制度、事故案例",
        "trainer": "王安全",
        "organiser": "安全部", "place": "会议室", "starts_at": start, "ends_at": start + datetime.timedelta(hours=8),
        "hours": Decimal("8"), "has_exam": True,
    }
    out.update(overrides)
    return out


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errs] for name, errs in exc.error_dict.items()}


def record(world, people, key="e1m", **overrides):
    participants = [p if isinstance(p, dict) else {"employee": p, "result": "passed", "score": 90} for p in people]
    return training.session_record(actor=world.user[key], enterprise=world.e1, data=session_data(**overrides),
                                   participants=participants)


def test_record_a_session(world, make_employee):
    a, b, c = make_employee(world.e1), make_employee(world.e1), make_employee(world.e1)
    s = record(world, [
        {"employee": a, "result": "passed", "score": Decimal("95.5")},
        {"employee": b.pk, "result": "failed", "score": 40, "hours": "6"},
        {"employee": c, "result": "absent", "score": None},
    ])
    assert s.region_code == world.e1.region_code and s.created_by == world.user["e1m"]
    rows = {r.employee_id: r for r in s.records.all()}
    assert (rows[a.pk].result, rows[a.pk].score, rows[a.pk].hours) == ("passed", Decimal("95.5"), Decimal("8.0"))
    assert (rows[b.pk].result, rows[b.pk].hours) == ("failed", Decimal("6.0"))
    assert rows[c.pk].hours == 0  # absent: no hours credited
    event = AuditEvent.objects.filter(action="people.training.record").get()
    assert len(event.changes["participants"]) == 3
    a.refresh_from_db()
    assert a.work_checked_on == timezone.localdate()


def test_ends_before_start_and_hours_not_positive(world, make_employee):
    a = make_employee(world.e1)
    start = at(datetime.date(2024, 3, 1))
    with pytest.raises(ValidationError) as info:
        record(world, [a], ends_at=start - datetime.timedelta(minutes=1), hours=Decimal("0"))
    assert codes(info.value) == {"ends_at": ["ends_before_start"], "hours": ["hours_not_positive"]}
    with pytest.raises(ValidationError) as info:
        record(world, [a], ends_at=start)
    assert codes(info.value) == {"ends_at": ["ends_before_start"]}
    with pytest.raises(ValidationError) as info:
        record(world, [a], hours=Decimal("-2"))
    assert codes(info.value) == {"hours": ["hours_not_positive"]}
    assert "学时须大于0" in info.value.error_dict["hours"][0].messages[0]
    assert not TrainingSession.objects.exists()


def test_hours_within_the_duration(world, make_employee):
    a = make_employee(world.e1)
    start = at(datetime.date(2024, 3, 1))
    three_hours = {"ends_at": start + datetime.timedelta(hours=3)}
    assert record(world, [a], hours=Decimal("4"), **three_hours).hours == Decimal("4.0")  # 180 min / 45 = 4 学时
    with pytest.raises(ValidationError) as info:
        record(world, [a], hours=Decimal("4.1"), **three_hours)
    assert codes(info.value) == {"hours": ["hours_exceed_duration"]}
    assert "180 分钟" in info.value.error_dict["hours"][0].messages[0]


@pytest.mark.parametrize(("hours", "code"), [("abc", "invalid"), ("1.25", "precision"), ("NaN", "invalid"),
                                             ("10000", "out_of_range"), (None, "required")])
def test_garbage_hours(world, make_employee, hours, code):
    with pytest.raises(ValidationError) as info:
        record(world, [make_employee(world.e1)], hours=hours)
    assert codes(info.value) == {"hours": [code]}


def test_text_fields_and_times(world, make_employee):
    a = make_employee(world.e1)
    with pytest.raises(ValidationError) as info:
        record(world, [a], kind="lecture", title="", content="  ", trainer="", starts_at="2026-13-45T09:00")
    assert codes(info.value) == {"kind": ["invalid_choice"], "title": ["required"], "content": ["required"],
                                 "trainer": ["required"], "starts_at": ["invalid"]}
    future = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as info:
        record(world, [a], starts_at=future, ends_at=future + datetime.timedelta(hours=8))
    assert codes(info.value) == {"starts_at": ["future"]}


def test_participants_checked(world, make_employee):
    a, other = make_employee(world.e1), make_employee(world.e2)
    with pytest.raises(ValidationError) as info:
        record(world, [])
    assert codes(info.value) == {"participants": ["participants_required"]}
    with pytest.raises(ValidationError) as info:
        record(world, [
            {"employee": a, "result": "passed", "score": 90},
            {"employee": a.pk, "result": "passed"},
            {"employee": other, "result": "passed"},
            {"employee": 10**12, "result": "passed"},
            {"employee": "x", "result": "passed"},
        ])
    assert codes(info.value) == {"participants": [
        "participant_duplicate", "participant_other_enterprise", "participant_other_enterprise",
        "participant_other_enterprise"]}
    assert info.value.error_dict["participants"][0].messages[0].startswith("第2位参加人员")
    b = make_employee(world.e1)
    with pytest.raises(ValidationError) as info:
        record(world, [
            {"employee": a, "result": "passed", "score": 101},
            {"employee": b, "result": "", "score": None},
        ])
    assert codes(info.value) == {"participants": ["score_out_of_range", "result_required"]}
    with pytest.raises(ValidationError) as info:
        record(world, [{"employee": a, "result": "won", "hours": "9"}])
    assert codes(info.value) == {"participants": ["invalid_choice"]}
    with pytest.raises(ValidationError) as info:
        record(world, [{"employee": a, "result": "passed", "hours": "9"}])
    assert codes(info.value) == {"participants": ["participant_hours_exceed"]}
    assert not TrainingSession.objects.exists() and not TrainingRecord.objects.exists()


def test_no_exam_means_attended_is_passed(world, make_employee):
    a = make_employee(world.e1)
    s = record(world, [{"employee": a}], has_exam=False)
    assert s.records.get().result == "passed"


def test_left_before_the_session(world, make_employee):
    a = make_employee(world.e1, hired_on=datetime.date(2023, 1, 1), state="left", left_on=datetime.date(2024, 2, 1))
    with pytest.raises(ValidationError) as info:
        record(world, [a])
    assert codes(info.value) == {"participants": ["participant_left"]}


def test_update_and_records_set(world, make_employee):
    a, b = make_employee(world.e1), make_employee(world.e1)
    s = record(world, [a])
    start = s.starts_at
    training.session_update(actor=world.user["e1m"], session=s, data={
        "hours": Decimal("6"), "ends_at": start + datetime.timedelta(hours=6), "title": "厂级安全教育（补）"})
    s.refresh_from_db()
    assert (s.hours, s.title) == (Decimal("6.0"), "厂级安全教育（补）")
    assert s.records.get().hours == Decimal("6.0")  # the full-hours record followed
    with pytest.raises(ValidationError) as info:
        training.session_update(actor=world.user["e1m"], session=s, data={"ends_at": start - datetime.timedelta(1)})
    assert codes(info.value) == {"ends_at": ["ends_before_start"]}
    training.records_set(actor=world.user["e1m"], session=s, participants=[
        {"employee": b, "result": "passed", "score": 88}])
    assert list(s.records.values_list("employee_id", flat=True)) == [b.pk]
    with pytest.raises(ValidationError):
        training.records_set(actor=world.user["e1m"], session=s, participants=[
            {"employee": a, "result": "passed"}, {"employee": a, "result": "passed"}])
    assert list(s.records.values_list("employee_id", flat=True)) == [b.pk]  # all or nothing
    with pytest.raises(PermissionDeniedError):
        training.records_set(actor=world.user["e1w"], session=s, participants=[{"employee": a, "result": "passed"}])
    assert AuditEvent.objects.filter(action="people.training.update").count() == 2


def test_delete_is_for_keepers(world, make_employee):
    a = make_employee(world.e1)
    s = record(world, [a])
    with pytest.raises(PermissionDeniedError):
        training.session_delete(actor=world.user["e1w"], session=s)
    with pytest.raises(PermissionDeniedError):
        training.session_delete(actor=world.user["b2"], session=s)
    training.session_delete(actor=SYSTEM, session=s)
    assert not TrainingSession.objects.exists() and not TrainingRecord.objects.exists()
    assert AuditEvent.objects.filter(action="people.training.delete").exists()


def test_readers_may_not_record(world, make_employee):
    with pytest.raises(PermissionDeniedError):
        record(world, [make_employee(world.e1)], key="e1w")


# --- numbers and moments out of range (never an InvalidOperation or OverflowError) -------------------------------


@pytest.mark.parametrize(("hours", "code"), [
    ("1e30", "out_of_range"), ("1E+999999", "out_of_range"), ("999.95", "out_of_range"),
    ("-1e30", "hours_not_positive"),
    ("NaN", "invalid"), ("sNaN", "invalid"), ("Infinity", "invalid"), ("-Infinity", "invalid"),
    (Decimal("Infinity"), "invalid"), (float("nan"), "invalid"), ("1e-30", "precision"), ("1E-999999", "precision"),
])
def test_extreme_session_hours_are_field_errors(world, make_employee, hours, code):
    with pytest.raises(ValidationError) as info:
        record(world, [make_employee(world.e1)], hours=hours)
    assert codes(info.value) == {"hours": [code]}
    assert info.value.error_dict["hours"][0].messages[0].startswith("学时")
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(("field", "value", "code"), [
    ("score", "1e30", "score_out_of_range"), ("score", "-1e30", "score_out_of_range"),
    ("score", "100.1", "score_out_of_range"), ("score", "NaN", "invalid"), ("score", "Infinity", "invalid"),
    ("score", "1e-30", "precision"),
    ("hours", "1e30", "out_of_range"), ("hours", "-1e30", "hours_negative"), ("hours", "-Infinity", "invalid"),
    ("hours", "1E-999999", "precision"),
])
def test_extreme_participant_numbers_are_field_errors(world, make_employee, field, value, code):
    item = {"employee": make_employee(world.e1), "result": "passed", "score": 90, field: value}
    with pytest.raises(ValidationError) as info:
        record(world, [item])
    assert codes(info.value) == {"participants": [code]}
    assert info.value.error_dict["participants"][0].messages[0].startswith("第1位参加人员")
    assert not TrainingSession.objects.exists() and not TrainingRecord.objects.exists()


def test_a_score_of_0_or_100_is_kept(world, make_employee):
    a, b = make_employee(world.e1), make_employee(world.e1)
    s = record(world, [{"employee": a, "result": "failed", "score": "0"},
                       {"employee": b, "result": "passed", "score": "100.0"}])
    assert sorted(s.records.values_list("score", flat=True)) == [Decimal("0.0"), Decimal("100.0")]


@pytest.mark.parametrize("value", [
    "0001-01-01T00:00", "0001-01-01T00:00+08:00", "1899-12-31T23:59", "2101-01-01T00:00", "9999-12-31T23:59",
    datetime.datetime(1, 1, 1), datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
])
def test_moments_outside_1900_to_2100_are_refused(world, make_employee, value):
    a = make_employee(world.e1)
    with pytest.raises(ValidationError) as info:
        record(world, [a], starts_at=value)
    assert codes(info.value) == {"starts_at": ["out_of_range"]}
    assert "超出允许范围" in info.value.error_dict["starts_at"][0].messages[0]
    s = record(world, [a])
    with pytest.raises(ValidationError) as info:
        training.session_update(actor=world.user["e1m"], session=s, data={"ends_at": value})
    assert codes(info.value) == {"ends_at": ["out_of_range"]}
    assert TrainingSession.objects.get().ends_at == s.ends_at
