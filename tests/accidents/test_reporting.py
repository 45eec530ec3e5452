"""The reporting services: grading from the figures (boundaries, missing persons), the loss in 元 or 万元, bad
counts and times, who may report for which unit, unregistered units, the reporting clock (the unit's hour, each
upward step's two hours, lateness in minutes), same-level notices, 续报 with re-grading and the level change
raised to the city, the window after which figures are refused, and the follow-up finding."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anjian.accidents import reporting
from anjian.accidents.models import Accident, AccidentEvent, Transmission
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import Notification
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise
from tests.accidents.conftest import ago, report, report_data
from tests.conftest import uscc

pytestmark = pytest.mark.django_db

MIN = datetime.timedelta(minutes=1)


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def old_report(aw, key="b1", hours=10, **overrides):
    """An accident ``hours`` ago (so every step of its clock can be recorded in the past)."""
    occurred = ago(hours=hours)
    data = {"occurred_at": occurred, "unit_learned_at": occurred + 10 * MIN, "county_received_at": occurred + 40 * MIN}
    data.update(overrides)
    return report(aw, key, **data)


# --- grading ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "grade", "level"),
    [
        ({"deaths": 2}, "ordinary", "county"),
        ({"deaths": 3}, "large", "city"),
        ({"deaths": 9}, "large", "city"),
        ({"deaths": 10}, "serious", "province"),
        ({"deaths": 30}, "especially_serious", "state_council"),
        ({"deaths": 0, "serious_injuries": 9}, "ordinary", "county"),
        ({"deaths": 0, "serious_injuries": 10}, "large", "city"),
        ({"deaths": 0, "serious_injuries": 50}, "serious", "province"),
        ({"deaths": 0, "serious_injuries": 100}, "especially_serious", "state_council"),
        ({"deaths": 0, "direct_loss": "999.99", "direct_loss_unit": "wan_yuan"}, "ordinary", "county"),
        ({"deaths": 0, "direct_loss": "1000", "direct_loss_unit": "wan_yuan"}, "large", "city"),
        ({"deaths": 0, "direct_loss": "49999999.99", "direct_loss_unit": "yuan"}, "large", "city"),
        ({"deaths": 0, "direct_loss": "50000000", "direct_loss_unit": "yuan"}, "serious", "province"),
        ({"deaths": 0, "direct_loss": "10000", "direct_loss_unit": "wan_yuan"}, "especially_serious", "state_council"),
    ],
)
def test_grade_at_the_boundaries_comes_from_the_figures(aw, figures, grade, level):
    data = {"deaths": 0, "serious_injuries": 0, "direct_loss": "0", "direct_loss_unit": "yuan", **figures}
    a = report(aw, **data)
    a.refresh_from_db()
    assert (a.grade, a.investigating_level) == (grade, level)
    basis = a.grade_basis
    assert basis["deaths"] == data["deaths"] and basis["serious_injuries"] == data["serious_injuries"]
    assert Decimal(basis["direct_loss_yuan"]) == a.direct_loss_yuan
    assert basis["reasons"] and all("第三条第一款" in r for r in basis["reasons"])
    assert basis["source"].startswith("《生产安全事故报告和调查处理条例》第三条")


def test_every_dimension_reaching_the_grade_gives_a_reason(aw):
    a = report(aw, deaths=3, serious_injuries=12, direct_loss="500", direct_loss_unit="wan_yuan")
    assert a.grade == "large"
    reasons = a.grade_basis["reasons"]
    assert len(reasons) == 2
    assert any("死亡3人" in r for r in reasons) and any("重伤（包括急性工业中毒）12人" in r for r in reasons)
    assert a.grade_basis["dimensions"] == {"deaths": "large", "serious_injuries": "large", "direct_loss": "ordinary"}


def test_missing_persons_count_as_deaths_by_the_setting(aw, settings):
    settings.ANJIAN_MISSING_AS_DEATHS = True
    counted = report(aw, deaths=1, missing=2)
    assert counted.grade == "large" and counted.missing_count_as_deaths is True
    assert counted.grade_basis["deaths_counted"] == 3 and counted.grade_basis["missing_count_as_deaths"] is True
    assert "含下落不明2人" in counted.grade_basis["reasons"][0]

    settings.ANJIAN_MISSING_AS_DEATHS = False
    not_counted = report(aw, deaths=1, missing=2)
    assert not_counted.grade == "ordinary" and not_counted.missing_count_as_deaths is False
    assert not_counted.grade_basis["deaths_counted"] == 1
    # The setting is kept per case: changing it later does not regrade the first one.
    counted.refresh_from_db()
    assert counted.grade == "large" and counted.missing_count_as_deaths is True


def test_near_miss_is_recorded_ungraded_and_needs_its_item(aw):
    with pytest.raises(ValidationError) as exc:
        report(aw, kind="near_miss", deaths=0)
    assert codes(exc.value)["near_miss_item"] == ["required"]
    a = report(aw, kind="near_miss", near_miss_item="1", deaths=0, direct_loss="18")
    assert a.grade == "" and a.grade_basis == {} and a.investigating_level == ""
    # Reported as a 较大 accident, to the province, by default (rules.NEAR_MISS_REPORT_RULE, a setting)
    assert reporting.report_levels_of(a) == ("county", "city", "province")
    assert [s["step"] for s in reporting.clock(a)["steps"]] == ["county_to_city", "city_to_province"]


def test_near_miss_report_end_point_is_a_setting(aw, settings):
    settings.ANJIAN_NEAR_MISS_REPORT_TO = "city"
    a = report(aw, kind="near_miss", near_miss_item="2", deaths=0, direct_loss="0")
    assert reporting.report_levels_of(a) == ("county", "city")
    settings.ANJIAN_NEAR_MISS_REPORT_TO = "state_council"
    assert reporting.report_levels_of(a) == ("county", "city", "province", "state_council")


# --- the loss and bad input ---------------------------------------------------------------------------------------


def test_loss_unit_is_required_and_wan_yuan_converted(aw):
    for unit in (None, "", "jiao"):
        with pytest.raises(ValidationError) as exc:
            report(aw, direct_loss="120", direct_loss_unit=unit)
        assert codes(exc.value)["direct_loss_unit"] == ["loss_unit_required"]
    assert Accident.objects.count() == 0
    assert report(aw, direct_loss="120", direct_loss_unit="wan_yuan").direct_loss_yuan == Decimal("1200000.00")
    assert report(aw, direct_loss="1,500.5", direct_loss_unit="yuan").direct_loss_yuan == Decimal("1500.50")
    assert report(aw, direct_loss="0.0001", direct_loss_unit="wan_yuan").direct_loss_yuan == Decimal("1.00")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"direct_loss": "-1"}, "direct_loss", "negative"),
        ({"direct_loss": "abc"}, "direct_loss", "invalid"),
        ({"direct_loss": "0.001", "direct_loss_unit": "yuan"}, "direct_loss", "precision"),
        ({"deaths": -1}, "deaths", "negative"),
        ({"serious_injuries": "-3"}, "serious_injuries", "negative"),
        ({"minor_injuries": "1.5"}, "minor_injuries", "invalid"),
        ({"missing": 100001}, "missing", "out_of_range"),
        ({"accident_type": "99"}, "accident_type", "invalid_choice"),
        ({"sector": "space"}, "sector", "invalid_choice"),
        ({"place": "  "}, "place", "required"),
        ({"account": ""}, "account", "required"),
        ({"reporter_name": ""}, "reporter_name", "required"),
    ],
)
def test_bad_figures_and_fields_are_refused_with_a_code(aw, overrides, field, code):
    with pytest.raises(ValidationError) as exc:
        report(aw, **overrides)
    assert code in codes(exc.value)[field]
    assert Accident.objects.count() == 0


def test_times_in_the_future_or_out_of_order_are_refused(aw):
    soon = ago(hours=-1)
    with pytest.raises(ValidationError) as exc:
        report(aw, occurred_at=soon)
    assert codes(exc.value)["occurred_at"] == ["future"]
    occurred = ago(hours=5)
    with pytest.raises(ValidationError) as exc:
        report(aw, occurred_at=occurred, unit_learned_at=occurred - MIN, county_received_at=occurred + MIN)
    assert codes(exc.value)["unit_learned_at"] == ["order"]
    with pytest.raises(ValidationError) as exc:
        report(aw, occurred_at=occurred, unit_learned_at=occurred + 30 * MIN, county_received_at=occurred + 20 * MIN)
    assert codes(exc.value)["county_received_at"] == ["order"]
    with pytest.raises(ValidationError) as exc:
        report(aw, county_received_at=None)
    assert codes(exc.value)["county_received_at"] == ["required"]
    assert Accident.objects.count() == 0


# --- who reports for which unit ------------------------------------------------------------------------------------


def test_enterprise_reports_only_its_own_unit_and_is_received_at_once(aw):
    with pytest.raises(PermissionDeniedError):
        report(aw, "e1", enterprise=aw.e2)
    with pytest.raises(PermissionDeniedError):
        report(aw, "e1", unit={"name": "别的单位", "region": aw.t1.code})
    before = ago(seconds=1)
    a = report(aw, "e1m", county_received_at=ago(days=3), source="public")
    assert a.enterprise == aw.e1 and a.source == "unit" and a.county_received_by is None
    assert a.county_received_at >= before  # the platform's receipt, not what the unit typed
    assert a.reported_by == aw.user["e1m"] and not a.suspected_unreported


def test_employee_cannot_report(aw):
    with pytest.raises(PermissionDeniedError):
        report(aw, "e1w")
    for key in ("g1", "x1", "sys"):
        with pytest.raises(PermissionDeniedError):
            report(aw, key)
    assert Accident.objects.count() == 0


def test_officers_report_only_inside_their_scope_and_sectors(aw):
    with pytest.raises(PermissionDeniedError):
        report(aw, "b1", enterprise=aw.e3)
    with pytest.raises(ValidationError) as exc:
        report(aw, "d1", enterprise=aw.e2, sector="textile")
    assert codes(exc.value)["sector"] == ["sector_out_of_scope"]
    a = report(aw, "d1", enterprise=aw.e2, sector="construction")
    assert a.county_received_by == aw.user["d1"] and a.region_code == aw.e2.region_code
    assert report(aw, "t1").enterprise == aw.e1  # a township hears first and may enter it


def test_unregistered_unit_is_registered_as_illegal_without_a_credit_code(aw):
    unit = {"name": "无名小作坊", "address": "硖石街道某村", "region": aw.t1.code, "principal_name": "李某"}
    a = report(aw, "b1", unit=unit)
    e = Enterprise.objects.get(name="无名小作坊")
    assert a.enterprise == e and a.unit_was_unregistered
    assert e.status == EnterpriseStatus.ILLEGAL and e.uscc is None and e.region == aw.t1
    assert e.principal_name == "李某" and list(e.sector_links.values_list("sector", flat=True)) == ["textile"]

    code = uscc(77, "330481")
    b = report(aw, "b1", unit={"name": "有照单位", "uscc": code, "region": aw.t1.code})
    assert b.enterprise.status == EnterpriseStatus.OPERATING and b.enterprise.uscc == code


def test_unregistered_unit_errors_name_the_unit_fields(aw):
    with pytest.raises(ValidationError) as exc:
        report(aw, "b1", unit={"name": "", "region": aw.t1.code})
    assert codes(exc.value) == {"enterprise": ["required"]}
    with pytest.raises(ValidationError) as exc:
        report(aw, "b1", unit={"name": "外县单位", "region": aw.t3.code})
    assert "region_out_of_scope" in codes(exc.value)["unit_region"]
    with pytest.raises(ValidationError) as exc:
        report(aw, "b1", unit={"name": "假代码单位", "uscc": "91330481MA0000000X", "region": aw.t1.code})
    assert codes(exc.value)["unit_uscc"] == ["uscc_invalid"]
    assert not Enterprise.objects.filter(name__in=["外县单位", "假代码单位"]).exists()
    assert Accident.objects.count() == 0


# --- the clock ----------------------------------------------------------------------------------------------------


def test_unit_lateness_in_minutes(aw):
    occurred = ago(hours=6)
    on_time = report(aw, occurred_at=occurred, unit_learned_at=occurred + 5 * MIN,
                     county_received_at=occurred + 65 * MIN)
    assert on_time.unit_report_minutes_late == 0 and not reporting.needs_follow_up(on_time)
    late = report(aw, occurred_at=occurred, unit_learned_at=occurred + 10 * MIN,
                  county_received_at=occurred + 85 * MIN + datetime.timedelta(seconds=20))
    assert late.unit_report_minutes_late == 16  # a part minute counts as a whole one
    assert reporting.needs_follow_up(late)
    unknown = report(aw, unit_learned_at=None)
    assert unknown.unit_report_minutes_late is None and reporting.clock(unknown)["unit_due"] is None


def test_report_from_elsewhere_is_flagged_for_follow_up(aw):
    a = report(aw, source="public")
    assert a.suspected_unreported and a.unit_report_minutes_late is None
    assert reporting.needs_follow_up(a)


def test_unit_learned_time_sets_the_hour_clock(aw):
    occurred = ago(hours=6)
    a = report(aw, occurred_at=occurred, unit_learned_at=None, county_received_at=occurred + 120 * MIN)
    received = a.county_received_at
    assert a.unit_report_minutes_late is None
    a = reporting.record_unit_learned(actor=aw.user["b1"], accident=a, unit_learned_at=received - 90 * MIN)
    assert a.unit_report_minutes_late == 30
    assert AccidentEvent.objects.filter(accident=a, action="receive").exists()
    with pytest.raises(ValidationError) as exc:
        reporting.record_unit_learned(actor=aw.user["b1"], accident=a, unit_learned_at=received + MIN)
    assert codes(exc.value)["unit_learned_at"] == ["order"]
    with pytest.raises(PermissionDeniedError):
        reporting.record_unit_learned(actor=aw.user["t1"], accident=a, unit_learned_at=received)
    with pytest.raises(PermissionDeniedError):
        reporting.record_unit_learned(actor=aw.user["b2"], accident=a, unit_learned_at=received)


def test_transmission_deadline_and_lateness(aw):
    a = old_report(aw, deaths=3)  # 较大: county → city → province
    assert [s["step"] for s in reporting.clock(a)["steps"]] == ["county_to_city", "city_to_province"]
    received = a.county_received_at
    row = reporting.transmit(actor=aw.user["b1"], accident=a, step="county_to_city", sent_at=received + 120 * MIN,
                             recipient="嘉兴市应急管理局")
    assert row.received_at == received and row.deadline == received + 120 * MIN and row.minutes_late == 0
    row2 = reporting.transmit(actor=aw.user["city"], accident=a, step="city_to_province",
                              sent_at=row.sent_at + 150 * MIN)
    assert row2.received_at == row.sent_at and row2.minutes_late == 30
    clock = reporting.clock(a)
    assert [s["minutes_late"] for s in clock["steps"]] == [0, 30]
    assert [s["step"] for s in clock["late_steps"]] == ["city_to_province"]
    assert row2.sender_name == "city"


def test_overdue_step_is_shown_before_it_is_recorded(aw):
    a = old_report(aw, hours=5)
    step = reporting.clock(a)["steps"][0]
    assert step["done"] is None and step["overdue"] and step["minutes_late"] > 0


def test_duplicate_or_out_of_order_transmission_is_refused(aw, django_capture_on_commit_callbacks):
    a = old_report(aw)
    received = a.county_received_at
    with pytest.raises(ValidationError) as exc:
        reporting.transmit(actor=aw.user["b1"], accident=a, step="county_to_city", sent_at=received - MIN)
    assert codes(exc.value)["sent_at"] == ["order"]
    with pytest.raises(ValidationError) as exc:
        reporting.transmit(actor=aw.user["b1"], accident=a, step="unit_to_county", sent_at=received)
    assert codes(exc.value)["step"] == ["invalid_choice"]
    with django_capture_on_commit_callbacks(execute=True):
        reporting.transmit(actor=aw.user["b1"], accident=a, step="county_to_city", sent_at=received + 30 * MIN)
    assert Notification.objects.filter(recipient=aw.user["city"], kind="accident.transmitted").exists()
    with pytest.raises(ConflictError) as exc:
        reporting.transmit(actor=aw.user["b1"], accident=a, step="county_to_city", sent_at=received + 40 * MIN)
    assert exc.value.code == "already_transmitted" and exc.value.status == 409
    assert Transmission.objects.filter(accident=a).count() == 1
    with pytest.raises(PermissionDeniedError):
        reporting.transmit(actor=aw.user["t1"], accident=a, step="city_to_province", sent_at=received + 50 * MIN)


def test_same_level_notices_and_the_missing_ones(aw):
    a = old_report(aw)
    assert len(reporting.clock(a)["missing_notices"]) == 5  # county: five parties
    reporting.record_notice(actor=aw.user["b1"], accident=a, level="county", party="public_security",
                            notified_at=a.county_received_at + 5 * MIN)
    missing = reporting.clock(a)["missing_notices"]
    assert {m["party"] for m in missing} == {"labour", "trade_union", "procuratorate", "government"}
    with pytest.raises(ConflictError) as exc:
        reporting.record_notice(actor=aw.user["b1"], accident=a, level="county", party="public_security",
                                notified_at=a.county_received_at + 6 * MIN)
    assert exc.value.code == "already_notified"
    with pytest.raises(ValidationError) as exc:
        reporting.record_notice(actor=aw.user["b1"], accident=a, level="town", party="press",
                                notified_at=ago(hours=-2))
    assert codes(exc.value) == {"level": ["invalid_choice"], "party": ["invalid_choice"], "notified_at": ["future"]}
    with pytest.raises(ValidationError) as exc:
        reporting.record_notice(actor=aw.user["b1"], accident=a, level="county", party="labour",
                                notified_at=a.occurred_at - MIN)
    assert codes(exc.value)["notified_at"] == ["order"]
    # The city's notices are due once the report reached the city.
    reporting.transmit(actor=aw.user["b1"], accident=a, step="county_to_city", sent_at=a.county_received_at + MIN)
    assert {m["level"] for m in reporting.clock(a)["missing_notices"]} == {"county", "city"}


# --- 续报 -----------------------------------------------------------------------------------------------------------


def _figures(a, **changes):
    data = {"deaths": a.deaths, "missing": a.missing, "serious_injuries": a.serious_injuries,
            "minor_injuries": a.minor_injuries, "direct_loss": str(a.direct_loss_yuan), "direct_loss_unit": "yuan",
            "note": "续报情况"}
    data.update(changes)
    return data


def test_supplement_regrades_and_raises_the_level_change_to_the_city(aw, django_capture_on_commit_callbacks):
    a = report(aw, deaths=1)
    assert (a.grade, a.investigating_level) == ("ordinary", "county")
    with django_capture_on_commit_callbacks(execute=True):
        row = reporting.supplement(actor=aw.user["b1"], accident=a,
                                   data=_figures(a, deaths=3, note="两名重伤者抢救无效死亡"))
    a.refresh_from_db()
    assert (a.grade, a.investigating_level) == ("large", "city")
    assert a.level_changed_from == "county" and a.level_changed_at is not None
    assert (row.grade_before, row.grade_after, row.level_before, row.level_after) == (
        "ordinary", "large", "county", "city")
    assert a.grade_basis["deaths"] == 3 and "死亡3人" in a.grade_basis["reasons"][0]
    assert list(a.events.values_list("action", flat=True)) == ["report", "supplement", "regrade"]
    note = Notification.objects.get(recipient=aw.user["city"], kind="accident.level_changed")
    assert a.number in note.title and note.url == f"/accidents/{a.pk}/"
    assert Notification.objects.filter(recipient=aw.user["cityleader"], kind="accident.level_changed").exists()
    assert not Notification.objects.filter(recipient=aw.user["b1"], kind="accident.level_changed").exists()
    # The required chain now reaches the province.
    assert [s["step"] for s in reporting.clock(a)["steps"]] == ["county_to_city", "city_to_province"]


def test_supplement_without_level_change_notifies_the_county_only(aw, django_capture_on_commit_callbacks):
    a = report(aw, "t1", deaths=1)
    with django_capture_on_commit_callbacks(execute=True):
        row = reporting.supplement(actor=aw.user["t1"], accident=a, data=_figures(a, minor_injuries=5))
    assert row.grade_before == row.grade_after == "ordinary"
    assert Notification.objects.filter(recipient=aw.user["b1"], kind="accident.supplemented").exists()
    assert not Notification.objects.filter(recipient=aw.user["city"], kind="accident.level_changed").exists()
    a.refresh_from_db()
    assert a.minor_injuries == 5 and a.level_changed_from == ""


def test_supplement_after_the_window_refuses_figure_changes(aw):
    occurred = ago(days=40)
    a = report(aw, occurred_at=occurred, unit_learned_at=occurred + 10 * MIN, county_received_at=occurred + 30 * MIN)
    with pytest.raises(ValidationError) as exc:
        reporting.supplement(actor=aw.user["b1"], accident=a, data=_figures(a, deaths=4))
    assert codes(exc.value)["deaths"] == ["supplement_window_closed"]
    a.refresh_from_db()
    assert a.deaths == 1 and a.grade == "ordinary" and not a.supplements.exists()
    row = reporting.supplement(actor=aw.user["b1"], accident=a, data=_figures(a, note="家属情况说明"))
    assert row.grade_after == "ordinary" and row.note == "家属情况说明"


def test_road_traffic_window_is_seven_days(aw):
    occurred = ago(days=10)
    a = report(aw, occurred_at=occurred, unit_learned_at=occurred + 10 * MIN,
               county_received_at=occurred + 30 * MIN, supplement_kind="road_traffic")
    with pytest.raises(ValidationError) as exc:
        reporting.supplement(actor=aw.user["b1"], accident=a, data=_figures(a, deaths=2))
    assert codes(exc.value)["deaths"] == ["supplement_window_closed"]
    general = report(aw, occurred_at=occurred, unit_learned_at=occurred + 10 * MIN,
                     county_received_at=occurred + 30 * MIN)
    assert reporting.supplement(actor=aw.user["b1"], accident=general, data=_figures(general, deaths=2)).deaths == 2


def test_supplement_checks_its_input_and_who_may(aw):
    a = report(aw, "e1")
    with pytest.raises(ValidationError) as exc:
        reporting.supplement(actor=aw.user["e1"], accident=a,
                             data=_figures(a, deaths=-2, direct_loss_unit="", note=""))
    assert codes(exc.value) == {"deaths": ["negative"], "direct_loss_unit": ["loss_unit_required"],
                                "note": ["required"]}
    with pytest.raises(ValidationError) as exc:
        reporting.supplement(actor=aw.user["e1"], accident=a, data=_figures(a, reported_at=a.occurred_at - MIN))
    assert codes(exc.value)["reported_at"] == ["order"]
    with pytest.raises(PermissionDeniedError):
        reporting.supplement(actor=aw.user["e1w"], accident=a, data=_figures(a))
    with pytest.raises(PermissionDeniedError):
        reporting.supplement(actor=aw.user["g1"], accident=a, data=_figures(a))
    row = reporting.supplement(actor=aw.user["e1"], accident=a, data=_figures(a, direct_loss="130",
                                                                               direct_loss_unit="wan_yuan"))
    assert row.direct_loss_yuan == Decimal("1300000.00")


# --- the finding --------------------------------------------------------------------------------------------------


def test_finding_clears_the_follow_up_flag(aw):
    a = report(aw, source="media")
    assert reporting.needs_follow_up(a)
    with pytest.raises(PermissionDeniedError):
        reporting.record_finding(actor=aw.user["t1"], accident=a, finding="concealed", note="经查")
    with pytest.raises(ValidationError) as exc:
        reporting.record_finding(actor=aw.user["b1"], accident=a, finding="hidden", note=" ")
    assert codes(exc.value) == {"finding": ["invalid_choice"], "note": ["required"]}
    a = reporting.record_finding(actor=aw.user["b1"], accident=a, finding="concealed",
                                 note="单位未报告，经媒体曝光后查实。")
    assert a.reporting_finding == "concealed" and a.reporting_finding_by == aw.user["b1"]
    assert not reporting.needs_follow_up(a)
    assert a.events.filter(action="finding").get().data == {"finding": "concealed"}


def test_who_may_do_what(aw):
    a = report(aw)
    assert reporting.can_report(aw.user["e1"]) and reporting.can_report(aw.user["t1"])
    assert not reporting.can_report(aw.user["e1w"]) and not reporting.can_report(aw.user["g1"])
    assert reporting.can_supplement(aw.user["e1m"], a) and not reporting.can_supplement(aw.user["e2"], a)
    assert reporting.can_clock(aw.user["d1"]) and not reporting.can_clock(aw.user["t1"])
    assert report_data()["direct_loss_unit"] == "wan_yuan"


def test_numbers_run_per_county_and_year_of_occurrence(aw):
    from django.utils import timezone

    year = timezone.localtime(ago(hours=3)).year
    first, second = report(aw), report(aw, "d1", enterprise=aw.e2, sector="construction")
    other_county = report(aw, "b2", enterprise=aw.e3, sector="hazchem")
    assert (first.number, second.number) == (f"SG330481{year}0001", f"SG330481{year}0002")
    assert other_county.number == f"SG330482{year}0001"
    old = ago(days=800)
    earlier = report(aw, occurred_at=old, unit_learned_at=old + MIN, county_received_at=old + 20 * MIN)
    assert earlier.number == f"SG330481{timezone.localtime(old).year}0001"


def test_a_transmission_in_the_same_minute_as_a_platform_receipt_is_accepted(aw):
    """An enterprise's report is received with seconds; the page's time input has only minutes."""
    a = report(aw, "e1m")
    sent = a.county_received_at.replace(second=0, microsecond=0)
    row = reporting.transmit(actor=aw.user["b1"], accident=a, step="county_to_city", sent_at=sent)
    assert row.minutes_late == 0


def test_a_fire_takes_the_seven_day_window_unless_told_otherwise(aw):
    fire = report(aw, accident_type="08", supplement_kind="")
    assert fire.supplement_kind == "fire"
    assert report(aw, accident_type="08", supplement_kind="general").supplement_kind == "general"
    assert report(aw, accident_type="03", supplement_kind="").supplement_kind == "general"
    assert report(aw, accident_type="02", supplement_kind="road_traffic").supplement_kind == "road_traffic"
