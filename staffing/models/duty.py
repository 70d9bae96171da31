"""Duty rosters (周末值班 + 周中调休; Baohe's 七天不打烊, Wenjiang's 8:00–18:00 extended hours) of a street
or a community, on China's working calendar (compounds.workcalendar, the SLAs' calendar)."""

from __future__ import annotations

import datetime

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from compounds.models import DistrictOwned
from compounds.workcalendar import BEIJING
from staffing.models.base import same_district

R = Role


class TimeRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


@pghistory.track()
class DutyRoster(DistrictOwned):
    """A street's or a community's roster (值班表). The duty phone is the office line residents call."""

    street = models.ForeignKey("compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "compounds.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示街道值班表"),
    )
    name = models.CharField(_("名称"), max_length=100)
    duty_phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    day_starts = models.TimeField(_("服务开始时间"), default=datetime.time(8, 0))
    day_ends = models.TimeField(_("服务结束时间"), default=datetime.time(18, 0))
    is_active = models.BooleanField(_("在用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_view = {
        R.STREET_STAFF: "street",
        R.COMMUNITY_CADRE: ("community", "street__communities"),
        R.GRID_WORKER: "street__communities__grids",
    }
    scope_change = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("值班表")
        verbose_name_plural = _("值班表")
        ordering = ["street", "community", "name"]
        constraints = [
            models.CheckConstraint(
                name="roster_day_ends_after_start",
                condition=Q(day_ends__gt=models.F("day_starts")),
                violation_error_message=_("服务结束时间应晚于开始时间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self):
        return self.community or self.street

    def clean(self) -> None:
        errors = same_district(self, "street", "community")
        if errors:
            raise ValidationError(errors)
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": gettext("所选社区不在该街道。")})


class ShiftKind(models.TextChoices):
    REST_DAY = "rest_day", _("休息日值班")
    EXTENDED = "extended", _("延时服务")


@pghistory.track()
class DutyShift(DistrictOwned):
    """One person on duty from `starts_at` to `ends_at`. A person is never on two shifts at once (an exclusion
    constraint); the rest of the rules (rest days, leave) are staffing.services.duty's."""

    roster = models.ForeignKey(DutyRoster, verbose_name=_("值班表"), on_delete=models.PROTECT, related_name="shifts")
    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("值班人员"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ShiftKind.choices, default=ShiftKind.REST_DAY)
    starts_at = models.DateTimeField(pgettext_lazy("time of day", "开始时间"))
    ends_at = models.DateTimeField(pgettext_lazy("time of day", "结束时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("排班人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_view = {key: f"roster__{value}" if isinstance(value, str) else tuple(f"roster__{v}" for v in value)
                  for key, value in DutyRoster.scope_view.items()}  # fmt: skip
    scope_change = {R.STREET_STAFF: "roster__street", R.COMMUNITY_CADRE: "roster__community"}

    class Meta:
        verbose_name = _("值班")
        verbose_name_plural = _("值班")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["district", "starts_at"], name="shift_district_starts")]
        constraints = [
            models.CheckConstraint(
                name="shift_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
                violation_error_message=_("值班结束时间应晚于开始时间。"),
            ),
            ExclusionConstraint(
                name="shift_person_not_twice_at_once",
                expressions=[
                    (TimeRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("person", RangeOperators.EQUAL),
                ],
                violation_error_message=_("该人员在这段时间已有值班，不能同时值两个班。"),
            ),
        ]

    def __str__(self) -> str:
        start = self.starts_at.astimezone(BEIJING)
        return f"{self.person} {start:%Y-%m-%d %H:%M}–{self.ends_at.astimezone(BEIJING):%H:%M}"

    @property
    def day(self) -> datetime.date:
        return self.starts_at.astimezone(BEIJING).date()

    def clean(self) -> None:
        errors = same_district(self, "roster", "person")
        if errors:
            raise ValidationError(errors)


class LeaveKind(models.TextChoices):
    COMPENSATORY = "compensatory", _("调休")
    ANNUAL = "annual", _("年休假")
    PERSONAL = "personal", _("事假")
    SICK = "sick", _("病假")


@pghistory.track()
class Leave(DistrictOwned):
    """A day of leave. Compensatory leave (调休) names the rest-day shift it makes up for."""

    person = models.ForeignKey("staffing.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=LeaveKind.choices, default=LeaveKind.COMPENSATORY)
    shift = models.OneToOneField(
        DutyShift,
        verbose_name=_("对应值班"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensatory_leave",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = {
        R.STREET_STAFF: ("person__street", "person__community__street"),
        R.COMMUNITY_CADRE: "person__community",
    }
    scope_change = scope_view

    class Meta:
        verbose_name = _("请假调休")
        verbose_name_plural = _("请假调休")
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "day"],
                name="leave_once_per_day",
                violation_error_message=_("该人员当天已有请假或调休。"),
            ),
            models.CheckConstraint(
                name="leave_compensatory_has_shift",
                condition=~Q(kind="compensatory") | Q(shift__isnull=False),
                violation_error_message=_("调休须对应一次休息日值班。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.day} {self.get_kind_display()}"

    def clean(self) -> None:
        errors = same_district(self, "person", "shift")
        if errors:
            raise ValidationError(errors)
