"""Review of the accident services and API: every action outside the caller's scope is a 404 (departments by
sector, grids by grid, enterprises by unit), targets and statistics stay in scope; no input gives a 500 (wrong
types, year-1 moments, JSON that is not an object, huge amounts and ids, NaN loss); the rules at their edges in
local time; a grade never without its figures (the model constraint on either database); numbering under
concurrent reports; refusals leave no rows; notifications only after commit; the circular's xlsx keeps text as
text; the investigation report is withheld from the unit until the reply."""

import datetime
import io
import json
import re
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from openpyxl import load_workbook

from anjian.accidents import circular, common, reporting, targets
from anjian.accidents import investigation as inv_services
from anjian.accidents.grading import grade_of
from anjian.accidents.models import Accident, AccidentEvent, ControlTarget, Penalty, Supplement
from anjian.core.models import AuditEvent, Notification
from anjian.enterprises.models import Enterprise
from tests.accidents.conftest import report, report_data
from tests.accidents.test_investigation import PARTS, accident, near_miss, opened, replied, submitted, today
from tests.accidents.test_stats import make

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MIN = datetime.timedelta(minutes=1)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _send(client, method, url, data=None):
    if method == "get":
        return client.get(url)
    body = data if isinstance(data, str) else json.dumps(data if data is not None else {})
    return getattr(client, method)(url, body, content_type="application/json")


def _lenient(aw, key) -> Client:
    """A client that answers a server error with a 500 instead of raising it."""
    c = Client(raise_request_exception=False)
    c.force_login(aw.user[key])
    return c


def _chinese_400(r, code: str | None = None) -> dict:
    assert r.status_code == 400, (r.status_code, r.content[:300])
    body = r.json()
    assert body["code"] and CJK.search(body["message"]), body
    for errors in body.get("fields", {}).values():
        assert all(e["code"] and CJK.search(e["message"]) for e in errors), body
    if code is not None:
        assert code in [e["code"] for errs in body.get("fields", {}).values() for e in errs] or body["code"] == code
    return body


# --- 1. scope ------------------------------------------------------------------------------------------------------


def _endpoints(a) -> list[tuple[str, str, dict]]:
    day, moment = today().isoformat(), a.occurred_at.isoformat()
    return [
        ("get", "", {}),
        ("get", "investigation/", {}),
        ("get", "penalties/", {}),
        ("get", "measures/", {}),
        ("get", "listing/", {}),
        ("get", "closure/", {}),
        ("post", "unit-learned/", {"unit_learned_at": moment}),
        ("post", "transmissions/", {"step": "county_to_city", "sent_at": moment}),
        ("post", "notices/", {"level": "county", "party": "labour", "notified_at": moment}),
        ("post", "supplements/", {"note": "续报", "deaths": 2}),
        ("post", "finding/", {"finding": "late", "note": "迟报"}),
        ("post", "investigation/", {"team_name": "组", "formed_on": day}),
        ("post", "investigation/members/", {"role": "expert", "name": "李", "organisation": "浙大"}),
        ("delete", "investigation/members/1/", {}),
        ("post", "investigation/extend/", {"days": 10, "reason": "取证", "approved_by": "政府"}),
        ("post", "investigation/appraisals/", {"reason": "鉴定", "started_on": day}),
        ("post", "investigation/appraisals/end/", {"ended_on": day}),
        ("patch", "investigation/report/", PARTS),
        ("post", "investigation/submit/", {"submitted_on": day}),
        ("post", "reply/", {"document": "复1", "authority": "政府", "replied_on": day}),
        ("post", "publish/", {"published_on": day, "publication": "网站"}),
        ("post", "penalties/", {"target": "other_person", "person_name": "张", "measure": "sanction"}),
        ("post", "measures/", {"description": "整改", "responsible": "企业"}),
        ("post", "measures/1/complete/", {"note": "已落实"}),
        ("post", "listing/", {"document_number": "督1", "deadline": day}),
        ("post", "listing/lift/", {"lift_document": "摘1"}),
        ("post", "close/", {"note": "结案"}),
    ]


@pytest.mark.parametrize("key", ["b2", "t1", "g1", "e1", "e1m", "e1w", "sys", "aud"])
def test_every_action_outside_the_scope_is_404_and_changes_nothing(aw, key):
    a, _inv = opened(aw, enterprise=aw.e2, sector="construction")  # 海洲街道, grid 2, the construction department's
    events = AccidentEvent.objects.filter(accident=a).count()
    client = aw.client(key)
    for method, suffix, body in _endpoints(a):
        r = _send(client, method, f"/api/accidents/{a.pk}/{suffix}", body)
        assert r.status_code == 404, (key, method, suffix, r.status_code)
        assert r.json()["code"] == "not_found"
    assert AccidentEvent.objects.filter(accident=a).count() == events


def test_a_department_is_limited_to_its_sectors_by_the_accident_sector(aw):
    textile_at_e2 = report(aw, enterprise=aw.e2, sector="textile")
    construction_at_e1 = report(aw, enterprise=aw.e1, sector="construction")
    d1 = aw.client("d1")
    for method, suffix, body in _endpoints(textile_at_e2):
        r = _send(d1, method, f"/api/accidents/{textile_at_e2.pk}/{suffix}", body)
        assert r.status_code == 404, (method, suffix, r.status_code)
    assert d1.get(f"/api/accidents/{construction_at_e1.pk}/").status_code == 200
    ids = {row["id"] for row in d1.get("/api/accidents/").json()["results"]}
    assert ids == {construction_at_e1.pk}


@pytest.mark.parametrize("key", ["g2", "e2", "x1"])
def test_roles_that_see_the_case_but_may_not_act_get_403(aw, key):
    a, _inv = opened(aw, enterprise=aw.e2, sector="construction")
    client = aw.client(key)
    for method, suffix, body in _endpoints(a):
        r = _send(client, method, f"/api/accidents/{a.pk}/{suffix}", body)
        if method == "get":
            assert r.status_code == 200, (key, suffix, r.status_code)
        elif key == "e2" and suffix == "supplements/":
            assert r.status_code == 201  # the unit's principal may 续报 its own accident
        else:
            assert r.status_code in (403, 404), (key, method, suffix, r.status_code)  # 404: member/measure 1
            assert r.json()["code"] in ("permission_denied", "not_found")


def test_targets_of_other_sectors_are_hidden_from_a_department(aw):
    y = today().year
    whole = targets.set_target(actor=aw.user["leader"], region=aw.county, year=y, max_accidents=10)
    mine = targets.set_target(actor=aw.user["leader"], region=aw.county, year=y, sector="construction",
                              max_accidents=2)
    other = targets.set_target(actor=aw.user["leader"], region=aw.county, year=y, sector="textile", max_deaths=2)
    d1, b1 = aw.client("d1"), aw.client("b1")
    assert {t["id"] for t in d1.get("/api/accident-targets/").json()["results"]} == {mine.pk}
    assert {t["id"] for t in b1.get("/api/accident-targets/").json()["results"]} == {whole.pk, mine.pk, other.pk}
    assert [p["id"] for p in d1.get("/api/accident-targets/progress/").json()] == [mine.pk]
    for target in (whole, other):
        assert d1.get(f"/api/accident-targets/{target.pk}/").status_code == 404
    assert [p["id"] for p in circular.circular_data(aw.user["d1"], y, today().month)["targets"]] == [mine.pk]


@pytest.mark.parametrize("key", ["e1", "e1m", "e1w", "g1", "x1", "sys"])
def test_statistics_and_targets_are_closed_to_users_without_them(aw, key):
    targets.set_target(actor=aw.user["leader"], region=aw.county, year=today().year, max_accidents=10)
    report(aw)
    client = aw.client(key)
    for path in ("accident-statistics/", "accident-statistics/circular/", "accident-statistics/circular-xlsx/",
                 "accident-targets/", "accident-targets/progress/", "accident-targets/warnings/",
                 "accident-targets/veto-flags/"):
        r = client.get(f"/api/{path}")
        assert r.status_code == 403 and r.json()["code"] == "permission_denied", (key, path)
    assert ControlTarget.objects.count() == 1
    assert targets.target_progress(aw.user[key], today().year) == []


def test_the_investigation_report_is_withheld_from_the_unit_until_the_reply(aw):
    a, _inv = opened(aw)
    inv_services.save_report(actor=aw.user["b1"], accident=a, parts=PARTS)
    url = f"/api/accidents/{a.pk}/investigation/"
    body = aw.client("e1").get(url).json()
    assert body["report_withheld"] is True
    assert all(body[p] == "" for p in PARTS)
    body = aw.client("b1").get(url).json()
    assert body["report_withheld"] is False and body["report_cause_nature"] == PARTS["report_cause_nature"]
    inv_services.submit_report(actor=aw.user["b1"], accident=a, submitted_on=today())
    assert aw.client("e1").get(url).json()["report_withheld"] is True
    inv_services.record_reply(actor=aw.user["b1"], accident=a, document="复1", authority="海宁市人民政府",
                              replied_on=today())
    body = aw.client("e1").get(url).json()
    assert body["report_withheld"] is False and body["report_cause_nature"] == PARTS["report_cause_nature"]


# --- 2. bad input --------------------------------------------------------------------------------------------------

BAD = ["abc", [], {}, None, 10**20, -1, "NaN", "Infinity", "2026-02-30", "0001-01-01T00:00:00", "0001-01-01",
       "x" * 6000, True, 1.5, "²"]


def _fuzz(client, method, url, base) -> list:
    """Each field of ``base`` replaced by each bad value, then left out: (field, value, status) of each 500, and
    every 400 must carry a code and a Chinese message."""
    failures = []
    for field in [*base, "_extra"]:
        variants = [{**base, field: bad} for bad in BAD] + [{k: v for k, v in base.items() if k != field}]
        for payload in variants:
            r = _send(client, method, url, payload)
            if r.status_code >= 500:
                failures.append((url, field, payload.get(field), r.status_code))
            elif r.status_code == 400:
                body = r.json()
                if not (body.get("code") and CJK.search(body.get("message", ""))):
                    failures.append((url, field, payload.get(field), body))
    return failures


def test_no_input_gives_a_500(aw):
    b1, leader, city = _lenient(aw, "b1"), _lenient(aw, "leader"), _lenient(aw, "city")
    fresh = accident(aw)
    moment = fresh.occurred_at.isoformat()
    day = today().isoformat()
    failures = _fuzz(b1, "post", "/api/accidents/", {
        "sector": "textile", "occurred_at": moment, "place": "车间", "accident_type": "03", "deaths": 1,
        "direct_loss": "1", "direct_loss_unit": "wan_yuan", "account": "经过", "reporter_name": "张",
        "county_received_at": moment, "unit": {"name": "无名作坊", "region": "330481001"},
    })
    url = f"/api/accidents/{fresh.pk}/"
    failures += _fuzz(b1, "post", url + "unit-learned/", {"unit_learned_at": moment})
    failures += _fuzz(b1, "post", url + "transmissions/", {"step": "county_to_city", "sent_at": moment})
    failures += _fuzz(b1, "post", url + "notices/", {"level": "county", "party": "labour", "notified_at": moment})
    failures += _fuzz(b1, "post", url + "supplements/",
                      {"note": "续报", "direct_loss": "1", "direct_loss_unit": "yuan"})
    failures += _fuzz(b1, "post", url + "finding/", {"finding": "late", "note": "迟报"})
    failures += _fuzz(b1, "post", url + "investigation/", {"team_name": "组", "formed_on": day, "members": [
        {"role": "leader", "name": "王", "organisation": "局"}]})
    a, _inv = opened(aw)
    url = f"/api/accidents/{a.pk}/"
    failures += _fuzz(b1, "post", url + "investigation/extend/", {"days": 10, "reason": "x", "approved_by": "y"})
    failures += _fuzz(b1, "post", url + "investigation/appraisals/", {"reason": "x", "started_on": day})
    failures += _fuzz(b1, "patch", url + "investigation/report/", {"report_unit_overview": "概况"})
    failures += _fuzz(b1, "post", url + "measures/", {"description": "x", "responsible": "y", "as_hazard": True})
    failures += _fuzz(city, "post", url + "listing/", {"document_number": "督1", "deadline": day})
    s, _inv = submitted(aw)
    failures += _fuzz(b1, "post", f"/api/accidents/{s.pk}/reply/",
                      {"document": "d", "authority": "a", "replied_on": day, "extension_days": 0})
    r, _inv = replied(aw)
    url = f"/api/accidents/{r.pk}/"
    failures += _fuzz(b1, "post", url + "penalties/", {"target": "principal", "person_name": "张", "measure": "fine",
                                                       "amount_yuan": 40000, "last_year_income_yuan": 100000})
    failures += _fuzz(b1, "post", url + "close/", {"evidence": {"cause_found": "x"}, "note": "n"})
    failures += _fuzz(leader, "post", "/api/accident-targets/", {"region": "330481", "year": today().year,
                                                                 "max_accidents": 5})
    assert failures == []


@pytest.mark.parametrize("body", ["null", "[]", '"text"', "5"])
def test_a_body_that_is_not_an_object_is_a_chinese_400(aw, body):
    a = accident(aw)
    for client, url in ((aw.client("b1"), "/api/accidents/"), (aw.client("b1"), f"/api/accidents/{a.pk}/finding/"),
                        (aw.client("b1"), f"/api/accidents/{a.pk}/supplements/"),
                        (aw.client("leader"), "/api/accident-targets/")):
        _chinese_400(client.post(url, body, content_type="application/json"))
    assert Accident.objects.count() == 1 and not Supplement.objects.exists() and not ControlTarget.objects.exists()


@pytest.mark.parametrize("field", ["occurred_at", "county_received_at", "unit_learned_at"])
def test_a_year_one_moment_is_a_400_not_a_500(aw, field):
    data = {**_report_payload(aw), field: "0001-01-01T00:00:00"}
    body = _chinese_400(_send(aw.client("b1"), "post", "/api/accidents/", data))
    assert body["fields"][field][0]["code"] == "overflow"
    assert not Accident.objects.exists()


def _report_payload(aw, **overrides) -> dict:
    moment = (datetime.datetime.now(TZ) - datetime.timedelta(hours=2)).replace(microsecond=0)
    data = {"enterprise": aw.e1.pk, "sector": "textile", "occurred_at": moment.isoformat(), "place": "车间",
            "accident_type": "03", "deaths": 1, "direct_loss": "1", "direct_loss_unit": "wan_yuan", "account": "经过",
            "reporter_name": "张", "county_received_at": (moment + 30 * MIN).isoformat()}
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"target": "other_person", "measure": "fine", "amount_yuan": 10**20}, "amount_yuan"),
        ({"target": "other_person", "measure": "fine", "amount_yuan": 2**63}, "amount_yuan"),
        ({"target": "principal", "measure": "fine", "amount_yuan": 4 * 10**19, "last_year_income_yuan": 10**20},
         "amount_yuan"),
        ({"target": "principal", "measure": "fine", "amount_yuan": 400, "last_year_income_yuan": 10**20},
         "last_year_income_yuan"),
    ],
)
def test_huge_amounts_are_out_of_range_not_a_database_error(aw, payload, field):
    a, _inv = replied(aw)
    r = _send(aw.client("b1"), "post", f"/api/accidents/{a.pk}/penalties/", {"person_name": "张三", **payload})
    assert _chinese_400(r)["fields"][field][0]["code"] == "out_of_range"
    assert not Penalty.objects.exists()


def test_service_integers_refuse_non_ascii_digits(aw):
    a, _inv = replied(aw)
    with pytest.raises(ValidationError) as exc:
        inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="other_person", person_name="张",
                                    measure="fine", amount_yuan="²")
    assert exc.value.error_dict["amount_yuan"][0].code == "invalid"
    with pytest.raises(ValidationError) as exc:
        reporting.transmit(actor=aw.user["b1"], accident=a, step=["county_to_city"], sent_at=a.occurred_at)
    assert exc.value.error_dict["step"][0].code == "invalid_choice"


def test_huge_ids_anywhere_are_404_or_400(aw):
    a, _inv = opened(aw)
    b1 = aw.client("b1")
    huge = "99999999999999999999"
    for url in (f"/api/accidents/{huge}/", f"/api/accidents/{huge}/investigation/", f"/api/accident-targets/{huge}/",
                "/api/accidents/9223372036854775807/"):
        assert b1.get(url).status_code == 404, url
    assert b1.delete(f"/api/accidents/{a.pk}/investigation/members/{huge}/").status_code == 404
    assert b1.delete(f"/api/accidents/{a.pk}/investigation/members/999999999999999999/").status_code == 404
    assert _send(b1, "post", f"/api/accidents/{a.pk}/measures/999999999999999999/complete/", {}).status_code == 404
    for path in ("/api/accidents/", "/api/accidents/export/"):
        body = _chinese_400(b1.get(f"{path}?enterprise={huge}"))
        assert "enterprise" in body["fields"]
    r = _send(b1, "post", "/api/accidents/", _report_payload(aw, enterprise=int(huge)))
    assert _chinese_400(r)["fields"]["enterprise"][0]["code"] == "not_found"


@pytest.mark.parametrize("loss", ["NaN", "Infinity", "-Infinity", "1e400", "-5"])
def test_a_loss_that_is_not_a_finite_amount_is_refused(aw, loss):
    r = _send(aw.client("b1"), "post", "/api/accidents/", _report_payload(aw, direct_loss=loss))
    assert "direct_loss" in _chinese_400(r)["fields"]
    assert not Accident.objects.exists()


def test_a_supplement_may_not_be_earlier_than_the_last_one(aw):
    a = accident(aw, days_ago=2)
    later = a.occurred_at + datetime.timedelta(hours=20)
    reporting.supplement(actor=aw.user["b1"], accident=a, data={"reported_at": later, "deaths": 2, "note": "续报一"})
    r = _send(aw.client("b1"), "post", f"/api/accidents/{a.pk}/supplements/",
              {"reported_at": (later - MIN).isoformat(), "deaths": 1, "note": "迟到的续报"})
    assert _chinese_400(r)["fields"]["reported_at"][0]["code"] == "order"
    a.refresh_from_db()
    assert a.deaths == 2 and a.supplements.count() == 1


def test_a_supplement_keeps_the_figures_it_leaves_out(aw):
    a = accident(aw, deaths=1, serious_injuries=2, direct_loss="30", direct_loss_unit="wan_yuan")
    r = _send(aw.client("b1"), "post", f"/api/accidents/{a.pk}/supplements/", {"minor_injuries": 4, "note": "轻伤增加"})
    assert r.status_code == 201, r.json()
    a.refresh_from_db()
    assert (a.deaths, a.serious_injuries, a.minor_injuries, a.direct_loss_yuan) == (1, 2, 4, Decimal("300000"))
    row = a.supplements.get()
    assert (row.deaths, row.serious_injuries, row.minor_injuries) == (1, 2, 4)


# --- 3. rules ------------------------------------------------------------------------------------------------------


def _reported_at(aw, occurred: datetime.datetime, **overrides) -> Accident:
    return report(aw, occurred_at=occurred, unit_learned_at=occurred + 10 * MIN,
                  county_received_at=occurred + 40 * MIN, **overrides)


@pytest.mark.parametrize(
    ("kind", "inside", "outside"),
    [
        # 00:30 Beijing on 1 January is 31 December in UTC: the window is counted from the local date.
        ("general", datetime.datetime(2025, 1, 31, 23, 50, tzinfo=TZ), datetime.datetime(2025, 2, 1, 0, 10, tzinfo=TZ)),
        ("road_traffic", datetime.datetime(2025, 1, 8, 23, 50, tzinfo=TZ),
         datetime.datetime(2025, 1, 9, 0, 10, tzinfo=TZ)),
        ("fire", datetime.datetime(2025, 1, 8, 23, 50, tzinfo=TZ), datetime.datetime(2025, 1, 9, 0, 10, tzinfo=TZ)),
    ],
)
def test_the_supplement_window_ends_at_local_midnight(aw, kind, inside, outside):
    occurred = datetime.datetime(2025, 1, 1, 0, 30, tzinfo=TZ)
    a = _reported_at(aw, occurred, supplement_kind=kind)
    row = reporting.supplement(actor=aw.user["b1"], accident=a, data={"reported_at": inside, "deaths": 3,
                                                                      "note": "两人抢救无效死亡"})
    assert (row.grade_before, row.grade_after) == ("ordinary", "large")
    b = _reported_at(aw, occurred, supplement_kind=kind)
    with pytest.raises(ValidationError) as exc:
        reporting.supplement(actor=aw.user["b1"], accident=b, data={"reported_at": outside, "deaths": 3,
                                                                    "note": "两人抢救无效死亡"})
    assert exc.value.error_dict["deaths"][0].code == "supplement_window_closed"
    assert "2025-01-31" in exc.value.error_dict["deaths"][0].messages[0] or kind != "general"


def test_the_investigation_deadline_counts_from_the_local_date(aw):
    local_day = today() - datetime.timedelta(days=5)
    occurred = datetime.datetime.combine(local_day, datetime.time(0, 30), tzinfo=TZ)  # the day before in UTC
    a, inv = opened(aw, occurred_at=occurred, unit_learned_at=occurred + 10 * MIN,
                    county_received_at=occurred + 40 * MIN)
    assert inv.deadline == local_day + datetime.timedelta(days=60)
    inv = inv_services.extend_investigation(actor=aw.user["b1"], accident=a, days=60, reason="补充取证",
                                            approved_by="海宁市人民政府")
    assert inv.deadline == local_day + datetime.timedelta(days=120)


@pytest.mark.parametrize(
    ("figures", "grade"),
    [
        ({"deaths": 29}, "serious"),
        ({"deaths": 0, "serious_injuries": 49}, "large"),
        ({"deaths": 0, "serious_injuries": 99}, "serious"),
        ({"deaths": 0, "direct_loss": "9999999.99", "direct_loss_unit": "yuan"}, "ordinary"),
        ({"deaths": 0, "direct_loss": "99999999.99", "direct_loss_unit": "yuan"}, "serious"),
        ({"deaths": 0, "direct_loss": "100000000", "direct_loss_unit": "yuan"}, "especially_serious"),
        ({"deaths": 1, "missing": 2}, "large"),  # missing counted as deaths (the platform setting)
    ],
)
def test_the_grade_and_its_basis_agree(aw, figures, grade):
    a = report(aw, **{"serious_injuries": 0, "minor_injuries": 0, **figures})
    a.refresh_from_db()
    b = a.grade_basis
    again, _basis, level = grade_of(deaths=b["deaths"], missing=b["missing"], serious_injuries=b["serious_injuries"],
                                    direct_loss_yuan=Decimal(b["direct_loss_yuan"]),
                                    missing_counted=b["missing_count_as_deaths"])
    assert a.grade == again == grade and a.investigating_level == level
    assert (b["deaths"], b["missing"], b["serious_injuries"]) == (a.deaths, a.missing, a.serious_injuries)
    assert Decimal(b["direct_loss_yuan"]) == a.direct_loss_yuan


def test_regrading_by_supplement_keeps_grade_and_basis_together(aw):
    a = report(aw, deaths=1)
    reporting.supplement(actor=aw.user["b1"], accident=a, data={"deaths": 10, "note": "九人遇难"})
    a.refresh_from_db()
    assert (a.grade, a.investigating_level, a.grade_basis["deaths"]) == ("serious", "province", 10)
    reporting.supplement(actor=aw.user["b1"], accident=a, data={"deaths": 2, "note": "核实为两人"})
    a.refresh_from_db()
    assert (a.grade, a.grade_basis["deaths"], a.level_changed_from) == ("ordinary", 2, "province")
    assert [r.grade_after for r in a.supplements.all()] == ["serious", "ordinary"]


def test_a_near_miss_with_deaths_is_an_accident(aw, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as exc:
        near_miss(aw, deaths=1)
    assert exc.value.error_dict["deaths"][0].code == "near_miss_with_deaths"
    nm = near_miss(aw, missing=3)
    assert (nm.kind, nm.grade) == ("near_miss", "")
    with django_capture_on_commit_callbacks(execute=True):
        row = reporting.supplement(actor=aw.user["b1"], accident=nm, data={"deaths": 1, "missing": 2,
                                                                           "note": "一名被困人员遇难"})
    nm.refresh_from_db()
    assert (nm.kind, nm.near_miss_item, nm.grade, nm.investigating_level) == ("accident", "", "large", "city")
    assert (row.grade_before, row.grade_after) == ("", "large")
    assert nm.events.filter(action="regrade").exists()
    assert Notification.objects.filter(recipient=aw.user["city"], kind="accident.level_changed").exists()
    inv = inv_services.open_investigation(actor=aw.user["city"], accident=nm, team_name="调查组", formed_on=today())
    assert inv.level == "city"


@pytest.mark.parametrize(
    "change",
    [{"grade_basis": {}}, {"grade": ""}, {"grade": "", "grade_basis": {}}, {"kind": "near_miss"}],
)
def test_the_database_refuses_a_grade_without_its_figures(aw, change):
    a = report(aw)
    with pytest.raises(IntegrityError), transaction.atomic():
        Accident.objects.filter(pk=a.pk).update(**change)
    nm = near_miss(aw)
    with pytest.raises(IntegrityError), transaction.atomic():
        Accident.objects.filter(pk=nm.pk).update(grade="ordinary")
    a.refresh_from_db()
    assert a.grade == "ordinary" and a.grade_basis["deaths"] == 1


# --- 4. concurrency and atomicity ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_reports_take_consecutive_numbers(aw):
    n = 6
    barrier, errors = threading.Barrier(n), []

    def run():
        from django.db import connection as conn

        try:
            barrier.wait()
            reporting.report_accident(actor=aw.user["b1"], enterprise=aw.e1, data=report_data())
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Accident.objects.values_list("number", flat=True))
    assert [int(x[-4:]) for x in numbers] == list(range(1, n + 1))


def test_the_number_after_9999_is_10000(aw):
    a = report(aw)
    Accident.objects.filter(pk=a.pk).update(number=a.number[:-4] + "9999")
    b = report(aw)
    assert b.number == a.number[:-4] + "10000"
    c = report(aw)
    assert c.number == a.number[:-4] + "10001"
    assert common.next_number(a.region_code, int(a.number[8:12])) == a.number[:-4] + "10002"


def _counts():
    return (Enterprise.objects.count(), Accident.objects.count(), AuditEvent.objects.count(),
            Notification.objects.count())


@pytest.mark.parametrize(
    ("key", "overrides", "unit", "status"),
    [
        ("b1", {"occurred_at": "2099-01-01T08:00:00+08:00"}, {"name": "未来作坊", "region": "330481001"}, 400),
        ("b1", {"deaths": -1}, {"name": "负数作坊", "region": "330481001"}, 400),
        ("b1", {}, {"name": "外县作坊", "region": "330482001"}, 400),  # 平湖: outside 海宁's jurisdiction
        ("b1", {}, {"name": "重复作坊", "region": "330481001", "uscc": "__dup__"}, 400),
        ("e1", {}, {"name": "企业代报", "region": "330481001"}, 403),
        ("d1", {"sector": "textile"}, {"name": "越权作坊", "region": "330481001"}, 400),
    ],
)
def test_a_refused_report_of_an_unregistered_unit_leaves_no_rows(aw, key, overrides, unit, status):
    if unit.get("uscc") == "__dup__":
        unit = {**unit, "uscc": aw.e1.uscc}
    payload = _report_payload(aw, **overrides)
    payload.pop("enterprise")
    payload["unit"] = unit
    client = aw.client(key)
    before = _counts()
    r = _send(client, "post", "/api/accidents/", payload)
    assert r.status_code == status, r.json()
    assert _counts() == before
    assert not Enterprise.objects.filter(name=unit["name"]).exists()


def test_notifications_are_written_only_after_commit(aw, django_capture_on_commit_callbacks):
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        a = report(aw, deaths=3)
        reporting.supplement(actor=aw.user["b1"], accident=a, data={"deaths": 4, "note": "续报"})
    assert Notification.objects.count() == before and callbacks
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=aw.user["city"], kind="accident.reported").exists()


# --- 5. the circular ----------------------------------------------------------------------------------------------


def test_the_circular_xlsx_keeps_reporters_text_as_text(aw):
    moment = datetime.datetime.now(TZ) - datetime.timedelta(minutes=5)
    y, m = moment.year, moment.month
    Enterprise.objects.filter(pk=aw.e1.pk).update(name='=HYPERLINK("http://evil.example/","点击")')
    make(Enterprise.objects.get(pk=aw.e1.pk), moment, deaths=1)
    Accident.objects.update(place="=1+1")
    data = circular.circular_data(aw.user["b1"], y, m)
    wb = load_workbook(io.BytesIO(circular.circular_xlsx(data)))
    ws = wb["事故清单"]
    row = [c for c in ws[2]]
    names = {c.value: c.data_type for c in row}
    assert names['=HYPERLINK("http://evil.example/","点击")'] == "s" and names["=1+1"] == "s"
