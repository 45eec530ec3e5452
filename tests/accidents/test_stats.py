"""Accident statistics: month and year to date against last year, by region (the next level down), sector, type and
grade; near misses apart; the local-time month boundary; the current figures after 续报; scoping (county 2 sees
none of county 1, a department only its sectors); bad periods; a bounded number of queries."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anjian.accidents import reporting, stats
from anjian.accidents.grading import grade_of
from anjian.accidents.models import Accident
from anjian.core.errors import PermissionDeniedError
from anjian.enterprises import services as enterprise_services
from tests.accidents.conftest import report
from tests.conftest import SYSTEM, enterprise_data, make_region, uscc

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
Y = 2025  # a past year with a past "last year": the assertions do not depend on today's date
_seq = itertools.count(1)


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def make(enterprise, occurred, *, kind="accident", deaths=0, missing=0, serious=0, minor=0, loss="0", sector=None,
         accident_type="03", missing_counted=True) -> Accident:
    """An accident row written directly (for data sets; the services are tested elsewhere), graded from its
    figures so that it satisfies the model's constraints."""
    grade, basis, level = "", {}, ""
    if kind == "accident":
        grade, basis, level = grade_of(deaths=deaths, missing=missing, serious_injuries=serious,
                                       direct_loss_yuan=Decimal(loss), missing_counted=missing_counted)
    return Accident.objects.create(
        number=f"SGTEST{next(_seq):06d}", kind=kind, enterprise=enterprise, region_code=enterprise.region_code,
        sector=sector or enterprise.sector_links.values_list("sector", flat=True).first() or "other",
        occurred_at=occurred, place="车间", accident_type=accident_type,
        near_miss_item="1" if kind != "accident" else "",
        deaths=deaths, missing=missing, serious_injuries=serious, minor_injuries=minor, direct_loss_yuan=Decimal(loss),
        missing_count_as_deaths=missing_counted, grade=grade, grade_basis=basis, investigating_level=level,
        account="经过", reporter_name="报告人",
    )


def rows(fig) -> dict:
    return {r["key"]: r for r in fig["rows"]}


@pytest.fixture
def data(aw):
    """County 1: t1 (e1, textile) and t2 (e2, construction); county 2: t3 (e3, hazchem)."""
    w = aw
    make(w.e1, at(Y, 3, 5), deaths=1, minor=2, loss="120000", accident_type="03")
    make(w.e1, at(Y, 3, 20), deaths=1, serious=1, loss="30000.50", accident_type="09")
    make(w.e2, at(Y, 3, 9), minor=1, loss="5000", accident_type="10")
    make(w.e1, at(Y, 1, 15), minor=1, accident_type="03")
    make(w.e1, at(Y, 3, 12), kind="near_miss")  # counted apart
    make(w.e1, at(Y - 1, 3, 2), deaths=2, loss="80000", accident_type="03")  # last year, same month
    make(w.e2, at(Y - 1, 2, 2), minor=1, accident_type="10")  # last year, earlier month
    make(w.e1, at(Y, 4, 2), deaths=5)  # after the month: not counted
    make(w.e3, at(Y, 3, 6), deaths=3, accident_type="19")  # county 2 (large)
    return w


def test_month_and_year_to_date_against_last_year_by_township(data):
    fig = stats.figures(data.user["b1"], year=Y, month=3, by="region")
    assert fig["region_name"] == "海宁市" and fig["labels"]["month"] == "2025年3月"
    assert fig["labels"]["ytd"] == "2025年1—3月"
    by = rows(fig)
    assert list(by) == ["330481001", "330481002"]  # the county's townships, in code order
    t1, t2 = by["330481001"], by["330481002"]
    assert t1["label"] == "硖石街道"
    m = t1["month"]
    assert (m["accidents"]["current"], m["accidents"]["last_year"], m["accidents"]["change"]) == (2, 1, 1)
    assert m["accidents"]["change_pct"] == Decimal("100.0") and m["accidents"]["pct_text"] == "+100.0%"
    assert (m["deaths"]["current"], m["deaths"]["last_year"], m["deaths"]["change_pct"]) == (2, 2, Decimal("0.0"))
    assert m["deaths"]["change_text"] == "0"
    assert m["serious_injuries"]["current"] == 1 and m["minor_injuries"]["current"] == 2
    assert m["injuries"]["current"] == 3
    assert m["direct_loss_yuan"]["current"] == Decimal("150000.50")
    assert m["direct_loss_yuan"]["current_text"] == "15.00"  # 万元
    assert m["near_misses"]["current"] == 1
    y = t1["ytd"]
    assert (y["accidents"]["current"], y["accidents"]["last_year"], y["accidents"]["change_pct"]) == (3, 1, 200)
    # Last year 0: the change is absolute only, the percentage 「—」.
    assert t2["month"]["accidents"]["current"] == 1 and t2["month"]["accidents"]["change_pct"] is None
    assert t2["month"]["accidents"]["pct_text"] == "—" and t2["month"]["accidents"]["change_text"] == "+1"
    assert (t2["ytd"]["accidents"]["current"], t2["ytd"]["accidents"]["last_year"]) == (1, 1)
    total = fig["total"]
    assert total["month"]["accidents"]["current"] == 3 and total["month"]["accidents"]["last_year"] == 1
    assert total["ytd"]["accidents"]["current"] == 4 and total["ytd"]["accidents"]["last_year"] == 2
    assert total["ytd"]["deaths"]["current"] == 2 and total["ytd"]["deaths"]["last_year"] == 2
    assert total["month"]["near_misses"]["current"] == 1 and total["month"]["accidents"]["current"] == 3


def test_a_decrease_and_loss_change(data):
    make(data.e2, at(Y - 1, 3, 3), loss="1000000")
    make(data.e2, at(Y - 1, 3, 4))
    t2 = rows(stats.figures(data.user["b1"], year=Y, month=3, by="region"))["330481002"]["month"]
    assert (t2["accidents"]["current"], t2["accidents"]["last_year"]) == (1, 2)
    assert t2["accidents"]["change"] == -1 and t2["accidents"]["pct_text"] == "-50.0%"
    assert t2["direct_loss_yuan"]["change"] == Decimal("-995000.00")
    assert t2["direct_loss_yuan"]["change_text"] == "-99.50"


def test_january_year_to_date_is_the_month(data):
    fig = stats.figures(data.user["b1"], year=Y, month=1, by="region")
    assert fig["labels"]["ytd"] == "2025年1月"
    assert fig["total"]["month"]["accidents"]["current"] == fig["total"]["ytd"]["accidents"]["current"] == 1


def test_the_month_is_local_time(aw):
    make(aw.e1, at(Y, 3, 31, 23, 30))  # 15:30 UTC on 31 March
    make(aw.e1, at(Y, 4, 1, 0, 10))  # 16:10 UTC on 31 March: an April accident in Beijing
    march = stats.figures(aw.user["b1"], year=Y, month=3, by="region")["total"]["month"]["accidents"]["current"]
    april = stats.figures(aw.user["b1"], year=Y, month=4, by="region")["total"]["month"]["accidents"]["current"]
    assert (march, april) == (1, 1)


def test_by_sector_type_and_grade(data):
    b1 = data.user["b1"]
    sector = rows(stats.figures(b1, year=Y, month=3, by="sector"))
    assert list(sector) == ["textile", "construction"]  # Sector order
    assert sector["textile"]["label"] == "纺织" and sector["textile"]["month"]["accidents"]["current"] == 2
    assert sector["construction"]["month"]["accidents"]["current"] == 1
    kinds = rows(stats.figures(b1, year=Y, month=3, by="type"))
    assert kinds["03"]["label"] == "03 机械伤害"
    assert kinds["03"]["month"]["accidents"]["current"] == 1 and kinds["03"]["month"]["accidents"]["last_year"] == 1
    assert kinds["09"]["month"]["accidents"]["current"] == 1 and kinds["10"]["ytd"]["accidents"]["last_year"] == 1
    grades = stats.figures(b1, year=Y, month=3, by="grade")
    assert [r["key"] for r in grades["rows"]] == ["especially_serious", "serious", "large", "ordinary", "_near_miss"]
    g = rows(grades)
    assert g["ordinary"]["month"]["accidents"]["current"] == 3 and g["large"]["month"]["accidents"]["current"] == 0
    assert g["_near_miss"]["month"]["near_misses"]["current"] == 1
    assert g["_near_miss"]["month"]["accidents"]["current"] == 0
    # Every grouping adds up to the same total.
    totals = {by: stats.figures(b1, year=Y, month=3, by=by)["total"]["ytd"]["deaths"]["current"]
              for by in stats.DIMENSIONS}
    assert set(totals.values()) == {2}


def test_city_groups_by_county_and_county2_sees_none_of_county1(data):
    city = stats.figures(data.user["city"], year=Y, month=3, by="region")
    by = rows(city)
    assert list(by) == ["330481", "330482"] and by["330481"]["label"] == "海宁市"
    assert by["330481"]["month"]["accidents"]["current"] == 3 and by["330482"]["month"]["accidents"]["current"] == 1
    assert city["total"]["month"]["deaths"]["current"] == 5
    b2 = stats.figures(data.user["b2"], year=Y, month=3, by="region")
    assert [r["key"] for r in b2["rows"]] == ["330482001"]
    assert b2["total"]["month"]["accidents"]["current"] == 1 and b2["total"]["month"]["deaths"]["current"] == 3
    assert b2["total"]["ytd"]["accidents"]["last_year"] == 0  # county 1's last year is not seen either
    for by_ in ("sector", "type"):
        keys = {r["key"] for r in stats.figures(data.user["b2"], year=Y, month=3, by=by_)["rows"]}
        assert keys <= {"hazchem", "19"}


def test_a_department_sees_its_sectors_only(data):
    fig = stats.figures(data.user["d1"], year=Y, month=3, by="sector")
    assert [r["key"] for r in fig["rows"]] == ["construction"]
    assert fig["total"]["month"]["accidents"]["current"] == 1
    assert fig["scope_note"] == "（建筑施工行业领域）"


def test_a_township_sees_itself_as_its_own_row(data):
    fig = stats.figures(data.user["t1"], year=Y, month=3, by="region")
    assert [r["key"] for r in fig["rows"]] == [stats.OWN_KEY]
    assert fig["rows"][0]["label"] == "硖石街道本级" and fig["total"]["month"]["accidents"]["current"] == 2


def test_a_township_groups_by_village_with_its_own_level_apart(aw):
    village = make_region("330481001001", "东山社区", "village", aw.t1)
    unit = enterprise_services.enterprise_create(
        actor=SYSTEM, data=enterprise_data(village, name="社区企业", uscc=uscc(77)), sectors=["machinery"]
    )
    make(unit, at(Y, 3, 3), deaths=1)
    make(aw.e1, at(Y, 3, 4))
    fig = stats.figures(aw.user["t1"], year=Y, month=3, by="region")
    by = rows(fig)
    assert list(by) == ["330481001001", stats.OWN_KEY]
    assert by["330481001001"]["label"] == "东山社区" and by["330481001001"]["month"]["deaths"]["current"] == 1
    assert by[stats.OWN_KEY]["month"]["accidents"]["current"] == 1
    # The county counts the village under its township.
    assert rows(stats.figures(aw.user["b1"], year=Y, month=3, by="region"))["330481001"]["month"]["accidents"][
        "current"] == 2


def test_current_figures_after_a_supplement(aw):
    accident = report(aw, deaths=1)
    reporting.supplement(actor=aw.user["b1"], accident=accident, data={
        "deaths": 4, "missing": 0, "serious_injuries": 0, "minor_injuries": 2, "direct_loss": "300",
        "direct_loss_unit": "wan_yuan", "note": "又有3人经抢救无效死亡。",
    })
    local = timezone.localtime(accident.occurred_at)
    fig = stats.figures(aw.user["b1"], year=local.year, month=local.month, by="grade")
    g = rows(fig)
    assert g["large"]["month"]["accidents"]["current"] == 1 and g["ordinary"]["month"]["accidents"]["current"] == 0
    assert fig["total"]["month"]["deaths"]["current"] == 4
    assert fig["total"]["month"]["direct_loss_yuan"]["current"] == Decimal("3000000.00")


@pytest.mark.parametrize("key", ["e1", "e1m", "e1w", "g1", "x1", "sys", "aud"])
def test_only_officers_see_statistics(data, key):
    with pytest.raises(PermissionDeniedError):
        stats.figures(data.user[key], year=Y, month=3, by="region")


def codes(exc) -> dict:
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


@pytest.mark.parametrize(
    ("year", "month", "by", "expected"),
    [
        ("abc", 3, "region", {"year": ["invalid"]}),
        ("-1", 3, "region", {"year": ["invalid"]}),
        (1999, 3, "region", {"year": ["year_out_of_range"]}),
        (2031, 3, "region", {"year": ["year_out_of_range"]}),
        (2025, 13, "region", {"month": ["month_out_of_range"]}),
        (2025, 0, "region", {"month": ["month_out_of_range"]}),
        (2025, "3.5", "region", {"month": ["invalid"]}),
        (2026, 12, "region", {"month": ["future_period"]}),
        (2025, 3, "county", {"by": ["invalid_choice"]}),
        (True, 3, "region", {"year": ["invalid"]}),
    ],
)
def test_bad_periods(year, month, by, expected):
    with pytest.raises(ValidationError) as exc:
        stats.clean_period(year, month, by, today=datetime.date(2026, 11, 15))
    assert codes(exc) == expected


def test_period_defaults_and_strings():
    today = datetime.date(2026, 11, 15)
    assert stats.clean_period(None, "", "", today=today) == (2026, 11, "region")
    assert stats.clean_period("2025", " 7 ", "grade", today=today) == (2025, 7, "grade")


def test_figures_run_a_bounded_number_of_queries(data, django_assert_max_num_queries):
    user = data.user["city"]
    user.authority.region  # noqa: B018 — load the user's authority once, as a request does
    for i in range(30):  # many rows do not mean more queries
        make(data.e2 if i % 2 else data.e3, at(Y, 2, 1 + i % 27), minor=1)
    with django_assert_max_num_queries(3):  # one GROUP BY, the child regions, names of any others
        fig = stats.figures(user, year=Y, month=3, by="region")
    assert fig["total"]["ytd"]["accidents"]["current"] == 4 + 1 + 30
    with django_assert_max_num_queries(1):
        stats.figures(user, year=Y, month=3, by="type")


def test_a_village_authority_has_one_row(aw):
    from anjian.accounts import services as account_services
    from anjian.accounts.roles import Role
    from anjian.core import services as core_services
    from tests.conftest import PASSWORD

    village = make_region("330481001002", "西山村", "village", aw.t1)
    office = core_services.authority_create(actor=SYSTEM, name="西山村委会", kind="township", region=village)
    user = account_services.user_create(actor=SYSTEM, username="v1", password=PASSWORD, full_name="v1",
                                        role=Role.TOWNSHIP_OFFICER, authority=office)
    unit = enterprise_services.enterprise_create(
        actor=SYSTEM, data=enterprise_data(village, name="村企业", uscc=uscc(78)), sectors=["machinery"]
    )
    make(unit, at(Y, 3, 3), deaths=1)
    make(unit, at(Y - 1, 3, 3))
    fig = stats.figures(user, year=Y, month=3, by="region")
    assert [(r["key"], r["label"]) for r in fig["rows"]] == [(stats.OWN_KEY, "西山村本级")]
    cell = fig["rows"][0]["month"]["accidents"]
    assert (cell["current"], cell["last_year"]) == (1, 1)
