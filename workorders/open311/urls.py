"""/open311/v2/…  Every resource takes a format suffix: .xml (required by the spec) or .json."""

from django.urls import re_path

from workorders.open311 import views

app_name = "open311"

FMT = r"\.(?P<format>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FMT, views.ServiceListView.as_view(), name="services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FMT, views.ServiceDefinitionView.as_view(), name="service-definition"),
    re_path(r"^requests" + FMT, views.RequestListView.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/.]+)" + FMT, views.RequestDetailView.as_view(), name="request-detail"
    ),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FMT, views.TokenView.as_view(), name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.ServiceRequestUpdatesView.as_view(), name="updates"),
    # Anything else under /open311/v2/ is the spec's 404 errors document, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
