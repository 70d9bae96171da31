"""What the staffing models share: a term of office (任期) with a start and an end, kept as history."""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.fields import DateRangeField, RangeBoundary
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import TenantQuerySet
from compounds.models import DistrictOwned


class DateRange(models.Func):
    """daterange(start, end, '[)'): the days of a term, for exclusion constraints (no two at once)."""

    function = "DATERANGE"
    output_field = DateRangeField()


def term_range(start: str = "start", end: str = "end") -> DateRange:
    return DateRange(start, end, RangeBoundary())


class TermQuerySet(TenantQuerySet):
    def current(self, on: date) -> TermQuerySet:
        """Terms in force on `on`: started on or before it, not yet ended."""
        return self.filter(Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gt=on)))


class Term(DistrictOwned):
    """A post held from `start` until `end` (exclusive: the first day without the holder; empty while held).
    A departure sets `end` and a reason; the row stays, so the history says who held it from when to when,
    and the vacancy begins on `end`."""

    start = models.DateField(_("起始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("自该日起不再担任；为空表示仍在任"))
    end_reason = models.CharField(_("结束原因"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_current(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


def end_after_start(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
        violation_error_message=_("结束日期应晚于起始日期。"),
    )


def same_district(obj: models.Model, *names: str) -> dict[str, str]:
    """{field: message} for the related objects of `obj` that belong to another district."""
    errors = {}
    for name in names:
        if getattr(obj, f"{name}_id", None) is None or not obj.district_id:
            continue
        if getattr(obj, name).district_id != obj.district_id:
            errors[name] = gettext("所选对象不属于本区。")
    return errors
