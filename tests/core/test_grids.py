"""Grids through the API: officers of the township or bureau keep them; nobody else writes."""

from anjian.accounts.roles import Role
from anjian.core.models import AuditEvent, Grid


def test_township_officer_creates_a_grid_and_names_its_officer(world):
    client = world.client("t1")
    response = client.post("/api/grids/", {"name": "硖石二网格", "region": world.t1.code},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    grid = Grid.objects.get(pk=response.json()["id"])
    response = client.patch(f"/api/grids/{grid.pk}/", {"officer": world.user["g1"].pk},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["officer_name"] == "g1"
    assert AuditEvent.objects.filter(action="grid.assign_officer", object_id=str(grid.pk)).exists()


def test_grid_write_errors(world):
    client = world.client("t1")
    dup = client.post("/api/grids/", {"name": "硖石一网格", "region": world.t1.code}, content_type="application/json")
    assert dup.status_code == 400 and dup.json()["fields"]["name"][0]["code"] == "grid_duplicate"
    other = client.post("/api/grids/", {"name": "x", "region": world.t2.code}, content_type="application/json")
    assert other.status_code == 400  # t2 is outside the township officer's scope
    wrong = client.patch(f"/api/grids/{world.grid1.pk}/", {"officer": world.user["g2"].pk},
                         content_type="application/json")
    assert wrong.status_code == 400
    assert world.user["g2"].role == Role.GRID_OFFICER
    for key in ("e1", "g1", "d1"):
        response = world.client(key).post("/api/grids/", {"name": "y", "region": world.t1.code},
                                          content_type="application/json")
        assert response.status_code in (400, 403), key
        assert not Grid.objects.filter(name="y").exists()
    assert world.client("b1").delete(f"/api/grids/{world.grid1.pk}/").status_code == 405
