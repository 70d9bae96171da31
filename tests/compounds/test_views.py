"""The web pages as a user sees them: sign-in, the dashboards, the compound page, the admin, and English."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.actors import SystemActor
from accounts.roles import Role
from compounds.models import ManagementMode, Tier
from compounds.services import community_set_tier
from tests import factories
from tests.api_testing import TENANCY_QUERIES_SIGNED_IN

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


def text_of(response) -> str:
    """The page's visible text, roughly: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def figures_of(response) -> dict[str, str]:
    """The figures at the top of a dashboard, digits only."""
    found = re.findall(r'data-figure="([\w-]+)">(?:<a [^>]*>)?([\d,]+)<', response.content.decode())
    return {name: value.replace(",", "") for name, value in found}


def make_three_no(compound):
    compound.management_mode = ManagementMode.SELF_MANAGED
    compound.property_firm = None
    compound.has_owners_committee = False
    compound.has_maintenance_fund = False
    compound.save()
    compound.refresh_from_db()
    return compound


def street_url(street) -> str:
    return reverse("street-dashboard", args=[street.pk])


def compound_url(compound) -> str:
    return reverse("compound-detail", args=[compound.pk])


# --- signing in -------------------------------------------------------------------------------------


def test_pages_need_sign_in(client, tree):
    # when an anonymous visitor opens the street dashboard
    response = client.get(street_url(tree.streets[0]))

    # then they are sent to the Chinese sign-in page and nothing of the street is shown
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    page = client.get(response.url)
    assert '<html lang="zh-CN">' in page.content.decode()
    assert "登录末梢平台" in text_of(page)
    assert tree.streets[0].name not in text_of(page)


def test_wrong_password_gets_a_chinese_error_and_the_right_one_opens_the_users_street(client, tree):
    # when the street staff member mistypes the password
    response = client.post(reverse("login"), {"username": tree.street_staff.username, "password": "wrong"})

    # then the form says so in Chinese and keeps the username
    assert response.status_code == 200
    assert "请输入一个正确的" in text_of(response)
    assert f'value="{tree.street_staff.username}"' in response.content.decode()

    # when they type it right, they land on their own street's cockpit (portal: the home of street staff)
    response = client.post(
        reverse("login"), {"username": tree.street_staff.username, "password": "pass-1234"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert tree.streets[0].name in text_of(response)
    assert "待派单" in text_of(response)


# Where each role lands (the home page) is tested in tests/portal/test_homes.py.


def test_sign_out_is_a_post_that_ends_the_session(client, tree):
    client.force_login(tree.street_staff)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(street_url(tree.streets[0])).status_code == 302


# --- the street dashboard -------------------------------------------------------------------------


def test_street_dashboard_shows_the_streets_communities_compounds_and_counts(client, tree):
    # given one three-no compound in the first street
    three_no = make_three_no(tree.compounds[1])
    client.force_login(tree.street_staff)

    # when the street staff member opens their street
    response = client.get(street_url(tree.streets[0]))

    # then they see its communities with tiers, its compounds with firm and mode, and the figures
    text = text_of(response)
    street = tree.streets[0]
    own_communities = [c for c in tree.communities if c.street_id == street.pk]
    own_compounds = [c for c in tree.compounds if c.community.street_id == street.pk]
    for community in own_communities:
        assert community.name in text
    for compound in own_compounds:
        assert compound.name in text
    assert tree.firm.name in text
    assert "A类（新建成熟物业小区）" in text
    assert "业主自管" in text and "市场化物业" in text
    figures = figures_of(response)
    assert figures == {
        "communities": "2",
        "compounds": "4",
        "three-no": "1",
        "households": str(sum(c.households for c in own_compounds)),
    }
    assert 'href="?is_three_no=true#compounds"' in response.content.decode()  # the figure opens the list
    # and the 三无 badge is on that compound's row only
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), flags=re.S)
    badged = [row for row in rows if ">三无<" in row]
    assert len(badged) == 1 and three_no.name in badged[0]
    # and nothing of the other street or the other district
    for compound in tree.compounds:
        if compound.community.street_id != street.pk:
            assert compound.name not in text
    assert "乙区" not in text


def test_figures_count_only_what_the_user_may_see(client, tree):
    # given a compound in the first street that the district's firm does not manage
    other_firm = factories.PropertyFirmFactory(district=tree.district, name="另一家物业有限公司")
    unmanaged = tree.compounds[0]
    unmanaged.property_firm = other_firm
    unmanaged.save()
    client.force_login(tree.firm_staff)

    # when the firm's staff member opens that street
    response = client.get(street_url(tree.streets[0]))

    # then they see the three compounds their firm manages, and the figures count those only
    text = text_of(response)
    assert unmanaged.name not in text and other_firm.name not in text
    assert all(c.name in text for c in tree.compounds[1:4])
    assert figures_of(response)["compounds"] == "3"
    assert figures_of(response)["households"] == str(sum(c.households for c in tree.compounds[1:4]))


def test_filters_narrow_the_compound_list(client, tree):
    # given a three-no compound, and a second community moved to tier B
    three_no = make_three_no(tree.compounds[1])
    community_set_tier(
        actor=SYSTEM,
        community=tree.communities[1],
        tier=Tier.B,
        reason="老旧小区集中",
        effective_year=2024,
    )
    client.force_login(tree.street_staff)
    url = street_url(tree.streets[0])
    names = lambda response: {c.name for c in tree.compounds if c.name in text_of(response)}  # noqa: E731

    # then each filter narrows the list to the compounds that match
    assert names(client.get(url, {"is_three_no": "true"})) == {three_no.name}
    assert three_no.name not in names(client.get(url, {"is_three_no": "false"}))
    assert names(client.get(url, {"community_id": tree.communities[1].pk})) == {
        tree.compounds[2].name,
        tree.compounds[3].name,
    }
    assert names(client.get(url, {"tier": "B"})) == {tree.compounds[2].name, tree.compounds[3].name}
    assert names(client.get(url, {"management_mode": ManagementMode.SELF_MANAGED})) == {three_no.name}
    assert names(client.get(url, {"q": tree.compounds[3].name})) == {tree.compounds[3].name}
    response = client.get(url, {"q": "没有这个小区"})
    assert "没有符合条件的小区。" in text_of(response)


def test_a_community_of_another_district_in_the_filter_is_refused_in_chinese(client, tree, other_tree):
    client.force_login(tree.street_staff)

    response = client.get(street_url(tree.streets[0]), {"community_id": other_tree.communities[0].pk})

    assert response.status_code == 200
    text = text_of(response)
    assert "筛选条件有误，请重新选择。" in text
    assert "乙区" not in text


def test_the_compound_list_is_paginated(client, tree):
    # given 30 more compounds in the first community
    community = tree.communities[0]
    for k in range(30):
        factories.CompoundFactory(
            community=community, code=f"{community.code}{100 + k}", name=f"分页测试{k:02d}小区", property_firm=tree.firm
        )
    client.force_login(tree.street_staff)

    first = text_of(client.get(street_url(tree.streets[0])))
    second = text_of(client.get(street_url(tree.streets[0]), {"page": 2}))

    assert "第 1 / 2 页" in first and "第 2 / 2 页" in second
    assert "分页测试29小区" in second and "分页测试29小区" not in first


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["street_staff", "official", "grid_worker"])
def test_street_dashboard_queries_do_not_grow_with_the_street(client, tree, who):
    # given the query count of the dashboard as it is
    client.force_login(getattr(tree, who))
    url = street_url(tree.streets[0])
    before = _queries_for(client, url)

    # when the street gains communities and compounds
    for j in range(3, 6):
        community = factories.CommunityFactory(street=tree.streets[0], code=f"{tree.streets[0].code}00{j}")
        for k in range(1, 4):
            compound = factories.CompoundFactory(community=community, code=f"{community.code}00{k}", property_firm=None)
            grid = tree.grids[0] if who == "grid_worker" else None
            if grid:
                grid.buildings.add(factories.BuildingFactory(compound=compound))

    # then the page needs no more queries than before
    assert _queries_for(client, url) == before
    # accounts.policy looks up a grid worker's grids at each restrict(): one more query per queryset
    # (plus the tenancy middleware's own statements, tests/api_testing.TENANCY_QUERIES_SIGNED_IN)
    assert before <= (20 if who == "grid_worker" else 12) + TENANCY_QUERIES_SIGNED_IN


def test_district_summary_and_compound_page_queries_are_bounded(client, tree):
    client.force_login(tree.official)
    summary = _queries_for(client, reverse("district-dashboard"))
    detail = _queries_for(client, compound_url(tree.compounds[0]))
    for k in range(5):
        factories.BuildingFactory(compound=tree.compounds[0], name=f"{k + 2}号楼").grids.add(tree.grids[0])
    factories.StreetFactory(district=tree.district, code=f"{tree.district.code}009")

    assert _queries_for(client, reverse("district-dashboard")) == summary
    assert _queries_for(client, compound_url(tree.compounds[0])) == detail


# --- the district summary ---------------------------------------------------------------------------


def test_district_official_sees_every_street_with_its_figures_and_can_open_any(client, tree, other_tree):
    make_three_no(tree.compounds[5])
    client.force_login(tree.official)

    response = client.get(reverse("district-dashboard"))

    text = text_of(response)
    assert tree.district.name in text
    for street in tree.streets:
        assert street.name in text
        assert f'href="{street_url(street)}"' in response.content.decode()
    assert "乙区" not in text
    figures = figures_of(response)
    assert figures["compounds"] == "8" and figures["three-no"] == "1" and figures["communities"] == "4"
    # and a street of the district opens with a picker of the others
    second = client.get(street_url(tree.streets[1]))
    assert tree.compounds[5].name in text_of(second)
    assert "切换街道" in text_of(second)


# --- tenancy ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["official", "street_staff", "cadre", "grid_worker", "firm_staff", "department_staff"])
def test_another_districts_street_and_compound_are_404(client, tree, other_tree, who):
    client.force_login(getattr(tree, who))

    for url in (street_url(other_tree.streets[0]), compound_url(other_tree.compounds[0])):
        response = client.get(url)
        assert response.status_code == 404
        assert "乙区" not in text_of(response)


def test_street_staff_cannot_open_another_street_of_their_district(client, tree):
    client.force_login(tree.street_staff)

    assert client.get(street_url(tree.streets[1])).status_code == 404
    assert client.get(compound_url(tree.compounds[4])).status_code == 404
    assert client.get(compound_url(tree.compounds[0])).status_code == 200


def test_a_missing_street_is_the_same_404(client, tree):
    client.force_login(tree.official)

    assert client.get(reverse("street-dashboard", args=[999_999])).status_code == 404


# --- the compound page ------------------------------------------------------------------------------


def test_compound_page_shows_facts_buildings_grids_firm_and_tier_history(client, tree):
    # given a compound whose community went from A to B
    compound = tree.compounds[0]
    community_set_tier(
        actor=SYSTEM,
        community=compound.community,
        tier=Tier.A,
        reason="新建商品房小区",
        effective_year=2021,
    )
    community_set_tier(
        actor=tree.street_staff, community=compound.community, tier=Tier.B, reason="老旧小区改造", effective_year=2024
    )
    client.force_login(tree.street_staff)

    # when the compound page is opened
    response = client.get(compound_url(compound))

    # then the page shows its facts, buildings, grid, firm and the tier history, newest first
    text = text_of(response)
    assert compound.name in text and compound.address in text and compound.code in text
    assert "2005" in text and "480" in text
    assert tree.firm.name in text
    assert "1号楼" in text
    assert tree.grids[0].name in text
    assert "B类（老旧密集小区）" in text
    assert text.index("老旧小区改造") < text.index("新建商品房小区")
    assert "2024 年起" in text
    assert "三无小区" not in text


def test_compound_page_marks_a_three_no_compound(client, tree):
    compound = make_three_no(tree.compounds[0])
    client.force_login(tree.cadre)

    text = text_of(client.get(compound_url(compound)))

    assert "三无小区" in text
    assert "业主自管" in text


# --- English -----------------------------------------------------------------------------------------


def test_the_english_switch_shows_the_pages_in_english(client, tree, english):
    client.force_login(tree.street_staff)
    url = street_url(tree.streets[0])
    assert "街道工作台" in text_of(client.get(url))

    # when the user picks English in the header
    response = client.post(reverse("set_language"), {"language": "en", "next": url}, follow=True)

    # then the page is in English, down to the labels that come from the models
    html = response.content.decode()
    text = text_of(response)
    assert '<html lang="en">' in html
    assert "Street dashboard" in text
    assert "Three-no compounds" in text
    assert "Commercial property firm" in text
    assert "Sign out" in text
    assert "街道工作台" not in text
    # and back to Chinese
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": url}, follow=True)
    assert "街道工作台" in text_of(response)


# --- the admin ----------------------------------------------------------------------------------------


@pytest.fixture
def platform_admin(db):
    return factories.user_for(Role.PLATFORM_ADMIN, username="platform-admin")


def test_admin_community_shows_its_tier_history_read_only(client, tree, platform_admin):
    community = tree.communities[0]
    community_set_tier(actor=SYSTEM, community=community, tier=Tier.C, reason="城郊安置为主", effective_year=2023)
    client.force_login(platform_admin)

    response = client.get(reverse("admin:compounds_community_change", args=[community.pk]))

    text = text_of(response)
    assert "城郊安置为主" in text
    assert 'name="tier_history-0-reason"' not in response.content.decode()  # shown, not editable


def test_admin_compound_list_filters_three_no_and_searches(client, tree, platform_admin):
    three_no = make_three_no(tree.compounds[2])
    client.force_login(platform_admin)
    url = reverse("admin:compounds_compound_changelist")

    filtered = text_of(client.get(url, {"is_three_no__exact": "1"}))
    searched = text_of(client.get(url, {"q": tree.compounds[3].name}))

    assert three_no.name in filtered and tree.compounds[0].name not in filtered
    assert tree.compounds[3].name in searched and tree.compounds[0].name not in searched


def test_admin_user_list_filters_by_role(client, tree, platform_admin):
    client.force_login(platform_admin)

    text = text_of(client.get(reverse("admin:accounts_user_changelist"), {"role__exact": Role.STREET_STAFF}))

    assert tree.street_staff.username in text
    assert tree.cadre.username not in text


def test_the_admin_is_for_platform_administrators_only(client, tree):
    # given a district official who was made staff with user and compound permissions
    from django.contrib.auth.models import Permission

    official = tree.official
    official.is_staff = True
    official.save()
    official.user_permissions.set(Permission.objects.filter(codename__in=["view_compound", "change_user"]))
    client.force_login(official)
    # when they open the admin, then it sends them to its login: they work in the product's pages instead
    for url in (reverse("admin:index"), reverse("admin:accounts_user_change", args=[tree.street_staff.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(
        reverse("admin:accounts_user_change", args=[tree.street_staff.pk]), {"role": "platform_admin"}
    )
    tree.street_staff.refresh_from_db()
    assert response.status_code == 302 and tree.street_staff.role == "street_staff"


def test_header_links_to_the_other_sections_and_import_for_district_officials(client, tree):
    client.force_login(tree.official)
    official_page = client.get(reverse("district-dashboard")).content.decode()
    client.force_login(tree.street_staff)
    street_page = client.get(street_url(tree.streets[0])).content.decode()

    assert f'href="{reverse("workorders:queue")}"' in street_page
    assert f'href="{reverse("ratings:index")}"' in street_page
    assert f'href="{reverse("org-import")}"' in official_page
    assert f'href="{reverse("org-import")}"' not in street_page
