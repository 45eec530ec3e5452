"""Authentication backend: the model backend behind the lockout, with every outcome audited."""

from django.contrib.auth.backends import ModelBackend
from django.db import transaction

from anjian.accounts import lockout
from anjian.core.context import client_ip


class LockoutModelBackend(ModelBackend):
    """Refuses a locked account or address before checking the password; records failures.

    Sets ``request.anjian_login_locked`` so the login form and the token endpoint can say why.
    A user without a role cannot sign in (created, not yet granted a role).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        from anjian.core.audit import record

        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        if lockout.is_locked(username, ip):
            if request is not None:
                request.anjian_login_locked = True
            with transaction.atomic():
                record(actor=None, action="auth.login_refused_locked", label=username, object_repr=username)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and user.role:
            lockout.clear_failures(username)
            return user
        with transaction.atomic():
            locked_now = lockout.record_failure(username, ip)
            record(
                actor=None,
                action="auth.login_failed",
                label=username,
                object_repr=username,
                changes={"reason": [None, "no_role" if user is not None else "bad_credentials"]},
            )
            if locked_now:
                record(actor=None, action="auth.lockout", label=username, object_repr=username)
                if request is not None:
                    request.anjian_login_locked = True
        return None

    def get_user(self, user_id):
        from anjian.accounts.models import User

        try:
            user = User.objects.select_related("authority__region", "enterprise").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
