from django.urls import path

from workorders import views

app_name = "workorders"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("export.csv", views.QueueExportView.as_view(fmt="csv"), name="export-csv"),
    path("export.xlsx", views.QueueExportView.as_view(fmt="xlsx"), name="export-xlsx"),
    path("units/", views.UnitSearchView.as_view(), name="unit-search"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("kpis/", views.KpiView.as_view(), name="kpis"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("settings/", views.PrivacySettingsPage.as_view(), name="privacy-settings"),
    path("<int:pk>/", views.OrderView.as_view(), name="detail"),
]
