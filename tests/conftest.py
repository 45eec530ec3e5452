"""Shared fixtures: a small world of two counties, townships, authorities, grids, enterprises and a
user for every role, built through the services as a system job would."""

import pytest
from django.test import Client

from anjian.accounts import services as account_services
from anjian.accounts.roles import Role
from anjian.core import services as core_services
from anjian.core.audit import SystemActor
from anjian.core.choices import AuthorityKind, Sector
from anjian.core.models import Region
from anjian.enterprises import services as enterprise_services
from anjian.rules.uscc import complete

PASSWORD = "Test@Pass2026"
SYSTEM = SystemActor("tests")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_region(code, name, level, parent=None):
    region = Region(code=code, name=name, level=level, parent=parent)
    region.save()
    return region


def uscc(n: int, county: str = "330481") -> str:
    return complete(f"91{county}MA{n:07d}")


def enterprise_data(region, **overrides):
    data = {"name": "测试企业", "region": region, "employees": 50, "uscc": uscc(1)}
    data.update(overrides)
    return data


class World:
    """Names the objects so tests read like the scenario: ``w.e1``, ``w.user['t1']``."""

    def client(self, key: str) -> Client:
        c = Client()
        c.force_login(self.user[key])
        return c


@pytest.fixture
def world(db):
    w = World()
    p = make_region("330000", "浙江省", "province")
    c = make_region("330400", "嘉兴市", "city", p)
    w.county = make_region("330481", "海宁市", "county", c)
    w.county2 = make_region("330482", "平湖市", "county", c)
    w.t1 = make_region("330481001", "硖石街道", "township", w.county)
    w.t2 = make_region("330481002", "海洲街道", "township", w.county)
    w.t3 = make_region("330482001", "当湖街道", "township", w.county2)

    def auth(name, kind, region, sectors=None):
        return core_services.authority_create(actor=SYSTEM, name=name, kind=kind, region=region, sectors=sectors)

    w.bureau = auth("海宁市应急管理局", AuthorityKind.EMERGENCY_BUREAU, w.county)
    w.bureau2 = auth("平湖市应急管理局", AuthorityKind.EMERGENCY_BUREAU, w.county2)
    w.dept = auth("海宁市住建局", AuthorityKind.DEPARTMENT, w.county, [Sector.CONSTRUCTION])
    w.town1 = auth("硖石街道办事处", AuthorityKind.TOWNSHIP, w.t1)
    w.town2 = auth("海洲街道办事处", AuthorityKind.TOWNSHIP, w.t2)

    def user(key, role, authority=None, enterprise=None):
        return account_services.user_create(
            actor=SYSTEM, username=key, password=PASSWORD, full_name=key, role=role,
            authority=authority, enterprise=enterprise,
        )

    w.user = {}
    for key, role, authority in [
        ("b1", Role.BUREAU_OFFICER, w.bureau),
        ("leader", Role.BUREAU_LEADER, w.bureau),
        ("b2", Role.BUREAU_OFFICER, w.bureau2),
        ("d1", Role.DEPARTMENT_OFFICER, w.dept),
        ("t1", Role.TOWNSHIP_OFFICER, w.town1),
        ("t2", Role.TOWNSHIP_OFFICER, w.town2),
        ("g1", Role.GRID_OFFICER, w.town1),
        ("g2", Role.GRID_OFFICER, w.town2),
        ("x1", Role.EXPERT, w.bureau),
        ("sys", Role.SYSTEM_ADMIN, w.bureau),
        ("sec", Role.SECURITY_ADMIN, w.bureau),
        ("aud", Role.AUDIT_ADMIN, w.bureau),
    ]:
        w.user[key] = user(key, role, authority)
    w.grid1 = core_services.grid_create(actor=SYSTEM, name="硖石一网格", region=w.t1, officer=w.user["g1"])
    w.grid2 = core_services.grid_create(actor=SYSTEM, name="海洲一网格", region=w.t2, officer=w.user["g2"])

    def ent(n, region, sectors, grid=None, **extra):
        data = enterprise_data(region, name=f"企业{n}", uscc=uscc(n, region.code[:6]), grid=grid, **extra)
        return enterprise_services.enterprise_create(actor=SYSTEM, data=data, sectors=sectors)

    w.e1 = ent(1, w.t1, [Sector.TEXTILE], w.grid1)
    w.e2 = ent(2, w.t2, [Sector.CONSTRUCTION], w.grid2, employees=150)
    w.e3 = ent(3, w.t3, [Sector.HAZCHEM], major_hazard_source=True, hazchem_use=True)
    for key, role, enterprise in [
        ("e1", Role.ENTERPRISE_PRINCIPAL, w.e1),
        ("e1m", Role.ENTERPRISE_SAFETY_MANAGER, w.e1),
        ("e1w", Role.ENTERPRISE_EMPLOYEE, w.e1),
        ("e2", Role.ENTERPRISE_PRINCIPAL, w.e2),
    ]:
        w.user[key] = user(key, role, enterprise=enterprise)
    # Who sees which enterprise: the scoping rules of the issue, written out.
    w.visible = {
        "b1": {w.e1, w.e2}, "leader": {w.e1, w.e2}, "b2": {w.e3}, "d1": {w.e2}, "t1": {w.e1}, "t2": {w.e2},
        "g1": {w.e1}, "g2": {w.e2}, "x1": {w.e1, w.e2}, "sys": set(), "sec": set(), "aud": set(),
        "e1": {w.e1}, "e1m": {w.e1}, "e1w": {w.e1}, "e2": {w.e2},
    }
    w.all_enterprises = [w.e1, w.e2, w.e3]
    return w
