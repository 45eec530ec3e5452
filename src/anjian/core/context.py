"""Per-request facts (request id, client address) that services read without being handed a request."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


_EMPTY = RequestContext()
current_request: ContextVar[RequestContext] = ContextVar("anjian_request", default=_EMPTY)  # noqa: B039 (frozen)


def client_ip(request) -> str | None:
    """The client address. X-Forwarded-For is trusted only behind a configured proxy."""
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
