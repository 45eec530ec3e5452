"""A database dump holds no plaintext ID-card or phone numbers: not in the employee table, not in a certificate
whose number is the holder's ID number, not in the audit trail, not in notifications. Checked on the database the
suite runs on (SQLite: the connection's own dump; PostgreSQL: pg_dump of the test database)."""

import datetime
import shutil
import subprocess

import pytest
from django.db import connection

from anjian.people import certificates, services
from anjian.people.models import Certificate, Employee
from tests.people.conftest import id_number

PHONE = "13912345678"


def _dump() -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    assert connection.vendor == "postgresql"
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed to check the PostgreSQL dump")
    db = connection.settings_dict
    command = [pg_dump, "--data-only", "--no-owner", "-d", db["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    env = {"PGPASSWORD": db.get("PASSWORD") or ""}
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env, timeout=120)
    return out.stdout


@pytest.mark.django_db(transaction=True)
def test_dump_contains_no_plaintext_id_or_phone(world):
    number = id_number(birth="19850615")
    employee = services.employee_register(
        actor=world.user["e1m"],
        enterprise=world.e1,
        data={
            "name": "李电工", "id_number": number, "phone": PHONE, "person_kind": "employee",
            "employment_type": "dispatched", "employer_name": "海宁人力资源公司", "post": "电工",
            "hired_on": datetime.date(2023, 3, 1),
        },
    )
    services.employee_update(actor=world.user["e1m"], employee=employee, data={"phone": "139-8765-4321"})
    certificate = certificates.certificate_register(
        actor=world.user["e1m"],
        employee=employee,
        data={
            "kind": "special_operation", "item_code": "1.2", "number": number, "issuer": "嘉兴市应急管理局",
            "issued_on": datetime.date(2023, 5, 1),
        },
    )
    # What was stored can be read back with the keys...
    stored = Employee.objects.get(pk=employee.pk)
    assert stored.id_number == number and stored.phone == "13987654321"
    assert Certificate.objects.get(pk=certificate.pk).number == number
    assert Certificate.objects.with_number("special_operation", number).count() == 1

    dump = _dump()
    assert "李电工" in dump  # the dump is real and holds the rows
    for secret in (number, number.lower(), number[:17], PHONE, "13987654321", "139-8765-4321", "19850615"):
        assert secret not in dump, secret
    # SQLite's dump writes non-ASCII as such; make sure the birth date is not hiding in another form either.
    assert "1985-06-15" not in dump
    world.e1.refresh_from_db()
