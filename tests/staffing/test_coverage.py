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


def test_the_counts_in_sql_are_the_teams_counted_one_by_one(tree, other_tree, coverage_fixture):
    """coverage_counts (the district home's table, one statement) against team_coverage (each compound's team
    built in Python): the same figures for every actor and day, a replaced property firm included."""
    from compounds.models import Compound
    from tests.factories import PropertyFirmFactory

    # given also compound 0 taken over by another firm after its manager was appointed
    Compound.objects.filter(pk=tree.compounds[0].pk).update(
        property_firm=PropertyFirmFactory(district=tree.district, name="新接管物业")
    )

    def figures(unit):
        return (unit.unit_id, unit.name, unit.compounds, unit.teams, unit.full, unit.vacant_seats, unit.by_seat)

    for actor in (tree.official, tree.street_staff, other_tree.official):
        for on in (date(2025, 12, 31), date(2026, 1, 5), date(2026, 6, 1), ON, date(2027, 1, 1)):
            counted = selectors.coverage_counts(actor=actor, on=on)
            built = selectors.team_coverage(actor=actor, on=on)
            assert figures(counted.district) == figures(built.district), (actor, on)
            assert [figures(s) for s in counted.streets] == [figures(s) for s in built.streets], (actor, on)
    # and the replaced firm's manager no longer fills the seat
    counted = selectors.coverage_counts(actor=tree.official, on=ON)
    assert counted.streets[0].full == 0 and counted.streets[0].by_seat["property_manager"] == 3


def test_the_counts_take_the_same_statements_however_many_compounds(tree, coverage_fixture, django_assert_num_queries):
    from tests.factories import CompoundFactory

    with django_assert_num_queries(2):  # the district's name, the counts
        selectors.coverage_counts(actor=tree.official, on=ON)
    for n in range(20):
        CompoundFactory(
            community=tree.communities[n % 4], code=f"{tree.communities[n % 4].code}{100 + n}", property_firm=tree.firm
        )
    with django_assert_num_queries(2):
        assert selectors.coverage_counts(actor=tree.official, on=ON).district.compounds == 28
