from django.urls import path

from compounds.importing_views import org_import_detail, org_import_view

urlpatterns = [
    path("", org_import_view, name="org-import"),
    path("<int:pk>/", org_import_detail, name="org-import-detail"),
]
