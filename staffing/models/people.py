"""People who serve: staff of the street, the community, departments and property firms, residents who
take a post (resident representatives, building heads, party-member households) and volunteers."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT, ActorPath
from accounts.privacy import mask_name, mask_phone
from accounts.roles import Role
from compounds.models import DepartmentKind, DistrictOwned

R = Role


class PersonRole(models.TextChoices):
    """人员身份: what the person is, whatever posts they hold (a person may serve in several places)."""

    STREET_OFFICER = "street_officer", _("街道干部")
    COMMUNITY_CADRE = "community_cadre", _("社区两委干部")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    GRID_WORKER = "grid_worker", _("专职网格员")
    DEPARTMENT_STAFF = "department_staff", _("部门工作人员")
    POLICE_OFFICER = "police_officer", _("社区民警")
    LEGAL_ADVISER = "legal_adviser", _("法律顾问")
    PROPERTY_STAFF = "property_staff", _("物业人员")
    RESIDENT = "resident", _("居民")
    VOLUNTEER = "volunteer", _("志愿者")


# The community and grid staff who are assessed every quarter (staff stars, 星级评定).
ASSESSED_ROLES = (PersonRole.COMMUNITY_CADRE, PersonRole.COMMUNITY_WORKER, PersonRole.GRID_WORKER)
# Roles that belong to a community, to a street, to a department, to a property firm.
COMMUNITY_ROLES = (*ASSESSED_ROLES,)
DEPARTMENT_ROLES = (PersonRole.DEPARTMENT_STAFF, PersonRole.POLICE_OFFICER)


@pghistory.track()
class Person(DistrictOwned):
    """人员. The phone is personal data: lists show it masked (138****1234); the person's page shows it in
    full only to those who manage the person, and every such reveal is logged (accounts.privacy).

    `street` and `community` say where the person belongs (and so which street staff or cadre manage the
    record); `department` and `property_firm` say which organisation they come from."""

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("身份"), max_length=30, choices=PersonRole.choices)
    street = models.ForeignKey(
        "compounds.Street",
        verbose_name=_("所属街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        "compounds.Community",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "compounds.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    property_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("所属物业企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation_name = models.CharField(
        _("工作单位"), max_length=100, blank=True, help_text=_("不属于街道、社区、部门或物业企业时填写，如律师事务所")
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    account = models.OneToOneField(
        "accounts.User",
        verbose_name=_("登录账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_person",
    )
    is_party_member = models.BooleanField(_("中共党员"), default=False)
    is_active = models.BooleanField(_("在岗"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    # Street staff and cadres pick people of the whole district for teams and rosters (names; phones masked).
    scope_view = {
        R.STREET_STAFF: WHOLE_DISTRICT,
        R.COMMUNITY_CADRE: WHOLE_DISTRICT,
        R.GRID_WORKER: ("community__grids", ActorPath("account")),
        R.FIRM_STAFF: "property_firm",
        R.DEPARTMENT_STAFF: "department",
    }
    scope_change = {R.STREET_STAFF: ("street", "community__street"), R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["district", "role"], name="person_district_role")]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "phone"],
                condition=~Q(phone=""),
                name="person_phone_unique_in_district",
                violation_error_message=_("本区已登记使用该手机号的人员。"),
            ),
            models.CheckConstraint(
                name="person_name_not_blank",
                condition=~Q(name=""),
                violation_error_message=_("请填写姓名。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def organisation_label(self) -> str:
        """Where the person works, as a page shows it: 长安区司法局, 樊川街道 · 青龙社区, …"""
        if self.property_firm_id:
            return str(self.property_firm)
        if self.department_id:
            return str(self.department)
        if self.community_id:
            return f"{self.community.street} · {self.community}" if self.community.street_id else str(self.community)
        if self.street_id:
            return str(self.street)
        return self.organisation_name

    def clean(self) -> None:
        errors: dict[str, str | ValidationError] = {}
        for name in ("street", "community", "department", "property_firm", "account"):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and self.district_id and related.district_id != self.district_id:
                errors[name] = gettext("所选对象不属于本区。")
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            errors["community"] = gettext("所选社区不在所属街道。")
        if self.role in COMMUNITY_ROLES and not self.community_id:
            role = {"role": PersonRole(self.role).label}
            errors["community"] = ValidationError(gettext("%(role)s须填写所属社区。"), params=role)
        if self.role == PersonRole.STREET_OFFICER and not self.street_id:
            errors["street"] = gettext("街道干部须填写所属街道。")
        if self.role in DEPARTMENT_ROLES and not self.department_id:
            role = {"role": PersonRole(self.role).label}
            errors["department"] = ValidationError(gettext("%(role)s须填写所属部门。"), params=role)
        if (
            self.role == PersonRole.POLICE_OFFICER
            and self.department_id
            and self.department.kind != DepartmentKind.POLICE
        ):
            errors["department"] = gettext("社区民警须来自公安部门。")
        if self.role == PersonRole.PROPERTY_STAFF and not self.property_firm_id:
            errors["property_firm"] = gettext("物业人员须填写所属物业企业。")
        if errors:
            raise ValidationError(errors)


@pghistory.track()
class VolunteerService(DistrictOwned):
    """志愿服务记录: hours a volunteer (or anybody) served, where and doing what."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="volunteer_services"
    )
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("服务社区"), on_delete=models.PROTECT, related_name="+"
    )
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=4, decimal_places=1)
    activity = models.CharField(_("服务内容"), max_length=200)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_view = {
        R.STREET_STAFF: "community__street",
        R.COMMUNITY_CADRE: "community",
        R.GRID_WORKER: "community__grids",
    }
    scope_change = {R.STREET_STAFF: "community__street", R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-served_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="volunteer_hours_range",
                condition=Q(hours__gt=0, hours__lte=24),
                violation_error_message=_("服务时长应大于 0 且不超过 24 小时。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(person)s %(day)s %(hours)s 小时") % {
            "person": self.person,
            "day": self.served_on,
            "hours": self.hours,
        }

    def clean(self) -> None:
        if self.person_id and self.district_id and self.person.district_id != self.district_id:
            raise ValidationError({"person": gettext("所选人员不属于本区。")})
        if self.community_id and self.district_id and self.community.district_id != self.district_id:
            raise ValidationError({"community": gettext("所选社区不属于本区。")})
