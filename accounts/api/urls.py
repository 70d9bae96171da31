"""Token authentication for API clients (POST username and password, get the token to send as
`Authorization: Token <key>`), and the district's reveal log."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from accounts.api.parsers import DEFAULT_PARSERS
from accounts.api.reveals import PersonalDataRevealViewSet


class TokenView(ObtainAuthToken):
    parser_classes = DEFAULT_PARSERS  # DRF's view names its own parsers: take the site's (accounts.text's rule)
    authentication_classes = []  # logging in needs no credentials (and no CSRF token for a session)


router = DefaultRouter(use_regex_path=False)
router.include_root_view = False
router.register("personal-data-reveals", PersonalDataRevealViewSet, basename="personal-data-reveal")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
