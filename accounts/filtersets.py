"""Filters of the reveal log (accounts.models.PersonalDataReveal), shared by its page and its API.

The choice of a person is limited to the requesting official's district, so an id from another district is
refused exactly like an id that does not exist."""

from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import PersonalDataReveal, User

NOT_FOUND = {"invalid_choice": _("对象不存在：所选编号无效或不在您的管辖范围内。")}
DATE_INVALID = {"invalid": _("日期格式应为 YYYY-MM-DD。")}


def district_people(request: Any) -> QuerySet:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return User.objects.none()
    if user.is_platform_admin:
        return User.objects.all()
    return User.objects.filter(district_id=user.district_id)


@extend_schema_field(OpenApiTypes.INT)
class PersonFilter(django_filters.ModelChoiceFilter):
    """A person by id, among the requesting official's district."""


def personal_field_choices() -> list[tuple[str, str]]:
    """(field, its Chinese name) of every personal field a model declares (accounts.privacy)."""
    found: dict[str, str] = {}
    for model in apps.get_models():
        for name in getattr(model, "personal_fields", {}):
            try:
                found.setdefault(name, capfirst(str(model._meta.get_field(name).verbose_name)))
            except FieldDoesNotExist:
                continue
    return sorted(found.items(), key=lambda item: item[1])


def record_type_choices() -> list[tuple[str, str]]:
    """("app.model", its Chinese name) of every model that declares personal fields."""
    models = [m for m in apps.get_models() if getattr(m, "personal_fields", None)]
    return sorted((m._meta.label_lower, capfirst(str(m._meta.verbose_name))) for m in models)


class PersonalDataRevealFilterSet(django_filters.FilterSet):
    actor = PersonFilter(
        queryset=district_people, label=_("查看人"), empty_label=_("全部人员"), error_messages=NOT_FOUND
    )
    field = django_filters.ChoiceFilter(
        choices=personal_field_choices, method="by_field", label=_("字段"), empty_label=_("全部字段")
    )
    record_type = django_filters.ChoiceFilter(
        choices=record_type_choices, method="by_record_type", label=_("记录类型"), empty_label=_("全部类型")
    )
    object_id = django_filters.CharFilter(field_name="object_id", label=_("记录编号"))
    q = django_filters.CharFilter(field_name="object_label", lookup_expr="icontains", label=_("查询码"))
    date_from = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("起始日期"),
        error_messages=DATE_INVALID,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("截止日期"),
        error_messages=DATE_INVALID,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = PersonalDataReveal
        fields = ["actor", "field", "record_type", "object_id", "q", "date_from", "date_to"]

    def by_field(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(fields__contains=[value]) if value else queryset

    def by_record_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        app_label, _dot, model = value.strip().lower().partition(".")
        if not model:
            return queryset.none()
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
