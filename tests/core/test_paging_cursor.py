"""A ledger cursor that is not an id (a superscript digit, a number beyond bigint) gives the first page, not a 500."""

import pytest


@pytest.mark.parametrize("after", ["²", "99999999999999999999", "-1", "1e3", "１２"])
def test_ledger_cursors_that_are_not_ids_give_the_first_page(world, after):
    r = world.client("b1").get("/hazards/", {"after": after})
    assert r.status_code == 200
