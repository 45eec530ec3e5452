"""Fixtures for the people tests: employees written straight to the table (sealed and indexed as the services
do), so certificate and verdict tests need not go through the employee pages."""

import datetime
import itertools

import pytest

from anjian.core import crypto
from anjian.people.models import Employee
from anjian.rules.id_card import check_digit

_serial = itertools.count(1)


def id_number(n: int | None = None, birth: str = "19900101") -> str:
    """A valid GB 11643 number: 330481 (海宁), the birth date, a serial, the check digit."""
    n = next(_serial) if n is None else n
    first17 = f"330481{birth}{n % 1000:03d}"
    return first17 + check_digit(first17)


@pytest.fixture(autouse=True)
def _quiet(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_HOST = ""


@pytest.fixture
def make_employee():
    def make(enterprise, *, name="张三", number=None, phone="13800001234", hired_on=datetime.date(2024, 1, 1), **extra):
        number = number or id_number()
        defaults = {"post": "操作工", "person_kind": "employee", "employment_type": "regular"}
        defaults.update(extra)
        return Employee.objects.create(
            enterprise=enterprise,
            region_code=enterprise.region_code,
            name=name,
            id_number_sealed=crypto.seal(number),
            id_number_index=crypto.blind_index("id_number", number),
            phone_sealed=crypto.seal(phone),
            phone_index=crypto.blind_index("phone", phone),
            hired_on=hired_on,
            **defaults,
        )

    return make
