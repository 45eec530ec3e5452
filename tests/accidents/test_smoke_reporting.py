import pytest

from anjian.accidents.models import Accident
from tests.accidents.conftest import report

pytestmark = pytest.mark.django_db


def test_report_grades_and_numbers(aw):
    a = report(aw, deaths=3)
    assert a.grade == "large"
    assert a.investigating_level == "city"
    assert a.grade_basis["deaths"] == 3
    assert a.number.startswith("SG3304812026") or a.number.startswith("SG330481")
    assert Accident.objects.count() == 1
    assert a.unit_report_minutes_late == 0
