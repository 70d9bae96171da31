"""The product's URLs plus the yardstick endpoint (only under benchmarks.settings)."""

from django.urls import include, path

from benchmarks import views

urlpatterns = [
    path("bench/insert/", views.insert, name="bench-insert"),
    path("", include("config.urls")),
]
