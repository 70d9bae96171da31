from datetime import date

import pytest

from staffing.services import teams
from tests.staffing import factories as f

DAY = date(2026, 1, 5)


@pytest.fixture
def crew(tree):
    """People of district A able to fill every seat of compound 0 (street 1, community 0), and the district
    police department 包抓ing compound 0 from 2025-01-01."""

    class Crew:
        pass

    c = Crew()
    c.police = f.police(tree.department, name="张警官")
    c.chief = f.dept_staff(tree.department, name="刘服务长")
    c.liaison = f.officer(tree.streets[0], name="陈联系长")
    c.lawyer = f.lawyer(tree.district, name="周律师")
    c.manager = f.property_staff(tree.firm, name="吴经理")
    c.resident = f.resident(tree.communities[0], name="郑居民")
    teams.sponsorship_set(
        actor=tree.official, department=tree.department, compound=tree.compounds[0], start=date(2025, 1, 1)
    )
    return c


def fill_all(tree, crew, compound=None, start=DAY):
    compound = compound or tree.compounds[0]
    holders = {
        "service_chief": crew.chief,
        "street_liaison": crew.liaison,
        "police_officer": crew.police,
        "legal_adviser": crew.lawyer,
        "property_manager": crew.manager,
        "resident_representative": crew.resident,
    }
    return {
        seat: teams.seat_appoint(actor=tree.official, compound=compound, seat=seat, person=person, start=start)
        for seat, person in holders.items()
    }


@pytest.fixture
def coverage_fixture(tree, crew):
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
