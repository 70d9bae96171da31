"""Filters for the organisation tree, shared by the REST API and the web dashboard (labels in Chinese).

Every choice of a related object (`street_id`, `community`, ...) is limited to what the requesting user may
view, so an id from another district is refused exactly like an id that does not exist. Each filterset has
`q` (free-text search), `<relation>_id` (by primary key) and `<relation>` (by code) variants.
"""

from typing import Any

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

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
from compounds.models.tree import StreetKind


def scoped(model: type) -> Any:
    """A callable queryset for a choice filter: the rows of `model` the requesting user may view."""

    def queryset(request: Any) -> QuerySet:
        return model.objects.visible_to(getattr(request, "user", None))

    return queryset


def crosses_many(model: type, path: str) -> bool:
    """Does `path` (a filter's field_name, `compound__buildings__grids`) cross a to-many relation from `model`?
    Only then can filtering on it repeat a row."""
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        model = field.related_model
    return False


def nothing_chosen(value: Any) -> bool:
    """No value for a filter. A model choice field cleans an absent value to `queryset.none()`, which `not value`
    would evaluate: compiling the scoped choices' query of every filter a list request did not use, on every
    request (the order API's seventeen: ~8 ms of its ~30 ms of CPU on the 100 k city)."""
    if isinstance(value, QuerySet):
        return value.query.is_empty()
    return not value


class DistinctOnlyWhenMany:
    """django-filter's multiple-choice filters make every query they filter SELECT DISTINCT, which sorts or
    hashes whole rows of the table (workorders' lists at a million rows: seconds). A filter on the row's own
    column or through to-one relations cannot repeat a row: these filters say DISTINCT only when their path
    crosses a to-many relation (or when told, `distinct=`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.distinct_given = "distinct" in kwargs
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if nothing_chosen(value):
            return qs
        if not self.distinct_given:
            self.distinct = crosses_many(qs.model, self.field_name)
        return super().filter(qs, value)


class ChoicesFilter(DistinctOnlyWhenMany, django_filters.MultipleChoiceFilter):
    """Several choices of a column (`?state=a&state=b`): `IN (…)`, DISTINCT only across a to-many relation."""


@extend_schema_field(OpenApiTypes.INT)
class ScopedIdFilter(DistinctOnlyWhenMany, django_filters.ModelMultipleChoiceFilter):
    """Objects by primary key (`?street_id=1&street_id=2`), chosen among those the user may view."""


# A refused id answers like an unknown one, without echoing it (another district's object is simply not there).
NOT_VISIBLE = {
    "invalid_choice": _("对象不存在：所选编号无效或不在您的管辖范围内。"),
    "invalid_pk_value": _("编号类型错误：应为整数。"),
}


def by_id(model: type, field_name: str, label: Any, **extra: Any) -> ScopedIdFilter:
    """A filter by the primary key of `model`, among the rows the requesting user may view."""
    return ScopedIdFilter(
        field_name=field_name, queryset=scoped(model), label=label, error_messages=NOT_VISIBLE, **extra
    )


@extend_schema_field(OpenApiTypes.STR)
class ScopedCodeFilter(DistinctOnlyWhenMany, django_filters.ModelMultipleChoiceFilter):
    """Objects by a code (`?street=610116001`), chosen among those the user may view; set `to_field_name`
    and a `field_name` ending in that field (`street__code`)."""


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    pass


class TenantFilterSet(django_filters.FilterSet):
    """`id` (comma-separated list) and `q`, a case-insensitive search over `search_fields`."""

    search_fields: tuple[str, ...] = ("name",)

    id = NumberInFilter(field_name="id", lookup_expr="in", label=_("编号（可用逗号分隔多个）"))
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class DistrictFilterMixin(django_filters.FilterSet):
    district_id = ScopedIdFilter(field_name="district", queryset=scoped(District), label=_("区"))
    district = ScopedCodeFilter(
        field_name="district__code", queryset=scoped(District), to_field_name="code", label=_("区（区划代码）")
    )


class StreetFilterMixin(DistrictFilterMixin):
    """District and street filters; `street_path` is the lookup from the filtered model to its street."""

    street_path = "street"

    street_id = ScopedIdFilter(queryset=scoped(Street), method="filter_street", label=_("街道"))
    street = ScopedCodeFilter(
        queryset=scoped(Street), to_field_name="code", method="filter_street", label=_("街道（区划代码）")
    )

    def filter_street(self, queryset: QuerySet, name: str, value: list[Street]) -> QuerySet:
        if nothing_chosen(value):
            return queryset
        queryset = queryset.filter(**{f"{self.street_path}__in": value})
        return queryset.distinct() if crosses_many(queryset.model, self.street_path) else queryset


def community_filters(path: str = "community") -> tuple:
    """`community_id` and `community` (by code) filters for a model that reaches its community by `path`."""
    return (
        ScopedIdFilter(field_name=path, queryset=scoped(Community), label=_("社区")),
        ScopedCodeFilter(
            field_name=f"{path}__code", queryset=scoped(Community), to_field_name="code", label=_("社区（区划代码）")
        ),
    )


class DistrictFilterSet(TenantFilterSet):
    search_fields = ("name", "code", "city")

    class Meta:
        model = District
        fields = {"code": ["exact"], "name": ["exact"], "city": ["exact"], "province": ["exact"]}


class StreetFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("name", "code")
    street_path = "pk"
    kind = ChoicesFilter(choices=StreetKind.choices, label=_("类型"))

    class Meta:
        model = Street
        fields = {"code": ["exact", "startswith"], "name": ["exact"]}


class CommunityFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("name", "code")
    street_path = "street"
    tier = ChoicesFilter(choices=Tier.choices, label=_("社区分类"))
    tier_since = django_filters.NumberFilter(label=_("分类生效年份"))
    tier_reason = django_filters.CharFilter(lookup_expr="icontains", label=_("分类依据包含"))
    has_compounds = django_filters.BooleanFilter(method="filter_has_compounds", label=_("有小区"))

    class Meta:
        model = Community
        fields = {"code": ["exact", "startswith"], "name": ["exact"]}

    def filter_has_compounds(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        with_compounds = Exists(Compound.objects.filter(community=OuterRef("pk")))
        return queryset.filter(with_compounds) if value else queryset.exclude(with_compounds)


class CompoundFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("name", "code", "address")
    street_path = "community__street"
    community_id, community = community_filters()
    tier = ChoicesFilter(field_name="community__tier", choices=Tier.choices, label=_("社区分类"))
    management_mode = ChoicesFilter(choices=ManagementMode.choices, label=_("管理模式"))
    property_firm_id = ScopedIdFilter(field_name="property_firm", queryset=scoped(PropertyFirm), label=_("物业企业"))
    property_firm = ScopedCodeFilter(
        field_name="property_firm__credit_code",
        queryset=scoped(PropertyFirm),
        to_field_name="credit_code",
        label=_("物业企业（统一社会信用代码）"),
    )
    has_property_firm = django_filters.BooleanFilter(
        field_name="property_firm", lookup_expr="isnull", exclude=True, label=_("有物业企业")
    )
    has_owners_committee = django_filters.BooleanFilter(label=_("有业委会"))
    has_maintenance_fund = django_filters.BooleanFilter(label=_("有维修资金"))
    is_three_no = django_filters.BooleanFilter(label=_("三无小区"))
    stationed_cadre_id = django_filters.NumberFilter(field_name="stationed_cadre", label=_("驻点干部"))
    households_min = django_filters.NumberFilter(field_name="households", lookup_expr="gte", label=_("户数不少于"))
    households_max = django_filters.NumberFilter(field_name="households", lookup_expr="lte", label=_("户数不多于"))
    built_year_min = django_filters.NumberFilter(field_name="built_year", lookup_expr="gte", label=_("建成年份不早于"))
    built_year_max = django_filters.NumberFilter(field_name="built_year", lookup_expr="lte", label=_("建成年份不晚于"))
    has_coordinates = django_filters.BooleanFilter(
        field_name="latitude", lookup_expr="isnull", exclude=True, label=_("已标注坐标")
    )
    latitude_min = django_filters.NumberFilter(field_name="latitude", lookup_expr="gte", label=_("纬度不小于"))
    latitude_max = django_filters.NumberFilter(field_name="latitude", lookup_expr="lte", label=_("纬度不大于"))
    longitude_min = django_filters.NumberFilter(field_name="longitude", lookup_expr="gte", label=_("经度不小于"))
    longitude_max = django_filters.NumberFilter(field_name="longitude", lookup_expr="lte", label=_("经度不大于"))

    class Meta:
        model = Compound
        fields = {
            "code": ["exact", "startswith"],
            "name": ["exact"],
            "address": ["icontains"],
            "built_year": ["exact"],
            "building_count": ["exact"],
            "households": ["exact"],
        }


class BuildingFilterSet(StreetFilterMixin, TenantFilterSet):
    street_path = "compound__community__street"
    community_id, community = community_filters("compound__community")
    compound_id = ScopedIdFilter(field_name="compound", queryset=scoped(Compound), label=_("小区"))
    compound = ScopedCodeFilter(
        field_name="compound__code", queryset=scoped(Compound), to_field_name="code", label=_("小区（编码）")
    )
    grid_id = ScopedIdFilter(field_name="grids", queryset=scoped(Grid), distinct=True, label=_("网格"))

    class Meta:
        model = Building
        fields = {"name": ["exact"], "households": ["exact", "gte", "lte"]}


class GridFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("name", "code")
    street_path = "community__street"
    community_id, community = community_filters()
    building_id = ScopedIdFilter(field_name="buildings", queryset=scoped(Building), distinct=True, label=_("覆盖楼栋"))
    compound_id = ScopedIdFilter(
        field_name="buildings__compound", queryset=scoped(Compound), distinct=True, label=_("覆盖小区")
    )

    class Meta:
        model = Grid
        fields = {"code": ["exact", "startswith"], "name": ["exact"]}


class PropertyFirmFilterSet(DistrictFilterMixin, TenantFilterSet):
    search_fields = ("name", "credit_code")
    is_state_fallback = django_filters.BooleanFilter(label=_("国有兜底企业"))

    class Meta:
        model = PropertyFirm
        fields = {"name": ["exact"], "credit_code": ["exact"], "contact_phone": ["exact"]}


class DepartmentFilterSet(DistrictFilterMixin, TenantFilterSet):
    kind = ChoicesFilter(choices=DepartmentKind.choices, label=_("类别"))

    class Meta:
        model = Department
        fields = {"name": ["exact"]}
