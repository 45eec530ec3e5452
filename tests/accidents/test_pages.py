"""The accident pages, reporting side: the ledger with its filters and export, the 快报 form (officers and
enterprises, errors kept, success), the case page (grade and its reasons, the missing-persons setting, the clock,
the level-change banner, the follow-up flag, the investigation section) and each step form — shown only to those
who may use it, 403 to the others, 404 outside the scope."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from anjian.accidents import reporting
from anjian.accidents.models import Accident, SameLevelNotice, Transmission
from anjian.enterprises.models import Enterprise
from tests.accidents.conftest import ago, report

pytestmark = pytest.mark.django_db

MIN = datetime.timedelta(minutes=1)
FMT = "%Y-%m-%dT%H:%M"


def minute_ago(**kw) -> datetime.datetime:
    """A moment on a whole minute (datetime-local inputs carry no seconds)."""
    return ago(**kw).replace(second=0, microsecond=0)


def local(moment: datetime.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime(FMT)


def form_data(**overrides) -> dict:
    occurred = ago(hours=2)
    data = {
        "kind": "accident",
        "accident_type": "04",
        "sector": "textile",
        "supplement_kind": "general",
        "occurred_at": local(occurred),
        "place": "二号车间",
        "deaths": "0",
        "missing": "0",
        "serious_injuries": "1",
        "minor_injuries": "0",
        "direct_loss": "35",
        "direct_loss_unit": "wan_yuan",
        "account": "叉车倒车时撞伤一名工人。",
        "measures_taken": "送医。",
        "reporter_name": "赵主任",
        "reporter_phone": "13900000000",
        "unit_learned_at": local(occurred + 5 * MIN),
        "source": "unit",
        "county_received_at": local(occurred + 30 * MIN),
    }
    data.update(overrides)
    return data


def html(response) -> str:
    return response.content.decode()


# --- the ledger ---------------------------------------------------------------------------------------------------


def test_ledger_lists_what_the_user_sees_with_filters(aw):
    mine = report(aw, deaths=3)
    other = report(aw)
    theirs = report(aw, "b2", enterprise=aw.e3, sector="hazchem")
    page = aw.client("b1").get("/accidents/")
    assert page.status_code == 200
    text = html(page)
    assert f"/accidents/{mine.pk}/" in text and f"/accidents/{other.pk}/" in text
    assert f"/accidents/{theirs.pk}/" not in text
    assert 'href="/accidents/new/"' in text and "较大事故" in text and "120万元" in text
    filtered = html(aw.client("b1").get("/accidents/?grade=large"))
    assert f"/accidents/{mine.pk}/" in filtered and f"/accidents/{other.pk}/" not in filtered
    partial = aw.client("b1").get("/accidents/?grade=ordinary", HTTP_HX_REQUEST="true")
    assert "<html" not in html(partial) and f"/accidents/{other.pk}/" in html(partial)
    bad = aw.client("b1").get("/accidents/?grade=huge")
    assert bad.status_code == 200 and "筛选条件有误" in html(bad)
    assert "/accidents/new/" not in html(aw.client("e1w").get("/accidents/"))


def test_ledger_shows_flags(aw):
    a = report(aw, source="public")
    text = html(aw.client("b1").get("/accidents/"))
    assert f"/accidents/{a.pk}/" in text and "疑似漏报瞒报" in text and "待认定" in text


def test_export_is_filtered_and_scoped(aw):
    a = report(aw, deaths=3)
    report(aw)
    report(aw, "b2", enterprise=aw.e3, sector="hazchem")
    r = aw.client("b1").get("/accidents/export.xlsx?grade=large")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))[3:]
    assert [row[1] for row in rows] == [a.number]
    r = aw.client("b1").get("/accidents/export.xlsx?grade=huge")
    assert r.status_code == 302 and r["Location"] == "/accidents/"


def test_pages_require_login(client, aw):
    a = report(aw)
    for url in ("/accidents/", "/accidents/new/", f"/accidents/{a.pk}/", "/accidents/export.xlsx"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url


# --- the report form ----------------------------------------------------------------------------------------------


def test_officer_form_offers_the_file_and_the_unregistered_unit(aw):
    r = aw.client("b1").get("/accidents/new/")
    assert r.status_code == 200
    text = html(r)
    assert 'data-testid="unregistered-unit"' in text and 'name="unit_name"' in text
    assert 'name="county_received_at"' in text and 'name="source"' in text
    assert 'type="datetime-local"' in text
    units = re.findall(r'<option value="(\d+)"', text.split('name="enterprise"')[1].split("</select>")[0])
    assert sorted(units) == sorted([str(aw.e1.pk), str(aw.e2.pk)])  # only units in scope
    assert f'value="{aw.t1.code}"' in text and f'value="{aw.t3.code}"' not in text
    assert "03 机械伤害" in text
    # The loss unit is chosen explicitly: neither 元 nor 万元 is preselected.
    radios = re.findall(r'<input[^>]*name="direct_loss_unit"[^>]*>', text)
    assert len(radios) == 2 and not any("checked" in r for r in radios)


def test_enterprise_form_is_fixed_to_its_own_unit(aw):
    text = html(aw.client("e1").get("/accidents/new/"))
    assert 'name="unit_name"' not in text and 'name="county_received_at"' not in text
    options = re.findall(r'<option value="(\d+)"', text.split('name="enterprise"')[1].split("</select>")[0])
    assert options == [str(aw.e1.pk)]
    assert aw.client("e1w").get("/accidents/new/").status_code == 403
    assert aw.client("g1").get("/accidents/new/").status_code == 403
    assert aw.client("e1w").post("/accidents/new/", form_data(enterprise=aw.e1.pk)).status_code == 403


def test_form_errors_are_shown_and_input_kept(aw):
    client = aw.client("b1")
    r = client.post("/accidents/new/", form_data(enterprise=aw.e1.pk, direct_loss_unit="", deaths="-2",
                                                 place="三号仓库"))
    assert r.status_code == 400
    text = html(r)
    assert "请注明直接经济损失的单位（元或万元）。" in text and "三号仓库" in text
    r = client.post("/accidents/new/", form_data(enterprise=aw.e1.pk, deaths="-2"))
    assert r.status_code == 400 and "人数不能为负数。" in html(r)
    r = client.post("/accidents/new/", form_data(enterprise=aw.e1.pk, occurred_at="2099-01-01T08:00"))
    assert r.status_code == 400 and "发生时间不能晚于现在。" in html(r)
    r = client.post("/accidents/new/", form_data())
    assert r.status_code == 400 and "请选择事故发生单位，或填写未在册单位的名称。" in html(r)
    r = client.post("/accidents/new/", form_data(enterprise=aw.e1.pk, unit_name="另一个单位"))
    assert r.status_code == 400 and "已选择在册单位" in html(r)
    r = client.post("/accidents/new/", form_data(unit_name="外县作坊", unit_region=aw.t3.code))
    assert r.status_code == 400
    r = client.post("/accidents/new/", form_data(enterprise=aw.e1.pk, kind="near_miss"))
    assert r.status_code == 400 and "请选择较大涉险事故的情形。" in html(r)
    assert Accident.objects.count() == 0 and not Enterprise.objects.filter(name="外县作坊").exists()


def test_officer_reports_from_the_form(aw):
    client = aw.client("b1")
    r = client.post("/accidents/new/", form_data(enterprise=aw.e1.pk))
    assert r.status_code == 302
    a = Accident.objects.get()
    assert r["Location"] == f"/accidents/{a.pk}/"
    assert a.direct_loss_yuan == 350000 and a.grade == "ordinary" and a.county_received_by == aw.user["b1"]
    assert a.unit_report_minutes_late == 0
    page = html(client.get(r["Location"]))
    assert a.number in page and "事故已快报" in page and "一般事故" in page


def test_officer_reports_an_unregistered_unit_from_the_form(aw):
    r = aw.client("t1").post("/accidents/new/", form_data(
        unit_name="无名作坊", unit_region=aw.t1.code, unit_address="某村", unit_principal_name="钱某", source="public"))
    assert r.status_code == 302, html(r)
    a = Accident.objects.get()
    assert a.unit_was_unregistered and a.enterprise.status == "illegal" and a.suspected_unreported


def test_enterprise_reports_from_the_form(aw):
    r = aw.client("e1").post("/accidents/new/", form_data(enterprise=aw.e1.pk))
    assert r.status_code == 302
    a = Accident.objects.get()
    assert a.enterprise == aw.e1 and a.source == "unit" and a.county_received_at is not None
    r = aw.client("e1").post("/accidents/new/", form_data(enterprise=aw.e2.pk))
    assert r.status_code == 400 and Accident.objects.count() == 1


# --- the case page ------------------------------------------------------------------------------------------------


def test_detail_shows_grade_reasons_and_the_missing_setting(aw, settings):
    settings.ANJIAN_MISSING_AS_DEATHS = True
    a = report(aw, deaths=1, missing=2)
    r = aw.client("b1").get(f"/accidents/{a.pk}/")
    assert r.status_code == 200
    text = html(r)
    assert "较大事故" in text and 'data-testid="grade-reasons"' in text
    for reason in a.grade_basis["reasons"]:
        assert reason in text
    assert "含下落不明2人" in text and "定级时计入死亡人数" in text and "按死亡3人定级" in text
    assert "设区的市级人民政府" in text  # the investigating level
    assert 'data-testid="investigation-section"' in text
    assert 'data-testid="level-changed-banner"' not in text


def test_detail_shows_the_clock(aw):
    occurred = ago(hours=10)
    a = report(aw, occurred_at=occurred, unit_learned_at=occurred + 5 * MIN, county_received_at=occurred + 90 * MIN)
    reporting.transmit(actor=aw.user["b1"], accident=a, step="county_to_city", sent_at=a.county_received_at
                       + 135 * MIN)
    text = html(aw.client("b1").get(f"/accidents/{a.pk}/"))
    assert "迟报 25 分钟" in text  # the unit: 85 minutes after it learned, due within 60
    assert "迟报 15 分钟" in text  # county → city: 135 minutes, due within 120
    assert 'data-testid="missing-notices"' in text and "公安机关" in text
    assert 'data-testid="follow-up-flag"' in text


def test_detail_banner_when_the_level_changed(aw):
    a = report(aw, deaths=1)
    reporting.supplement(actor=aw.user["b1"], accident=a, data={
        "deaths": 3, "missing": 0, "serious_injuries": 0, "minor_injuries": 2, "direct_loss": "120",
        "direct_loss_unit": "wan_yuan", "note": "伤者死亡"})
    text = html(aw.client("b1").get(f"/accidents/{a.pk}/"))
    assert 'data-testid="level-changed-banner"' in text
    banner = text.split('data-testid="level-changed-banner"')[1].split("</div>")[0]
    assert "事故发生地县级人民政府" in banner and "设区的市级人民政府" in banner
    assert 'data-testid="supplements"' in text and "一般事故 → 较大事故" in text


def test_detail_outside_scope_is_404(aw):
    a = report(aw)
    for key in ("b2", "e2", "t2", "g2", "d1", "sys"):
        client = aw.client(key)
        assert client.get(f"/accidents/{a.pk}/").status_code == 404, key
        assert client.post(f"/accidents/{a.pk}/transmit/", {}).status_code == 404, key
        assert client.post(f"/accidents/{a.pk}/supplement/", {}).status_code == 404, key
    assert aw.client("b1").get("/accidents/99999/").status_code == 404


def test_forms_shown_only_to_those_who_may(aw):
    a = report(aw)
    b1 = html(aw.client("b1").get(f"/accidents/{a.pk}/"))
    for name in ("transmit", "notice", "supplement", "unit_learned", "finding"):
        assert f'data-testid="step-{name}"' in b1, name
    t1 = html(aw.client("t1").get(f"/accidents/{a.pk}/"))
    assert 'data-testid="step-supplement"' in t1 and 'data-testid="step-transmit"' not in t1
    assert 'data-testid="step-finding"' not in t1
    e1 = html(aw.client("e1").get(f"/accidents/{a.pk}/"))
    assert 'data-testid="step-supplement"' in e1 and 'data-testid="step-notice"' not in e1
    g1 = aw.client("g1").get(f"/accidents/{a.pk}/")
    assert g1.status_code == 200 and 'data-testid="step-' not in html(g1)
    for key, url in (("g1", "transmit"), ("g1", "supplement"), ("t1", "transmit"), ("t1", "finding"),
                     ("e1", "notice"), ("e1w", "supplement"), ("x1", "unit-learned")):
        assert aw.client(key).post(f"/accidents/{a.pk}/{url}/", {}).status_code == 403, (key, url)


# --- the step forms -----------------------------------------------------------------------------------------------


def test_transmit_from_the_page(aw):
    occurred = minute_ago(hours=8)
    a = report(aw, occurred_at=occurred, unit_learned_at=occurred + MIN, county_received_at=occurred + 20 * MIN)
    client = aw.client("b1")
    r = client.post(f"/accidents/{a.pk}/transmit/", {"transmit-step": "county_to_city",
                                                     "transmit-sent_at": local(a.county_received_at + 60 * MIN),
                                                     "transmit-recipient": "嘉兴市应急管理局"})
    assert r.status_code == 302 and r["Location"].startswith(f"/accidents/{a.pk}/")
    assert Transmission.objects.get(accident=a).minutes_late == 0
    assert "已登记上报" in html(client.get(f"/accidents/{a.pk}/"))
    r = client.post(f"/accidents/{a.pk}/transmit/", {"transmit-step": "county_to_city",
                                                     "transmit-sent_at": local(a.county_received_at + 70 * MIN)})
    assert r.status_code == 400 and "该环节的上报已登记。" in html(r)
    r = client.post(f"/accidents/{a.pk}/transmit/", {"transmit-step": "county_to_city", "transmit-sent_at": ""})
    assert r.status_code == 400 and "invalid-feedback" in html(r)


def test_notice_unit_learned_and_finding_from_the_page(aw):
    occurred = minute_ago(hours=8)
    a = report(aw, occurred_at=occurred, unit_learned_at=None, county_received_at=occurred + 100 * MIN)
    client = aw.client("b1")
    r = client.post(f"/accidents/{a.pk}/notice/", {"notice-level": "county", "notice-party": "trade_union",
                                                   "notice-notified_at": local(occurred + 110 * MIN)})
    assert r.status_code == 302 and SameLevelNotice.objects.filter(accident=a, party="trade_union").exists()
    r = client.post(f"/accidents/{a.pk}/unit-learned/", {"unit_learned-unit_learned_at": local(occurred + 5 * MIN)})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.unit_report_minutes_late == 35
    assert 'data-testid="follow-up-flag"' in html(client.get(f"/accidents/{a.pk}/"))
    r = client.post(f"/accidents/{a.pk}/finding/", {"finding-finding": "late", "finding-note": ""})
    assert r.status_code == 400 and 'invalid-feedback' in html(r).split('data-testid="step-finding"')[1]
    a.refresh_from_db()
    assert a.reporting_finding == ""
    r = client.post(f"/accidents/{a.pk}/finding/", {"finding-finding": "late", "finding-note": "迟报35分钟。"})
    assert r.status_code == 302
    text = html(client.get(f"/accidents/{a.pk}/"))
    assert 'data-testid="finding-current"' in text and "迟报35分钟。" in text
    assert 'data-testid="follow-up-flag"' not in text


def test_supplement_from_the_page_regrades_and_shows_the_banner(aw):
    a = report(aw, "e1", deaths=1)
    client = aw.client("e1")
    page = html(client.get(f"/accidents/{a.pk}/"))
    assert 'name="supplement-deaths"' in page and 'value="120"' in page  # the current figures, 120 万元
    r = client.post(f"/accidents/{a.pk}/supplement/", {
        "supplement-deaths": "3", "supplement-missing": "0", "supplement-serious_injuries": "0",
        "supplement-minor_injuries": "2", "supplement-direct_loss": "150", "supplement-direct_loss_unit": "wan_yuan",
        "supplement-note": "两名伤者经抢救无效死亡。"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.grade == "large" and a.direct_loss_yuan == 1500000
    text = html(client.get(f"/accidents/{a.pk}/"))
    assert 'data-testid="level-changed-banner"' in text and "已通知上级" in text
    r = client.post(f"/accidents/{a.pk}/supplement/", {
        "supplement-deaths": "3", "supplement-missing": "0", "supplement-serious_injuries": "0",
        "supplement-minor_injuries": "2", "supplement-direct_loss": "150", "supplement-note": "补充"})
    assert r.status_code == 400 and "请注明直接经济损失的单位（元或万元）。" in html(r)


def test_a_near_miss_with_a_death_by_supplement_becomes_an_accident_on_the_page(aw):
    a = report(aw, kind="near_miss", near_miss_item="1", deaths=0, direct_loss="18")
    client = aw.client("b1")
    r = client.post(f"/accidents/{a.pk}/supplement/", {
        "supplement-deaths": "1", "supplement-missing": "0", "supplement-serious_injuries": "0",
        "supplement-minor_injuries": "0", "supplement-direct_loss": "20", "supplement-direct_loss_unit": "wan_yuan",
        "supplement-note": "一名被困人员经抢救无效死亡。"}, follow=True)
    a.refresh_from_db()
    assert a.kind == "accident" and a.grade == "ordinary" and a.grade_basis["deaths"] == 1
    assert "已转为生产安全事故（一般事故）" in html(r)


def test_supplement_after_the_window_is_refused_on_the_page(aw):
    occurred = ago(days=35)
    a = report(aw, occurred_at=occurred, unit_learned_at=occurred + MIN, county_received_at=occurred + 20 * MIN)
    text = html(aw.client("b1").get(f"/accidents/{a.pk}/"))
    assert "补报期限已于" in text
    r = aw.client("b1").post(f"/accidents/{a.pk}/supplement/", {
        "supplement-deaths": "2", "supplement-missing": "0", "supplement-serious_injuries": "0",
        "supplement-minor_injuries": "2", "supplement-direct_loss": "120", "supplement-direct_loss_unit": "wan_yuan",
        "supplement-note": "又一人死亡"})
    assert r.status_code == 400 and "已超过补报期限" in html(r)
    a.refresh_from_db()
    assert a.deaths == 1


def test_serious_accident_clock_climbs_to_the_state_council(aw):
    a = report(aw, deaths=12)
    text = html(aw.client("b1").get(f"/accidents/{a.pk}/"))
    assert text.count('data-testid="clock-step"') == 4
    assert "省级 → 国务院有关部门" in text and "由国务院有关部门立即报告国务院" in text
    assert "重大事故" in text and "省级人民政府" in text
