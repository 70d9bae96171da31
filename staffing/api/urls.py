from django.urls import path
from rest_framework.routers import DefaultRouter

from staffing.api import views

app_name = "staffing-api"

router = DefaultRouter(use_regex_path=False)
router.include_root_view = False
for prefix, viewset, basename in [
    ("people", views.PersonViewSet, "person"),
    ("volunteer-services", views.VolunteerServiceViewSet, "volunteer-service"),
    ("teams", views.ServiceTeamViewSet, "team"),
    ("seat-terms", views.SeatTermViewSet, "seat-term"),
    ("sponsorships", views.SponsorshipViewSet, "sponsorship"),
    ("grid-members", views.GridMemberViewSet, "grid-member"),
    ("building-heads", views.BuildingHeadViewSet, "building-head"),
    ("party-households", views.PartyHouseholdViewSet, "party-household"),
    ("households", views.HouseholdViewSet, "household"),
    ("visits", views.VisitViewSet, "visit"),
    ("stationed-cadres", views.StationedCadreViewSet, "stationed-cadre"),
    ("reception-days", views.ReceptionDayViewSet, "reception-day"),
    ("sinkdown-teams", views.SinkDownTeamViewSet, "sinkdown-team"),
    ("sinkdown-members", views.SinkDownMemberViewSet, "sinkdown-member"),
    ("sinkdown-posts", views.SinkDownPostViewSet, "sinkdown-post"),
    ("sinkdown-tasks", views.SinkDownTaskViewSet, "sinkdown-task"),
    ("duty-rosters", views.DutyRosterViewSet, "duty-roster"),
    ("duty-shifts", views.DutyShiftViewSet, "duty-shift"),
    ("leaves", views.LeaveViewSet, "leave"),
    ("star-assessments", views.StarAssessmentViewSet, "star-assessment"),
    ("imports", views.StaffingImportViewSet, "import"),
]:
    router.register(f"staffing/{prefix}", viewset, basename=basename)

urlpatterns = [
    path("staffing/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("staffing/sinkdown-counts/", views.SinkDownCountsView.as_view(), name="sinkdown-counts"),
    *router.urls,
]
