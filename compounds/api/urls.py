from rest_framework.routers import DefaultRouter

from compounds.api import views

app_name = "compounds-api"

# path() routes with an int converter: a non-numeric id is a 404 before any view runs.
router = DefaultRouter(use_regex_path=False)
router.register("districts", views.DistrictViewSet, basename="district")
router.register("streets", views.StreetViewSet, basename="street")
router.register("communities", views.CommunityViewSet, basename="community")
router.register("compounds", views.CompoundViewSet, basename="compound")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("grids", views.GridViewSet, basename="grid")
router.register("property-firms", views.PropertyFirmViewSet, basename="property-firm")
router.register("departments", views.DepartmentViewSet, basename="department")
urlpatterns = router.urls
