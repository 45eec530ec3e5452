"""Date helpers shared by the rule modules (no Django)."""

import datetime


def as_date(value: datetime.date) -> datetime.date:
    """A date from a date or datetime; ValueError for anything else (rules take dates, not strings)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if not isinstance(value, datetime.date):
        raise ValueError(f"expected a date, got {value!r}")
    return value
