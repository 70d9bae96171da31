"""Token authentication for API clients: POST username and password, get the token to send as
`Authorization: Token <key>`."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken

from accounts.api.parsers import DEFAULT_PARSERS


class TokenView(ObtainAuthToken):
    parser_classes = DEFAULT_PARSERS  # DRF's view names its own parsers: take the site's (accounts.text's rule)


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
]
