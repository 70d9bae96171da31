from rest_framework.routers import DefaultRouter

from ratings.api import views

app_name = "ratings-api"

router = DefaultRouter(use_regex_path=False)
router.include_root_view = False
router.register("ratings/contracts", views.ServiceContractViewSet, basename="contract")
router.register("ratings/introductions", views.IntroductionViewSet, basename="introduction")
router.register("ratings/periods", views.RatingPeriodViewSet, basename="period")
router.register("ratings/settings", views.RatingSettingsViewSet, basename="settings")
router.register("ratings/panel-scores", views.PanelScoreViewSet, basename="panel-score")
router.register("ratings/work-order-records", views.WorkOrderRecordViewSet, basename="work-order-record")
router.register("ratings/incidents", views.SeriousIncidentViewSet, basename="incident")
router.register("ratings/survey-answers", views.SurveyResponseViewSet, basename="survey-answer")
router.register("ratings/scores", views.FirmScoreViewSet, basename="score")
router.register("ratings/reports", views.ReportViewSet, basename="report")
urlpatterns = router.urls
