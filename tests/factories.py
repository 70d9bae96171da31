"""factory_boy factories that build a consistent tree in one call.

    compound = CompoundFactory()                      # with its own district, street and community
    compound = CompoundFactory(community=community)   # inside an existing community

Codes are derived from the parent so that every prefix rule holds.
"""

import factory
from factory.django import DjangoModelFactory

from accounts.actors import SystemActor
from accounts.models import User
from accounts.roles import Role
from compounds import validators
from compounds.models import (
    Building,
    Community,
    Compound,
    Department,
    DepartmentKind,
    District,
    Grid,
    ManagementMode,
    PropertyFirm,
    Street,
    Tier,
)

SYSTEM = SystemActor(name="tests")  # the system acting in tests: seeds, imports, tasks (accounts.actors)


def credit_code(n: int) -> str:
    first17 = f"91610116{n:09d}"
    return first17 + validators.credit_code_check_character(first17)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{610100 + n % 900:06d}")
    name = factory.Sequence(lambda n: f"测试{n}区")
    city = "西安市"
    province = "陕西省"


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.district.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试{n}街道")


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    district = factory.SelfAttribute("street.district")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试{n}社区")
    tier = Tier.A


class PropertyFirmFactory(DjangoModelFactory):
    class Meta:
        model = PropertyFirm

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}物业服务有限公司")
    credit_code = factory.Sequence(credit_code)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}部门")
    kind = DepartmentKind.POLICE


class CompoundFactory(DjangoModelFactory):
    class Meta:
        model = Compound

    community = factory.SubFactory(CommunityFactory)
    district = factory.SelfAttribute("community.district")
    # 100–999: never the 001/002 of the tests' tree (tests/conftest.py build_tree), whatever the sequence reached
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.community.code}{100 + n % 900:03d}")
    name = factory.Sequence(lambda n: f"测试{n}小区")
    address = factory.Sequence(lambda n: f"测试路{n}号")
    built_year = 2005
    building_count = 6
    households = 480
    management_mode = ManagementMode.COMMERCIAL
    property_firm = factory.SubFactory(PropertyFirmFactory, district=factory.SelfAttribute("..district"))
    has_owners_committee = True
    has_maintenance_fund = True


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    district = factory.SelfAttribute("compound.district")
    name = factory.Sequence(lambda n: f"{n}号楼")
    households = 80


class GridFactory(DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    district = factory.SelfAttribute("community.district")
    # 100–999: never the 001/002 of the tests' tree (tests/conftest.py build_tree), whatever the sequence reached
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.community.code}{100 + n % 900:03d}")
    name = factory.Sequence(lambda n: f"第{n}网格")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.DISTRICT_OFFICIAL
    district = factory.SubFactory(DistrictFactory)
    password = factory.django.Password("pass-1234")

    @factory.post_generation
    def grids(self, create, extracted, **kwargs):
        if create and extracted:
            self.grids.set(extracted)


def user_for(role: Role, scope=None, **extra) -> User:
    """A user of `role` whose scope is `scope` (a district, street, community, firm, department or grids)."""
    if role == Role.PLATFORM_ADMIN:
        return UserFactory(role=role, district=None, is_staff=True, is_superuser=True, **extra)
    if role == Role.GRID_WORKER:
        grids = list(scope)
        return UserFactory(role=role, district=grids[0].district, grids=grids, **extra)
    field = {
        Role.DISTRICT_OFFICIAL: None,
        Role.STREET_STAFF: "street",
        Role.COMMUNITY_CADRE: "community",
        Role.FIRM_STAFF: "property_firm",
        Role.DEPARTMENT_STAFF: "department",
    }[role]
    district = scope if field is None else scope.district
    kwargs = {field: scope} if field else {}
    return UserFactory(role=role, district=district, **kwargs, **extra)


def api_key_for(user: User, *, days: int = 30, name: str = "测试密钥") -> str:
    """A live API key of `user` (what a client sends as `Authorization: Token <key>` or Open311's api_key)."""
    from accounts.apikeys import api_key_issue

    return api_key_issue(actor=SYSTEM, user=user, name=name, days=days)[1]
