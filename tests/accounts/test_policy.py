"""The scoping policy: each role sees its own node of the tree, and never another district."""

import pytest

from accounts.policy import CHANGE, access, restrict
from compounds.models import Building, Community, Compound, Grid, Street
from tests import factories

pytestmark = pytest.mark.django_db


def test_district_official_sees_whole_district_and_nothing_of_another(tree, other_tree):
    # when
    visible = Compound.objects.visible_to(tree.official)
    # then
    assert set(visible) == set(tree.compounds)


def test_street_staff_see_only_their_street(tree, other_tree):
    visible = set(Compound.objects.visible_to(tree.street_staff))
    assert visible == {cp for cp in tree.compounds if cp.community.street == tree.streets[0]}
    assert set(Community.objects.visible_to(tree.street_staff)) == set(tree.streets[0].communities.all())
    assert list(Street.objects.visible_to(tree.street_staff)) == [tree.streets[0]]


def test_community_cadre_sees_their_community_and_its_street(tree):
    assert set(Compound.objects.visible_to(tree.cadre)) == set(tree.communities[0].compounds.all())
    assert list(Street.objects.visible_to(tree.cadre)) == [tree.streets[0]]


def test_grid_worker_sees_compounds_of_their_buildings_once(tree):
    # given a second building of the same compound in the same grid
    compound = tree.compounds[0]
    extra = factories.BuildingFactory(compound=compound, name="2号楼")
    tree.grids[0].buildings.add(extra)
    # when
    visible = list(Compound.objects.visible_to(tree.grid_worker))
    # then each compound of the grid appears once
    assert sorted(c.pk for c in visible) == sorted(c.pk for c in tree.communities[0].compounds.all())
    assert list(Grid.objects.visible_to(tree.grid_worker)) == [tree.grids[0]]
    assert Building.objects.visible_to(tree.grid_worker).count() == 3


def test_firm_staff_see_the_compounds_they_manage(tree):
    other_firm = factories.PropertyFirmFactory(district=tree.district)
    managed = tree.compounds[0]
    managed.property_firm = other_firm
    managed.save()
    firm_user = factories.user_for(factories.Role.FIRM_STAFF, other_firm)
    assert list(Compound.objects.visible_to(firm_user)) == [managed]


def test_only_district_street_and_community_staff_change_compounds(tree):
    compound = tree.communities[0].compounds.first()
    for user in (tree.official, tree.street_staff, tree.cadre):
        assert restrict(Compound.objects.filter(pk=compound.pk), user, CHANGE).exists(), user.role
    for user in (tree.grid_worker, tree.firm_staff, tree.department_staff):
        assert not restrict(Compound.objects.filter(pk=compound.pk), user, CHANGE).exists(), user.role


def test_access_gives_the_same_404_for_missing_and_other_district(tree, other_tree):
    from django.http import Http404

    with pytest.raises(Http404) as missing:
        access(tree.official, Compound, pk=10**9)
    with pytest.raises(Http404) as foreign:
        access(tree.official, Compound, pk=other_tree.compounds[0].pk)
    assert str(missing.value) == str(foreign.value)


def test_a_change_of_a_visible_object_outside_the_change_scope_is_a_403_and_of_an_invisible_one_a_404(tree):
    """Asked for a change, `access` refuses (403) what the actor may see but not change, and answers an object
    outside the view scope exactly as a missing one (404)."""
    from django.http import Http404

    from accounts.permissions import Forbidden

    compound = tree.communities[0].compounds.first()  # served by the tree's firm: its staff see it
    with pytest.raises(Forbidden):
        access(tree.firm_staff, Compound, CHANGE, pk=compound.pk)
    other_street = tree.streets[1].communities.first().compounds.first()
    with pytest.raises(Http404):
        access(tree.street_staff, Compound, CHANGE, pk=other_street.pk)
    assert access(tree.street_staff, Compound, CHANGE, pk=compound.pk) == compound


def test_anonymous_and_inactive_users_see_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not Compound.objects.visible_to(AnonymousUser()).exists()
    tree.official.is_active = False
    assert not Compound.objects.visible_to(tree.official).exists()
