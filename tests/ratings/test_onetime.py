"""The ratings forms that create a record, with a one-time token (issue 11, accounts.onetime): a service contract,
a quarter opened, a panel score and an introduction posted twice — a double tap, a resend — make one row, and the
second answer says so."""

import pytest
from django.urls import reverse

from ratings.models import Introduction, PanelScore, RatingPeriod, ServiceContract
from tests.onetime import post_twice, shows_replayed
from tests.ratings import helpers as h
from tests.ratings.test_change_pages import contract_form

pytestmark = pytest.mark.django_db


def test_a_contract_posted_twice_is_one_contract_and_the_second_lands_on_it(client, tree):
    client.force_login(tree.official)

    first, second = post_twice(client, reverse("ratings:contract-list"), contract_form(tree))

    contract = ServiceContract.objects.get(compound=tree.compounds[0])
    assert first["Location"] == second["Location"] == reverse("ratings:contract-detail", args=[contract.pk])
    shows_replayed(client, second)


def test_a_quarter_opened_twice_is_one_quarter(client, tree):
    client.force_login(tree.official)

    _, second = post_twice(client, reverse("ratings:period-list"), {"year": 2026, "quarter": 2})

    period = RatingPeriod.objects.get(district=tree.district)
    assert second["Location"] == reverse("ratings:period-detail", args=[period.pk])
    shows_replayed(client, second)


def test_a_panel_score_posted_twice_is_recorded_once(client, tree):
    period = h.period(tree, status="scoring")
    client.force_login(tree.street_staff)
    fields = {"firm": tree.firm.pk, "party": "street", "score": "87.5", "note": "整改及时"}

    _, second = post_twice(client, reverse("ratings:period-inputs", args=[period.pk]), fields)

    assert list(PanelScore.objects.filter(period=period).values_list("party", "score")) == [("street", 87.5)]
    shows_replayed(client, second)


def test_an_introduction_started_twice_is_one_introduction(client, tree):
    compound = h.three_no_compound(tree)
    client.force_login(tree.street_staff)
    fields = {
        "compound": compound.pk,
        "firm": tree.firm.pk,
        "fee_basis": "per_household",
        "fee_yuan": "1.20",
        "contract_years": 3,
    }

    _, second = post_twice(client, reverse("ratings:introduction-list"), fields)

    assert Introduction.objects.filter(compound=compound).count() == 1
    shows_replayed(client, second)
