"""The demo district's tree (compounds/demo.py): realistic and valid, and a demo user for every role."""

from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count, F
from django.test import RequestFactory

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from compounds import validators
from compounds.demo import PASSWORD
from compounds.models import (
    Building,
    Community,
    Compound,
    Department,
    DepartmentKind,
    District,
    Grid,
    ManagementMode,
    PropertyFirm,
    Street,
)

pytestmark = pytest.mark.django_db


def test_load_demo_builds_a_realistic_valid_district(demo):
    output = demo.output
    # the demo: the real district with synthetic streets and communities below it
    district = District.objects.get(code="610116")
    assert (district.province, district.city, district.name) == ("陕西省", "西安市", "长安区")
    assert "小区：400" in output and "district" in output
    assert Street.objects.count() == 8 and all(s.code.startswith("610116") for s in Street.objects.all())
    assert Community.objects.count() == 40
    # tiers mixed like Xining, some with an earlier tier kept as history
    # (built 16/15/5/4; funding's demo then moves one A community to B from July, a tier change in the year)
    assert Counter(Community.objects.values_list("tier", flat=True)) == {"A": 15, "B": 16, "C": 5, "D": 4}
    for community in Community.objects.all():
        latest = community.tier_history.order_by("-effective_year").first()
        assert (latest.tier, latest.effective_year, latest.reason) == (
            community.tier,
            community.tier_since,
            community.tier_reason,
        )
    assert Community.objects.annotate(n=Count("tier_history")).filter(n__gt=1).count() >= 4
    # 400 compounds: every management mode, some three-no, plausible figures
    compounds = Compound.objects.all()
    assert compounds.count() == 400
    assert set(compounds.values_list("management_mode", flat=True)) == set(ManagementMode.values)
    assert 10 <= compounds.filter(is_three_no=True).count() <= 120
    assert all(1985 <= c.built_year <= 2022 and 80 <= c.households <= 3000 for c in compounds)
    assert not compounds.filter(
        property_firm__isnull=False, management_mode__in=["community_hosted", "self_managed"]
    ).exists()
    assert not compounds.filter(
        property_firm__isnull=True, management_mode__in=["commercial", "state_fallback"]
    ).exists()
    # every compound has its buildings, every building is in exactly one grid
    mismatched = compounds.annotate(n=Count("buildings")).exclude(n=F("building_count"))
    assert not mismatched.exists()
    assert Building.objects.annotate(n=Count("grids")).exclude(n=1).count() == 0
    assert not Grid.objects.annotate(n=Count("buildings")).filter(n=0).exists()
    # 129 firms with valid credit codes, 3 state-owned fallback firms, each managing compounds
    firms = PropertyFirm.objects.all()
    assert firms.count() == 129
    for firm in firms:
        validators.validate_credit_code(firm.credit_code)
    assert firms.filter(is_state_fallback=True).count() == 3
    assert not firms.annotate(n=Count("compounds")).filter(n=0).exists()
    assert not compounds.filter(management_mode="state_fallback", property_firm__is_state_fallback=False).exists()
    assert set(Department.objects.values_list("kind", flat=True)) == set(DepartmentKind.values) - {"other"}
    # the rows obey the models' own rules
    for obj in [*Street.objects.all(), *Community.objects.all(), *firms, *compounds.select_related("community")]:
        obj.full_clean()


def test_every_role_has_a_demo_user_who_can_log_in(demo):
    for role in (Role.PLATFORM_ADMIN, *STAFF_ROLES):  # people; integration accounts are issued by an operator
        assert User.objects.filter(role=role).exists(), role
    for username in ["district", "street1", "cadre1", "grid1", "firm1", "dept1", "admin"]:
        # a sign-in always has a request (django-axes counts failures per account and address)
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=PASSWORD) is not None, username
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="grid1").grids.count() == 1
    assert User.objects.get(username="street8").street.code == "610116008"
