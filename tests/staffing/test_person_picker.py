"""The person picker (staffing.forms.PersonSearchSelect) on the volunteers page, where every active person of the
district may be chosen: the page lists none of them (a district has thousands: 3,011 options, 287 KB and 0.8 s in
the demo before), the search (staffing:person-search) finds them by name within the user's scope, and the form
takes whoever the search found."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staffing.forms import person_label
from staffing.models import VolunteerService
from tests.staffing import walk

pytestmark = pytest.mark.django_db


def person_options(html: str, picker: str = "") -> list[str]:
    """The options of the page's person select (the one after `picker`, a search URL, when the page has several)."""
    after = html.split(picker, 1)[1] if picker else html
    select = after.split('name="person"')[1].split("</select>")[0]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option")[1:]]


def test_the_volunteers_page_lists_no_person_whatever_their_number(client, tree):
    client.force_login(tree.official)
    url = reverse("staffing:volunteers")
    walk.named_person(tree, "王志愿")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert person_options(page) == ["请选择"]
    assert "data-unit-picker" in page and reverse("staffing:person-search") in page
    for n in range(60):
        walk.named_person(tree, f"志愿者{n:02d}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert person_options(page) == ["请选择"]
    assert len(many) == len(few)


def test_the_search_finds_active_people_of_ones_own_district_by_name(client, tree, other_tree):
    wang = walk.named_person(tree, "王志愿")
    walk.named_person(tree, "王离开", is_active=False)
    walk.named_person(other_tree, "王志愿")  # the same name in district B
    for n in range(25):
        walk.named_person(tree, f"王{n:02d}")
    client.force_login(tree.street_staff)
    search = reverse("staffing:person-search")

    found = json.loads(client.get(search, {"q": "志愿"}).content)["results"]
    assert found == [{"value": wang.pk, "label": person_label(wang), "group": ""}]
    assert person_label(wang).startswith("王志愿（志愿者，")
    assert len(json.loads(client.get(search, {"q": "王"}).content)["results"]) == 20  # the first 20 by name
    assert json.loads(client.get(search, {"q": "离开"}).content)["results"] == []  # inactive people are not chosen
    assert json.loads(client.get(search, {"q": "  "}).content)["results"] == []
    # a NUL or a control character is the site's 400; a long query is cut, not refused
    assert client.get(search, {"q": "王\x00"}).status_code == 400
    assert client.get(search, {"q": "王" * 5000}).status_code == 200

    # inside the district, the user's own view of people: a firm's staff see their firm's people only
    client.force_login(tree.firm_staff)
    assert json.loads(client.get(search, {"q": "志愿"}).content)["results"] == []
    firm_person = walk.named_person(tree, "王物业", community=None, role="property_staff", property_firm=tree.firm)
    assert [r["value"] for r in json.loads(client.get(search, {"q": "王"}).content)["results"]] == [firm_person.pk]


def test_the_person_found_is_recorded_and_a_refused_form_keeps_them_chosen(client, tree):
    wang = walk.named_person(tree, "王志愿")
    client.force_login(tree.official)
    url = reverse("staffing:volunteers")
    fields = {"person": wang.pk, "community": tree.communities[0].pk, "served_on": "2026-03-01", "activity": "助老"}

    refused = client.post(url, {**fields, "hours": "0"})
    assert refused.status_code == 400
    assert person_options(refused.content.decode()) == ["请选择", person_label(wang)]
    assert "selected" in refused.content.decode().split('name="person"')[1].split("</select>")[0]

    done = client.post(url, {**fields, "hours": "2.5"})
    assert done.status_code == 302
    assert VolunteerService.objects.get(person=wang).hours == 2.5


def test_a_person_of_another_district_cannot_be_recorded(client, tree, other_tree):
    theirs = walk.named_person(other_tree, "外区志愿")
    client.force_login(tree.official)
    fields = {"person": theirs.pk, "community": tree.communities[0].pk, "served_on": "2026-03-01", "hours": "2",
              "activity": "助老"}  # fmt: skip
    response = client.post(reverse("staffing:volunteers"), fields)
    assert response.status_code == 400 and "所选对象不存在或不在您的管辖范围内" in response.content.decode()
    assert not VolunteerService.objects.filter(person=theirs).exists()


def test_the_party_and_department_pickers_search_only_their_kind(client, tree):
    """The grid page's party-household form chooses among the district's party members, the sink-down team's
    member form among the departments' officers: both list nobody, and the search (`?among=`) finds only that kind,
    as the field accepts only that kind."""
    member = walk.named_person(tree, "王党员", is_party_member=True)
    walk.named_person(tree, "王群众")
    officer = walk.named_person(tree, "王民警", community=None, role="police_officer", department=tree.department)
    walk.household(tree)  # the grid page offers a party household once the grid has households
    client.force_login(tree.official)
    search = reverse("staffing:person-search")
    party = client.get(reverse("staffing:grid", args=[tree.grids[0].pk])).content.decode()
    assert person_options(party, picker=f"{search}?among=party") == ["请选择"]
    team = client.get(reverse("staffing:sinkdown-team", args=[walk.sinkdown_member(tree).team_id])).content.decode()
    assert person_options(team, picker=f"{search}?among=department") == ["请选择"]

    def found(**params) -> list[int]:
        return [row["value"] for row in json.loads(client.get(search, params).content)["results"]]

    assert found(q="王", among="party") == [member.pk]
    assert found(q="王", among="department") == [officer.pk]
    assert sorted(found(q="王")) == sorted([member.pk, officer.pk, *found(q="王群众")])
    assert client.get(search, {"q": "王", "among": "everyone"}).status_code == 404
