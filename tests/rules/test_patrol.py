"""Grid patrol frequencies (configuration, not law) and calendar periods."""

import datetime

import pytest

from anjian.rules import patrol
from anjian.rules.patrol import (
    PATROL_RULES,
    EnterpriseFacts,
    PatrolRule,
    coverage,
    due_periods,
    interval_for,
    is_due,
    matching_rules,
    period_of,
)

D = datetime.date


@pytest.mark.parametrize(
    ("facts", "interval"),
    [
        (EnterpriseFacts(combustible_dust=True, dust_worker_count=10), "quarter"),
        (EnterpriseFacts(combustible_dust=True, dust_worker_count=9), None),
        (EnterpriseFacts(combustible_dust=False, dust_worker_count=50), None),
        (EnterpriseFacts(supervision_class="A"), "month"),
        (EnterpriseFacts(supervision_class="B"), "quarter"),
        (EnterpriseFacts(supervision_class="C"), "half_year"),
        (EnterpriseFacts(supervision_class="D"), "year"),
        (EnterpriseFacts(), None),
        # most frequent wins
        (EnterpriseFacts(supervision_class="D", combustible_dust=True, dust_worker_count=10), "quarter"),
        (EnterpriseFacts(supervision_class="A", combustible_dust=True, dust_worker_count=10), "month"),
        (EnterpriseFacts(supervision_class="C", combustible_dust=True, dust_worker_count=9), "half_year"),
        # statuses
        (EnterpriseFacts(supervision_class="A", status="closed"), None),
        (EnterpriseFacts(supervision_class="D", status="illegal"), "month"),
        (EnterpriseFacts(status="illegal"), "month"),
        (EnterpriseFacts(supervision_class="D", status="suspended"), "year"),
        (EnterpriseFacts(combustible_dust=True, dust_worker_count=12, status="closed"), None),
    ],
)
def test_interval_for(facts, interval):
    assert interval_for(facts) == interval


def test_rule_names_and_status():
    assert {r.name for r in PATROL_RULES} == {
        "closed",
        "illegal_monthly",
        "dust_10_quarterly",
        "class_a_monthly",
        "class_b_quarterly",
        "class_c_half_year",
        "class_d_yearly",
    }
    assert {r.status for r in PATROL_RULES} == {"UNVERIFIED"}  # configuration, not law


def test_matching_rules_explains():
    facts = EnterpriseFacts(supervision_class="B", combustible_dust=True, dust_worker_count=10)
    assert [r.name for r in matching_rules(facts)] == ["dust_10_quarterly", "class_b_quarterly"]


def test_custom_rules_sector_and_flags():
    rules = (
        *PATROL_RULES,
        PatrolRule("ammonia_monthly", "month", flags=("ammonia_refrigeration",), source="config"),
        PatrolRule("fireworks_month", "month", sectors=frozenset({"fireworks"}), source="config"),
    )
    assert interval_for(EnterpriseFacts(supervision_class="D", ammonia_refrigeration=True), rules) == "month"
    assert interval_for(EnterpriseFacts(sectors={"fireworks"}), rules) == "month"
    assert interval_for(EnterpriseFacts(sectors={"textile"}), rules) is None


@pytest.mark.parametrize(
    "rule",
    [
        PatrolRule("x", "week", source="c"),
        PatrolRule("x", "month", classes=("E",), source="c"),
        PatrolRule("x", "month", flags=("dusty",), source="c"),
        PatrolRule("x", "month", sectors=frozenset({"bakery"}), source="c"),
        PatrolRule("x", "month", statuses=("gone",), source="c"),
        PatrolRule("x", "month", source=""),
    ],
)
def test_malformed_rules_raise(rule):
    with pytest.raises(ValueError):
        interval_for(EnterpriseFacts(), (rule,))


def test_duplicate_rule_names_raise():
    with pytest.raises(ValueError, match="duplicate"):
        patrol._check_rules((PATROL_RULES[0], PATROL_RULES[0]))


@pytest.mark.parametrize(
    "kwargs",
    [{"supervision_class": "E"}, {"dust_worker_count": -1}, {"status": "open"}, {"sectors": {"bakery"}}],
)
def test_bad_facts(kwargs):
    with pytest.raises(ValueError):
        EnterpriseFacts(**kwargs)


@pytest.mark.parametrize(
    ("interval", "day", "start", "end"),
    [
        ("month", D(2024, 2, 29), D(2024, 2, 1), D(2024, 2, 29)),
        ("month", D(2023, 2, 28), D(2023, 2, 1), D(2023, 2, 28)),
        ("month", D(2024, 12, 31), D(2024, 12, 1), D(2024, 12, 31)),
        ("quarter", D(2024, 1, 1), D(2024, 1, 1), D(2024, 3, 31)),
        ("quarter", D(2024, 3, 31), D(2024, 1, 1), D(2024, 3, 31)),
        ("quarter", D(2024, 4, 1), D(2024, 4, 1), D(2024, 6, 30)),
        ("quarter", D(2024, 6, 30), D(2024, 4, 1), D(2024, 6, 30)),
        ("quarter", D(2024, 9, 30), D(2024, 7, 1), D(2024, 9, 30)),
        ("quarter", D(2024, 10, 1), D(2024, 10, 1), D(2024, 12, 31)),
        ("quarter", D(2024, 2, 29), D(2024, 1, 1), D(2024, 3, 31)),
        ("half_year", D(2024, 6, 30), D(2024, 1, 1), D(2024, 6, 30)),
        ("half_year", D(2024, 7, 1), D(2024, 7, 1), D(2024, 12, 31)),
        ("year", D(2024, 12, 31), D(2024, 1, 1), D(2024, 12, 31)),
        ("year", D(2025, 1, 1), D(2025, 1, 1), D(2025, 12, 31)),
        ("month", datetime.datetime(2024, 5, 17, 23, 59), D(2024, 5, 1), D(2024, 5, 31)),
    ],
)
def test_period_of(interval, day, start, end):
    assert period_of(interval, day) == (start, end)


@pytest.mark.parametrize(("interval", "day"), [("week", D(2024, 1, 1)), ("month", "2024-01-01")])
def test_period_of_bad_input(interval, day):
    with pytest.raises(ValueError):
        period_of(interval, day)


@pytest.mark.parametrize(
    ("interval", "since", "today", "count", "first", "last"),
    [
        ("quarter", D(2024, 3, 31), D(2024, 4, 1), 2, D(2024, 1, 1), D(2024, 6, 30)),
        ("quarter", D(2024, 11, 15), D(2025, 2, 1), 2, D(2024, 10, 1), D(2025, 3, 31)),
        ("month", D(2024, 1, 31), D(2024, 3, 1), 3, D(2024, 1, 1), D(2024, 3, 31)),
        ("year", D(2024, 6, 1), D(2024, 6, 1), 1, D(2024, 1, 1), D(2024, 12, 31)),
        ("half_year", D(2023, 12, 31), D(2024, 12, 31), 3, D(2023, 7, 1), D(2024, 12, 31)),
    ],
)
def test_due_periods(interval, since, today, count, first, last):
    periods = due_periods(interval, since, today)
    assert len(periods) == count
    assert periods[0][0] == first and periods[-1][1] == last
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        assert start == end + datetime.timedelta(days=1)


def test_due_periods_since_after_today():
    with pytest.raises(ValueError):
        due_periods("month", D(2024, 2, 1), D(2024, 1, 1))


@pytest.mark.parametrize(
    ("interval", "last", "today", "due"),
    [
        ("quarter", None, D(2024, 5, 1), True),
        ("quarter", D(2024, 3, 31), D(2024, 4, 1), True),  # last quarter's patrol does not count
        ("quarter", D(2024, 4, 1), D(2024, 6, 30), False),
        ("month", D(2024, 2, 29), D(2024, 2, 29), False),
        ("month", D(2024, 2, 29), D(2024, 3, 1), True),
        ("year", D(2024, 12, 31), D(2025, 1, 1), True),
        ("year", D(2025, 1, 1), D(2025, 12, 31), False),
        ("half_year", D(2024, 6, 30), D(2024, 7, 1), True),
    ],
)
def test_is_due(interval, last, today, due):
    assert is_due(interval, last, today) is due


def test_is_due_future_patrol_raises():
    with pytest.raises(ValueError):
        is_due("month", D(2024, 2, 2), D(2024, 2, 1))


@pytest.mark.parametrize(("patrolled", "due", "expected"), [(0, 0, None), (0, 4, 0.0), (3, 4, 0.75), (4, 4, 1.0)])
def test_coverage(patrolled, due, expected):
    assert coverage(patrolled, due) == expected


@pytest.mark.parametrize(("patrolled", "due"), [(5, 4), (-1, 4), (1, -1), (1.0, 2), (True, 2)])
def test_coverage_bad(patrolled, due):
    with pytest.raises(ValueError):
        coverage(patrolled, due)
