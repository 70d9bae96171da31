"""Token authentication for API clients: POST username and password, get the token to send as
`Authorization: Token <key>`."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
]
