import pytest

from accounts.roles import Role
from tests import factories


@pytest.fixture
def tree(db):
    """One district with two streets, communities, compounds, buildings and grids; returns a namespace."""
    return build_tree("610116", "长安区")


@pytest.fixture
def other_tree(db):
    """A second district (the other tenant), named so that any leak is easy to spot."""
    return build_tree("610113", "雁塔区", marker="乙区")


class Tree:
    pass


def build_tree(code: str, name: str, marker: str = "") -> Tree:
    t = Tree()
    t.district = factories.DistrictFactory(code=code, name=name)
    t.streets = [
        factories.StreetFactory(district=t.district, code=f"{code}00{i}", name=f"{marker}{name}第{i}街道")
        for i in (1, 2)
    ]
    t.communities = [
        factories.CommunityFactory(street=s, code=f"{s.code}00{j}", name=f"{marker}{s.name}第{j}社区")
        for s in t.streets
        for j in (1, 2)
    ]
    t.firm = factories.PropertyFirmFactory(district=t.district, name=f"{marker}{name}物业服务有限公司")
    t.department = factories.DepartmentFactory(district=t.district, name=f"{marker}{name}公安分局")
    t.compounds = [
        factories.CompoundFactory(
            community=c, code=f"{c.code}00{k}", name=f"{marker}{c.name}第{k}小区", property_firm=t.firm
        )
        for c in t.communities
        for k in (1, 2)
    ]
    t.buildings = [factories.BuildingFactory(compound=cp, name="1号楼") for cp in t.compounds]
    t.grids = []
    for c in t.communities:
        grid = factories.GridFactory(community=c, code=f"{c.code}001", name=f"{marker}{c.name}第1网格")
        grid.buildings.set([b for b in t.buildings if b.compound.community_id == c.pk])
        t.grids.append(grid)
    t.official = factories.user_for(Role.DISTRICT_OFFICIAL, t.district, username=f"official-{code}")
    t.street_staff = factories.user_for(Role.STREET_STAFF, t.streets[0], username=f"street-{code}")
    t.cadre = factories.user_for(Role.COMMUNITY_CADRE, t.communities[0], username=f"cadre-{code}")
    t.grid_worker = factories.user_for(Role.GRID_WORKER, [t.grids[0]], username=f"grid-{code}")
    t.firm_staff = factories.user_for(Role.FIRM_STAFF, t.firm, username=f"firm-{code}")
    t.department_staff = factories.user_for(Role.DEPARTMENT_STAFF, t.department, username=f"dept-{code}")
    t.users = [t.official, t.street_staff, t.cadre, t.grid_worker, t.firm_staff, t.department_staff]
    return t


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: every test starts with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
