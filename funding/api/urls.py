from django.urls import path
from rest_framework.routers import DefaultRouter

from funding.api import views

app_name = "funding-api"

router = DefaultRouter(use_regex_path=False)
router.include_root_view = False
for prefix, viewset, basename in [
    ("policies", views.FundPolicyViewSet, "policy"),
    ("overrides", views.FundOverrideViewSet, "override"),
    ("tier-changes", views.TierProrationViewSet, "tier-change"),
    ("accounts", views.FundAccountViewSet, "account"),
    ("entries", views.LedgerEntryViewSet, "entry"),
    ("special-projects", views.SpecialProjectViewSet, "special-project"),
    ("donations", views.DonationViewSet, "donation"),
    ("disbursements", views.DisbursementViewSet, "disbursement"),
    ("documents", views.DisbursementDocumentViewSet, "document"),
    ("year-ends", views.YearEndViewSet, "year-end"),
    ("carry-overs", views.CarryOverViewSet, "carry-over"),
    ("bonus-pools", views.BonusPoolViewSet, "bonus-pool"),
    ("bonus-quarters", views.BonusQuarterViewSet, "bonus-quarter"),
    ("bonus-awards", views.BonusAwardViewSet, "bonus-award"),
]:
    router.register(f"funding/{prefix}", viewset, basename=basename)

urlpatterns = [
    path("funding/execution/", views.ExecutionView.as_view(), name="execution"),
    *router.urls,
]
