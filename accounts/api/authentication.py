"""DRF authentication by API key: `Authorization: Token <key>` (the header API clients already send; `Bearer`
is accepted too). An unknown, expired or revoked key is a 401 with the API's error shape; no header at all
leaves the request to the next class (session) and, failing that, to the 401 of IsAuthenticated.

The tenancy middleware runs this class before the view (to learn the district) and DRF runs it again inside the
view: the first answer is kept on the request (`CACHE_ATTR`, keyed by the key itself), so one request looks its key
up, hashes it and touches `last_used_at` once."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.apikeys import key_for

KEYWORDS = ("token", "bearer")
CACHE_ATTR = "_capillary_api_key"  # (plain key, ApiKey or None) on the Django request


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
        key = _key_once(request, plain)
        if key is None:
            raise exceptions.AuthenticationFailed("API 密钥无效、已过期或已撤销。")
        return key.user, key

    def authenticate_header(self, request) -> str:
        return self.keyword


def _key_once(request, plain: str):
    """`key_for(plain)`, asked once per request: DRF's Request and the middleware's share the HttpRequest."""
    http_request = getattr(request, "_request", request)
    cached = getattr(http_request, CACHE_ATTR, None)
    if cached is not None and cached[0] == plain:
        return cached[1]
    key = key_for(plain)
    setattr(http_request, CACHE_ATTR, (plain, key))
    return key


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
