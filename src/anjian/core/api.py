"""API plumbing shared by every app: cursor pagination and the error format.

Every error body is ``{"code": <stable machine code>, "message": <translated text>}``, plus
``"fields": {name: [{"code", "message"}]}`` for validation errors.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from anjian.core.errors import ServiceError


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination on the primary key: no COUNT(*), same cost on page 1 and page 1,000."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _field_errors(detail) -> dict:
    out = {}
    if isinstance(detail, dict):
        for name, errs in detail.items():
            items = errs if isinstance(errs, list) else [errs]
            flat = []
            for e in items:
                if isinstance(e, dict):
                    for sub, subs in _field_errors(e).items():
                        out[f"{name}.{sub}"] = subs
                    continue
                flat.append({"code": getattr(e, "code", "invalid"), "message": str(e)})
            if flat:
                out[name] = flat
    return out


def django_validation_to_fields(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            name: [{"code": e.code or "invalid", "message": " ".join(e.messages)} for e in errs]
            for name, errs in exc.error_dict.items()
        }
    errors = [{"code": e.code or "invalid", "message": " ".join(e.messages)} for e in exc.error_list]
    return {"non_field_errors": errors}


def _body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return body


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response({**_body(exc.code, str(exc.message)), **exc.extra}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = django_validation_to_fields(exc)
        first = next(iter(fields.values()))[0]["message"] if fields else _("提交的数据有误。")
        return Response(_body("invalid", first, fields), status=400)
    if isinstance(exc, Http404):
        return Response(_body("not_found", _("未找到该对象，或不在您的管辖范围内。")), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(_body("permission_denied", _("您没有执行此操作的权限。")), status=403)
    if isinstance(exc, OverflowError):  # e.g. DRF making 0001-01-01T00:00 aware east of UTC
        return Response(_body("out_of_range", _("数值或日期超出可处理的范围。")), status=400)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail) if isinstance(exc.detail, dict) else {
            "non_field_errors": [{"code": getattr(e, "code", "invalid"), "message": str(e)} for e in exc.detail]
        }
        first = next(iter(fields.values()))[0]["message"] if fields else _("提交的数据有误。")
        response.data = _body("invalid", first, fields)
        return response
    messages = {
        exceptions.NotAuthenticated: ("not_authenticated", _("请先登录。")),
        exceptions.AuthenticationFailed: ("authentication_failed", _("身份验证失败。")),
        exceptions.PermissionDenied: ("permission_denied", _("您没有执行此操作的权限。")),
        exceptions.NotFound: ("not_found", _("未找到该对象，或不在您的管辖范围内。")),
        exceptions.MethodNotAllowed: ("method_not_allowed", _("不支持该请求方法。")),
        exceptions.UnsupportedMediaType: ("unsupported_media_type", _("不支持的内容类型。")),
        exceptions.ParseError: ("parse_error", _("请求内容无法解析。")),
        exceptions.Throttled: ("throttled", _("请求过于频繁，请稍后再试。")),
        exceptions.NotAcceptable: ("not_acceptable", _("无法提供所请求的格式。")),
    }
    for cls, (code, message) in messages.items():
        if isinstance(exc, cls):
            detail = exc.detail if isinstance(exc.detail, str) else None
            if cls in (exceptions.NotFound, exceptions.MethodNotAllowed, exceptions.ParseError) or not detail:
                response.data = _body(code, str(message))
            else:
                response.data = _body(getattr(exc.detail, "code", code) or code, str(detail))
            return response
    response.data = _body(getattr(exc, "default_code", "error"), str(getattr(exc, "detail", exc)))
    return response
