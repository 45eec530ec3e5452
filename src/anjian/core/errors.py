"""Errors that services raise; views and the API turn them into a message and a stable code."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    code = "error"
    status = 400
    default_message = _("操作失败。")

    def __init__(self, message=None, *, code: str | None = None, extra: dict | None = None) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        # Machine-readable details the API adds to the error body (e.g. the current state).
        self.extra = extra or {}
        super().__init__(str(self.message))


class PermissionDeniedError(ServiceError):
    code = "permission_denied"
    status = 403
    default_message = _("您没有执行此操作的权限。")


class NotFoundError(ServiceError):
    code = "not_found"
    status = 404
    default_message = _("未找到该对象，或不在您的管辖范围内。")


class ConflictError(ServiceError):
    """The object is not in a state that allows the step (HTTP 409)."""

    code = "invalid_transition"
    status = 409
    default_message = _("当前状态不允许此操作。")
