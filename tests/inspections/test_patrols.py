"""网格巡查: facts for the patrol rules, due and overdue across a quarter boundary with a fixed day, coverage per
grid and township, scoping, the pages, the API, and a query count that does not grow with the enterprises."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.core.choices import Sector
from anjian.enterprises import services as enterprise_services
from anjian.enterprises.models import Enterprise
from anjian.inspections import planning
from anjian.inspections import services as inspection_services
from anjian.inspections.models import ChecklistTemplate, Inspection
from tests.conftest import SYSTEM, enterprise_data, uscc
from tests.inspections.conftest import walk

TODAY = datetime.date(2026, 4, 2)  # the second day of Q2
LONG_AGO = timezone.make_aware(datetime.datetime(2025, 1, 1, 9, 0))


def at(y, m, d, hh=10, mm=0):
    """A local (Asia/Shanghai) moment."""
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


def ent(world, n, *, region=None, grid=None, sectors=(Sector.TEXTILE,), created=LONG_AGO, **extra):
    region = region or world.t1
    data = enterprise_data(region, name=f"巡查{n}", uscc=uscc(n, region.code[:6]), grid=grid)
    e = enterprise_services.enterprise_create(actor=SYSTEM, sectors=list(sectors), data={**data, **extra})
    Enterprise.objects.filter(pk=e.pk).update(created_at=created)
    return e


def patrol(enterprise, ended, *, state="completed", kind="grid_patrol"):
    return Inspection.objects.create(
        enterprise=enterprise, region_code=enterprise.region_code, kind=kind, state=state, ended_at=ended,
        template=ChecklistTemplate.objects.get(authority__isnull=True, code="general"),
    )


def statuses(user, **kw):
    return {s.enterprise_id: s for s in planning.patrol_status(user, today=TODAY, **kw)}


@pytest.fixture
def old_world(world):
    Enterprise.objects.update(created_at=LONG_AGO)
    return world


# --- facts ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "expected"), [
    ("operating", "operating"), ("suspended", "suspended"), ("under_construction", "operating"),
    ("illegal", "illegal"), ("closed", "closed"),
])
def test_patrol_facts_maps_the_enterprise_status(status, expected):
    row = {"status": status, "supervision_class": "B", "sectors": ["textile"], "combustible_dust": True,
           "dust_worker_count": 12, "ammonia_refrigeration": False, "confined_space": True, "hazchem_use": False,
           "major_hazard_source": False}
    facts = planning.patrol_facts(row)
    assert facts.status == expected and facts.supervision_class == "B" and facts.sectors == frozenset({"textile"})
    assert facts.combustible_dust and facts.confined_space and facts.dust_worker_count == 12


def test_patrol_facts_from_a_model_and_an_unclassified_row(world):
    facts = planning.patrol_facts(Enterprise.objects.prefetch_related("sector_links").get(pk=world.e3.pk))
    assert facts.sectors == frozenset({"hazchem"}) and facts.major_hazard_source and facts.hazchem_use
    row = {"status": "operating", "supervision_class": "", "sectors": [], "dust_worker_count": 0,
           **dict.fromkeys(planning.PATROL_FLAGS, False)}
    assert planning.patrol_facts(row).supervision_class is None


# --- due and overdue --------------------------------------------------------------------------------------------


def test_due_and_overdue_across_a_quarter_boundary(old_world):
    w = old_world
    b = {name: ent(w, n, supervision_class="B") for n, name in enumerate(
        ["last_q", "this_q_early", "two_q_ago", "never", "new_last_q", "new_this_q", "open_patrol", "future",
         "routine_only"], start=10)}
    Enterprise.objects.filter(pk=b["new_last_q"].pk).update(created_at=at(2026, 3, 31))
    Enterprise.objects.filter(pk=b["new_this_q"].pk).update(created_at=at(2026, 4, 1, 8))
    patrol(b["last_q"], at(2026, 3, 15))
    patrol(b["this_q_early"], at(2026, 4, 1, 0, 10), state="signed")  # 16:10 UTC on 31 March: still Q2 locally
    patrol(b["two_q_ago"], at(2025, 12, 20))
    patrol(b["open_patrol"], at(2026, 4, 1, 9), state="in_progress")
    patrol(b["future"], at(2026, 4, 5))  # after the fixed day: not seen
    patrol(b["routine_only"], at(2026, 4, 1), kind="routine")  # not a grid patrol
    closed = ent(w, 30, supervision_class="B", status="closed")
    s = statuses(w.user["t1"])

    def flags(key):
        x = s[b[key].pk]
        return x.due, x.overdue

    assert flags("last_q") == (True, False)
    assert s[b["last_q"].pk].last_patrol == datetime.date(2026, 3, 15)
    assert flags("this_q_early") == (False, False)
    assert s[b["this_q_early"].pk].last_patrol == datetime.date(2026, 4, 1)
    assert flags("two_q_ago") == (True, True)
    assert flags("never") == (True, True) and s[b["never"].pk].last_patrol is None
    assert flags("new_last_q") == (True, True)  # on file before this quarter began
    assert flags("new_this_q") == (True, False)  # registered this quarter: not blamed for the last one
    assert flags("open_patrol") == (True, True)
    assert flags("future") == (True, True) and s[b["future"].pk].last_patrol is None
    assert flags("routine_only") == (True, True)
    x = s[b["last_q"].pk]
    assert (x.interval, x.period_start, x.period_end) == ("quarter", datetime.date(2026, 4, 1),
                                                           datetime.date(2026, 6, 30))
    assert s[closed.pk].interval is None and not s[closed.pk].due and not s[closed.pk].overdue

    # The day before, in Q1, the same records read differently.
    before = {x.enterprise_id: x for x in planning.patrol_status(w.user["t1"], today=datetime.date(2026, 3, 31))}
    assert (before[b["last_q"].pk].due, before[b["two_q_ago"].pk].overdue) == (False, False)
    assert before[b["two_q_ago"].pk].due and before[b["this_q_early"].pk].due
    order = [x.enterprise_id for x in planning.patrol_status(w.user["t1"], today=TODAY)]
    assert order.index(b["two_q_ago"].pk) < order.index(b["last_q"].pk) < order.index(b["this_q_early"].pk)
    assert order[-1] == closed.pk


def test_intervals_follow_the_rules(old_world):
    w = old_world
    a = ent(w, 40, supervision_class="A")
    dust = ent(w, 41, supervision_class="D", combustible_dust=True, dust_worker_count=10)
    few_dust = ent(w, 42, supervision_class="D", combustible_dust=True, dust_worker_count=9)
    building = ent(w, 43, supervision_class="D", status="under_construction")
    illegal = ent(w, 44, supervision_class="D", status="illegal", uscc=None)
    s = statuses(w.user["t1"])
    assert s[a.pk].interval == "month" and s[a.pk].period_start == datetime.date(2026, 4, 1)
    assert s[dust.pk].interval == "quarter" and s[few_dust.pk].interval == "year"
    assert s[building.pk].interval == "year" and s[illegal.pk].interval == "month"
    assert s[w.e1.pk].interval == "half_year"  # class C by default
    patrol(a, at(2026, 3, 2))
    s = statuses(w.user["t1"])
    assert s[a.pk].due and not s[a.pk].overdue  # monthly: March counts as the previous period


def test_a_patrol_walked_through_the_services_counts(world):
    template = ChecklistTemplate.objects.get(authority__isnull=True, code="general")
    inspection = inspection_services.inspection_plan(
        actor=world.user["g1"], enterprise=world.e1, kind="grid_patrol", template=template)
    today = timezone.localdate()
    assert planning.patrol_status(world.user["g1"], today=today)[0].due
    walk(world, inspection, actor="g1", failed=())
    [s] = planning.patrol_status(world.user["g1"], today=today)
    assert s.enterprise_id == world.e1.pk and not s.due and s.last_patrol == today


# --- coverage ---------------------------------------------------------------------------------------------------


def coverage_world(w):
    """grid1 (t1): e1 + 3 class-B units; t1 without a grid: 2; grid2 (t2): e2 + 1; a closed unit in grid1."""
    g1 = [ent(w, 50 + i, grid=w.grid1, supervision_class="B") for i in range(3)]
    loose = [ent(w, 60 + i, supervision_class="B") for i in range(2)]
    g2 = [ent(w, 70, region=w.t2, grid=w.grid2, supervision_class="B")]
    ent(w, 80, grid=w.grid1, status="closed")
    patrol(w.e1, at(2026, 2, 1))  # half-year: this period (Jan–Jun)
    patrol(g1[0], at(2026, 4, 1, 12))  # this quarter
    patrol(g1[1], at(2026, 2, 10))  # last quarter: pending, not overdue
    patrol(loose[0], at(2026, 4, 2, 8))
    patrol(g2[0], at(2026, 1, 5))
    return g1, loose, g2


def test_coverage_per_grid_township_and_scope(old_world):
    w = old_world
    coverage_world(w)
    c = planning.patrol_coverage(w.user["b1"], today=TODAY)
    assert c["today"] == TODAY
    scope = c["scope"]
    assert (scope["total"], scope["patrolled"], scope["pending"], scope["overdue"], scope["excluded"]) == (
        8, 3, 5, 3, 1)
    assert scope["rate"] == 3 / 8 and scope["percent"] == 37.5
    towns = {t["code"]: t for t in c["townships"]}
    assert set(towns) == {w.t1.code, w.t2.code} and towns[w.t1.code]["name"] == "硖石街道"
    t1 = towns[w.t1.code]
    assert (t1["total"], t1["patrolled"], t1["pending"], t1["overdue"]) == (6, 3, 3, 2)
    grids = {g["id"]: g for g in t1["grids"]}
    assert set(grids) == {w.grid1.pk, None}
    g = grids[w.grid1.pk]
    assert (g["name"], g["officer"], g["total"], g["patrolled"], g["pending"], g["overdue"], g["excluded"]) == (
        "硖石一网格", "g1", 4, 2, 2, 1, 1)
    assert grids[None]["name"] == "未划网格" and (grids[None]["total"], grids[None]["patrolled"]) == (2, 1)
    t2 = towns[w.t2.code]
    assert (t2["total"], t2["patrolled"], t2["pending"], t2["overdue"]) == (2, 0, 2, 1)
    assert t2["grids"][0]["rate"] == 0.0


def test_coverage_is_scoped(old_world):
    w = old_world
    coverage_world(w)
    g1 = planning.patrol_coverage(w.user["g1"], today=TODAY)
    assert g1["scope"]["total"] == 4 and [t["code"] for t in g1["townships"]] == [w.t1.code]
    assert [g["id"] for g in g1["townships"][0]["grids"]] == [w.grid1.pk]
    assert planning.patrol_coverage(w.user["t2"], today=TODAY)["scope"]["total"] == 2
    assert planning.patrol_coverage(w.user["d1"], today=TODAY)["scope"]["total"] == 1  # construction: e2
    assert planning.patrol_coverage(w.user["b2"], today=TODAY)["scope"]["total"] == 1  # e3 only
    empty = planning.patrol_coverage(w.user["sys"], today=TODAY)
    assert empty["scope"]["total"] == 0 and empty["townships"] == [] and empty["scope"]["rate"] is None
    assert {s.enterprise_id for s in planning.patrol_status(w.user["g2"], today=TODAY)} == {
        e.pk for e in Enterprise.objects.filter(grid=w.grid2)}
    assert planning.patrol_status(w.user["g1"], today=TODAY, region_prefix=w.t2.code) == []
    assert planning.patrol_status(w.user["t1"], today=TODAY, region_prefix="330482") == []


def test_coverage_queries_do_not_grow_with_the_enterprises(old_world, django_assert_max_num_queries):
    w = old_world
    user = w.user["b1"]
    user.authority.region  # noqa: B018 — load the user's authority and region before counting
    with CaptureQueriesContext(connection) as small:
        planning.patrol_coverage(user, today=TODAY)
    for i in range(40):
        e = ent(w, 100 + i, grid=w.grid1 if i % 2 else w.grid2, region=w.t1 if i % 2 else w.t2,
                supervision_class="ABCD"[i % 4], combustible_dust=i % 3 == 0,
                dust_worker_count=i if i % 3 == 0 else 0)
        if i % 3:
            patrol(e, at(2026, 3, 1 + i % 28))
    with CaptureQueriesContext(connection) as large:
        result = planning.patrol_coverage(user, today=TODAY)
    assert result["scope"]["total"] == 42
    assert len(large) == len(small) <= 5
    client = w.client("b1")
    client.get("/inspections/patrols/")  # warm the session
    with django_assert_max_num_queries(10):
        assert client.get("/inspections/patrols/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/inspections/patrols/?township={w.t1.code}").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/inspections/patrols/?grid={w.grid1.pk}").status_code == 200


# --- pages and API ----------------------------------------------------------------------------------------------


def test_coverage_pages(old_world):
    w = old_world
    coverage_world(w)
    client = w.client("b1")
    html = client.get("/inspections/patrols/").content.decode()
    assert 'data-testid="township-table"' in html and "硖石街道" in html and f"?township={w.t1.code}" in html
    html = client.get(f"/inspections/patrols/?township={w.t1.code}").content.decode()
    assert 'data-testid="grid-table"' in html and f"?grid={w.grid1.pk}" in html and "grid=none" in html
    html = client.get(f"/inspections/patrols/?grid={w.grid1.pk}").content.decode()
    assert 'data-testid="patrol-rows"' in html and "巡查50" in html and "start-patrol" not in html  # b1 does not patrol
    html = client.get(f"/inspections/patrols/?township={w.t1.code}&grid=none").content.decode()
    assert "巡查60" in html and "巡查50" not in html
    assert client.get("/inspections/patrols/?township=999").status_code == 404
    assert client.get(f"/inspections/patrols/?grid={w.grid1.pk + 999}").status_code == 404
    assert w.client("g2").get(f"/inspections/patrols/?grid={w.grid1.pk}").status_code == 404
    assert w.client("e1").get("/inspections/patrols/").status_code == 403


def test_my_patrols_lists_overdue_and_due_first_with_a_start_link(world):
    w = world
    today = timezone.localdate()
    Enterprise.objects.update(created_at=timezone.now() - datetime.timedelta(days=800))
    ok = ent(w, 90, grid=w.grid1, supervision_class="D", created=timezone.now() - datetime.timedelta(days=800))
    patrol(ok, timezone.now() - datetime.timedelta(minutes=5))
    client = w.client("g1")
    html = client.get("/inspections/patrols/mine/").content.decode()
    assert html.index("企业1") < html.index("巡查90")  # e1, never patrolled: overdue, listed first
    assert f"/inspections/new/?enterprise={w.e1.pk}&amp;kind=grid_patrol" in html
    assert 'data-testid="badge-overdue"' in html and 'data-testid="badge-done"' in html
    assert str(today) in html
    assert w.client("b1").get("/inspections/patrols/mine/").status_code == 403
    assert w.client("e1").get("/inspections/patrols/mine/").status_code == 403
    assert w.client("t1").get("/inspections/patrols/mine/").status_code == 200


def test_patrol_api(world):
    w = world
    Enterprise.objects.update(created_at=timezone.now() - datetime.timedelta(days=800))
    patrol(w.e1, timezone.now() - datetime.timedelta(minutes=5))
    body = w.client("b1").get("/api/patrols/").json()
    rows = {r["enterprise"]: r for r in body["results"]}
    assert set(rows) == {w.e1.pk, w.e2.pk}
    assert rows[w.e1.pk]["due"] is False and rows[w.e1.pk]["last_patrol"] == timezone.localdate().isoformat()
    assert rows[w.e2.pk]["due"] is True and rows[w.e2.pk]["overdue"] is True
    assert rows[w.e2.pk]["interval"] == "half_year" and rows[w.e2.pk]["enterprise_name"] == "企业2"
    assert [r["enterprise"] for r in w.client("g1").get("/api/patrols/").json()["results"]] == [w.e1.pk]
    only = w.client("b1").get(f"/api/patrols/?grid={w.grid2.pk}").json()["results"]
    assert [r["enterprise"] for r in only] == [w.e2.pk]
    r = w.client("b1").get("/api/patrols/?region=33x")
    assert r.status_code == 400 and r.json()["fields"]["region"][0]["code"] == "invalid"
    page = w.client("b1").get("/api/patrols/?page_size=1").json()
    assert len(page["results"]) == 1 and page["next"]
    coverage = w.client("b1").get("/api/patrols/coverage/").json()
    assert coverage["scope"]["total"] == 2 and coverage["scope"]["patrolled"] == 1
    assert coverage["scope"]["rate"] == 0.5 and len(coverage["townships"]) == 2
    assert coverage["townships"][0]["grids"][0]["name"] == "硖石一网格"
    assert w.client("b2").get("/api/patrols/coverage/").json()["scope"]["total"] == 1
