from django.urls import path

from compounds.importing_views import org_import_view

urlpatterns = [
    path("", org_import_view, name="org-import"),
]
