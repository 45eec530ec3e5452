"""工作日 arithmetic — holidays, 调休 make-up days and the weekends-only fallback (no database)."""

import dataclasses
import datetime

import pytest

from anjian.rules import workdays
from anjian.rules.workdays import (
    DEFAULT,
    HOLIDAY_TABLE,
    YEARS,
    HolidayCalendar,
    add_working_days,
    covered,
    is_working_day,
    subtract_working_days,
    working_days_between,
)

D = datetime.date

# --- the table ---------------------------------------------------------------------------------------------


def test_years_2020_to_2026_covered():
    assert YEARS == tuple(range(2020, 2027))
    assert all(covered(y) for y in YEARS)
    assert not covered(2019)
    assert not covered(2027)


def test_statuses_and_sources():
    for row in HOLIDAY_TABLE:
        assert row.status == "VERIFIED-SECONDARY", row.year
        assert f"关于{row.year}年部分节假日安排的通知" in row.source
        assert row.note
    numbers = {row.year: row.document_number for row in HOLIDAY_TABLE}
    assert numbers == {
        2020: "国办发明电〔2019〕16号",
        2021: "国办发明电〔2020〕27号",
        2022: "国办发明电〔2021〕11号",
        2023: "国办发明电〔2022〕16号",
        2024: "国办发明电〔2023〕7号",
        2025: "国办发明电〔2024〕12号",
        2026: "",  # not found: the source says so
    }
    assert "文号未核实" in HOLIDAY_TABLE[-1].source
    assert "国办发明电〔2020〕1号" in HOLIDAY_TABLE[0].source  # the 2020 extension


@pytest.mark.parametrize("row", HOLIDAY_TABLE, ids=lambda r: str(r.year))
def test_weekday_off_days_minus_make_up_days_equal_statutory_days(row):
    weekday_off = sum(1 for d in row.off_days() if d.weekday() < 5)
    expected = {2020: 13, 2021: 11, 2022: 11, 2023: 11, 2024: 11, 2025: 13, 2026: 13}[row.year]
    assert weekday_off - len(row.make_up_days) == expected


def test_make_up_days_are_weekends():
    for row in HOLIDAY_TABLE:
        assert all(d.weekday() >= 5 for d in row.make_up_days)
        assert all(is_working_day(d) for d in row.make_up_days)


def test_default_is_built_from_the_table():
    assert HolidayCalendar.from_table() == DEFAULT
    assert DEFAULT.years == frozenset(YEARS)


@pytest.mark.parametrize(
    "change",
    [
        {"make_up_days": (D(2024, 9, 30),)},  # a Monday
        {"make_up_days": (D(2024, 10, 5),)},  # inside the National Day holiday
        {"extension_days": 0, "year": 2020},  # balance broken
        {"status": "VERIFIED"},
        {"document_number": "国办发明电〔2099〕1号"},  # not in the source
    ],
)
def test_malformed_table_raises(change):
    base = HOLIDAY_TABLE[0] if change.get("year") == 2020 else HOLIDAY_TABLE[4]
    change = {k: v for k, v in change.items() if k != "year"}
    if "make_up_days" in change:
        change["make_up_days"] = base.make_up_days + change["make_up_days"]
    bad = dataclasses.replace(base, **change)
    with pytest.raises(ValueError):
        workdays._check_table((bad,))


def test_table_must_be_ascending():
    with pytest.raises(ValueError):
        workdays._check_table((HOLIDAY_TABLE[1], HOLIDAY_TABLE[0]))


# --- single days ---------------------------------------------------------------------------------------------

DAY_CASES = [
    (D(2024, 9, 29), True),  # Sunday, 调休上班
    (D(2024, 9, 30), True),  # Monday before the National Day
    (D(2024, 10, 1), False),
    (D(2024, 10, 7), False),  # Monday inside the holiday
    (D(2024, 10, 12), True),  # Saturday, 调休上班
    (D(2024, 10, 13), False),  # ordinary Sunday
    (D(2024, 2, 9), True),  # 除夕 2024 only 「鼓励……休息」
    (D(2020, 1, 19), True),  # Sunday, 调休上班
    (D(2020, 1, 31), False),  # extension 国办发明电〔2020〕1号
    (D(2020, 2, 1), False),  # make-up day cancelled by the extension
    (D(2020, 2, 3), True),
    (D(2022, 12, 31), False),  # Saturday, 2023 元旦 starts here
    (D(2023, 1, 2), False),
    (D(2025, 1, 26), True),
    (D(2025, 2, 8), True),
    (D(2025, 5, 2), False),  # new statutory day from 2025
    (D(2026, 1, 4), True),
    (D(2026, 2, 23), False),
    (D(2026, 2, 28), True),
    (D(2026, 9, 20), True),
    (D(2019, 10, 1), True),  # not covered: weekends-only fallback (really a holiday)
    (D(2027, 1, 4), True),  # not covered
    (D(2027, 1, 2), False),  # Saturday
]


@pytest.mark.parametrize(("day", "working"), DAY_CASES)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_datetime_accepted():
    assert is_working_day(datetime.datetime(2024, 10, 1, 9, 30)) is False
    assert add_working_days(datetime.datetime(2024, 9, 27, 17, 0), 1) == D(2024, 9, 29)


# --- counting ------------------------------------------------------------------------------------------------

ADD_CASES = [
    # start, n, expected
    (D(2024, 9, 27), 0, D(2024, 9, 27)),
    (D(2024, 9, 27), 1, D(2024, 9, 29)),  # Friday before National Day → the Sunday make-up day
    (D(2024, 9, 27), 3, D(2024, 10, 8)),
    (D(2024, 9, 27), 5, D(2024, 10, 10)),
    (D(2024, 9, 27), 7, D(2024, 10, 12)),  # Saturday make-up day
    (D(2026, 2, 27), 5, D(2026, 3, 5)),  # across the 调休 weekend 2026-02-28
    (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday before Spring Festival → Saturday make-up
    (D(2026, 2, 13), 2, D(2026, 2, 24)),
    (D(2024, 10, 1), 1, D(2024, 10, 8)),  # start on a holiday
    (D(2024, 3, 15), 5, D(2024, 3, 22)),  # ordinary week
    (D(2020, 1, 23), 1, D(2020, 2, 3)),
    (D(2026, 12, 31), 1, D(2027, 1, 1)),  # 2027 not covered: fallback, really 元旦
]


@pytest.mark.parametrize(("start", "n", "expected"), ADD_CASES)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected
    if n:
        assert working_days_between(start, expected) == n


SUBTRACT_CASES = [
    (D(2024, 10, 10), 5, D(2024, 9, 27)),
    (D(2024, 10, 10), 7, D(2024, 9, 25)),
    (D(2026, 3, 5), 7, D(2026, 2, 25)),  # counts the Saturday make-up day 2026-02-28
    (D(2024, 10, 8), 1, D(2024, 9, 30)),
    (D(2024, 10, 8), 0, D(2024, 10, 8)),
    (D(2024, 10, 13), 1, D(2024, 10, 12)),  # end on a Sunday
]


@pytest.mark.parametrize(("end", "n", "expected"), SUBTRACT_CASES)
def test_subtract_working_days(end, n, expected):
    assert subtract_working_days(end, n) == expected


@pytest.mark.parametrize("n", [1, 2, 5, 7, 15, 30])
def test_subtract_is_inverse_of_add_for_working_days(n):
    day = D(2024, 1, 2)
    while day < D(2025, 1, 1):
        if is_working_day(day):
            assert subtract_working_days(add_working_days(day, n), n) == day
            assert add_working_days(subtract_working_days(day, n), n) == day
        day += datetime.timedelta(days=3)


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        (D(2024, 9, 27), D(2024, 9, 27), 0),
        (D(2024, 9, 27), D(2024, 10, 10), 5),
        (D(2024, 9, 30), D(2024, 10, 7), 0),  # (a, b]: whole National Day holiday
        (D(2023, 12, 31), D(2024, 12, 31), 251),  # the whole of 2024
    ],
)
def test_working_days_between(a, b, count):
    assert working_days_between(a, b) == count


def test_year_2024_working_days():
    # 262 weekdays − 19 weekday off days + 8 make-up days = 251.
    weekdays = sum(1 for i in range(366) if (D(2024, 1, 1) + datetime.timedelta(days=i)).weekday() < 5)
    row = HOLIDAY_TABLE[4]
    weekday_off = sum(1 for d in row.off_days() if d.weekday() < 5)
    assert (weekdays, weekday_off, len(row.make_up_days)) == (262, 19, 8)
    assert working_days_between(D(2023, 12, 31), D(2024, 12, 31)) == 251


# --- a bureau's calendar ----------------------------------------------------------------------------------------


def test_local_extension_via_with_changes():
    # A locality extends the 2020 Spring Festival by one working week (2020-02-03 to 02-07).
    extra = [D(2020, 2, 3) + datetime.timedelta(days=i) for i in range(5)]
    local = DEFAULT.with_changes(off_days=extra, name="某地", source="某地通知")
    assert add_working_days(D(2020, 1, 23), 1, calendar=local) == D(2020, 2, 10)
    assert add_working_days(D(2020, 1, 23), 1) == D(2020, 2, 3)  # DEFAULT unchanged
    assert local.sources[-1] == "某地通知" and local.name == "某地"


def test_with_changes_off_day_cancels_make_up_day():
    local = DEFAULT.with_changes(off_days=[D(2024, 9, 29)])
    assert not is_working_day(D(2024, 9, 29), calendar=local)
    back = local.with_changes(work_days=[D(2024, 9, 29)])
    assert is_working_day(D(2024, 9, 29), calendar=back)


def test_with_changes_marks_years_covered():
    assert covered(2027, calendar=DEFAULT.with_changes(years=[2027]))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"off_days": [D(2024, 9, 29)], "work_days": [D(2024, 9, 29)]},  # both
        {"work_days": [D(2024, 9, 30)]},  # a Monday cannot be a make-up day
        {"off_days": D(2024, 9, 29)},  # a single date, not a collection
        {"off_days": ["2024-09-29"]},
    ],
)
def test_with_changes_bad_input(kwargs):
    with pytest.raises(ValueError):
        DEFAULT.with_changes(**kwargs)


def test_calendar_constructor_validates():
    with pytest.raises(ValueError):
        HolidayCalendar(off_days=frozenset({D(2024, 1, 6)}), work_days=frozenset({D(2024, 1, 6)}))
    with pytest.raises(ValueError):
        HolidayCalendar(years=frozenset({"2024"}))


# --- bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_days(D(2024, 1, 1), -1),
        lambda: add_working_days(D(2024, 1, 1), 1.5),
        lambda: add_working_days(D(2024, 1, 1), True),
        lambda: add_working_days("2024-01-01", 1),
        lambda: subtract_working_days(D(2024, 1, 1), -2),
        lambda: subtract_working_days(None, 1),
        lambda: working_days_between(D(2024, 1, 2), D(2024, 1, 1)),
        lambda: working_days_between("a", D(2024, 1, 1)),
        lambda: is_working_day("2024-01-01"),
        lambda: is_working_day(D(2024, 1, 1), calendar="全国"),
        lambda: covered("2024"),
        lambda: covered(True),
        lambda: add_working_days(D(9999, 12, 30), 5),
    ],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_error_messages_are_chinese():
    with pytest.raises(ValueError, match="不能为负数"):
        add_working_days(D(2024, 1, 1), -1)
    with pytest.raises(ValueError, match="不能早于"):
        working_days_between(D(2024, 1, 2), D(2024, 1, 1))
