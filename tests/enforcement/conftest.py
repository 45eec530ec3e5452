"""Fixtures for enforcement tests: a second bureau officer, enforcement credentials, a finished inspection
with findings made through the inspection services, shortcuts that walk a document or a case through its
steps, and a clock that moves the services' "today"."""

import datetime

import pytest
from django.utils import timezone

from anjian.accounts import services as account_services
from anjian.accounts.roles import Role
from anjian.enforcement import common, services
from anjian.inspections import services as inspection_services
from anjian.inspections.choices import ItemResult
from anjian.inspections.models import ChecklistTemplate, InspectorCredential
from tests.conftest import PASSWORD, SYSTEM


@pytest.fixture(autouse=True)
def _quiet(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_HOST = ""


def today() -> datetime.date:
    return timezone.localdate()


class Clock:
    """Moves the enforcement services' today and now by whole days (the real clock stays)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.days = 0

    def move(self, days: int) -> datetime.date:
        self.days += days
        offset = datetime.timedelta(days=self.days)
        self.monkeypatch.setattr(common, "today", lambda: timezone.localdate() + offset)
        self.monkeypatch.setattr(common, "now", lambda: timezone.now() + offset)
        return common.today()

    def to(self, day: datetime.date) -> datetime.date:
        return self.move((day - common.today()).days)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def team(world):
    """b1 and a second officer b3 of the 海宁 bureau, both holding enforcement credentials."""
    world.user["b3"] = account_services.user_create(
        actor=SYSTEM, username="b3", password=PASSWORD, full_name="b3", role=Role.BUREAU_OFFICER,
        authority=world.bureau,
    )
    for n, key in enumerate(("b1", "b3", "d1"), start=1):
        InspectorCredential.objects.create(
            user=world.user[key], number=f"330400{n:05d}", valid_from=today() - datetime.timedelta(days=365),
            valid_until=today() + datetime.timedelta(days=365),
        )
    return world


def finished_inspection(world, *, enterprise=None, failed=2, members=("b1", "b3")):
    """A routine inspection walked item by item (the first ``failed`` items non-compliant) and completed."""
    template = ChecklistTemplate.objects.get(authority__isnull=True, code="gongmao_general")
    inspection = inspection_services.inspection_plan(
        actor=SYSTEM, enterprise=enterprise or world.e1, kind="routine", template=template,
        members=[world.user[m] for m in members], planned_date=today(),
    )
    walker = world.user[members[0]]
    inspection_services.inspection_start(actor=walker, inspection=inspection, location="一号车间")
    for n, item in enumerate(inspection.items.order_by("position", "id")):
        bad = n < failed
        inspection_services.item_answer(
            actor=walker, item=item, result=ItemResult.NON_COMPLIANT if bad else ItemResult.COMPLIANT,
            note=f"现场发现问题{n + 1}" if bad else "",
        )
    inspection.refresh_from_db()
    return inspection_services.inspection_complete(actor=walker, inspection=inspection, summary="发现问题，责令整改。")


def serve(document, actor, *, when=None, method="direct", recipient="王伟"):
    return services.document_serve(
        actor=actor, document=document, served_at=when or common.now(), method=method, recipient=recipient
    )


def issued(document, world, *, approver="leader", server="b1"):
    """Approve and serve a draft."""
    document = services.document_approve(actor=world.user[approver], document=document)
    return serve(document, world.user[server])


def served_order(world, inspection=None, days=10):
    inspection = inspection or finished_inspection(world)
    order = services.rectification_order_draft(
        actor=world.user["b1"], inspection=inspection, deadline=common.today() + datetime.timedelta(days=days)
    )
    return issued(order, world)
