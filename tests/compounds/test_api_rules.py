"""The organisation tree's domain rules as an API client meets them (the standard tests are in test_api.py)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from accounts.roles import Role
from compounds.api import views
from compounds.api.serializers import CompoundSerializer
from compounds.models import Community, Compound, Grid, ManagementMode
from tests import factories

pytestmark = pytest.mark.django_db

COMPOUNDS = reverse("compounds-api:compound-list")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def compound_payload(community, **extra):
    data = {
        "community": community.pk,
        "code": f"{community.code}900",
        "name": "新建小区",
        "management_mode": "commercial",
    }
    return data | extra


def test_a_code_outside_its_community_is_refused_in_chinese_and_nothing_is_saved(api, tree):
    # given
    community = tree.communities[0]
    api.force_authenticate(tree.official)
    before = Compound.objects.count()
    # when: the code starts with another community's code
    response = api.post(COMPOUNDS, compound_payload(community, code=f"{tree.communities[1].code}900"))
    # then
    assert response.status_code == 400
    assert response.data["code"] == [
        f"小区编码“{tree.communities[1].code}900”应以所属社区的编码“{community.code}”开头。"
    ]
    assert Compound.objects.count() == before


def test_a_malformed_code_and_an_implausible_year_are_both_reported(api, tree):
    api.force_authenticate(tree.official)
    before = Compound.objects.count()
    response = api.post(COMPOUNDS, compound_payload(tree.communities[0], code="12AB", built_year=1800))
    assert response.status_code == 400
    assert "小区编码应为 15 位数字" in str(response.data["code"])
    assert Compound.objects.count() == before


def test_a_constraint_message_comes_back_in_chinese(api, tree):
    # given: a compound served by a firm (under contract) cannot become community-hosted while it has the firm
    api.force_authenticate(tree.official)
    compound = tree.compounds[0]
    url = reverse("compounds-api:compound-detail", kwargs={"pk": compound.pk})
    # when
    response = api.patch(url, {"management_mode": "community_hosted"})
    # then
    assert response.status_code == 400
    assert response.data["non_field_errors"] == ["只有市场化物业或国有兜底物业的小区才能填写物业企业。"]
    assert Compound.objects.get(pk=compound.pk).management_mode == compound.management_mode


def test_a_bad_update_keeps_what_was_saved(api, tree):
    compound = tree.compounds[0]
    api.force_authenticate(tree.official)
    url = reverse("compounds-api:compound-detail", kwargs={"pk": compound.pk})
    response = api.patch(url, {"name": "新名字", "built_year": 3000})
    assert response.status_code == 400
    assert response.data["non_field_errors"] == ["建成年份应在 1900 至 2100 之间。"]
    compound.refresh_from_db()
    assert (compound.name, compound.built_year) == (tree.compounds[0].name, 2005)


def test_street_staff_file_compounds_in_their_own_street(api, tree):
    # given
    own = tree.streets[0].communities.first()
    api.force_authenticate(tree.street_staff)
    # when
    response = api.post(COMPOUNDS, compound_payload(own))
    # then
    assert response.status_code == 201, response.content
    compound = Compound.objects.get(pk=response.data["id"])
    assert (compound.community, compound.district) == (own, tree.district)


def test_street_staff_cannot_file_under_another_street_or_district_and_the_answer_confirms_nothing(
    api, tree, other_tree
):
    # given: another street's community of the same district, another district's community, and no community
    api.force_authenticate(tree.street_staff)
    other_street = tree.streets[1].communities.first()
    other_district = other_tree.communities[0]
    missing_pk = Community.objects.order_by("-pk").first().pk + 1000
    before = Compound.objects.count()
    # when
    answers = {}
    for label, community in (("street", other_street), ("district", other_district)):
        response = api.post(COMPOUNDS, compound_payload(community))
        assert response.status_code == 400
        answers[label] = response.data["community"][0].replace(str(community.pk), "#")
    response = api.post(COMPOUNDS, {**compound_payload(other_street), "community": missing_pk})
    answers["missing"] = response.data["community"][0].replace(str(missing_pk), "#")
    # then: one message for all three, and nothing saved
    assert answers["street"] == answers["district"] == answers["missing"]
    assert "对象不存在" in answers["missing"]
    assert Compound.objects.count() == before


def test_street_staff_cannot_move_a_compound_to_another_street(api, tree):
    compound = tree.compounds[0]
    api.force_authenticate(tree.street_staff)
    url = reverse("compounds-api:compound-detail", kwargs={"pk": compound.pk})
    response = api.patch(url, {"community": tree.streets[1].communities.first().pk})
    assert response.status_code == 400
    compound.refresh_from_db()
    assert compound.community == tree.communities[0]


def test_the_district_comes_from_the_actor_never_from_the_client(api, tree, other_tree):
    api.force_authenticate(tree.official)
    response = api.post(COMPOUNDS, compound_payload(tree.communities[0], district=other_tree.district.pk))
    assert response.status_code == 201, response.content
    assert Compound.objects.get(pk=response.data["id"]).district == tree.district


def test_a_platform_administrator_names_the_district(api, tree):
    admin = factories.user_for(Role.PLATFORM_ADMIN, username="admin")
    api.force_authenticate(admin)
    payload = compound_payload(tree.communities[0])
    response = api.post(COMPOUNDS, payload)
    assert response.status_code == 400
    assert response.data["district"] == ["请指定所属区。"]
    response = api.post(COMPOUNDS, payload | {"district": tree.district.pk})
    assert response.status_code == 201, response.content
    assert Compound.objects.get(code=payload["code"]).district == tree.district


def test_three_no_is_derived_and_cannot_be_typed_in(api, tree):
    compound = tree.compounds[0]
    Compound.objects.filter(pk=compound.pk).update(property_firm=None)  # its contract has ended
    api.force_authenticate(tree.official)
    url = reverse("compounds-api:compound-detail", kwargs={"pk": compound.pk})
    # when: a client claims it is not three-no while removing the firm, the committee and the fund
    response = api.patch(
        url,
        {
            "management_mode": ManagementMode.SELF_MANAGED,
            "property_firm": None,
            "has_owners_committee": False,
            "has_maintenance_fund": False,
            "is_three_no": False,
        },
    )
    # then
    assert response.status_code == 200, response.content
    assert response.data["is_three_no"] is True
    assert Compound.objects.get(pk=compound.pk).is_three_no is True


def test_a_grid_covers_only_buildings_of_its_community(api, tree, other_tree):
    api.force_authenticate(tree.official)
    community = tree.communities[0]
    foreign = next(b for b in tree.buildings if b.compound.community_id != community.pk)
    payload = {"community": community.pk, "code": f"{community.code}900", "name": "新网格", "buildings": [foreign.pk]}
    response = api.post(reverse("compounds-api:grid-list"), payload)
    assert response.status_code == 400
    assert "网格只能覆盖本社区的楼栋" in response.data["buildings"][0]
    response = api.post(reverse("compounds-api:grid-list"), payload | {"buildings": [other_tree.buildings[0].pk]})
    assert response.status_code == 400
    assert "对象不存在" in str(response.data["buildings"])
    assert not Grid.objects.filter(code=payload["code"]).exists()


def test_a_community_with_compounds_cannot_be_deleted(api, tree):
    community = tree.communities[0]
    api.force_authenticate(tree.official)
    response = api.delete(reverse("compounds-api:community-detail", kwargs={"pk": community.pk}))
    assert response.status_code == 409
    assert "无法删除" in response.data["detail"]
    assert Community.objects.filter(pk=community.pk).exists()


# --- community tiers ----------------------------------------------------------------------------------


def set_tier_url(community):
    return reverse("compounds-api:community-set-tier", kwargs={"pk": community.pk})


def history_url(community):
    return reverse("compounds-api:community-tier-history", kwargs={"pk": community.pk})


def test_set_tier_keeps_the_history(api, tree):
    # given
    community = tree.communities[0]
    api.force_authenticate(tree.street_staff)
    # when
    first = api.post(set_tier_url(community), {"tier": "B", "reason": "老旧小区集中", "effective_year": 2024})
    second = api.post(set_tier_url(community), {"tier": "A", "reason": "完成改造", "effective_year": 2026})
    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.data["recorded_by"] == tree.street_staff.pk
    detail = api.get(reverse("compounds-api:community-detail", kwargs={"pk": community.pk})).data
    assert (detail["tier"], detail["tier_reason"], detail["tier_since"]) == ("A", "完成改造", 2026)
    history = api.get(history_url(community)).data["results"]
    assert [(h["tier"], h["effective_year"], h["reason"]) for h in history] == [
        ("A", 2026, "完成改造"),
        ("B", 2024, "老旧小区集中"),
    ]


def test_a_bad_tier_is_refused_in_chinese_and_nothing_changes(api, tree):
    community = tree.communities[0]
    api.force_authenticate(tree.official)
    response = api.post(set_tier_url(community), {"tier": "E", "reason": "x", "effective_year": 2026})
    assert response.status_code == 400
    assert response.data["tier"] == ["社区分类应为 A、B、C、D 之一，收到的是“E”。"]
    response = api.post(set_tier_url(community), {"tier": "B", "reason": "   ", "effective_year": 2026})
    assert response.status_code == 400
    response = api.post(set_tier_url(community), {"tier": "B", "reason": "x", "effective_year": 1999})
    assert response.data["effective_year"] == ["生效年份应在 2000 至 2100 之间。"]
    community.refresh_from_db()
    assert community.tier == "A" and not community.tier_history.exists()


def test_the_tier_is_not_changed_by_a_plain_update(api, tree):
    community = tree.communities[0]
    api.force_authenticate(tree.official)
    url = reverse("compounds-api:community-detail", kwargs={"pk": community.pk})
    response = api.patch(url, {"tier": "D", "name": "改名社区"})
    assert response.status_code == 200
    community.refresh_from_db()
    assert (community.tier, community.name) == ("A", "改名社区")


def test_set_tier_outside_the_scope_is_refused(api, tree, other_tree):
    payload = {"tier": "B", "reason": "x", "effective_year": 2026}
    # another street's community, for street staff: not in their change scope
    api.force_authenticate(tree.street_staff)
    assert api.post(set_tier_url(tree.streets[1].communities.first()), payload).status_code == 404
    # another district's community, for the district official
    api.force_authenticate(tree.official)
    assert api.post(set_tier_url(other_tree.communities[0]), payload).status_code == 404
    assert api.get(history_url(other_tree.communities[0])).status_code == 404
    # a role that changes no community
    api.force_authenticate(tree.cadre)
    assert api.post(set_tier_url(tree.communities[0]), payload).status_code == 403
    assert not other_tree.communities[0].tier_history.exists() and not tree.communities[0].tier_history.exists()


# --- the safety net and authentication ------------------------------------------------------------------


class UnscopedCompoundSerializer(CompoundSerializer):
    """A serializer that forgot to scope its community field: the viewset's re-check must still hold."""

    def get_fields(self):
        from rest_framework import serializers

        fields = super().get_fields()
        fields["community"] = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
        return fields


def test_a_write_that_lands_outside_the_change_scope_is_rolled_back(tree):
    # given: a viewset whose serializer lets any community through
    view = views.CompoundViewSet.as_view({"post": "create"}, serializer_class=UnscopedCompoundSerializer)
    request = APIRequestFactory().post(COMPOUNDS, compound_payload(tree.streets[1].communities.first()), format="json")
    force_authenticate(request, tree.street_staff)
    before = Compound.objects.count()
    # when
    response = view(request)
    # then
    assert response.status_code == 404
    assert Compound.objects.count() == before


def test_token_authentication(tree):
    # given
    tree.official.set_password("a-long-pass-2026")
    tree.official.save()
    client = APIClient()
    # when
    response = client.post(
        reverse("api-token"), {"username": tree.official.username, "password": "a-long-pass-2026"}, format="json"
    )
    # then
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    listing = client.get(COMPOUNDS)
    assert listing.status_code == 200
    assert listing.data["count"] == len(tree.compounds)


def test_a_wrong_password_gets_no_token(tree):
    response = APIClient().post(reverse("api-token"), {"username": tree.official.username, "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.data
    unauthenticated = APIClient()
    unauthenticated.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = unauthenticated.get(COMPOUNDS)
    assert response.status_code == 401
    assert response.data["detail"] == "API 密钥无效、已过期或已撤销。"
