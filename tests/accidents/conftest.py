"""Fixtures for accident tests: the shared world plus a city bureau above the county, and shortcuts that
report an accident through the services."""

import datetime

import pytest
from django.utils import timezone

from anjian.accidents import reporting
from anjian.accounts import services as account_services
from anjian.accounts.roles import Role
from anjian.core import services as core_services
from anjian.core.choices import AuthorityKind
from anjian.core.models import Region
from tests.conftest import PASSWORD, SYSTEM


@pytest.fixture(autouse=True)
def _quiet(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_HOST = ""


@pytest.fixture
def aw(world):
    """``world`` plus 嘉兴市应急管理局 with an officer ``city`` and a leader ``cityleader``."""
    city = Region.objects.get(code="330400")
    world.city_bureau = core_services.authority_create(
        actor=SYSTEM, name="嘉兴市应急管理局", kind=AuthorityKind.EMERGENCY_BUREAU, region=city
    )
    for key, role in (("city", Role.BUREAU_OFFICER), ("cityleader", Role.BUREAU_LEADER)):
        world.user[key] = account_services.user_create(
            actor=SYSTEM, username=key, password=PASSWORD, full_name=key, role=role, authority=world.city_bureau
        )
    return world


def ago(**kw) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kw)


def report_data(**overrides) -> dict:
    occurred = ago(hours=3)
    data = {
        "kind": "accident",
        "sector": "textile",
        "occurred_at": occurred,
        "place": "一号车间",
        "accident_type": "03",
        "deaths": 1,
        "missing": 0,
        "serious_injuries": 0,
        "minor_injuries": 2,
        "direct_loss": "120",
        "direct_loss_unit": "wan_yuan",
        "account": "操作工清理设备时被卷入。",
        "measures_taken": "停机、送医。",
        "reporter_name": "张安全",
        "reporter_phone": "13800000000",
        "unit_learned_at": occurred + datetime.timedelta(minutes=10),
        "county_received_at": occurred + datetime.timedelta(minutes=40),
    }
    data.update(overrides)
    return data


def report(aw, key="b1", enterprise=None, unit=None, **overrides):
    """Report an accident at ``enterprise`` (default e1) as user ``key``."""
    if enterprise is None and unit is None:
        enterprise = aw.e1
    data = report_data(**overrides)
    return reporting.report_accident(actor=aw.user[key], enterprise=enterprise, unit=unit, data=data)
