"""Hazard statistics deadlines (令16号 第十四条), reminder stages and check-ins — plain functions, no database."""

import datetime

import pytest

from anjian.rules.hazard_schedule import (
    DEFAULT_CHECKIN_INTERVAL_DAYS,
    DEFAULT_REMINDER_POLICY,
    HAZARD_STATS_2008,
    REPORT_RULES,
    Period,
    ReminderPolicy,
    checkin_due,
    due_date,
    latest_closed_periods,
    periods_due,
    reminder_stages,
    stage_audience,
)

D = datetime.date
Q = Period.of_quarter
Y = Period.of_year


# --- the rule row --------------------------------------------------------------------------------


def test_report_rule_row():
    assert REPORT_RULES == (HAZARD_STATS_2008,)
    r = HAZARD_STATS_2008
    assert r.article == "第十四条" and "令第16号" in r.title
    assert r.status == "VERIFIED-SECONDARY"
    assert r.effective_from == D(2008, 2, 1) and r.effective_to is None
    assert r.signer == "主要负责人"
    assert r.in_force(D(2008, 2, 1)) and not r.in_force(D(2008, 1, 31))


# --- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end", "label", "key"),
    [
        (Q(2026, 1), D(2026, 1, 1), D(2026, 3, 31), "2026年第1季度", "2026Q1"),
        (Q(2026, 2), D(2026, 4, 1), D(2026, 6, 30), "2026年第2季度", "2026Q2"),
        (Q(2026, 3), D(2026, 7, 1), D(2026, 9, 30), "2026年第3季度", "2026Q3"),
        (Q(2026, 4), D(2026, 10, 1), D(2026, 12, 31), "2026年第4季度", "2026Q4"),
        (Q(2024, 1), D(2024, 1, 1), D(2024, 3, 31), "2024年第1季度", "2024Q1"),  # leap year: no effect
        (Y(2026), D(2026, 1, 1), D(2026, 12, 31), "2026年度", "2026"),
    ],
)
def test_period_fields(period, start, end, label, key):
    assert (period.start, period.end, period.label, period.key) == (start, end, label, key)
    assert Period.parse(key) == period
    assert str(period) == key


@pytest.mark.parametrize(
    ("key", "expected"),
    [("2026Q3", Period("quarter", 2026, 3)), ("2026", Period("year", 2026)), ("1999Q4", Q(1999, 4))],
)
def test_parse_good(key, expected):
    assert Period.parse(key) == expected


@pytest.mark.parametrize(
    "key",
    [
        "",
        "2026Q",
        "2026Q0",
        "2026Q5",
        "2026q3",
        "2026-Q3",
        " 2026Q3",
        "2026Q3 ",
        "26Q3",
        "02026",
        "0999",
        "abc",
        "Q3",
        "２０２６",
        "2026Q１",
        "9999",
        None,
        2026,
    ],
)
def test_parse_bad(key):
    with pytest.raises(ValueError):
        Period.parse(key)


@pytest.mark.parametrize(
    ("args"),
    [
        ("month", 2026, 1),
        ("quarter", 2026, None),
        ("quarter", 2026, 5),
        ("year", 2026, 1),
        ("quarter", True, 1),
        ("quarter", 2026, True),
        ("year", "2026", None),
    ],
)
def test_period_validation(args):
    with pytest.raises(ValueError):
        Period(*args)


# --- due dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "due"),
    [
        (Q(2026, 1), D(2026, 4, 15)),
        (Q(2026, 2), D(2026, 7, 15)),
        (Q(2026, 3), D(2026, 10, 15)),
        (Q(2026, 4), D(2027, 1, 15)),  # rolls over into the next year
        (Q(2023, 4), D(2024, 1, 15)),
        (Q(2024, 1), D(2024, 4, 15)),
        (Y(2026), D(2027, 1, 31)),
        (Y(2023), D(2024, 1, 31)),
        (Y(2024), D(2025, 1, 31)),
    ],
)
def test_due_date(period, due):
    assert due_date(period) == due
    assert due > period.end


# --- periods_due / latest_closed_periods -----------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "since", "expected"),
    [
        (D(2026, 10, 1), D(2026, 1, 1), ["2026Q3", "2026Q2", "2026Q1"]),
        (D(2026, 9, 30), D(2026, 1, 1), ["2026Q2", "2026Q1"]),  # Q3 has not ended yet
        (D(2027, 1, 1), D(2026, 7, 1), ["2026Q4", "2026", "2026Q3"]),
        (D(2026, 12, 31), D(2026, 7, 1), ["2026Q3"]),
        (D(2026, 2, 1), D(2025, 6, 30), ["2025Q4", "2025", "2025Q3", "2025Q2"]),  # Q2 ends on `since`
        (D(2026, 2, 1), D(2025, 7, 1), ["2025Q4", "2025", "2025Q3"]),
        (D(2026, 2, 1), D(2026, 2, 1), []),
        (D(2026, 2, 1), D(2027, 1, 1), []),
        (D(2026, 4, 1), D(2024, 12, 31), ["2026Q1", "2025Q4", "2025", "2025Q3", "2025Q2", "2025Q1", "2024Q4", "2024"]),
    ],
)
def test_periods_due(on, since, expected):
    assert [p.key for p in periods_due(on, since)] == expected


@pytest.mark.parametrize(
    ("on", "quarter", "year"),
    [
        (D(2026, 10, 1), "2026Q3", "2025"),
        (D(2026, 9, 30), "2026Q2", "2025"),
        (D(2026, 12, 31), "2026Q3", "2025"),
        (D(2027, 1, 1), "2026Q4", "2026"),
        (D(2026, 4, 1), "2026Q1", "2025"),
        (D(2026, 3, 31), "2025Q4", "2025"),
    ],
)
def test_latest_closed_periods(on, quarter, year):
    q, y = latest_closed_periods(on)
    assert (q.key, y.key) == (quarter, year)
    assert q.end < on and y.end < on


# --- reminders -----------------------------------------------------------------------------------

DEADLINE = D(2026, 4, 15)


@pytest.mark.parametrize(
    ("today", "stages"),
    [
        (D(2026, 4, 1), []),
        (D(2026, 4, 11), []),  # deadline − 4
        (D(2026, 4, 12), ["before_3"]),  # deadline − 3
        (D(2026, 4, 14), ["before_3"]),
        (D(2026, 4, 15), ["before_3", "before_0"]),  # the deadline itself is not overdue
        (D(2026, 4, 16), ["before_3", "before_0", "overdue"]),
        (D(2026, 4, 22), ["before_3", "before_0", "overdue"]),  # deadline + 7: not yet escalated
        (D(2026, 4, 23), ["before_3", "before_0", "overdue", "overdue_7"]),  # deadline + 8
        (D(2027, 1, 1), ["before_3", "before_0", "overdue", "overdue_7"]),
    ],
)
def test_reminder_stages_default(today, stages):
    assert reminder_stages(DEADLINE, today) == stages
    assert reminder_stages(DEADLINE, today, DEFAULT_REMINDER_POLICY) == stages


@pytest.mark.parametrize(
    ("policy", "today", "stages"),
    [
        (ReminderPolicy((7, 1), 14), D(2026, 4, 8), ["before_7"]),
        (ReminderPolicy((1, 7), 14), D(2026, 4, 14), ["before_7", "before_1"]),  # sorted earliest first
        (ReminderPolicy((7, 1), 14), D(2026, 4, 29), ["before_7", "before_1", "overdue"]),
        (ReminderPolicy((7, 1), 14), D(2026, 4, 30), ["before_7", "before_1", "overdue", "overdue_14"]),
        (ReminderPolicy((), 1), D(2026, 4, 16), ["overdue"]),
        (ReminderPolicy((), 1), D(2026, 4, 17), ["overdue", "overdue_1"]),
    ],
)
def test_reminder_stages_custom(policy, today, stages):
    assert reminder_stages(DEADLINE, today, policy) == stages


def test_policy_stages_and_defaults():
    assert DEFAULT_REMINDER_POLICY == ReminderPolicy(before_days=(3, 0), overdue_escalate_days=7)
    assert DEFAULT_REMINDER_POLICY.stages == ("before_3", "before_0", "overdue", "overdue_7")
    assert reminder_stages(DEADLINE, D(2030, 1, 1)) == list(DEFAULT_REMINDER_POLICY.stages)


@pytest.mark.parametrize(
    ("stage", "audience"),
    [
        ("before_3", "responsible"),
        ("before_0", "responsible"),
        ("before_14", "responsible"),
        ("overdue", "principal"),
        ("overdue_7", "leader"),
        ("overdue_30", "leader"),
    ],
)
def test_stage_audience(stage, audience):
    assert stage_audience(stage) == audience


@pytest.mark.parametrize("stage", ["", "before", "before_", "overdue_x", "late_3", "Overdue", None])
def test_stage_audience_unknown(stage):
    with pytest.raises(ValueError, match="unknown reminder stage"):
        stage_audience(stage)


@pytest.mark.parametrize(
    ("before", "escalate", "expected"),
    [
        ("3,0", "7", ReminderPolicy((3, 0), 7)),
        ("0,3", "7", ReminderPolicy((3, 0), 7)),
        (" 7 , 3 , 1 ", " 14 ", ReminderPolicy((7, 3, 1), 14)),
        ("5，1", "10", ReminderPolicy((5, 1), 10)),  # full-width comma
        ("0", "1", ReminderPolicy((0,), 1)),
    ],
)
def test_from_strings(before, escalate, expected):
    assert ReminderPolicy.from_strings(before, escalate) == expected


@pytest.mark.parametrize(
    ("before", "escalate", "message"),
    [
        ("", "7", "before: empty"),
        ("   ", "7", "before: empty"),
        ("3,,0", "7", "before: empty"),
        ("3,0,", "7", "before: empty"),
        ("3,-1", "7", "must not be negative"),
        ("3,a", "7", "not a whole number"),
        ("3.5", "7", "not a whole number"),
        ("3,3", "7", "must not repeat"),
        ("3,0", "", "escalate: empty"),
        ("3,0", "-7", "must not be negative"),
        ("3,0", "seven", "not a whole number"),
        ("3,0", "7.0", "not a whole number"),
        ("3,0", "0", "overdue_escalate_days must be between 1"),
        ("400", "7", "before_days must be between 0"),
    ],
)
def test_from_strings_errors(before, escalate, message):
    with pytest.raises(ValueError, match=message):
        ReminderPolicy.from_strings(before, escalate)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"before_days": (-1,)},
        {"before_days": (1.5,)},
        {"before_days": "3,0"},
        {"before_days": 3},
        {"before_days": (True,)},
        {"overdue_escalate_days": 0},
        {"overdue_escalate_days": -3},
        {"overdue_escalate_days": "7"},
    ],
)
def test_policy_validation(kwargs):
    with pytest.raises(ValueError):
        ReminderPolicy(**kwargs)


# --- check-ins -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "interval", "due"),
    [
        (D(2026, 3, 1), None, D(2026, 3, 8)),
        (D(2026, 12, 28), None, D(2027, 1, 4)),
        (D(2026, 3, 1), 1, D(2026, 3, 2)),
        (D(2026, 3, 1), 30, D(2026, 3, 31)),
    ],
)
def test_checkin_due(last, interval, due):
    assert DEFAULT_CHECKIN_INTERVAL_DAYS == 7
    assert (checkin_due(last) if interval is None else checkin_due(last, interval)) == due


@pytest.mark.parametrize("interval", [0, -1, 1.5, True])
def test_checkin_bad_interval(interval):
    with pytest.raises(ValueError):
        checkin_due(D(2026, 3, 1), interval)
