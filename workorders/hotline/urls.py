from django.urls import path

from workorders.hotline import api

app_name = "hotline"

urlpatterns = [
    path("orders/", api.HotlineOrderView.as_view(), name="order-receive"),
    path("orders/import/", api.HotlineImportView.as_view(), name="order-import"),
]
