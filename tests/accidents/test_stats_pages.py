"""The statistics and targets pages: tabs and pickers, last-year comparison, near misses, circular downloads, bad
periods, who may see them (officers only: 403 for enterprise users, grid officers, experts), the target form for
leaders (POST-redirect, errors re-rendered), progress bars without inline style, veto flags, scoping."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anjian.accidents import targets
from anjian.accidents.models import ControlTarget
from tests.accidents.test_stats import Y, at, make
from tests.accidents.test_targets import TY

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(aw):
    make(aw.e1, at(Y, 3, 5), deaths=3, accident_type="09")
    make(aw.e2, at(Y, 3, 9), minor=1, sector="construction")
    make(aw.e1, at(Y, 3, 12), kind="near_miss")
    make(aw.e1, at(Y - 1, 3, 2), deaths=2)
    make(aw.e3, at(Y, 3, 6), deaths=1, accident_type="19")
    return aw


def get(aw, key, name, **params):
    return aw.client(key).get(reverse(name), params)


def test_statistics_page(data):
    r = get(data, "b1", "accidents:statistics", year=Y, month=3)
    assert r.status_code == 200
    html = r.content.decode()
    assert "海宁市" in html and "硖石街道" in html and "海洲街道" in html
    assert 'data-testid="month-accidents">2<' in html and 'data-testid="ytd-accidents">2<' in html
    assert "去年同期 1（+100.0%）" in html
    assert "较大涉险事故（单独计数，不计入事故起数）：2025年3月 1 起" in html
    for key in ("region", "sector", "type", "grade"):
        assert f'data-testid="tab-{key}"' in html
    assert reverse("accidents:circular_pdf") + "?year=2025&amp;month=3" in html
    assert reverse("accidents:circular_xlsx") + "?year=2025&amp;month=3" in html
    assert 'style="' not in html and "<script>" not in html  # CSP: no inline style or script


def test_tabs_and_htmx_partial(data):
    r = get(data, "b1", "accidents:statistics", year=Y, month=3, by="type")
    html = r.content.decode()
    assert "09 高处坠落" in html
    assert 'class="nav-link active" aria-current="page" href="?year=2025&amp;month=3&amp;by=type"' in html
    partial = data.client("b1").get(reverse("accidents:statistics"), {"year": Y, "month": 3, "by": "grade"},
                                    HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body and "较大事故" in body and "stats-tabs" in body
    assert "HX-Request" in partial["Vary"]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"year": "abc"}, "年份须为整数"), ({"year": Y, "month": 13}, "月份须为1至12"), ({"by": "x"}, "请选择统计口径"),
     ({"year": 1990}, "年份须在2000年")],
)
def test_bad_period_shows_an_error(data, params, message):
    r = get(data, "b1", "accidents:statistics", **params)
    assert r.status_code == 400
    assert message in r.content.decode() and 'data-testid="period-error"' in r.content.decode()


@pytest.mark.parametrize("key", ["e1", "e1m", "g1", "x1", "sys"])
@pytest.mark.parametrize("name", ["accidents:statistics", "accidents:circular_pdf", "accidents:circular_xlsx",
                                  "accidents:targets"])
def test_only_officers(data, key, name):
    assert get(data, key, name, year=Y, month=3).status_code == 403


def test_login_required(data):
    from django.test import Client

    r = Client().get(reverse("accidents:statistics"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_county2_sees_none_of_county1(data):
    html = get(data, "b2", "accidents:statistics", year=Y, month=3).content.decode()
    assert "平湖市" in html and "当湖街道" in html
    assert "硖石街道" not in html and "海洲街道" not in html and "海宁市" not in html
    assert 'data-testid="month-accidents">1<' in html


def test_department_page(data):
    html = get(data, "d1", "accidents:statistics", year=Y, month=3, by="sector").content.decode()
    assert "建筑施工" in html and "纺织" not in html and "（建筑施工行业领域）" in html


def test_circular_downloads(data):
    r = get(data, "b1", "accidents:circular_pdf", year=Y, month=3)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and "attachment" in r["Content-Disposition"]
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    r = get(data, "b1", "accidents:circular_xlsx", year=Y, month=3)
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb["概况"]["A1"].value == "海宁市2025年3月生产安全事故情况通报"


def test_circular_bad_period_redirects_with_a_message(data):
    c = data.client("b1")
    r = c.get(reverse("accidents:circular_pdf"), {"year": Y, "month": 0})
    assert r.status_code == 302 and r["Location"] == reverse("accidents:statistics")
    assert "月份须为1至12" in c.get(r["Location"]).content.decode()


# --- targets ----------------------------------------------------------------------------------------------------


def test_targets_page_with_progress_and_veto(aw):
    data = aw  # no fixture data: TY may be the fixture's year
    targets.set_target(actor=data.user["leader"], region=data.county, year=TY, max_accidents=2, max_deaths=0)
    make(data.e1, at(TY, 3, 1))
    make(data.e1, at(TY, 3, 2), deaths=3)
    r = get(data, "b1", "accidents:targets", year=TY)
    assert r.status_code == 200
    html = r.content.decode()
    assert '<progress class="w-100" max="2" value="2"' in html
    assert html.count('data-testid="status">达到指标<') == 1 and html.count('data-testid="status">超出指标<') == 1
    assert "超出（指标为0）" in html
    assert 'data-testid="veto"' in html and "一票否决" in html and "较大事故" in html
    assert 'data-testid="target-form"' not in html  # an officer sees no form
    assert 'style="' not in html and "<script>" not in html
    leader = get(data, "leader", "accidents:targets", year=TY).content.decode()
    assert 'data-testid="target-form"' in leader and 'value="330481001"' in leader
    assert 'value="330482"' not in leader  # only its own region and below


def test_targets_page_bad_year(data):
    r = get(data, "b1", "accidents:targets", year="x")
    assert r.status_code == 400 and "年份须为整数" in r.content.decode()


def test_leader_sets_a_target_from_the_page(data):
    c = data.client("leader")
    r = c.post(reverse("accidents:target_set"), {"region": "330481001", "year": TY, "sector": "",
                                                  "max_accidents": "3", "max_deaths": "", "note": "海安委〔2026〕2号"})
    assert r.status_code == 302 and r["Location"] == reverse("accidents:targets") + f"?year={TY}"
    t = ControlTarget.objects.get()
    assert (t.region.code, t.year, t.max_accidents, t.max_deaths) == ("330481001", TY, 3, None)
    assert t.note == "海安委〔2026〕2号"
    assert f"已下达硖石街道{TY}年控制指标" in c.get(r["Location"]).content.decode()
    r = c.post(reverse("accidents:target_set"), {"region": "330481001", "year": TY, "max_accidents": "4"})
    assert r.status_code == 302 and ControlTarget.objects.get().max_accidents == 4
    assert "已更新" in c.get(r["Location"]).content.decode()


@pytest.mark.parametrize(
    ("post", "message"),
    [({"max_accidents": "", "max_deaths": ""}, "请至少填写事故起数或死亡人数中的一项控制指标"),
     ({"max_accidents": "-1"}, "控制指标不能为负数"),
     ({"max_accidents": "1", "region": "330482"}, "选择一个有效的选项"),
     ({"max_accidents": "abc"}, "输入整数")],
)
def test_target_form_errors(data, post, message):
    c = data.client("leader")
    r = c.post(reverse("accidents:target_set"), {"region": "330481", "year": TY, **post})
    assert r.status_code == 400
    assert message in r.content.decode() and 'data-testid="target-form"' in r.content.decode()
    assert not ControlTarget.objects.exists()


@pytest.mark.parametrize("key", ["b1", "d1", "t1", "e1"])
def test_only_leaders_post_targets(data, key):
    r = data.client(key).post(reverse("accidents:target_set"), {"region": "330481", "year": TY, "max_accidents": 1})
    assert r.status_code == 403 and not ControlTarget.objects.exists()


def test_targets_get_only(data):
    assert data.client("leader").get(reverse("accidents:target_set")).status_code == 405
