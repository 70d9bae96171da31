from rest_framework.routers import DefaultRouter

from reports.api import views

app_name = "reports-api"

router = DefaultRouter(use_regex_path=False)
router.include_root_view = False
router.register("reports", views.ReportViewSet, basename="report")
router.register("report-builds", views.ReportBuildViewSet, basename="report-build")
urlpatterns = router.urls
