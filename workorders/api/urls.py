from django.urls import path
from rest_framework.routers import DefaultRouter

from workorders.api import views

app_name = "workorders-api"

# path() routes with an int converter: a non-numeric id is a 404 before any view runs.
router = DefaultRouter(use_regex_path=False)
router.register("work-orders", views.WorkOrderViewSet, basename="work-order")
router.register("work-order-categories", views.CategoryViewSet, basename="category")
router.register("urgency-classes", views.UrgencyClassViewSet, basename="urgency-class")
router.register("routing-rules", views.RoutingRuleViewSet, basename="routing-rule")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("deliberation-meetings", views.DeliberationMeetingViewSet, basename="deliberation-meeting")

urlpatterns = [
    path("work-order-kpis/", views.WorkOrderKpiView.as_view(), name="kpis"),
    path("work-order-kpis/street-ranking/", views.StreetRankingView.as_view(), name="street-ranking"),
    path("work-order-privacy-settings/", views.PrivacySettingsView.as_view(), name="privacy-settings"),
    *router.urls,
]
