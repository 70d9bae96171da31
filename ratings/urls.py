from django.urls import path

from ratings import views

app_name = "ratings"

urlpatterns = [
    path("", views.index, name="index"),
    path("firms/", views.firm_list, name="firm-list"),
    path("firms/<int:pk>/", views.firm_detail, name="firm-detail"),
    path("contracts/", views.contract_list, name="contract-list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("settings/", views.rating_settings, name="settings"),
    path("introductions/", views.introduction_list, name="introduction-list"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction-detail"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("periods/", views.period_list, name="period-list"),
    path("periods/<int:pk>/", views.period_detail, name="period-detail"),
    path("periods/<int:pk>/inputs/", views.period_inputs, name="period-inputs"),
    path("scores/<int:pk>/", views.score_detail, name="score-detail"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
    path("survey/<str:public_token>/", views.survey, name="survey"),
]
