"""Successful logins and logouts go to the audit chain (failures are recorded by the backend)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from anjian.core.audit import record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(actor=user, action="auth.login", obj=user, region_code=user.home_region_code)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action="auth.logout", obj=user, region_code=user.home_region_code)
