"""Coverage (配齐率) on a fixture counted by hand."""

from datetime import date
from decimal import Decimal

import pytest

from staffing import selectors

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 30)


def test_coverage_per_street_and_district(tree, coverage_fixture):
    coverage = selectors.team_coverage(actor=tree.official, on=ON)
    street1, street2 = coverage.streets
    # street 1: 4 compounds, 2 teams, 1 full; vacant seats: 1 (compound 1) + 6 + 6 (compounds 2, 3) = 13
    assert (street1.compounds, street1.teams, street1.full, street1.vacant_seats) == (4, 2, 1, 13)
    assert street1.rate == Decimal("0.2500")
    assert street1.by_seat["service_chief"] == 3 and street1.by_seat["legal_adviser"] == 2
    assert street1.longest_days == 176
    # street 2: 4 compounds, 1 team, 0 full; 1 + 3 × 6 = 19 vacant seats; longest known vacancy 29 days
    assert (street2.compounds, street2.teams, street2.full, street2.vacant_seats, street2.longest_days) == (
        4,
        1,
        0,
        19,
        29,
    )
    # district: 8 compounds, 1 full (12.5 %), 32 vacant seats
    district = coverage.district
    assert (district.compounds, district.full, district.vacant_seats, district.rate) == (8, 1, 32, Decimal("0.1250"))
    # the longest vacancies first
    first, second = coverage.vacancies[:2]
    assert (first.compound_name, first.seat_label, first.days, first.reason) == (
        tree.compounds[1].name,
        "服务长",
        176,
        "组建以来从未配备",
    )
    assert (second.compound_name, second.seat_label, second.days, second.since) == (
        tree.compounds[4].name,
        "法律顾问",
        29,
        date(2026, 6, 1),
    )


def test_coverage_follows_the_actors_scope(tree, other_tree, coverage_fixture):
    coverage = selectors.team_coverage(actor=tree.street_staff, on=ON)
    assert [s.name for s in coverage.streets] == [tree.streets[0].name]
    assert coverage.district.compounds == 4
    assert selectors.team_coverage(actor=other_tree.official, on=ON).district.full == 0
