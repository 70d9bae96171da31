"""Hole 4 of issue 7: every figure follows the scope of the rows it is computed from. Grid workers and
department staff read no unpublished score or breakdown; firm staff read no district-wide street ranking;
a street's staff read their own street's line."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.actors import SystemActor
from ratings import services
from ratings.models import FirmScore
from tests.ratings import helpers as h
from tests.ratings.test_pages import built_quarter
from tests.workorders.conftest import MONDAY_9AM
from workorders import services as wo

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(tree):
    objs = built_quarter(tree)
    rival = h.firm(tree, "竞争对手物业")
    h.answers(objs["period"], h.compound_for(tree, rival), [h.S, h.N])
    services.period_compute(actor=SYSTEM, period=objs["period"])
    objs["score"] = FirmScore.objects.get(period=objs["period"], firm=tree.firm)
    return objs


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ["grid_worker", "department_staff"])
def test_grid_and_department_staff_read_no_unpublished_score(client, tree, quarter, role):
    user = getattr(tree, role)
    api = api_as(user)
    score = quarter["score"]

    # before publication: no score in the API, no breakdown, no lists, no score on the period page
    assert api.get("/api/v1/ratings/scores/").json()["results"] == []
    assert api.get(f"/api/v1/ratings/scores/{score.pk}/breakdown/").status_code == 404
    lists = api.get(f"/api/v1/ratings/periods/{quarter['period'].pk}/lists/").json()
    assert all(rows == [] for rows in lists.values())
    client.force_login(user)
    page = client.get(reverse("ratings:period-detail", args=[quarter["period"].pk])).content.decode()
    assert "竞争对手物业" not in page and str(score.total) not in page
    assert client.get(reverse("ratings:score-detail", args=[score.pk])).status_code == 404

    # after publication the published lists are theirs to read
    services.period_publish(actor=tree.official, period=quarter["period"])
    assert len(api.get("/api/v1/ratings/scores/").json()["results"]) == 2
    assert api.get(f"/api/v1/ratings/scores/{score.pk}/breakdown/").status_code == 200


def test_street_and_cadre_still_read_unpublished_scores(tree, quarter):
    for user in (tree.street_staff, tree.cadre, tree.official):
        assert len(api_as(user).get("/api/v1/ratings/scores/").json()["results"]) == 2


def test_the_street_breakdown_shows_only_streets_whose_answers_the_reader_sees(client, tree, quarter):
    services.period_publish(actor=tree.official, period=quarter["period"])
    url = reverse("ratings:period-detail", args=[quarter["period"].pk])

    def streets_on_page(user):
        client.force_login(user)
        body = client.get(url).content.decode()
        return {street.name for street in tree.streets if street.name in body}

    assert streets_on_page(tree.official) == {s.name for s in tree.streets}
    assert streets_on_page(tree.street_staff) == {tree.streets[0].name}
    assert streets_on_page(tree.grid_worker) == set()
    assert streets_on_page(tree.department_staff) == set()


@pytest.fixture
def march_orders(tree):
    categories = {c.code: c for c in wo.categories_seed(actor=SYSTEM, district=tree.district)}
    for compound in (tree.compounds[0], tree.compounds[4]):  # one in each street
        wo.work_order_file(
            actor=SYSTEM,
            compound=compound,
            category=categories["noise"],
            channel="resident_qr",
            title="夜间施工",
            description="夜间施工噪音",
            now=MONDAY_9AM,
        )


def ranking_as(user):
    response = api_as(user).get(reverse("workorders-api:street-ranking"), {"month": "2026-03"})
    assert response.status_code == 200, response.content
    return [line["street"] for line in response.json()["streets"]]


def test_the_street_ranking_follows_the_scope_of_the_orders(tree, march_orders):
    assert len(ranking_as(tree.official)) == 2
    assert ranking_as(tree.street_staff) == [tree.streets[0].pk]
    for user in (tree.firm_staff, tree.grid_worker, tree.department_staff, tree.cadre):
        assert ranking_as(user) == []


def test_the_kpi_page_shows_a_firm_no_ranking(client, tree, march_orders):
    client.force_login(tree.firm_staff)
    page = client.get(reverse("workorders:kpis"), {"month": "2026-03"})
    assert page.status_code == 200
    assert tree.streets[1].name not in page.content.decode()
    client.force_login(tree.official)
    assert tree.streets[1].name in client.get(reverse("workorders:kpis"), {"month": "2026-03"}).content.decode()


def test_ties_in_api_ordering_are_broken_by_primary_key(tree):
    api = api_as(tree.official)
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/compounds/", {"ordering": "-households"})
    assert response.status_code == 200
    listing = next(
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "compounds_compound"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
    )
    assert listing.split("ORDER BY")[1].split("LIMIT")[0].strip().endswith('"compounds_compound"."id" ASC')
