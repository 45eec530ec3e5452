"""Control targets: who may set them and for which region, bad input, update in place; progress with the 80/100
thresholds (a target of 0 included), sector and region subtrees, near misses apart, missing persons as deaths;
warnings sent exactly once to the right people (the command, the Celery task and run_scheduler run the same scan);
the one-vote veto flags; scoping."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from anjian.accidents import targets, tasks
from anjian.accidents.models import ControlTarget, TargetWarning
from anjian.accounts import services as account_services
from anjian.accounts.roles import Role
from anjian.core.audit import SystemActor
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import AuditEvent, Notification
from tests.accidents.test_stats import at, make
from tests.conftest import PASSWORD, SYSTEM

pytestmark = pytest.mark.django_db

TY = timezone.localdate().year - 1  # last year: targets may still be set for it, and all of it is past
END = datetime.date(TY, 12, 31)


def codes(exc) -> dict:
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


def accidents(enterprise, n, *, month=3, **kw):
    for i in range(n):
        make(enterprise, at(TY, month, 1) + datetime.timedelta(hours=i), **kw)


def progress(user, year=TY) -> dict:
    return {(p["region_code"], p["sector"]): p for p in targets.target_progress(user, year)}


def measure(p, name) -> dict:
    return next(m for m in p["measures"] if m["measure"] == name)


# --- setting ----------------------------------------------------------------------------------------------------


def test_leaders_set_targets_for_their_region_or_below(aw):
    t = targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=5, max_deaths=2)
    assert t.created and (t.region, t.year, t.sector, t.max_accidents, t.max_deaths) == (aw.county, TY, "", 5, 2)
    assert t.set_by == aw.user["leader"]
    town = targets.set_target(actor=aw.user["leader"], region="330481001", year=TY, max_deaths=0)
    assert town.region == aw.t1 and town.max_accidents is None and town.max_deaths == 0
    city = targets.set_target(actor=aw.user["cityleader"], region=aw.county2, year=TY + 1, sector="hazchem",
                              max_accidents=3, note="嘉安委〔2026〕1号")
    assert city.sector == "hazchem" and city.note == "嘉安委〔2026〕1号"
    assert AuditEvent.objects.filter(action="accident.target_set").count() == 3


@pytest.mark.parametrize("key", ["b1", "d1", "t1", "e1", "city", "sys"])
def test_only_bureau_leaders_set_targets(aw, key):
    with pytest.raises(PermissionDeniedError):
        targets.set_target(actor=aw.user[key], region=aw.county, year=TY, max_accidents=5)
    with pytest.raises(PermissionDeniedError):
        targets.set_target(actor=SYSTEM, region=aw.county, year=TY, max_accidents=5)
    assert not ControlTarget.objects.exists()


def test_a_leader_cannot_set_another_countys_or_a_higher_target(aw):
    for region in (aw.county2, aw.t3, aw.county.parent):
        with pytest.raises(ValidationError) as exc:
            targets.set_target(actor=aw.user["leader"], region=region, year=TY, max_accidents=5)
        assert codes(exc) == {"region": ["out_of_scope"]}
    assert not ControlTarget.objects.exists()


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, {"max_accidents": ["limit_required"]}),
        ({"max_accidents": "", "max_deaths": None}, {"max_accidents": ["limit_required"]}),
        ({"max_accidents": -1}, {"max_accidents": ["negative"]}),
        ({"max_deaths": "-3"}, {"max_deaths": ["negative"]}),
        ({"max_deaths": "2.5"}, {"max_deaths": ["invalid"]}),
        ({"max_deaths": "abc"}, {"max_deaths": ["invalid"]}),
        ({"max_deaths": True}, {"max_deaths": ["invalid"]}),
        ({"max_deaths": 100001}, {"max_deaths": ["out_of_range"]}),
        ({"max_deaths": 1, "year": TY - 1}, {"year": ["year_out_of_range"]}),
        ({"max_deaths": 1, "year": TY + 3}, {"year": ["year_out_of_range"]}),
        ({"max_deaths": 1, "year": "明年"}, {"year": ["invalid"]}),
        ({"max_deaths": 1, "sector": "space"}, {"sector": ["invalid_choice"]}),
        ({"max_deaths": 1, "note": "字" * 201}, {"note": ["max_length"]}),
        ({"max_deaths": 1, "region": "999999"}, {"region": ["not_found"]}),
        ({"max_deaths": 1, "region": ""}, {"region": ["required"]}),
    ],
)
def test_bad_target_input(aw, kw, expected):
    args = {"region": aw.county, "year": TY, **kw}
    with pytest.raises(ValidationError) as exc:
        targets.set_target(actor=aw.user["leader"], **args)
    assert codes(exc) == expected
    assert not ControlTarget.objects.exists()


def test_setting_again_updates_the_target(aw):
    first = targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=5)
    again = targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=6, max_deaths=1,
                               note="调整")
    assert not again.created and again.pk == first.pk
    assert ControlTarget.objects.get().max_accidents == 6 and ControlTarget.objects.get().max_deaths == 1
    other = targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, sector="textile", max_deaths=0)
    assert other.created and ControlTarget.objects.count() == 2
    # The city leader may change the county's target too: it is in the city.
    by_city = targets.set_target(actor=aw.user["cityleader"], region=aw.county, year=TY, max_accidents=4)
    assert by_city.pk == first.pk and ControlTarget.objects.get(pk=first.pk).set_by == aw.user["cityleader"]


# --- progress ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "percent", "status", "thresholds"),
    [(0, "0.0", "ok", ()), (3, "60.0", "ok", ()), (4, "80.0", "warning", (80,)), (5, "100.0", "reached", (80, 100)),
     (6, "120.0", "exceeded", (80, 100))],
)
def test_progress_against_the_thresholds(aw, n, percent, status, thresholds):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=5)
    accidents(aw.e1, n)
    p = progress(aw.user["b1"])[("330481", "")]
    m = measure(p, "accidents")
    assert (m["limit"], m["value"], str(m["percent"]), m["status"], m["thresholds"]) == (5, n, percent, status,
                                                                                          thresholds)
    assert p["status"] == status and m["bar_max"] == 5 and m["bar_value"] == min(n, 5)


def test_79_percent_is_not_yet_a_warning(aw):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=100)
    accidents(aw.e1, 79, month=2)
    m = measure(progress(aw.user["b1"])[("330481", "")], "accidents")
    assert (m["value"], m["status"], m["thresholds"]) == (79, "ok", ())


def test_a_target_of_zero(aw):
    targets.set_target(actor=aw.user["leader"], region=aw.t1, year=TY, max_deaths=0)
    m = measure(progress(aw.user["b1"])[("330481001", "")], "deaths")
    assert (m["value"], m["percent"], m["status"]) == (0, 0, "ok")
    make(aw.e1, at(TY, 5, 5), deaths=1)
    m = measure(progress(aw.user["b1"])[("330481001", "")], "deaths")
    assert (m["value"], m["percent"], m["status"], m["thresholds"]) == (1, None, "exceeded", (80, 100))
    assert m["percent_text"] == "超出（指标为0）" and (m["bar_max"], m["bar_value"]) == (1, 1)


def test_what_a_target_counts(aw):
    targets.set_target(actor=aw.user["cityleader"], region=aw.county.parent, year=TY, max_accidents=10, max_deaths=10)
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, sector="construction", max_accidents=10)
    make(aw.e1, at(TY, 1, 1, 0, 5), deaths=1, missing=2)  # missing counted as deaths (the grading setting)
    make(aw.e1, at(TY, 2, 1), deaths=1, missing=1, missing_counted=False)
    make(aw.e2, at(TY, 3, 1), deaths=0)  # construction
    make(aw.e3, at(TY, 3, 1), deaths=1)  # the other county, still in the city
    make(aw.e1, at(TY, 3, 2), kind="near_miss")  # not counted
    make(aw.e1, at(TY - 1, 12, 31, 23, 50), deaths=5)  # last year (local time)
    make(aw.e1, at(TY + 1, 1, 1, 0, 5), deaths=5)  # next year
    by = progress(aw.user["cityleader"])
    city = by[("330400", "")]
    assert measure(city, "accidents")["value"] == 4 and measure(city, "deaths")["value"] == 3 + 1 + 0 + 1
    sector = by[("330481", "construction")]
    assert measure(sector, "accidents")["value"] == 1 and sector["sector_label"] == "建筑施工"
    assert [m["measure"] for m in sector["measures"]] == ["accidents"]  # no deaths limit, no deaths measure


def test_progress_is_scoped(aw):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=5)
    targets.set_target(actor=aw.user["cityleader"], region=aw.county2, year=TY, max_accidents=5)
    assert set(progress(aw.user["b1"])) == {("330481", "")}
    assert set(progress(aw.user["b2"])) == {("330482", "")}
    assert len(progress(aw.user["city"])) == 2
    assert progress(aw.user["e1"]) == {} and progress(aw.user["b1"], TY + 1) == {}


# --- warnings ---------------------------------------------------------------------------------------------------


def inbox(user) -> list[str]:
    rows = Notification.objects.filter(recipient=user, kind="accident.target_warning").order_by("id")
    return list(rows.values_list("title", flat=True))


def test_warnings_are_sent_once_at_80_and_once_at_100(aw, django_capture_on_commit_callbacks):
    target = targets.set_target(actor=aw.user["cityleader"], region=aw.county, year=TY, max_accidents=5)
    accidents(aw.e1, 3)
    assert targets.scan_targets(today=END).warnings == 0
    make(aw.e1, at(TY, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        result = targets.scan_targets(today=END)
    assert (result.examined, result.warnings) == (1, 1) and result.sent == [(target.pk, "accidents", 80)]
    # The county's leader and officers, and the city leader who set it; not county 2, not enterprises.
    for key in ("leader", "b1", "cityleader"):
        assert inbox(aw.user[key]) == [f"控制指标预警：海宁市{TY}年事故起数4，已达控制指标5的80%"], key
    for key in ("b2", "e1", "t1", "d1", "city"):
        assert inbox(aw.user[key]) == [], key
    assert targets.scan_targets(today=END).warnings == 0  # once
    assert len(inbox(aw.user["leader"])) == 1
    make(aw.e2, at(TY, 6, 2))
    result = targets.scan_targets(today=END)
    assert result.sent == [(target.pk, "accidents", 100)]
    assert inbox(aw.user["leader"])[-1] == f"控制指标已达到：海宁市{TY}年事故起数5，达到控制指标5"
    make(aw.e2, at(TY, 6, 3))
    assert targets.scan_targets(today=END).warnings == 0  # exceeding sends nothing more
    assert TargetWarning.objects.filter(target=target).count() == 2
    assert [w.threshold for w in targets.warnings_for(aw.user["b1"], TY)] == [100, 80]
    assert AuditEvent.objects.filter(action="accident.target_warning").count() == 2


def test_first_seen_past_both_thresholds_sends_only_the_highest(aw):
    target = targets.set_target(actor=aw.user["leader"], region=aw.t1, year=TY, max_deaths=2)
    make(aw.e1, at(TY, 4, 1), deaths=3)
    result = targets.scan_targets(today=END)
    assert result.warnings == 2 and result.notifications == 2  # the township's officer and the leader who set it
    rows = {w.threshold: w.recipients for w in TargetWarning.objects.filter(target=target)}
    assert rows == {80: 0, 100: 2}
    assert inbox(aw.user["leader"]) == [f"控制指标已突破：硖石街道{TY}年死亡人数3，超过控制指标2"]
    # The township's own officers (its authority's region is the target's) hear it too.
    assert inbox(aw.user["t1"]) and not inbox(aw.user["t2"])
    assert targets.scan_targets(today=END).warnings == 0


def test_a_sector_target_warns_the_departments_of_that_sector(aw):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, sector="construction", max_accidents=1)
    make(aw.e2, at(TY, 4, 1), sector="construction")
    targets.scan_targets(today=END)
    assert inbox(aw.user["d1"]) and inbox(aw.user["b1"])
    assert "建筑施工" in inbox(aw.user["d1"])[0]


def test_changing_a_limit_warns_again_against_the_new_limit(aw):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=5, max_deaths=10)
    accidents(aw.e1, 4)
    assert targets.scan_targets(today=END).warnings == 1
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=5, max_deaths=9)
    assert TargetWarning.objects.count() == 1  # the deaths limit changed: the accidents warning stays
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=4, max_deaths=9)
    assert TargetWarning.objects.count() == 0
    result = targets.scan_targets(today=END)
    assert {(m, t) for _pk, m, t in result.sent} == {("accidents", 80), ("accidents", 100)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_scans_at_once_send_each_warning_once(aw):
    sectors = ["hazchem", "machinery", "textile", "construction", "commerce", "transport", "other", "tobacco"]
    for sector in sectors:
        targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, sector=sector, max_accidents=1)
        make(aw.e1, at(TY, 3, 1), sector=sector)
    barrier, errors = threading.Barrier(2), []

    def run():
        from django.db import connection as conn

        try:
            barrier.wait()
            targets.scan_targets(today=END)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert TargetWarning.objects.count() == 2 * len(sectors)
    assert len(inbox(aw.user["leader"])) == len(sectors)


def test_the_scan_reads_this_year_and_last_year_in_january(aw):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=1)
    make(aw.e1, at(TY, 12, 31, 22))
    assert targets.scan_targets(today=datetime.date(TY + 1, 2, 1)).examined == 0
    result = targets.scan_targets(today=datetime.date(TY + 1, 1, 5))
    assert result.examined == 1 and result.warnings == 2


def test_inactive_users_are_not_warned(aw):
    other = account_services.user_create(actor=SYSTEM, username="b1b", password=PASSWORD, full_name="b1b",
                                         role=Role.BUREAU_OFFICER, authority=aw.bureau)
    other.is_active = False
    other.save(update_fields=["is_active"])
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=1)
    make(aw.e1, at(TY, 3, 1))
    targets.scan_targets(today=END)
    assert inbox(aw.user["b1"]) and not inbox(other)


def test_command_task_and_scheduler_run_the_scan(aw):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=TY, max_accidents=2)
    make(aw.e1, at(TY, 3, 1))
    make(aw.e1, at(TY, 3, 2))
    out = StringIO()
    call_command("accident_target_scan", f"--today={END.isoformat()}", stdout=out)
    # The county's leader (who set it) and its officer.
    assert "examined 1 targets; 2 warnings recorded, 2 notifications" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("accident_target_scan", "--today=31/12/2025")
    assert tasks.scan_targets() == {"examined": 0, "warnings": 0, "notifications": 0}  # this year: no targets
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "target scan: 0 warnings" in out.getvalue()
    assert isinstance(SystemActor("target-scan").label, str)


def test_the_beat_schedules_the_scan():
    from celery import Celery

    from anjian.celery import _schedule

    app = Celery("beat-check")
    app.conf.beat_schedule = {}
    _schedule(app)
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "anjian.accidents.tasks.scan_targets" in names
    assert "anjian.hazards.tasks.scan_deadlines" in names


# --- veto flags -------------------------------------------------------------------------------------------------


def test_veto_flags_name_the_jurisdictions_and_accidents(aw):
    large = make(aw.e1, at(TY, 5, 1), deaths=3)  # 较大
    make(aw.e2, at(TY, 5, 2), deaths=2)  # 一般: no flag
    make(aw.e2, at(TY, 5, 3), kind="near_miss")  # no flag
    make(aw.e1, at(TY - 1, 5, 1), deaths=12)  # another year
    flags = targets.veto_flags(aw.user["b1"], TY)
    assert [(f["region_code"], f["own"]) for f in flags] == [("330481", True), ("330481001", False)]
    assert flags[1]["region_name"] == "硖石街道"
    assert [a["number"] for a in flags[0]["accidents"]] == [large.number]
    first = flags[0]["accidents"][0]
    assert first["grade_label"] == "较大事故" and first["enterprise_name"] == "企业1"
    city = targets.veto_flags(aw.user["city"], TY)
    assert [(f["region_code"], f["region_name"]) for f in city] == [("330400", "嘉兴市"), ("330481", "海宁市")]
    assert targets.veto_flags(aw.user["b2"], TY) == []  # county 2 sees none of county 1
    assert targets.veto_flags(aw.user["b1"], TY + 1) == []
    serious = make(aw.e3, at(TY, 6, 1), serious=50)  # 重大 by serious injuries
    assert [a["id"] for a in targets.veto_flags(aw.user["b2"], TY)[0]["accidents"]] == [serious.pk]
    assert [f["region_code"] for f in targets.veto_flags(aw.user["city"], TY)] == ["330400", "330481", "330482"]
    with pytest.raises(PermissionDeniedError):
        targets.veto_flags(aw.user["e1"], TY)


def test_a_target_set_at_or_past_a_threshold_warns_at_once(aw, django_capture_on_commit_callbacks):
    year = timezone.localdate().year
    make(aw.e1, timezone.now() - datetime.timedelta(minutes=1), deaths=1)
    with django_capture_on_commit_callbacks(execute=True):
        target = targets.set_target(actor=aw.user["leader"], region=aw.county, year=year, max_deaths=1)
    assert set(TargetWarning.objects.filter(target=target).values_list("measure", "threshold")) == {
        ("deaths", 80), ("deaths", 100)}
    assert Notification.objects.filter(recipient=aw.user["b1"], kind__startswith="accident.target").exists()
    assert targets.scan_targets().warnings == 0  # already sent
