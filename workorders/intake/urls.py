from django.urls import path

from workorders.intake import recovery, views

app_name = "intake"

urlpatterns = [
    # Public, keyed by unguessable tokens (no account).
    path("q/<str:public_token>/report/", views.resident_report, name="report"),
    path("track/", views.track_lookup, name="track-lookup"),
    path("track/phone/", recovery.track_by_phone, name="track-phone"),  # before the codes: "phone" is none
    path("track/<str:tracking_code>/", views.track, name="track"),
    path("track/<str:tracking_code>/photos/<int:pk>/", views.track_photo, name="track-photo"),
    # Staff, scoped by the policy.
    path("intake/grid/", views.grid_report, name="grid"),
    path("intake/staff/", views.staff_entry, name="staff"),
    path("intake/photos/<int:pk>/", views.photo, name="photo"),
    path("intake/compounds/<int:pk>/poster.pdf", views.PosterView.as_view(), name="poster"),
]
