"""The site's URLs. Every app adds its own module here; tests/test_tenancy_walk.py walks them all."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts.api.exceptions import api_not_found

api_v1 = [
    path("", include("compounds.api.urls")),
    path("", include("accounts.api.urls")),
    path("hotline/", include("workorders.hotline.urls")),
    path("", include("ratings.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("workorders.api.urls")),
    path("", include("staffing.api.urls")),
    path("", include("funding.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("config.health")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include(api_v1)),
    path("open311/v2/", include("workorders.open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # The rest of /api/ (unknown routes, non-numeric ids) is the API's JSON 404, never the HTML page.
    re_path(r"^api/", api_not_found, name="api-not-found"),
    path("import/", include("compounds.importing_urls")),
    path("ratings/", include("ratings.urls")),
    path("reports/", include("reports.urls")),
    path("staffing/", include("staffing.urls")),
    path("funding/", include("funding.urls")),
    path("", include("workorders.intake.urls")),
    path("workorders/", include("workorders.urls")),
    path("", include("compounds.urls")),
    path("", include("portal.urls")),
]

# Chinese error pages in the site's design; JSON under /api/ and Open311's errors under /open311/ (accounts.errors).
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.errors.page_not_found"
handler500 = "accounts.errors.server_error"
