"""Fixtures for inspection tests: enforcement credentials for the bureau's officers, photos in a temporary
media folder, and shortcuts that walk an inspection through its steps via the services."""

import datetime

import pytest
from django.utils import timezone

from anjian.inspections import services
from anjian.inspections.choices import ItemResult
from anjian.inspections.models import ChecklistTemplate, InspectorCredential
from tests.conftest import PASSWORD, SYSTEM  # noqa: F401 — re-exported for the test modules


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_HOST = ""


def today() -> datetime.date:
    return timezone.localdate()


def credential(user, number, days=365):
    return InspectorCredential.objects.create(
        user=user,
        number=number,
        issuer="浙江省人民政府",
        valid_from=today() - datetime.timedelta(days=10),
        valid_until=today() + datetime.timedelta(days=days),
    )


@pytest.fixture
def team(world):
    """b1 and the leader of 海宁 hold valid credentials; b2 (平湖) holds one too."""
    credential(world.user["b1"], "33048100001")
    credential(world.user["leader"], "33048100002")
    credential(world.user["b2"], "33048200001")
    return world


def shipped(code="gongmao_general") -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(authority__isnull=True, code=code)


def plan(world, kind="routine", actor="b1", members=("leader",), enterprise=None, template=None, **kw):
    return services.inspection_plan(
        actor=world.user[actor],
        enterprise=enterprise or world.e1,
        kind=kind,
        template=template or shipped(),
        members=[world.user[m] for m in members],
        **kw,
    )


def walk(world, inspection, actor="b1", failed=(0,), note="现场发现问题"):
    """Start, answer every item (the given positions non-compliant), and end the walk."""
    inspection.refresh_from_db()
    if inspection.state == "planned":
        inspection = services.inspection_start(actor=world.user[actor], inspection=inspection, location="一号车间")
    for n, item in enumerate(inspection.items.order_by("position")):
        result = ItemResult.NON_COMPLIANT if n in failed else ItemResult.COMPLIANT
        services.item_answer(actor=world.user[actor], item=item, result=result, note=note if n in failed else "")
    return services.inspection_complete(actor=world.user[actor], inspection=inspection, summary="检查小结")
