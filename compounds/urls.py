from django.urls import path

from compounds import views

urlpatterns = [
    path("district/", views.district_dashboard, name="district-dashboard"),
    path("streets/<int:pk>/", views.street_dashboard, name="street-dashboard"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound-detail"),
]
