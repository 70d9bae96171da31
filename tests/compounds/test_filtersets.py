"""compounds/filtersets.py: shared by the API and the web dashboard."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from compounds import filtersets
from compounds.models import Building, Community, Compound, Department, District, Grid, PropertyFirm, Street
from tests import factories

pytestmark = pytest.mark.django_db

FILTERSETS = {
    District: filtersets.DistrictFilterSet,
    Street: filtersets.StreetFilterSet,
    Community: filtersets.CommunityFilterSet,
    Compound: filtersets.CompoundFilterSet,
    Building: filtersets.BuildingFilterSet,
    Grid: filtersets.GridFilterSet,
    PropertyFirm: filtersets.PropertyFirmFilterSet,
    Department: filtersets.DepartmentFilterSet,
}

# Fields deliberately without a filter, with the reason.
NOT_FILTERED = {
    (Compound, "public_token"): "the secret in the compound's QR code: never searchable, never listed",
}


@pytest.mark.parametrize("model", FILTERSETS, ids=lambda m: m.__name__)
def test_every_model_field_has_a_filter(model):
    # NetBox's test: a field without a filter is an oversight, not a choice.
    filterset = FILTERSETS[model]
    covered = {f.field_name for f in filterset.base_filters.values()} | set(filterset.base_filters)
    missing = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations
        if not (field.concrete or field.many_to_many):
            continue
        if (model, field.name) in NOT_FILTERED:
            continue
        if field.name not in covered and f"{field.name}_id" not in covered:
            missing.append(field.name)
    assert missing == [], f"{filterset.__name__} has no filter for {missing}"


def filtered(user, filterset_class, data):
    model = filterset_class._meta.model
    filterset = filterset_class(data, queryset=model.objects.visible_to(user), request=SimpleNamespace(user=user))
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


@pytest.fixture
def varied(tree):
    """Give tree's compounds different facts to filter on."""
    first, second, third = tree.compounds[0], tree.compounds[1], tree.compounds[5]
    Compound.objects.filter(pk=first.pk).update(households=120, built_year=1985)
    Compound.objects.filter(pk=second.pk).update(
        management_mode="self_managed", property_firm=None, has_owners_committee=False, has_maintenance_fund=False
    )
    Compound.objects.filter(pk=third.pk).update(households=2000, built_year=2018)
    Community.objects.filter(pk=tree.communities[3].pk).update(tier="D")
    return SimpleNamespace(first=first, second=second, third=third)


def test_compounds_by_street_community_and_tier(tree, varied):
    official = tree.official
    street = tree.streets[1]
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"street_id": [street.pk]})) == codes(
        Compound.objects.filter(community__street=street)
    )
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"street": [street.code]})) == codes(
        Compound.objects.filter(community__street=street)
    )
    community = tree.communities[2]
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"community": [community.code]})) == codes(
        community.compounds.all()
    )
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"district": [tree.district.code]})) == codes(
        Compound.objects.filter(district=tree.district)
    )
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"tier": ["D"]})) == codes(
        tree.communities[3].compounds.all()
    )


def test_compounds_by_facts(tree, varied):
    official = tree.official
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"is_three_no": "true"})) == [varied.second.code]
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"management_mode": ["self_managed"]})) == [
        varied.second.code
    ]
    with_firm = codes(Compound.objects.filter(district=tree.district).exclude(pk=varied.second.pk))
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"property_firm_id": [tree.firm.pk]})) == with_firm
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"property_firm": [tree.firm.credit_code]})) == (
        with_firm
    )
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"households_max": 200})) == [varied.first.code]
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"households_min": 1000})) == [varied.third.code]
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"built_year_max": 1990})) == [varied.first.code]
    assert codes(
        filtered(official, filtersets.CompoundFilterSet, {"built_year_min": 2010, "built_year_max": 2020})
    ) == [varied.third.code]
    assert codes(filtered(official, filtersets.CompoundFilterSet, {"q": varied.third.name})) == [varied.third.code]


def test_communities_by_tier_street_and_whether_they_have_compounds(tree):
    empty = factories.CommunityFactory(street=tree.streets[0], code=f"{tree.streets[0].code}900", tier="D")
    official = tree.official
    assert codes(filtered(official, filtersets.CommunityFilterSet, {"tier": ["D"]})) == [empty.code]
    assert codes(filtered(official, filtersets.CommunityFilterSet, {"has_compounds": "false"})) == [empty.code]
    assert codes(filtered(official, filtersets.CommunityFilterSet, {"street_id": [tree.streets[1].pk]})) == codes(
        tree.streets[1].communities.all()
    )


def test_grids_and_buildings_by_what_they_cover(tree):
    official = tree.official
    building = tree.buildings[0]
    grids = filtered(official, filtersets.GridFilterSet, {"building_id": [building.pk]})
    assert list(grids) == [tree.grids[0]]
    in_compound = filtered(official, filtersets.BuildingFilterSet, {"compound": [building.compound.code]})
    assert list(in_compound) == [building]
    buildings = filtered(official, filtersets.BuildingFilterSet, {"grid_id": [tree.grids[0].pk]})
    assert sorted(b.pk for b in buildings) == sorted(tree.grids[0].buildings.values_list("pk", flat=True))


def test_another_districts_id_is_refused_like_a_missing_one(tree, other_tree):
    # given
    client = APIClient()
    client.force_authenticate(tree.official)
    url = reverse("compounds-api:compound-list")
    missing = Street.objects.order_by("-pk").first().pk + 1000
    # when
    theirs = client.get(url, {"street_id": other_tree.streets[0].pk})
    nowhere = client.get(url, {"street_id": missing})
    # then
    assert theirs.status_code == nowhere.status_code == 400
    assert theirs.data["street_id"][0].replace(str(other_tree.streets[0].pk), "#") == nowhere.data["street_id"][
        0
    ].replace(str(missing), "#")
    assert "乙区" not in theirs.content.decode()


def test_a_street_staff_member_cannot_filter_by_another_street(tree):
    client = APIClient()
    client.force_authenticate(tree.street_staff)
    response = client.get(reverse("compounds-api:compound-list"), {"street_id": tree.streets[1].pk})
    assert response.status_code == 400
    response = client.get(reverse("compounds-api:compound-list"), {"street_id": tree.streets[0].pk})
    assert response.status_code == 200
    assert response.data["count"] == Compound.objects.filter(community__street=tree.streets[0]).count()


def test_api_filters_and_orders(tree, varied):
    client = APIClient()
    client.force_authenticate(tree.official)
    response = client.get(
        reverse("compounds-api:compound-list"), {"households_min": 400, "ordering": "-households", "tier": "A"}
    )
    assert response.status_code == 200
    rows = response.data["results"]
    assert rows[0]["code"] == varied.third.code
    assert [r["households"] for r in rows] == sorted((r["households"] for r in rows), reverse=True)
    assert all(r["households"] >= 400 and r["community_tier"] == "A" for r in rows)


def test_the_dashboard_forms_speak_chinese(tree):
    form = filtersets.CompoundFilterSet(request=SimpleNamespace(user=tree.official)).form
    labels = {name: str(field.label) for name, field in form.fields.items()}
    assert labels["street_id"] == "街道"
    assert labels["tier"] == "社区分类"
    assert labels["is_three_no"] == "三无小区"
    assert labels["households_min"] == "户数不少于"
    assert labels["q"] == "搜索"
    # the choices offered are the user's own: no other district's street in the drop-down
    assert {s.pk for s in form.fields["street_id"].queryset} == {s.pk for s in tree.streets}
    assert all(str(label).isascii() is False for label in labels.values()), labels
    community_form = filtersets.CommunityFilterSet(request=SimpleNamespace(user=tree.street_staff)).form
    assert {s.pk for s in community_form.fields["street_id"].queryset} == {tree.streets[0].pk}
