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
