"""factory_boy factories for staffing rows, built inside an existing tree (tests/conftest.py)."""

import factory
from factory.django import DjangoModelFactory

from staffing.models import Person, PersonRole


def _phone(n: int) -> str:
    return f"139{n % 100_000_000:08d}"


class PersonFactory(DjangoModelFactory):
    """A community worker of a given community by default: PersonFactory(community=tree.communities[0])."""

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")
    phone = factory.Sequence(_phone)
    role = PersonRole.COMMUNITY_WORKER
    community = None
    street = factory.LazyAttribute(lambda o: o.community.street if o.community else None)
    district = factory.LazyAttribute(
        lambda o: (
            (o.community or o.street or o.department or o.property_firm).district
            if (o.community or o.street or o.department or o.property_firm)
            else None
        )
    )
    department = None
    property_firm = None


def worker(community, **extra) -> Person:
    return PersonFactory(community=community, role=PersonRole.COMMUNITY_WORKER, **extra)


def cadre(community, **extra) -> Person:
    return PersonFactory(community=community, role=PersonRole.COMMUNITY_CADRE, **extra)


def grid_worker(community, **extra) -> Person:
    return PersonFactory(community=community, role=PersonRole.GRID_WORKER, **extra)


def officer(street, **extra) -> Person:
    return PersonFactory(street=street, role=PersonRole.STREET_OFFICER, **extra)


def police(department, **extra) -> Person:
    return PersonFactory(department=department, role=PersonRole.POLICE_OFFICER, street=None, **extra)


def dept_staff(department, **extra) -> Person:
    return PersonFactory(department=department, role=PersonRole.DEPARTMENT_STAFF, street=None, **extra)


def property_staff(firm, **extra) -> Person:
    return PersonFactory(property_firm=firm, role=PersonRole.PROPERTY_STAFF, street=None, **extra)


def lawyer(district, **extra) -> Person:
    return PersonFactory(
        district=district, role=PersonRole.LEGAL_ADVISER, street=None, organisation_name="秦律律师事务所", **extra
    )


def resident(community, **extra) -> Person:
    return PersonFactory(community=community, role=PersonRole.RESIDENT, **extra)
