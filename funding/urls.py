from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("", views.home, name="home"),
    path("policy/", views.policy_page, name="policy"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("sources/", views.sources_page, name="sources"),
    path("year-end/", views.year_end_page, name="year-end"),
    path("bonus/", views.bonus_page, name="bonus"),
    path("bonus/<int:pk>/", views.bonus_quarter, name="bonus-quarter"),
    path("bonus/<int:pk>/payroll.xlsx", views.bonus_payroll, name="bonus-payroll"),
    path("execution/", views.execution, name="execution"),
    path("execution.xlsx", views.execution_xlsx, name="execution-xlsx"),
]
