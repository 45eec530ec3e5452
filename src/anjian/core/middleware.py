"""Request id, Content-Security-Policy and login-required-everywhere."""

import time
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

from anjian.core.context import RequestContext, client_ip, current_request

# Paths served without a session: the login page, the token endpoint (it checks credentials
# itself), static files, the health probe and the public supervision-listing notice (挂牌督办公告).
PUBLIC_PREFIXES = ("/accounts/login/", "/api/auth/token/", "/static/", "/healthz", "/i18n/", "/public/", "/api/public/")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        token = current_request.set(RequestContext(request_id=request_id, ip_address=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.ANJIAN_CSP
        if request.path_info.startswith("/api/docs/"):
            # drf-spectacular's Swagger page carries one inline <style>; scripts stay 'self' only.
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.setdefault("Content-Security-Policy", policy)
        return response


class IdleTimeoutMiddleware:
    """Renews a signed-in session's expiry on activity, writing at most once a minute.

    The session lives SESSION_COOKIE_AGE (30 minutes) from its last save, so a user idle for
    30 minutes is signed out, give or take a minute, without a database write on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            minute = int(time.time() // 60)
            if request.session.get("_touched") != minute:
                request.session["_touched"] = minute
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Deny by default: every path but the few public ones needs a signed-in user.

    API paths answer 401 JSON (token clients); pages redirect to the login form. DRF still checks
    authentication itself, since a token is read only inside DRF.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(PUBLIC_PREFIXES) or request.user.is_authenticated:
            return self.get_response(request)
        if path.startswith("/api/") and not path.startswith("/api/docs/"):
            if "HTTP_AUTHORIZATION" in request.META:
                return self.get_response(request)  # DRF token authentication decides
            return JsonResponse(
                {"code": "not_authenticated", "message": str(_not_authenticated_message())}, status=401
            )
        return redirect_to_login(request.get_full_path())


def _not_authenticated_message():
    from django.utils.translation import gettext

    return gettext("请先登录。")
