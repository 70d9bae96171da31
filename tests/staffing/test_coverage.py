"""Coverage (配齐率) on a fixture counted by hand."""

from datetime import date
from decimal import Decimal

import pytest

from staffing import selectors
from staffing.services import teams
from tests.staffing import factories as f
from tests.staffing.conftest import DAY, fill_all

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 30)


@pytest.fixture
def fixture(tree, crew):
    """Street 1 has compounds 0–3, street 2 compounds 4–7 (tests/conftest.py).
    - compound 0: all six seats filled → full.
    - compound 1: team formed 2026-01-05 with five seats (no service chief: no 包抓 department) → vacant since
      2026-01-05 = 176 days on 30 June.
    - compound 4 (street 2): full, then its legal adviser left on 2026-06-01 → vacant 29 days.
    - compounds 2, 3, 5, 6, 7: no team → six seats each vacant, since unknown.
    """
    fill_all(tree, crew)
    lawyer2 = f.lawyer(tree.district, name="冯律师")
    for seat, person in {
        "street_liaison": crew.liaison,
        "police_officer": crew.police,
        "legal_adviser": lawyer2,
        "property_manager": crew.manager,
        "resident_representative": f.resident(tree.communities[0], name="卫居民"),
    }.items():
        teams.seat_appoint(actor=tree.official, compound=tree.compounds[1], seat=seat, person=person, start=DAY)
    teams.sponsorship_set(actor=tree.official, department=tree.department, compound=tree.compounds[4], start=DAY)
    street2 = f.officer(tree.streets[1], name="蒋联系长")
    holders = {
        "service_chief": crew.chief,
        "street_liaison": street2,
        "police_officer": crew.police,
        "legal_adviser": crew.lawyer,
        "property_manager": crew.manager,
        "resident_representative": f.resident(tree.communities[2], name="沈居民"),
    }
    terms = {
        seat: teams.seat_appoint(actor=tree.official, compound=tree.compounds[4], seat=seat, person=p, start=DAY)
        for seat, p in holders.items()
    }
    teams.seat_end(actor=tree.official, term=terms["legal_adviser"], end=date(2026, 6, 1), reason="合同到期")


def test_coverage_per_street_and_district(tree, fixture):
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


def test_coverage_follows_the_actors_scope(tree, other_tree, fixture):
    coverage = selectors.team_coverage(actor=tree.street_staff, on=ON)
    assert [s.name for s in coverage.streets] == [tree.streets[0].name]
    assert coverage.district.compounds == 4
    assert selectors.team_coverage(actor=other_tree.official, on=ON).district.full == 0
