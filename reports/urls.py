from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.room, name="room"),
    path("request/", views.request_build, name="request"),
    path("builds/<int:pk>/", views.build_detail, name="build"),
    path("builds/<int:pk>/status.json", views.build_status, name="build-status"),
    path("builds/<int:pk>/download/", views.build_download, name="build-download"),
    path("<int:pk>/latest/", views.latest_download, name="latest-download"),
]
