from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    # The QR code on the compound's poster leads here (posters printed before this page keep working).
    path("q/<str:public_token>/", views.compound_public, name="compound-public"),
    path("manifest.webmanifest", views.pwa_manifest, name="pwa-manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("map/", views.compound_map, name="compound-map"),
    path("platform/districts/new/", views.open_district, name="open-district"),
]
