"""Hole 3 of issue 7, tried as the attacker: panel scores only for the party the account represents, with
history; a compound's firm only through a contract; household counts and management mode only by district
or street staff, with history."""

import datetime

import pytest
from django.urls import reverse
from pghistory.models import Events
from rest_framework.test import APIClient

from accounts.roles import Role
from compounds.models import Compound, ManagementMode
from ratings.models import PanelScore
from tests import factories
from tests.ratings import helpers as h

API = "/api/v1/ratings"


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def street1_firm(tree):
    """A firm serving only compounds of street 1."""
    firm = h.firm(tree, "一街物业")
    h.compound_for(tree, firm, community=0)
    return firm


def test_street2_staff_cannot_score_a_firm_serving_only_street_1(tree, street1_firm):
    # given: staff of street 2, an open period
    street2 = factories.user_for(Role.STREET_STAFF, tree.streets[1], username="street2")
    period = h.period(tree)

    # when: they post the street's score, and another party's
    mine = as_user(street2).post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": street1_firm.pk, "party": "street", "score": "5"}
    )
    other = as_user(street2).post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": street1_firm.pk, "party": "third_party", "score": "5"}
    )

    # then: both refused with the rule's message, nothing stored
    assert mine.status_code == 403 and "所代表的评审方" in mine.json()["detail"]
    assert other.status_code == 403
    assert not PanelScore.objects.exists()


def test_street1_staff_score_only_the_street_party_of_their_firms_and_history_is_kept(tree, street1_firm):
    period = h.period(tree)
    client = as_user(tree.street_staff)  # street 1

    first = client.post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": street1_firm.pk, "party": "street", "score": "80"}
    )
    corrected = client.post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": street1_firm.pk, "party": "street", "score": "85"}
    )
    committee = client.post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": street1_firm.pk, "party": "committee", "score": "99"}
    )

    assert first.status_code == 201 and corrected.status_code == 201
    assert committee.status_code == 403
    row = PanelScore.objects.get()
    assert row.score == 85 and row.recorded_by == tree.street_staff
    # the first score is not lost: the history has both
    scores = sorted(
        e.pgh_data["score"] for e in Events.objects.references(row).filter(pgh_model="ratings.PanelScoreEvent")
    )
    assert [float(s) for s in scores] == [80.0, 85.0]


def test_a_cadre_scores_only_the_party_organisation_of_a_firm_in_their_community(tree, street1_firm):
    period = h.period(tree)
    elsewhere = h.firm(tree, "四社区物业")
    h.compound_for(tree, elsewhere, community=3)
    client = as_user(tree.cadre)  # community 0

    own = client.post(
        f"{API}/panel-scores/",
        {"period": period.pk, "firm": street1_firm.pk, "party": "party_organisation", "score": "70"},
    )
    street = client.post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": street1_firm.pk, "party": "street", "score": "70"}
    )
    foreign = client.post(
        f"{API}/panel-scores/",
        {"period": period.pk, "firm": elsewhere.pk, "party": "party_organisation", "score": "70"},
    )

    assert own.status_code == 201, own.content
    assert street.status_code == 403 and foreign.status_code == 403
    assert PanelScore.objects.count() == 1


@pytest.mark.parametrize("role", ["grid_worker", "firm_staff", "department_staff"])
def test_other_roles_enter_no_panel_score(tree, street1_firm, role):
    period = h.period(tree)
    response = as_user(getattr(tree, role)).post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": street1_firm.pk, "party": "street", "score": "1"}
    )
    assert response.status_code in (403, 404)
    assert not PanelScore.objects.exists()


def test_the_inputs_page_offers_only_the_represented_party(client, tree, street1_firm):
    period = h.period(tree)
    client.force_login(tree.street_staff)
    page = client.get(reverse("ratings:period-inputs", args=[period.pk])).content.decode()
    assert 'value="street"' in page and 'value="third_party"' not in page


def compound_url(compound):
    return reverse("compounds-api:compound-detail", kwargs={"pk": compound.pk})


def test_a_cadre_cannot_move_the_firm_households_or_management_mode(tree):
    compound = tree.compounds[0]
    other_firm = h.firm(tree, "别家物业")
    client = as_user(tree.cadre)
    before = compound.households

    firm = client.patch(compound_url(compound), {"property_firm": other_firm.pk}, format="json")
    households = client.patch(compound_url(compound), {"households": 9999}, format="json")
    mode = client.patch(compound_url(compound), {"management_mode": ManagementMode.STATE_FALLBACK}, format="json")
    name = client.patch(compound_url(compound), {"address": "新地址 1 号"}, format="json")

    # the firm field is read-only (ignored); households and mode are refused with 403; a plain field passes
    assert firm.status_code == 200 and firm.json()["property_firm"] == tree.firm.pk
    assert households.status_code == 403 and "户数" in households.json()["detail"]
    assert mode.status_code == 403
    assert name.status_code == 200
    compound.refresh_from_db()
    assert (compound.property_firm, compound.households, compound.address) == (tree.firm, before, "新地址 1 号")


def test_street_staff_change_households_with_history_and_the_official_cannot_set_the_firm(tree):
    compound = tree.compounds[0]
    other_firm = h.firm(tree, "别家物业")

    changed = as_user(tree.street_staff).patch(compound_url(compound), {"households": 420}, format="json")
    firm = as_user(tree.official).patch(compound_url(compound), {"property_firm": other_firm.pk}, format="json")

    assert changed.status_code == 200 and changed.json()["households"] == 420
    assert firm.json()["property_firm"] == tree.firm.pk
    counts = [
        e.pgh_data["households"]
        for e in Events.objects.references(compound).filter(pgh_model="compounds.CompoundEvent")
    ]
    assert 420 in counts


def test_the_firm_changes_through_a_contract(tree):
    compound = tree.compounds[0]
    other_firm = h.firm(tree, "新物业")
    today = datetime.date.today()
    client = as_user(tree.official)
    body = {"firm": other_firm.pk, "compound": compound.pk, "fee_basis": "per_household", "fee_fen": 150}

    response = client.post(f"{API}/contracts/", body | {"start": str(today - datetime.timedelta(days=10))})

    assert response.status_code == 201, response.content
    assert Compound.objects.get(pk=compound.pk).property_firm == other_firm
    ended = client.post(f"{API}/contracts/{response.json()['id']}/end/", {"end": str(today)})
    assert ended.status_code == 200, ended.content
    assert Compound.objects.get(pk=compound.pk).property_firm is None
