"""POST /api/v1/auth/token/: username and password in, an expiring API key out (shown once).

Every attempt counts towards the sign-in lockout (django-axes, per account and address, like the login page),
and the endpoint is throttled per client address (django-ratelimit, RATE_LIMITS["api-token"]) so that one
address cannot spray passwords over many accounts."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actors import SystemActor
from accounts.api.parsers import DEFAULT_PARSERS
from accounts.apikeys import api_key_issue
from accounts.network import rate_limited
from accounts.views import LOCKOUT_MESSAGE, RATELIMIT_MESSAGE, _lockout_minutes


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, label="用户名")
    password = serializers.CharField(
        max_length=128, label="密码", style={"input_type": "password"}, trim_whitespace=False
    )
    name = serializers.CharField(max_length=100, required=False, label="密钥名称", default="API 登录")


class Locked(exceptions.Throttled):
    default_detail = LOCKOUT_MESSAGE


class TokenView(APIView):
    """Sign in with username and password; the answer's `token` goes into `Authorization: Token <key>`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = DEFAULT_PARSERS
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "ApiKeyIssued",
            {
                "token": serializers.CharField(),
                "prefix": serializers.CharField(),
                "expires_at": serializers.DateTimeField(),
            },
        ),
    )
    def post(self, request, *args, **kwargs):
        if rate_limited(request._request, limit="api-token"):
            raise exceptions.Throttled(detail=RATELIMIT_MESSAGE)
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The Django request: django-axes records the attempt on it and its middleware answers a lockout.
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if getattr(request._request, "axes_locked_out", False):
            minutes = _lockout_minutes()
            raise Locked(detail=LOCKOUT_MESSAGE % {"minutes": minutes}, wait=minutes * 60)
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": ["用户名或密码不正确。"]})
        key, plain = api_key_issue(
            actor=SystemActor(name="api:auth-token", district_id=user.district_id),
            user=user,
            name=data.validated_data["name"],
        )
        return Response({"token": plain, "prefix": key.prefix, "expires_at": key.expires_at})
