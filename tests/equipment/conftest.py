"""Fixtures for the equipment tests: employees (the people tests' fixture), operator certificates written straight
to the table, and a register helper."""

import datetime
import itertools

import pytest

from anjian.equipment import services
from anjian.people.choices import CertificateKind
from anjian.people.models import Certificate
from tests.conftest import SYSTEM
from tests.people.conftest import _quiet, make_employee  # noqa: F401  (fixtures used by the tests)

_numbers = itertools.count(1)


def days(n: int) -> datetime.date:
    return services.today() + datetime.timedelta(days=n)


def boiler_data(**overrides) -> dict:
    data = {
        "kind": "boiler",
        "name": "1号燃气蒸汽锅炉",
        "registration_code": f"1101330481{next(_numbers):010d}",
        "use_registration_number": "锅33浙F00123",
        "location": "动力车间",
        "manufacturer": "杭州锅炉集团",
        "commissioned_on": days(-800),
    }
    data.update(overrides)
    return data


def inspection_data(**overrides) -> dict:
    data = {
        "inspection_kind": "external",
        "inspected_on": days(-10),
        "body": "嘉兴市特种设备检测院",
        "conclusion": "pass",
        "report_number": f"BG-{next(_numbers):06d}",
    }
    data.update(overrides)
    return data


def register(world, actor_key="e1m", enterprise=None, **overrides):
    actor = SYSTEM if actor_key is None else world.user[actor_key]
    return services.equipment_register(actor=actor, enterprise=enterprise or world.e1, data=boiler_data(**overrides))


@pytest.fixture
def operator_certificate():
    def make(employee, *, item="Q2", valid_until=None, issued_on=None, review_due=None, state="active"):
        issued_on = issued_on or days(-300)
        valid_until = valid_until or days(1000)
        return Certificate.objects.create(
            employee=employee,
            enterprise=employee.enterprise,
            region_code=employee.region_code,
            holder_index=employee.id_number_index,
            kind=CertificateKind.EQUIPMENT_OPERATOR,
            item_code=item,
            number=f"TZ{next(_numbers):08d}",
            issuer="嘉兴市市场监督管理局",
            issued_on=issued_on,
            valid_until=valid_until,
            review_due=review_due,
            due_on=valid_until,
            due_kind="renewal",
            state=state,
        )

    return make
