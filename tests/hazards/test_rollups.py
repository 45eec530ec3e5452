"""The counters kept by the services agree with a recount from the hazard table, for every scope."""

import datetime

from anjian.hazards import rollups, services
from anjian.hazards.models import Hazard, HazardGauge, HazardMonthly
from anjian.hazards.queries import _counters_from_table, counters_for
from anjian.hazards.scan import scan_deadlines
from tests.hazards.conftest import rectifying_general, rectifying_major, report, today


def _snapshot():
    gauges = {
        (g.region_code, g.sector): (g.reported, g.open, g.major_open, g.listed, g.overdue)
        for g in HazardGauge.objects.all()
    }
    monthly = {
        (m.region_code, m.sector, m.month): (m.found, m.major_found, m.rectified, m.major_rectified)
        for m in HazardMonthly.objects.all()
    }
    strip = lambda d: {k: v for k, v in d.items() if any(v)}  # noqa: E731 — zero rows are equal to no row
    return strip(gauges), strip(monthly)


def _busy_world(world):
    u = world.user
    report(world)  # waiting for confirmation
    rejected = report(world)
    services.hazard_reject(actor=u["e1m"], hazard=rejected, reason="非隐患")
    closed = rectifying_general(world)
    services.hazard_submit(actor=u["e1w"], hazard=closed, note="done")
    services.hazard_verify(actor=u["e1"], hazard=closed)
    overdue = rectifying_general(world)
    Hazard.objects.filter(pk=overdue.pk).update(deadline=today() - datetime.timedelta(days=2))
    scan_deadlines(today=today())
    major = rectifying_major(world)
    services.listing_create(
        actor=u["b1"], hazard=major, document_number="督1", deadline=today(), government_contact="王"
    )
    other = report(world, key="d1", enterprise=world.e2, route="department_inspection")
    services.hazard_confirm(actor=u["d1"], hazard=other, grade="general")


def test_service_kept_counters_equal_a_rebuild(world):
    _busy_world(world)
    kept = _snapshot()
    rollups.rebuild()
    assert _snapshot() == kept


def test_rollup_counters_equal_table_counters_for_each_scope(world):
    _busy_world(world)
    for key in ("b1", "leader", "t1", "t2", "x1", "d1"):
        user = world.user[key]
        flow, gauge = _counters_from_table(user, None)
        figures = counters_for(user)
        assert {k: figures[k] for k in {**flow, **gauge}} == {**flow, **gauge}, key
    b1 = counters_for(world.user["b1"])
    assert (b1["found"], b1["rectified"], b1["open"], b1["overdue"], b1["listed"], b1["reported"]) == (4, 1, 3, 1, 1, 1)


def test_enterprise_file_shows_accountability(world):
    u = world.user
    hazard = rectifying_general(world)
    for _ in range(2):
        services.hazard_submit(actor=u["e1w"], hazard=hazard, note="done")
        services.hazard_return(actor=u["e1m"], hazard=hazard, reason="不合格")
    html = world.client("b1").get(f"/enterprises/{world.e1.pk}/").content.decode()
    assert 'data-testid="accountability-alert"' in html
    listed = world.client("b1").get("/api/hazards/?accountability=true").json()["results"]
    assert [row["id"] for row in listed] == [hazard.pk]


def test_months_are_local_time_at_the_boundary(world):
    """Found at 01:00 on 1 November in Shanghai is 31 October in UTC: it counts for November."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    found_at = dt.datetime(2026, 11, 1, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    hazard = report(world, found_at=found_at)
    services.hazard_confirm(actor=world.user["e1m"], hazard=hazard, grade="general")
    assert set(HazardMonthly.objects.values_list("month", flat=True)) == {dt.date(2026, 11, 1)}
    kept = _snapshot()
    rollups.rebuild()
    assert _snapshot() == kept


def test_by_region_sums_each_township(world):
    from anjian.hazards.queries import by_region_for

    _busy_world(world)
    rows = {r["region"].code: r for r in by_region_for(world.user["b1"], [world.t1, world.t2])}
    t1, t2 = rows[world.t1.code], rows[world.t2.code]
    assert (t1["found"], t1["rectified"], t1["open"], t1["overdue"], t1["major_open"], t1["listed"]) == (
        3,
        1,
        2,
        1,
        1,
        1,
    )
    assert (t2["found"], t2["open"], t2["rate"]) == (1, 1, 0.0)
    assert t1["rate"] == round(100 / 3, 1)
