"""Login lockout: 5 failures (per account, and per address) lock sign-in for 30 minutes.

Failures live in the database, so every app server sees the same count.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from anjian.accounts.models import LoginFailure


def _window_start():
    return timezone.now() - timedelta(minutes=settings.ANJIAN_LOGIN_LOCK_MINUTES)


def is_locked(username: str, ip_address: str | None) -> bool:
    since = _window_start()
    limit = settings.ANJIAN_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(at__gte=since)
    if username and recent.filter(username__iexact=username).count() >= limit:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit


def record_failure(username: str, ip_address: str | None) -> bool:
    """Store a failure; True when this failure is the one that locks the account or address."""
    LoginFailure.objects.create(username=username[:150], ip_address=ip_address, at=timezone.now())
    return is_locked(username, ip_address)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()


def purge_old(now=None) -> int:
    """Drop failures older than the window (called by a periodic job or the lockout itself)."""
    cutoff = _window_start() if now is None else now - timedelta(minutes=settings.ANJIAN_LOGIN_LOCK_MINUTES)
    deleted, _ = LoginFailure.objects.filter(Q(at__lt=cutoff)).delete()
    return deleted
