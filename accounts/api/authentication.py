"""DRF authentication by API key: `Authorization: Token <key>` (the header API clients already send; `Bearer`
is accepted too). An unknown, expired or revoked key is a 401 with the API's error shape; no header at all
leaves the request to the next class (session) and, failing that, to the 401 of IsAuthenticated."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.apikeys import key_for

KEYWORDS = ("token", "bearer")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization 头格式应为 “Token <密钥>”。")
        try:
            plain = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("API 密钥无效、已过期或已撤销。") from None
        key = key_for(plain)
        if key is None:
            raise exceptions.AuthenticationFailed("API 密钥无效、已过期或已撤销。")
        return key.user, key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the key: an `Authorization: Token <key>` header."""

    target_class = ApiKeyAuthentication
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "“Token <密钥>”：由 /api/v1/auth/token/ 或 manage.py issue_api_key 签发，会过期、可撤销。",
        }
