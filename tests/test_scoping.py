"""The cross-tenant sweep: every list and detail endpoint and page, for users of two enterprises,
two townships, two grids, two counties and a department, shows each only their own."""

import datetime

import pytest

from anjian.core.models import Authority, Grid, Region

API_LISTS = ["/api/regions/", "/api/authorities/", "/api/grids/", "/api/enterprises/"]
MODELS = {"/api/regions/": Region, "/api/authorities/": Authority, "/api/grids/": Grid}


def _ids(client, url):
    ids, next_url = set(), url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, (url, response.content)
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        next_url = body["next"]
    return ids


@pytest.mark.parametrize(
    "key", ["b1", "leader", "b2", "d1", "t1", "t2", "g1", "g2", "x1", "sys", "sec", "aud", "e1", "e1m", "e1w", "e2"]
)
def test_enterprise_list_and_detail_follow_scope(world, key):
    client = world.client(key)
    expected = {e.pk for e in world.visible[key]}
    assert _ids(client, "/api/enterprises/") == expected
    for enterprise in world.all_enterprises:
        status = 200 if enterprise.pk in expected else 404
        assert client.get(f"/api/enterprises/{enterprise.pk}/").status_code == status
        assert client.get(f"/enterprises/{enterprise.pk}/").status_code == status
        if status == 404:
            assert client.get(f"/enterprises/{enterprise.pk}/edit/").status_code == 404
            assert (
                client.patch(
                    f"/api/enterprises/{enterprise.pk}/", {"name": "x"}, content_type="application/json"
                ).status_code
                == 404
            )
    page = client.get("/enterprises/").content.decode()
    for enterprise in world.all_enterprises:
        assert (f"/enterprises/{enterprise.pk}/" in page) == (enterprise.pk in expected)


@pytest.mark.parametrize("pair", [("e1", "e2"), ("t1", "t2"), ("g1", "g2"), ("b1", "b2")])
@pytest.mark.parametrize("url", API_LISTS)
def test_pairs_never_see_each_others_data(world, pair, url):
    """What one of a pair lists, and the other does not, answers 404 to the other."""
    a, b = (world.client(k) for k in pair)
    seen_a, seen_b = _ids(a, url), _ids(b, url)
    for obj_id in seen_a:
        assert a.get(f"{url}{obj_id}/").status_code == 200
    for obj_id in seen_a - seen_b:
        assert b.get(f"{url}{obj_id}/").status_code == 404
    for obj_id in seen_b - seen_a:
        assert a.get(f"{url}{obj_id}/").status_code == 404


def test_reference_data_scopes(world):
    assert _ids(world.client("g1"), "/api/grids/") == {world.grid1.pk}
    assert _ids(world.client("t2"), "/api/grids/") == {world.grid2.pk}
    assert _ids(world.client("e1"), "/api/grids/") == {world.grid1.pk}
    assert _ids(world.client("b2"), "/api/grids/") == set()
    regions_b2 = {Region.objects.get(pk=i).code for i in _ids(world.client("b2"), "/api/regions/")}
    assert regions_b2 == {"330000", "330400", "330482", "330482001"}
    regions_e1 = {Region.objects.get(pk=i).code for i in _ids(world.client("e1"), "/api/regions/")}
    assert regions_e1 == {"330000", "330400", "330481", "330481001"}
    auth_t1 = {Authority.objects.get(pk=i).name for i in _ids(world.client("t1"), "/api/authorities/")}
    assert "海洲街道办事处" not in auth_t1 and "平湖市应急管理局" not in auth_t1
    assert _ids(world.client("sys"), "/api/enterprises/") == set()


def test_export_is_scoped(world):
    from io import BytesIO

    from openpyxl import load_workbook

    response = world.client("t1").get("/enterprises/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["企业1"]


def test_every_page_requires_login(client, world):
    urls = [
        "/",
        "/enterprises/",
        f"/enterprises/{world.e1.pk}/",
        "/enterprises/new/",
        "/enterprises/import/",
        "/enterprises/export.xlsx",
        "/enterprises/import/template.xlsx",
        "/audit/",
        "/accounts/users/",
        "/accounts/password/",
        "/api/docs/",
        "/accidents/",
        "/accidents/new/",
        "/accidents/export.xlsx",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for url in API_LISTS + ["/api/schema/", f"/api/enterprises/{world.e1.pk}/", "/api/accidents/"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


def _hazard_world(world):
    from anjian.hazards import services as hazard_services

    hazards = {}
    for key, enterprise in (("b1", world.e1), ("d1", world.e2), ("b2", world.e3)):
        route = {"b1": "enforcement_inspection", "d1": "department_inspection", "b2": "enforcement_inspection"}[key]
        hazards[enterprise.pk] = hazard_services.hazard_report(
            actor=world.user[key],
            enterprise=enterprise,
            data={
                "location": "车间",
                "description": f"{enterprise.name}的隐患",
                "category": "equipment",
                "route": route,
            },
        )
    return hazards


@pytest.mark.parametrize(
    "key", ["b1", "leader", "b2", "d1", "t1", "t2", "g1", "g2", "x1", "sys", "sec", "aud", "e1", "e1m", "e1w", "e2"]
)
def test_hazard_list_detail_and_pages_follow_scope(world, key):
    hazards = _hazard_world(world)
    client = world.client(key)
    expected = {hazards[e.pk].pk for e in world.visible[key]}
    assert _ids(client, "/api/hazards/") == expected
    for hazard in hazards.values():
        status = 200 if hazard.pk in expected else 404
        assert client.get(f"/api/hazards/{hazard.pk}/").status_code == status
        assert client.get(f"/hazards/{hazard.pk}/").status_code == status
        if status == 404:
            assert (
                client.post(
                    f"/api/hazards/{hazard.pk}/confirm/", {"grade": "general"}, content_type="application/json"
                ).status_code
                == 404
            )
            assert client.post(f"/hazards/{hazard.pk}/confirm/", {"confirm-grade": "general"}).status_code == 404
            assert client.get(f"/hazards/{hazard.pk}/rectify/").status_code == 404
    page = client.get("/hazards/").content.decode()
    for hazard in hazards.values():
        assert (f"/hazards/{hazard.pk}/" in page) == (hazard.pk in expected)
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/api/hazards/export/")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[3:]
    assert {row[1] for row in rows} == {hazards[e.pk].number for e in world.visible[key]}


def _inspection_world(world):
    from anjian.inspections import services as inspection_services
    from anjian.inspections.models import ChecklistTemplate
    from tests.inspections.conftest import credential

    credential(world.user["b1"], "C-1")
    credential(world.user["leader"], "C-2")
    template = ChecklistTemplate.objects.get(authority__isnull=True, code="general")
    out = {}
    for key, enterprise, kind, members in (
        ("b1", world.e1, "routine", ["leader"]),
        ("d1", world.e2, "expert", []),
        ("b2", world.e3, "expert", []),
    ):
        out[enterprise.pk] = inspection_services.inspection_plan(
            actor=world.user[key],
            enterprise=enterprise,
            kind=kind,
            template=template,
            members=[world.user[m] for m in members],
        )
    return out


@pytest.mark.parametrize(
    "key", ["b1", "leader", "b2", "d1", "t1", "t2", "g1", "g2", "x1", "sys", "sec", "aud", "e1", "e1m", "e1w", "e2"]
)
def test_inspection_list_detail_and_pages_follow_scope(world, key):
    inspections = _inspection_world(world)
    client = world.client(key)
    expected = {inspections[e.pk].pk for e in world.visible[key]}
    assert _ids(client, "/api/inspections/") == expected
    for inspection in inspections.values():
        status = 200 if inspection.pk in expected else 404
        assert client.get(f"/api/inspections/{inspection.pk}/").status_code == status
        assert client.get(f"/inspections/{inspection.pk}/").status_code == status
        if status == 404:
            assert (
                client.post(f"/api/inspections/{inspection.pk}/start/", {}, content_type="application/json").status_code
                == 404
            )
            assert client.post(f"/inspections/{inspection.pk}/start/", {}).status_code == 404
            assert client.get(f"/inspections/{inspection.pk}/walk/").status_code == 404
    page = client.get("/inspections/").content.decode()
    for inspection in inspections.values():
        assert (f"/inspections/{inspection.pk}/" in page) == (inspection.pk in expected)


@pytest.fixture
def enforcement_world(world):
    """Both counties with what the planning and enforcement endpoints list: credentials, recusals, plans,
    draws, an ended inspection, a rectification order and a penalty case each."""
    from anjian.accounts import services as account_services
    from anjian.accounts.roles import Role
    from anjian.enforcement import services as enforcement
    from anjian.inspections import planning
    from anjian.inspections import services as inspection_services
    from anjian.inspections.choices import ItemResult
    from anjian.inspections.models import ChecklistTemplate
    from tests.conftest import PASSWORD, SYSTEM
    from tests.inspections.conftest import credential, today

    world.user["b2x"] = account_services.user_create(
        actor=SYSTEM,
        username="b2x",
        password=PASSWORD,
        full_name="b2x",
        role=Role.BUREAU_OFFICER,
        authority=world.bureau2,
    )
    for n, key in enumerate(("b1", "leader", "b2", "b2x"), start=1):
        credential(world.user[key], f"SC-{n}")
    for officer, team, enterprise in (("b1", ("b1", "leader"), world.e1), ("b2", ("b2", "b2x"), world.e3)):
        actor = world.user[officer]
        planning.plan_create(actor=actor, year=today().year, title=f"{officer}计划")
        other = world.user[team[1]]
        planning.draw_create(
            actor=actor, title=f"{officer}抽查", filters={}, enterprise_count=1, seed=f"seed-{officer}"
        )
        template = ChecklistTemplate.objects.get(authority__isnull=True, code="general")
        inspection = inspection_services.inspection_plan(
            actor=actor, enterprise=enterprise, kind="routine", template=template, members=[other]
        )
        inspection_services.inspection_start(actor=actor, inspection=inspection)
        for n, item in enumerate(inspection.items.all()):
            inspection_services.item_answer(
                actor=actor, item=item, result=ItemResult.NON_COMPLIANT if n == 0 else ItemResult.COMPLIANT
            )
        inspection = inspection_services.inspection_complete(actor=actor, inspection=inspection)
        enforcement.rectification_order_draft(
            actor=actor, inspection=inspection, deadline=today() + datetime.timedelta(days=10)
        )
        enforcement.case_open(actor=actor, enterprise=enterprise, cause="测试立案", source_inspection=inspection)
        planning.recusal_create(actor=actor, user=actor, enterprise=enterprise, reason="测试")
    return world


NEW_LISTS = [
    "/api/inspections/",
    "/api/checklist-templates/",
    "/api/enforcement-plans/",
    "/api/draws/",
    "/api/credentials/",
    "/api/recusals/",
    "/api/enforcement-documents/",
    "/api/penalty-cases/",
]


@pytest.mark.parametrize("pair", [("e1", "e2"), ("t1", "t2"), ("g1", "g2"), ("b1", "b2"), ("d1", "b2")])
@pytest.mark.parametrize("url", NEW_LISTS)
def test_inspection_and_enforcement_lists_never_cross_tenants(enforcement_world, pair, url):
    """What one of a pair lists, and the other does not, answers 404 to the other (detail pages too)."""
    w = enforcement_world
    a, b = (w.client(k) for k in pair)
    seen_a, seen_b = _ids(a, url), _ids(b, url)
    for obj_id in seen_a:
        assert a.get(f"{url}{obj_id}/").status_code == 200
    for obj_id in seen_a - seen_b:
        assert b.get(f"{url}{obj_id}/").status_code == 404
    for obj_id in seen_b - seen_a:
        assert a.get(f"{url}{obj_id}/").status_code == 404
    if pair == ("b1", "b2") and url != "/api/checklist-templates/":
        assert seen_a and seen_b and not seen_a & seen_b  # each county has its own, and sees only its own


def _accident_world(world):
    """One accident at each enterprise, each in the enterprise's own sector (a department sees its sectors')."""
    from tests.accidents.conftest import report

    return {
        world.e1.pk: report(world, "b1", enterprise=world.e1, sector="textile"),
        world.e2.pk: report(world, "d1", enterprise=world.e2, sector="construction"),
        world.e3.pk: report(world, "b2", enterprise=world.e3, sector="hazchem"),
    }


@pytest.mark.parametrize(
    "key", ["b1", "leader", "b2", "d1", "t1", "t2", "g1", "g2", "x1", "sys", "sec", "aud", "e1", "e1m", "e1w", "e2"]
)
def test_accident_list_detail_and_pages_follow_scope(world, key):
    accidents = _accident_world(world)
    client = world.client(key)
    expected = {accidents[e.pk].pk for e in world.visible[key]}
    assert _ids(client, "/api/accidents/") == expected
    for accident in accidents.values():
        status = 200 if accident.pk in expected else 404
        assert client.get(f"/api/accidents/{accident.pk}/").status_code == status
        assert client.get(f"/accidents/{accident.pk}/").status_code == status
        if status == 404:
            assert (
                client.post(
                    f"/api/accidents/{accident.pk}/finding/", {"finding": "late", "note": "x"},
                    content_type="application/json",
                ).status_code
                == 404
            )
            assert client.post(f"/accidents/{accident.pk}/supplement/", {"supplement-note": "x"}).status_code == 404
    page = client.get("/accidents/").content.decode()
    for accident in accidents.values():
        assert (f"/accidents/{accident.pk}/" in page) == (accident.pk in expected)
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/accidents/export.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[3:]
    assert {row[1] for row in rows} == {accidents[e.pk].number for e in world.visible[key]}
