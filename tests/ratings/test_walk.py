"""The site-wide tenancy walk (tests/test_tenancy_walk.py), run here with the ratings makers and exemption
from tests/ratings/walk.py added, so that every ratings URL is walked even before that file lists them."""

import pytest

from tests import test_tenancy_walk as walk
from tests.ratings.walk import RATINGS_EXEMPT, ratings_object_makers

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_ratings(monkeypatch):
    for model, maker in ratings_object_makers().items():
        monkeypatch.setitem(walk.OBJECT_MAKERS, model, maker)
    for name, reason in RATINGS_EXEMPT.items():
        monkeypatch.setitem(walk.EXEMPT, name, reason)


ALL_ROUTES = walk.routes


def ratings_routes():
    return [r for r in ALL_ROUTES() if r.name.startswith(("ratings:", "ratings-api:"))]


def test_every_ratings_object_url_is_a_404_for_another_districts_object(
    client, tree, other_tree, with_ratings, monkeypatch
):
    monkeypatch.setattr(walk, "routes", ratings_routes)
    walk.test_every_object_url_is_a_404_for_another_districts_object(client, tree, other_tree)


def test_no_ratings_page_or_list_shows_another_districts_data(client, tree, other_tree, with_ratings, monkeypatch):
    from tests.ratings.walk import ratings_objects

    ratings_objects(tree)
    ratings_objects(other_tree)
    monkeypatch.setattr(walk, "routes", ratings_routes)
    walk.test_no_page_or_list_shows_another_districts_data(client, tree, other_tree)
