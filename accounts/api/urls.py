"""API keys for API clients (POST username and password, get a key to send as `Authorization: Token <key>`),
and the district's reveal log."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.reveals import PersonalDataRevealViewSet
from accounts.api.tokens import TokenView

router = DefaultRouter(use_regex_path=False)
router.include_root_view = False
router.register("personal-data-reveals", PersonalDataRevealViewSet, basename="personal-data-reveal")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
