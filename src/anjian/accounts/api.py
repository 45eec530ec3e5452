"""Token sign-in for API clients: POST /api/auth/token/ {"username", "password"} -> {"token"}."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core import audit


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="获取访问令牌",
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None:
            if getattr(request._request, "anjian_login_locked", False):
                return Response(
                    {"code": "login_locked", "message": _("登录失败次数过多，账号或地址已锁定 30 分钟，请稍后再试。")},
                    status=status.HTTP_403_FORBIDDEN,
                )
            return Response(
                {"code": "invalid_credentials", "message": _("用户名或密码不正确。")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        audit.record(actor=user, action="auth.token", obj=user, region_code=user.home_region_code)
        return Response({"token": token.key})
