"""Date helpers shared by the rule modules (no Django)."""

import calendar
import datetime


def as_date(value: datetime.date) -> datetime.date:
    """A date from a date or datetime; ValueError for anything else (rules take dates, not strings)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if not isinstance(value, datetime.date):
        raise ValueError(f"expected a date, got {value!r}")
    return value


def add_months(d: datetime.date, n: int) -> datetime.date:
    """``d`` moved by ``n`` calendar months (negative goes back), clamped to the end of the month.

    2024-01-31 + 1 month = 2024-02-29; 2024-03-31 − 1 month = 2024-02-29; 2023-01-31 + 1 month = 2023-02-28.
    """
    d = as_date(d)
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"expected an int number of months, got {n!r}")
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(f"{d.isoformat()} + {n} months is out of range")
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(d.day, last))


def add_years(d: datetime.date, n: int) -> datetime.date:
    """``d`` moved by ``n`` years; 29 February becomes 28 February in a year that is not a leap year."""
    d = as_date(d)
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"expected an int number of years, got {n!r}")
    return add_months(d, 12 * n)
