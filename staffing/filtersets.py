"""Filters of the staffing API, on the shared bases of compounds.filtersets (labels in Chinese). Every
related choice is limited to what the requesting user may view: another district's id answers like a
missing one (a 400 that does not echo it)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from compounds.filtersets import ChoicesFilter, StreetFilterMixin, TenantFilterSet, by_id
from compounds.models import Building, Community, Compound, Department, Grid, PropertyFirm
from staffing.models import (
    BuildingHead,
    DutyRoster,
    DutyShift,
    GridMember,
    GridSide,
    Household,
    Leave,
    LeaveKind,
    PartyHousehold,
    Person,
    PersonRole,
    ReceptionDay,
    ReceptionHost,
    SeatKind,
    SeatTerm,
    ServiceTeam,
    ShiftKind,
    SinkDownMember,
    SinkDownPost,
    SinkDownTask,
    SinkDownTaskType,
    SinkDownTeam,
    Sponsorship,
    StaffingImport,
    StarAssessment,
    StationedCadre,
    Visit,
    VisitNeed,
    VisitOutcome,
    VolunteerService,
)


class CurrentFilterMixin(django_filters.FilterSet):
    """`current=true`: terms in force today; `on=2026-03-01`: in force that day."""

    current = django_filters.BooleanFilter(method="filter_current", label="仅现任")
    on = django_filters.DateFilter(method="filter_on", label="在某日在任")

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        current = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gt=today))
        return queryset.filter(current) if value else queryset.exclude(current)

    def filter_on(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.current(value) if value else queryset


class PersonFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("name", "organisation_name", "title")
    street_path = "street"
    role = ChoicesFilter(choices=PersonRole.choices, label="身份")
    community_id = by_id(Community, "community", "所属社区")
    department_id = by_id(Department, "department", "所属部门")
    property_firm_id = by_id(PropertyFirm, "property_firm", "所属物业企业")
    has_account = django_filters.BooleanFilter(
        field_name="account", lookup_expr="isnull", exclude=True, label="有登录账号"
    )

    class Meta:
        model = Person
        fields = {"is_active": ["exact"], "is_party_member": ["exact"], "name": ["exact"]}


class VolunteerServiceFilterSet(TenantFilterSet):
    search_fields = ("activity", "person__name")
    person_id = by_id(Person, "person", "人员")
    community_id = by_id(Community, "community", "服务社区")
    served_from = django_filters.DateFilter(field_name="served_on", lookup_expr="gte", label="服务日期不早于")
    served_to = django_filters.DateFilter(field_name="served_on", lookup_expr="lte", label="服务日期不晚于")

    class Meta:
        model = VolunteerService
        fields = ["served_on"]


class ServiceTeamFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("compound__name", "compound__code")
    street_path = "compound__community__street"
    compound_id = by_id(Compound, "compound", "小区")
    community_id = by_id(Community, "compound__community", "社区")

    class Meta:
        model = ServiceTeam
        fields = ["formed_on"]


class SeatTermFilterSet(CurrentFilterMixin, StreetFilterMixin, TenantFilterSet):
    search_fields = ("person__name", "team__compound__name")
    street_path = "team__compound__community__street"
    seat = ChoicesFilter(choices=SeatKind.choices, label="岗位")
    compound_id = by_id(Compound, "team__compound", "小区")
    community_id = by_id(Community, "team__compound__community", "社区")
    person_id = by_id(Person, "person", "人员")

    class Meta:
        model = SeatTerm
        fields = ["start", "end"]


class SponsorshipFilterSet(CurrentFilterMixin, TenantFilterSet):
    search_fields = ("department__name", "compound__name")
    department_id = by_id(Department, "department", "包抓部门")
    compound_id = by_id(Compound, "compound", "小区")

    class Meta:
        model = Sponsorship
        fields = ["start", "end"]


class GridMemberFilterSet(CurrentFilterMixin, StreetFilterMixin, TenantFilterSet):
    search_fields = ("person__name", "grid__name", "grid__code")
    street_path = "grid__community__street"
    side = ChoicesFilter(choices=GridSide.choices, label="类别")
    grid_id = by_id(Grid, "grid", "网格")
    community_id = by_id(Community, "grid__community", "社区")
    person_id = by_id(Person, "person", "人员")

    class Meta:
        model = GridMember
        fields = ["start", "end"]


class BuildingHeadFilterSet(CurrentFilterMixin, TenantFilterSet):
    search_fields = ("person__name", "building__name")
    building_id = by_id(Building, "building", "楼栋")
    compound_id = by_id(Compound, "building__compound", "小区")
    person_id = by_id(Person, "person", "人员")

    class Meta:
        model = BuildingHead
        fields = ["start", "end"]


class PartyHouseholdFilterSet(TenantFilterSet):
    search_fields = ("person__name",)
    grid_id = by_id(Grid, "grid", "网格")
    person_id = by_id(Person, "person", "党员")

    class Meta:
        model = PartyHousehold
        fields = ["is_active", "since"]


class HouseholdFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("address", "compound__name")  # names and phones are personal data: not searchable
    street_path = "compound__community__street"
    grid_id = by_id(Grid, "grid", "网格")
    compound_id = by_id(Compound, "compound", "小区")
    building_id = by_id(Building, "building", "楼栋")
    need = ChoicesFilter(choices=VisitNeed.choices, method="filter_need", label="走访类别")
    overdue_on = django_filters.DateFilter(method="filter_overdue", label="在某日已逾期未访")
    due_by = django_filters.DateFilter(field_name="next_visit_on", lookup_expr="lte", label="应访日期不晚于")

    class Meta:
        model = Household
        fields = ["is_active", "party_household"]

    def filter_need(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(needs__overlap=value) if value else queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(next_visit_on__lt=value).exclude(needs=[]) if value else queryset


class VisitFilterSet(TenantFilterSet):
    search_fields = ("findings",)
    household_id = by_id(Household, "household", "住户")
    grid_id = by_id(Grid, "household__grid", "网格")
    compound_id = by_id(Compound, "household__compound", "小区")
    outcome = ChoicesFilter(choices=VisitOutcome.choices, label="走访情况")
    visited_from = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__gte", label="走访日期不早于")
    visited_to = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__lte", label="走访日期不晚于")
    raised_order = django_filters.BooleanFilter(
        field_name="work_order", lookup_expr="isnull", exclude=True, label="已转工单"
    )

    class Meta:
        model = Visit
        fields = ["visitor"]


class StationedCadreFilterSet(CurrentFilterMixin, StreetFilterMixin, TenantFilterSet):
    search_fields = ("person__name", "compound__name")
    street_path = "compound__community__street"
    compound_id = by_id(Compound, "compound", "小区")
    person_id = by_id(Person, "person", "驻点干部")

    class Meta:
        model = StationedCadre
        fields = ["post", "start", "end"]


class ReceptionDayFilterSet(TenantFilterSet):
    search_fields = ("place",)
    compound_id = by_id(Compound, "compound", "小区")
    host = ChoicesFilter(choices=ReceptionHost.choices, label="接待类型")

    class Meta:
        model = ReceptionDay
        fields = ["weekday", "is_active"]


class SinkDownTeamFilterSet(TenantFilterSet):
    department_id = by_id(Department, "department", "牵头部门")
    community_id = by_id(Community, "posts__community", "下沉社区", distinct=True)

    class Meta:
        model = SinkDownTeam
        fields = ["is_active", "formed_on"]


class SinkDownMemberFilterSet(CurrentFilterMixin, TenantFilterSet):
    search_fields = ("person__name",)
    team_id = by_id(SinkDownTeam, "team", "服务队")
    person_id = by_id(Person, "person", "队员")

    class Meta:
        model = SinkDownMember
        fields = ["is_leader"]


class SinkDownPostFilterSet(CurrentFilterMixin, TenantFilterSet):
    search_fields = ("team__name", "community__name")  # a post has no name of its own (the default searched one)
    team_id = by_id(SinkDownTeam, "team", "服务队")
    community_id = by_id(Community, "community", "社区")

    class Meta:
        model = SinkDownPost
        fields = ["start", "end"]


class SinkDownTaskFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("title", "description")
    street_path = "community__street"
    team_id = by_id(SinkDownTeam, "team", "服务队")
    community_id = by_id(Community, "community", "社区")
    task_type = ChoicesFilter(choices=SinkDownTaskType.choices, label="任务类型")
    done_from = django_filters.DateFilter(field_name="done_on", lookup_expr="gte", label="日期不早于")
    done_to = django_filters.DateFilter(field_name="done_on", lookup_expr="lte", label="日期不晚于")

    class Meta:
        model = SinkDownTask
        fields = ["done_on"]


class DutyRosterFilterSet(StreetFilterMixin, TenantFilterSet):
    street_path = "street"
    community_id = by_id(Community, "community", "社区")
    street_level = django_filters.BooleanFilter(field_name="community", lookup_expr="isnull", label="街道值班表")

    class Meta:
        model = DutyRoster
        fields = ["is_active"]


class DutyShiftFilterSet(TenantFilterSet):
    search_fields = ("person__name",)
    roster_id = by_id(DutyRoster, "roster", "值班表")
    person_id = by_id(Person, "person", "值班人员")
    kind = ChoicesFilter(choices=ShiftKind.choices, label="类型")
    day_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label="日期不早于")
    day_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label="日期不晚于")

    class Meta:
        model = DutyShift
        fields: list[str] = []


class LeaveFilterSet(TenantFilterSet):
    search_fields = ("person__name",)
    person_id = by_id(Person, "person", "人员")
    kind = ChoicesFilter(choices=LeaveKind.choices, label="类型")
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte", label="日期不早于")
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte", label="日期不晚于")

    class Meta:
        model = Leave
        fields = ["day"]


class StarAssessmentFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("person__name",)
    street_path = "street"
    community_id = by_id(Community, "community", "社区")
    person_id = by_id(Person, "person", "人员")
    role = ChoicesFilter(choices=PersonRole.choices, label="身份")
    approved = django_filters.BooleanFilter(
        field_name="approved_at", lookup_expr="isnull", exclude=True, label="已审定"
    )
    stars = django_filters.NumberFilter(label="星级")

    class Meta:
        model = StarAssessment
        fields = ["year", "quarter"]


class StaffingImportFilterSet(TenantFilterSet):
    search_fields = ("file_name",)

    class Meta:
        model = StaffingImport
        fields = ["status", "dry_run"]
