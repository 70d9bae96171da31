"""The standard API tests (tests/api_testing.py) for every endpoint of the organisation tree."""

from itertools import count

from compounds.models import Building, Community, Compound, Department, District, Grid, PropertyFirm, Street
from tests import factories
from tests.api_testing import APIViewTests

serial = count(100)


class TestDistrictAPI(APIViewTests):
    url_name = "compounds-api:district"
    model = District
    read_only = True
    update_data = {"name": "改名区"}
    list_query_limit = 2

    def make_object(self, tree):
        return tree.district

    def create_data(self, tree):
        return {"code": "610199", "name": "新建区"}


class TestStreetAPI(APIViewTests):
    url_name = "compounds-api:street"
    model = Street
    update_data = {"name": "改名街道", "kind": "town"}
    list_query_limit = 2

    def make_object(self, tree):
        return factories.StreetFactory(district=tree.district, code=f"{tree.district.code}{next(serial)}")

    def create_data(self, tree):
        return {"code": f"{tree.district.code}900", "name": "新建街道", "kind": "town"}


class TestCommunityAPI(APIViewTests):
    url_name = "compounds-api:community"
    model = Community
    update_data = {"name": "改名社区"}
    list_query_limit = 2

    def make_object(self, tree):
        street = tree.streets[0]
        return factories.CommunityFactory(street=street, code=f"{street.code}{next(serial)}")

    def create_data(self, tree):
        street = tree.streets[0]
        return {"street": street.pk, "code": f"{street.code}900", "name": "新建社区"}


class TestCompoundAPI(APIViewTests):
    url_name = "compounds-api:compound"
    model = Compound
    list_query_limit = 2

    def make_object(self, tree):
        community = tree.communities[0]
        return factories.CompoundFactory(
            community=community, code=f"{community.code}{next(serial)}", property_firm=tree.firm
        )

    def create_data(self, tree):
        community = tree.communities[0]
        return {
            "community": community.pk,
            "code": f"{community.code}900",
            "name": "新建小区",
            "address": "长安路 1 号",
            "built_year": 1998,
            "building_count": 4,
            "households": 320,
            "management_mode": "state_fallback",
            "has_owners_committee": False,
            "has_maintenance_fund": True,
        }

    def update_data(self, tree):
        # The firm is read-only (a contract sets it): a firm mode keeps the firm valid.
        return {"households": 500, "management_mode": "state_fallback"}


class TestBuildingAPI(APIViewTests):
    url_name = "compounds-api:building"
    model = Building
    update_data = {"name": "2号楼", "households": 96}
    list_query_limit = 2

    def make_object(self, tree):
        return factories.BuildingFactory(compound=tree.compounds[0], name=f"{next(serial)}号楼")

    def create_data(self, tree):
        return {"compound": tree.compounds[0].pk, "name": "99号楼", "households": 60}


class TestGridAPI(APIViewTests):
    url_name = "compounds-api:grid"
    model = Grid
    list_query_limit = 3

    def make_object(self, tree):
        community = tree.communities[0]
        grid = factories.GridFactory(community=community, code=f"{community.code}{next(serial)}")
        grid.buildings.set([tree.buildings[0]])
        return grid

    def create_data(self, tree):
        community = tree.communities[0]
        buildings = [b.pk for b in tree.buildings if b.compound.community_id == community.pk]
        return {"community": community.pk, "code": f"{community.code}900", "name": "新建网格", "buildings": buildings}

    def update_data(self, tree):
        return {"name": "改名网格", "buildings": [tree.buildings[1].pk]}


class TestPropertyFirmAPI(APIViewTests):
    url_name = "compounds-api:property-firm"
    model = PropertyFirm
    update_data = {"contact_phone": "029-85551234", "is_state_fallback": True}
    list_query_limit = 2

    def make_object(self, tree):
        return factories.PropertyFirmFactory(district=tree.district)

    def create_data(self, tree):
        return {
            "name": "新建物业服务有限公司",
            "credit_code": factories.credit_code(999_001),
            "contact_phone": "029-85550001",
        }


class TestDepartmentAPI(APIViewTests):
    url_name = "compounds-api:department"
    model = Department
    update_data = {"name": "区住建局", "kind": "housing"}
    list_query_limit = 2

    def make_object(self, tree):
        return factories.DepartmentFactory(district=tree.district, name=f"部门{next(serial)}")

    def create_data(self, tree):
        return {"name": "区市场监管局", "kind": "market_supervision"}
