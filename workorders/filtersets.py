"""Filters for work orders and their catalogue, shared by the REST API and the staff pages (labels in Chinese).

Every related choice (`compound_id`, `category_id`, ...) is limited to what the requesting user may view
(compounds.filtersets.scoped), so an id from another district is refused like an id that does not exist.
Each filterset has `q` (free-text search), `<relation>_id` (by primary key) and, where the relation has a
code, `<relation>` (by code).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from compounds.filtersets import (
    ChoicesFilter,
    ScopedCodeFilter,
    ScopedIdFilter,
    StreetFilterMixin,
    TenantFilterSet,
    community_filters,
    scoped,
)
from compounds.models import Community, Compound, Department, ManagementMode, PropertyFirm, Street, Tier
from workorders.models import (
    Category,
    Channel,
    DeliberationMeeting,
    HandlerLevel,
    RoutingMode,
    RoutingRule,
    Satisfaction,
    State,
    UrgencyClass,
    WorkOrder,
)
from workorders.statemachine import overdue_condition, to_dispatch_condition
from workorders.worktime import BEIJING

# What WorkOrderQuerySet.open() leaves out.
DONE_STATES = [State.CLOSED, State.MERGED, State.REJECTED, State.RESOLVED, State.RATED]


def beijing_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=BEIJING)


def scoped_users(request: Any) -> QuerySet:
    """Users of the requesting user's district (a user has no scope map: the district is the tenant)."""
    actor = getattr(request, "user", None)
    if actor is None or not getattr(actor, "is_authenticated", False):
        return User.objects.none()
    if actor.is_platform_admin:
        return User.objects.all()
    return User.objects.filter(district_id=actor.district_id) if actor.district_id else User.objects.none()


class WorkOrderFilterSet(StreetFilterMixin, TenantFilterSet):
    """The queue's and the API's filters. `overdue=true` keeps orders past a due time; the date ranges are
    inclusive calendar days in Beijing time, asked as half-open ranges of the column itself
    ([day 00:00, next day 00:00) Beijing) so that the (district, …, created_at) indexes serve them — a
    `created_at__date` filter wraps the column in a time-zone conversion no index matches."""

    search_fields = ("title", "description", "tracking_code", "external_number")
    street_path = "street"

    state = ChoicesFilter(choices=State.choices, label=_("状态"))
    channel = ChoicesFilter(choices=Channel.choices, label=_("来源渠道"))
    handler_level = ChoicesFilter(choices=HandlerLevel.choices, label=_("承办层级"))
    satisfaction = ChoicesFilter(choices=Satisfaction.choices, label=_("满意度"))
    category_id = ScopedIdFilter(field_name="category", queryset=scoped(Category), label=_("诉求类别"))
    category = ScopedCodeFilter(
        field_name="category__code", queryset=scoped(Category), to_field_name="code", label=_("诉求类别（编码）")
    )
    community_id, community = community_filters()
    compound_id = ScopedIdFilter(field_name="compound", queryset=scoped(Compound), label=_("小区"))
    compound = ScopedCodeFilter(
        field_name="compound__code", queryset=scoped(Compound), to_field_name="code", label=_("小区（编码）")
    )
    property_firm_id = ScopedIdFilter(field_name="property_firm", queryset=scoped(PropertyFirm), label=_("责任物业"))
    handler_firm_id = ScopedIdFilter(field_name="handler_firm", queryset=scoped(PropertyFirm), label=_("承办物业"))
    handler_community_id = ScopedIdFilter(
        field_name="handler_community", queryset=scoped(Community), label=_("承办社区")
    )
    handler_street_id = ScopedIdFilter(field_name="handler_street", queryset=scoped(Street), label=_("承办街道"))
    handler_department_id = ScopedIdFilter(
        field_name="handler_department", queryset=scoped(Department), label=_("承办部门")
    )
    handler_user_id = ScopedIdFilter(field_name="handler_user", queryset=scoped_users, label=_("承办人"))
    department_id = ScopedIdFilter(
        field_name="departments", queryset=scoped(Department), distinct=True, label=_("参与部门")
    )
    reported_by_id = ScopedIdFilter(field_name="reported_by", queryset=scoped_users, label=_("登记人"))
    first_receiver_id = ScopedIdFilter(field_name="first_receiver", queryset=scoped_users, label=_("首接负责人"))
    meeting_id = ScopedIdFilter(field_name="meeting", queryset=scoped(DeliberationMeeting), label=_("议事会"))
    duplicate_of_id = ScopedIdFilter(field_name="duplicate_of", queryset=scoped(WorkOrder), label=_("合并至"))
    external_clash_of_id = ScopedIdFilter(
        field_name="external_clash_of", queryset=scoped(WorkOrder), label=_("外部工单号冲突")
    )
    possible_duplicate_of_id = ScopedIdFilter(
        field_name="possible_duplicate_of", queryset=scoped(WorkOrder), label=_("疑似重复")
    )
    is_duplicate_suspect = django_filters.BooleanFilter(
        field_name="possible_duplicate_of", lookup_expr="isnull", exclude=True, label=_("疑似重复")
    )
    is_pooled = django_filters.BooleanFilter(label=_("待认领"))
    is_open = django_filters.BooleanFilter(method="filter_open", label=_("未办结"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已超时"))
    to_dispatch = django_filters.BooleanFilter(method="filter_to_dispatch", label=_("待派单"))
    created_after = django_filters.DateFilter(field_name="created_at", method="filter_day_from", label=_("提交日期起"))
    created_before = django_filters.DateFilter(field_name="created_at", method="filter_day_to", label=_("提交日期止"))
    due_after = django_filters.DateFilter(field_name="resolve_by", method="filter_day_from", label=_("办结时限起"))
    due_before = django_filters.DateFilter(field_name="resolve_by", method="filter_day_to", label=_("办结时限止"))
    respond_due_after = django_filters.DateFilter(
        field_name="respond_by", method="filter_day_from", label=_("响应时限起")
    )
    respond_due_before = django_filters.DateFilter(
        field_name="respond_by", method="filter_day_to", label=_("响应时限止")
    )
    resolved_after = django_filters.DateFilter(
        field_name="resolved_at", method="filter_day_from", label=_("办结日期起")
    )
    resolved_before = django_filters.DateFilter(field_name="resolved_at", method="filter_day_to", label=_("办结日期止"))

    class Meta:
        model = WorkOrder
        fields = {
            "tracking_code": ["exact"],
            "external_number": ["exact"],
            "title": ["icontains"],
            "returned_count": ["exact", "gte"],
            "transferred_count": ["exact", "gte"],
            "escalated_count": ["exact", "gte"],
            "reopened_count": ["exact", "gte"],
        }

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        # On the row's own state (WorkOrderQuerySet.open), not `pk IN (a second scan of the queue)`.
        return queryset.exclude(state__in=DONE_STATES) if value else queryset.filter(state__in=DONE_STATES)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = overdue_condition(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_to_dispatch(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = to_dispatch_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_day_from(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(**{f"{name}__gte": beijing_midnight(value)}) if value else queryset

    def filter_day_to(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(**{f"{name}__lt": beijing_midnight(value + timedelta(days=1))}) if value else queryset


class UrgencyClassFilterSet(TenantFilterSet):
    search_fields = ("name", "code", "description")

    class Meta:
        model = UrgencyClass
        fields = {
            "code": ["exact"],
            "name": ["exact"],
            "respond_hours": ["exact", "lte", "gte"],
            "resolve_hours": ["exact", "lte", "gte"],
            "calendar_time": ["exact"],
            "description": ["icontains"],
        }


class CategoryFilterSet(TenantFilterSet):
    search_fields = ("name", "code")

    parent_id = ScopedIdFilter(field_name="parent", queryset=scoped(Category), label=_("上级类别"))
    urgency_id = ScopedIdFilter(field_name="urgency", queryset=scoped(UrgencyClass), label=_("紧急程度"))
    department_id = ScopedIdFilter(field_name="department", queryset=scoped(Department), label=_("主管部门"))
    default_handler_level = ChoicesFilter(choices=HandlerLevel.choices, label=_("默认首办层级"))

    class Meta:
        model = Category
        fields = {
            "code": ["exact"],
            "name": ["exact"],
            "is_active": ["exact"],
            "sort_order": ["exact"],
            "open311_public": ["exact"],
            "grid_resolves_on_the_spot": ["exact"],
        }


class RoutingRuleFilterSet(TenantFilterSet):
    category_id = ScopedIdFilter(field_name="category", queryset=scoped(Category), label=_("诉求类别"))
    target_department_id = ScopedIdFilter(
        field_name="target_department", queryset=scoped(Department), label=_("职能部门")
    )
    tier = ChoicesFilter(choices=Tier.choices, label=_("社区分类"))
    management_mode = ChoicesFilter(choices=ManagementMode.choices, label=_("管理模式"))
    target_level = ChoicesFilter(choices=HandlerLevel.choices, label=_("首办层级"))
    mode = ChoicesFilter(choices=RoutingMode.choices, label=_("派单方式"))

    class Meta:
        model = RoutingRule
        fields = {"priority": ["exact", "lte", "gte"], "name": ["exact"], "three_no": ["exact"], "is_active": ["exact"]}


class DeliberationMeetingFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("topic", "decision", "follow_up")
    street_path = "community__street"
    community_id, community = community_filters()
    compound_id = ScopedIdFilter(field_name="compound", queryset=scoped(Compound), label=_("小区"))
    recorded_by_id = ScopedIdFilter(field_name="recorded_by", queryset=scoped_users, label=_("记录人"))
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("召开日期起"))
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("召开日期止"))

    class Meta:
        model = DeliberationMeeting
        fields = {
            "topic": ["icontains"],
            "held_on": ["exact"],
            "attendees": ["icontains"],
            "attendee_count": ["exact", "gte"],
            "decision": ["icontains"],
            "follow_up": ["icontains"],
            "follow_up_done": ["exact"],
        }


def translated(choices: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """Choices whose labels are translated when rendered (the labels are the catalogue's msgids)."""
    return [(value, _(label)) for value, label in choices]


# The queue's sortable columns: ?ordering=<name> or -<name>, each name a whitelisted field (anything else is
# refused as a filter error); the primary key breaks ties so that pages neither repeat nor skip a row.
QUEUE_ORDERING = (
    ("created_at", "created"),
    ("resolve_by", "due"),
    ("state", "state"),
    ("category__name", "category"),
    ("compound__name", "compound"),
)


QUEUE_ORDERING_LABELS = {
    "created_at": _("提交时间"),
    "resolve_by": _("办结时限"),
    "state": _("状态"),
    "category__name": _("类别"),
    "compound__name": _("小区"),
}


def _descending(label: Any) -> str:
    return gettext("%(label)s（倒序）") % {"label": label}


# Built when the page renders, in its language: the filter's choices are made once, at import.
descending = lazy(_descending, str)


class StableOrderingFilter(django_filters.OrderingFilter):
    """django-filter's OrderingFilter with the primary key as the last key (the API's twin is
    accounts.api.ordering.StableOrderingFilter, a DRF backend). Its select is the phone's way to sort (the
    table's sortable headers are hidden there)."""

    def build_choices(self, fields: dict[str, str], labels: dict[str, Any]) -> list[tuple[str, Any]]:
        """django-filter's choices with labels translated when rendered (its own `descending_fmt % label` is
        formatted at import, in Chinese)."""
        choices = []
        for field, param in fields.items():
            label = labels.get(field, param)
            choices += [(param, label), (f"-{param}", descending(label))]
        return choices

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        last = "-pk" if ordering[-1].startswith("-") else "pk"
        return qs.order_by(*ordering, last)


class WorkOrderQueueFilterSet(WorkOrderFilterSet):
    """The queue page's filters: the API's WorkOrderFilterSet (same parameter names, so a page URL and an
    API URL filter alike) with single-choice fields for the page's form. The compound is searched by name in
    a text box (`compound_name`): a select of a district's 400 compounds cost most of the page's render;
    `compound_id` still filters by id (the cockpit's and the map's links)."""

    form_fields = (
        "q",
        "is_open",
        "state",
        "category_id",
        "channel",
        "community_id",
        "compound_name",
        "overdue",
        "ordering",
    )

    # Option labels are looked up in the active language (workorders/locale): the page may be in English.
    state = django_filters.ChoiceFilter(choices=translated(State.choices), label=_("状态"), empty_label=_("全部状态"))
    # Open orders by default (the view fills in "true" when neither is_open nor a state is asked); "all" is
    # no filter (NullBooleanField reads anything but true/false as None).
    is_open = django_filters.BooleanFilter(
        method="filter_open",
        label=_("办理进度"),
        widget=forms.Select(choices=[("true", _("未办结")), ("false", _("已办结或终止")), ("all", _("全部"))]),
    )
    channel = django_filters.ChoiceFilter(
        choices=translated(Channel.choices), label=_("来源渠道"), empty_label=_("全部渠道")
    )
    category_id = django_filters.ModelChoiceFilter(
        field_name="category", queryset=scoped(Category), label=_("诉求类别"), empty_label=_("全部类别")
    )
    community_id = django_filters.ModelChoiceFilter(
        field_name="community", queryset=scoped(Community), label=_("社区"), empty_label=_("全部社区")
    )
    compound_name = django_filters.CharFilter(field_name="compound__name", lookup_expr="icontains", label=_("小区"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("超时"),
        widget=forms.Select(choices=[("", _("不限")), ("true", _("仅超时工单")), ("false", _("未超时工单"))]),
    )
    ordering = StableOrderingFilter(
        fields=QUEUE_ORDERING, field_labels=QUEUE_ORDERING_LABELS, label=_("排序"), empty_label=_("默认（最新提交）")
    )

    def visible_fields(self) -> list:
        form = self.form
        for name in self.form_fields:
            if name not in ("q", "compound_name"):
                form.fields[name].widget.attrs["data-autosubmit"] = ""
        form.fields["q"].widget.attrs.update({"placeholder": _("标题、内容、查询码或外部工单号"), "type": "search"})
        form.fields["q"].label = _("搜索")
        form.fields["compound_name"].widget.attrs.update({"placeholder": _("小区名称"), "type": "search"})
        return [form[name] for name in self.form_fields]
