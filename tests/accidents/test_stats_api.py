"""The statistics and target API: figures with last year's and the change, the circular as JSON, PDF and xlsx,
targets set (201) and changed (200), progress, warnings and veto flags; bad parameters → 400 with codes; 403 for
non-officers; scoping (county 2 sees none of county 1; a target outside the scope is 404)."""

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from anjian.accidents import targets
from anjian.accidents.models import ControlTarget
from tests.accidents.test_stats import Y, at, make
from tests.accidents.test_targets import END, TY

pytestmark = pytest.mark.django_db

STATS = "/api/accident-statistics/"
TARGETS = "/api/accident-targets/"


def api(aw, key) -> APIClient:
    c = APIClient()
    c.force_login(aw.user[key])
    return c


@pytest.fixture
def data(aw):
    make(aw.e1, at(Y, 3, 5), deaths=3, loss="2500000.25", accident_type="09")
    make(aw.e2, at(Y, 3, 9), minor=1)
    make(aw.e1, at(Y, 3, 12), kind="near_miss")
    make(aw.e1, at(Y - 1, 3, 2), deaths=2)
    make(aw.e3, at(Y, 3, 6), deaths=1, accident_type="19")
    return aw


def fields(r) -> dict:
    return {k: [e["code"] for e in v] for k, v in r.json()["fields"].items()}


def test_statistics(data):
    r = api(data, "b1").get(STATS, {"year": Y, "month": 3, "by": "region"})
    assert r.status_code == 200
    body = r.json()
    assert (body["year"], body["month"], body["by"], body["region_code"]) == (Y, 3, "region", "330481")
    assert [row["key"] for row in body["rows"]] == ["330481001", "330481002"]
    t1 = body["rows"][0]["month"]
    assert t1["accidents"] == {"current": 1, "last_year": 1, "change": 0, "change_pct": "0.0"}
    assert t1["deaths"] == {"current": 3, "last_year": 2, "change": 1, "change_pct": "50.0"}
    assert t1["direct_loss_yuan"]["current"] == "2500000.25" and t1["near_misses"]["current"] == 1
    t2 = body["rows"][1]["month"]
    assert t2["accidents"]["change_pct"] is None
    assert body["total"]["ytd"]["accidents"]["current"] == 2 and body["labels"]["ytd"] == "2025年1—3月"


def test_statistics_by_grade_and_scope(data):
    body = api(data, "b2").get(STATS, {"year": Y, "month": 3, "by": "grade"}).json()
    assert body["total"]["month"]["accidents"]["current"] == 1 and body["total"]["month"]["deaths"]["current"] == 1
    assert body["region_name"] == "平湖市"
    city = api(data, "city").get(STATS, {"year": Y, "month": 3}).json()
    assert [row["key"] for row in city["rows"]] == ["330481", "330482"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "x"}, {"year": ["invalid"]}),
        ({"year": 1999}, {"year": ["year_out_of_range"]}),
        ({"year": Y, "month": 13}, {"month": ["month_out_of_range"]}),
        ({"year": Y, "month": "三"}, {"month": ["invalid"]}),
        ({"year": Y, "month": 3, "by": "county"}, {"by": ["invalid_choice"]}),
        ({"year": 2099}, {"year": ["year_out_of_range"]}),
    ],
)
def test_bad_statistics_params(data, params, expected):
    r = api(data, "b1").get(STATS, params)
    assert r.status_code == 400 and r.json()["code"] == "invalid" and fields(r) == expected
    for path in ("circular/", "circular-pdf/", "circular-xlsx/"):
        if "by" not in expected:
            assert api(data, "b1").get(STATS + path, params).status_code == 400


def test_a_future_month_is_refused(data):
    from django.utils import timezone

    today = timezone.localdate()
    if today.month == 12:
        pytest.skip("no later month this year")
    r = api(data, "b1").get(STATS, {"year": today.year, "month": today.month + 1})
    assert r.status_code == 400 and fields(r) == {"month": ["future_period"]}


@pytest.mark.parametrize("key", ["e1", "e2", "g1", "x1", "aud"])
def test_non_officers_get_403(data, key):
    c = api(data, key)
    for path in (STATS, STATS + "circular/", STATS + "circular-pdf/", TARGETS, TARGETS + "progress/",
                 TARGETS + "warnings/", TARGETS + "veto-flags/"):
        r = c.get(path, {"year": Y, "month": 3})
        assert r.status_code == 403 and r.json()["code"] == "permission_denied", path


def test_anonymous_gets_401(data):
    assert APIClient().get(STATS).status_code in (401, 403)


def test_circular_json_pdf_xlsx(data):
    c = api(data, "b1")
    body = c.get(STATS + "circular/", {"year": Y, "month": 3}).json()
    assert body["title"] == "海宁市2025年3月生产安全事故情况通报" and body["authority_name"] == "海宁市应急管理局"
    assert [t["by"] for t in body["tables"]] == ["region", "sector", "type", "grade"]
    assert [a["enterprise_name"] for a in body["accidents"]] == ["企业1", "企业2", "企业1"]
    assert body["accidents"][0]["direct_loss_yuan"] == "2500000.25"
    assert body["tables"][0]["total"]["month"]["accidents"]["change_pct"] == "100.0"
    assert body["tables"][0]["rows"][1]["month"]["accidents"]["change_pct"] is None  # 海洲街道: none last year
    pdf = c.get(STATS + "circular-pdf/", {"year": Y, "month": 3})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = c.get(STATS + "circular-xlsx/", {"year": Y, "month": 3})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb["区域统计"]["A4"].value == "硖石街道" and wb["区域统计"]["B4"].value == 1


# --- targets ----------------------------------------------------------------------------------------------------


def test_set_and_change_a_target(data):
    c = api(data, "leader")
    r = c.post(TARGETS, {"region": "330481", "year": TY, "max_accidents": 5, "note": "海安委〔2026〕1号"},
               format="json")
    assert r.status_code == 201
    body = r.json()
    assert (body["region_code"], body["region_name"], body["year"], body["sector"]) == ("330481", "海宁市", TY, "")
    assert (body["max_accidents"], body["max_deaths"], body["set_by_name"]) == (5, None, "leader")
    r = c.post(TARGETS, {"region": "330481", "year": TY, "max_accidents": 4, "max_deaths": 1}, format="json")
    assert r.status_code == 200 and r.json()["id"] == body["id"] and r.json()["max_deaths"] == 1
    assert ControlTarget.objects.count() == 1
    assert c.get(TARGETS + f"{body['id']}/").json()["max_accidents"] == 4
    assert [t["id"] for t in c.get(TARGETS, {"year": TY}).json()["results"]] == [body["id"]]
    assert c.get(TARGETS, {"year": TY + 1}).json()["results"] == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"max_accidents": -1}, {"max_accidents": ["negative"]}),
        ({}, {"max_accidents": ["limit_required"]}),
        ({"max_deaths": "x"}, {"max_deaths": ["invalid"]}),
        ({"max_deaths": 1, "region": "999999"}, {"region": ["not_found"]}),
        ({"max_deaths": 1, "region": "330482"}, {"region": ["out_of_scope"]}),
        ({"max_deaths": 1, "year": TY + 5}, {"year": ["year_out_of_range"]}),
        ({"max_deaths": 1, "sector": "moon"}, {"sector": ["invalid_choice"]}),
        ({"max_deaths": 1, "note": "长" * 201}, {"note": ["max_length"]}),
        ({"max_deaths": 1, "region": None}, {"region": ["null"]}),
    ],
)
def test_bad_target_input(data, payload, expected):
    body = {"region": "330481", "year": TY, **payload}
    r = api(data, "leader").post(TARGETS, body, format="json")
    assert r.status_code == 400 and fields(r) == expected
    assert not ControlTarget.objects.exists()


@pytest.mark.parametrize("key", ["b1", "d1", "t1", "city"])
def test_only_leaders_set_targets(data, key):
    r = api(data, key).post(TARGETS, {"region": "330481", "year": TY, "max_accidents": 5}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


def test_targets_are_scoped(data):
    own = targets.set_target(actor=data.user["leader"], region=data.county, year=TY, max_accidents=5)
    other = targets.set_target(actor=data.user["cityleader"], region=data.county2, year=TY, max_accidents=5)
    c = api(data, "b1")
    assert [t["id"] for t in c.get(TARGETS).json()["results"]] == [own.pk]
    assert c.get(TARGETS + f"{other.pk}/").status_code == 404
    assert c.get(TARGETS + "99999999999999999999/").status_code == 404
    assert {t["id"] for t in api(data, "city").get(TARGETS).json()["results"]} == {own.pk, other.pk}
    assert [p["id"] for p in c.get(TARGETS + "progress/", {"year": TY}).json()] == [own.pk]


def test_progress_warnings_and_veto(aw):
    data = aw  # no fixture data: TY may be the fixture's year
    target = targets.set_target(actor=data.user["leader"], region=data.county, year=TY, max_accidents=2)
    make(data.e1, at(TY, 3, 1))
    make(data.e1, at(TY, 3, 2), deaths=3)
    targets.scan_targets(today=END)
    c = api(data, "b1")
    (p,) = c.get(TARGETS + "progress/", {"year": TY}).json()
    assert p["id"] == target.pk and p["status"] == "reached" and p["status_label"] == "达到指标"
    assert p["measures"] == [{"measure": "accidents", "label": "事故起数", "limit": 2, "value": 2,
                              "percent": "100.0", "percent_text": "100.0%", "status": "reached",
                              "status_label": "达到指标", "thresholds": [80, 100]}]
    warnings = c.get(TARGETS + "warnings/", {"year": TY}).json()
    assert [(w["target"], w["measure"], w["threshold"], w["value"]) for w in warnings] == [
        (target.pk, "accidents", 100, 2)]  # the 80% passed with it was recorded, not sent
    assert api(data, "b2").get(TARGETS + "warnings/", {"year": TY}).json() == []
    flags = c.get(TARGETS + "veto-flags/", {"year": TY}).json()
    assert [(f["region_code"], f["own"]) for f in flags] == [("330481", True), ("330481001", False)]
    assert flags[0]["accidents"][0]["grade"] == "large" and flags[0]["accidents"][0]["url"].startswith("/accidents/")
    assert api(data, "b2").get(TARGETS + "veto-flags/", {"year": TY}).json() == []
    assert c.get(TARGETS + "progress/", {"year": "x"}).status_code == 400
    assert fields(c.get(TARGETS + "veto-flags/", {"year": 1900})) == {"year": ["year_out_of_range"]}
