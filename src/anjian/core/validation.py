"""Small helpers the services share while cleaning input: field errors collected and raised together, text, dates."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


class FieldErrors:
    """Field errors collected while cleaning; ``raise_if_any`` raises them together (one ValidationError).

    ``prefix`` names nested input (``last_inspection.``) so the errors land on the right fields."""

    def __init__(self, prefix: str = "") -> None:
        self.errors: dict[str, list[ValidationError]] = {}
        self.prefix = prefix

    def add(self, field: str, message: str, code: str) -> None:
        self.errors.setdefault(self.prefix + field, []).append(ValidationError(message, code=code))

    def has(self, field: str) -> bool:
        return self.prefix + field in self.errors

    def __contains__(self, field: str) -> bool:
        return self.has(field)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_text(value) -> str:
    """A stripped text; "" for None; other values as their text."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def parse_date(value) -> datetime.date | None:
    """A date from a date or an ISO text (YYYY-MM-DD); None for blank; ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip()) if value.strip() else None
    raise ValueError(value)
