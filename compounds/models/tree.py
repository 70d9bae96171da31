"""The organisation tree: District 区 → Street 街道 → Community 社区 → Compound 小区 → Building 楼栋, and
Grids 网格 inside a community covering buildings."""

import secrets

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT, TenantQuerySet
from accounts.roles import STAFF_ROLES, Role
from compounds import validators
from compounds.models.base import DistrictOwned

R = Role


@pghistory.track()
class District(models.Model):
    """区: the tenant. Its code is the 6-digit national division code."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    city = models.CharField(_("所属市"), max_length=50, blank=True)
    province = models.CharField(_("所属省"), max_length=50, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_field = "pk"
    scope_view = {role: WHOLE_DISTRICT for role in STAFF_ROLES}
    scope_change = {}

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = pgettext_lazy("plural", "区")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="district_code_6_digits",
                condition=Q(code__regex=r"^\d{6}$"),
                violation_error_message=_("区划代码应为 6 位数字。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def district_id(self) -> int:
        return self.pk

    def clean(self) -> None:
        with validators.on_code_field():
            validators.validate_code(self.code, pattern=validators.DISTRICT_CODE, digits=6, label=_("区"))


class StreetKind(models.TextChoices):
    STREET = "street", _("街道")
    TOWN = "town", _("镇")


@pghistory.track()
class Street(DistrictOwned):
    """街道/镇: 9-digit code that begins with its district's 6."""

    code = models.CharField(_("区划代码"), max_length=9, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=StreetKind.choices, default=StreetKind.STREET)

    scope_view = {
        R.STREET_STAFF: "pk",
        R.COMMUNITY_CADRE: "communities",
        R.GRID_WORKER: "communities__grids",
        R.FIRM_STAFF: WHOLE_DISTRICT,
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {}

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = pgettext_lazy("plural", "街道")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="street_code_9_digits",
                condition=Q(code__regex=r"^\d{9}$"),
                violation_error_message=_("街道区划代码应为 9 位数字。"),
            ),
            models.UniqueConstraint(
                fields=["district", "name"],
                name="street_name_unique_in_district",
                violation_error_message=_("本区已有同名街道。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        with validators.on_code_field():
            validators.validate_code(self.code, pattern=validators.STREET_CODE, digits=9, label=_("街道"))
            if self.district_id:
                validators.validate_code_prefix(self.code, self.district.code, label=_("街道"), parent_label=_("区"))


class Tier(models.TextChoices):
    """社区分类: drives the annual service fund and which tasks reach the community."""

    A = "A", _("A类（新建成熟物业小区）")
    B = "B", _("B类（老旧密集小区）")
    C = "C", _("C类（城郊安置小区）")
    D = "D", _("D类（乡镇小型社区）")


@pghistory.track()
class Community(DistrictOwned):
    """社区: 12-digit code that begins with its street's 9. Its tier is the latest TierChange."""

    street = models.ForeignKey(Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="communities")
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    tier = models.CharField(_("分类"), max_length=1, choices=Tier.choices, default=Tier.A)
    tier_reason = models.CharField(_("分类依据"), max_length=200, blank=True)
    tier_since = models.PositiveSmallIntegerField(_("分类生效年份"), null=True, blank=True)

    scope_view = {
        R.STREET_STAFF: "street",
        R.COMMUNITY_CADRE: "pk",
        R.GRID_WORKER: "grids",
        R.FIRM_STAFF: "compounds__property_firm",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {R.STREET_STAFF: "street"}

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = pgettext_lazy("plural", "社区")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="community_code_12_digits",
                condition=Q(code__regex=r"^\d{12}$"),
                violation_error_message=_("社区区划代码应为 12 位数字。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        with validators.on_code_field():
            validators.validate_code(self.code, pattern=validators.COMMUNITY_CODE, digits=12, label=_("社区"))
            if self.street_id:
                validators.validate_code_prefix(self.code, self.street.code, label=_("社区"), parent_label=_("街道"))
                if self.district_id and self.street.district_id != self.district_id:
                    raise ValidationError({"street": gettext("所选街道不属于本区。")})


@pghistory.track()
class TierChange(DistrictOwned):
    """A community's tier from a given year, with the reason. Append-only: a change adds a row."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.CASCADE, related_name="tier_history"
    )
    tier = models.CharField(_("分类"), max_length=1, choices=Tier.choices)
    reason = models.CharField(_("依据"), max_length=200)
    effective_year = models.PositiveSmallIntegerField(_("生效年份"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = {
        R.STREET_STAFF: "community__street",
        R.COMMUNITY_CADRE: "community",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {}

    class Meta:
        verbose_name = _("社区分类变更")
        verbose_name_plural = pgettext_lazy("plural", "社区分类变更")
        ordering = ["community", "-effective_year", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                name="tier_change_year_plausible",
                condition=Q(effective_year__gte=2000, effective_year__lte=2100),
                violation_error_message=_("生效年份应在 2000 至 2100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.effective_year} {self.tier}"


class ManagementMode(models.TextChoices):
    COMMERCIAL = "commercial", _("市场化物业")
    STATE_FALLBACK = "state_fallback", _("国有兜底物业")
    COMMUNITY_HOSTED = "community_hosted", _("社区托管")
    SELF_MANAGED = "self_managed", _("业主自管")


FIRM_MODES = (ManagementMode.COMMERCIAL, ManagementMode.STATE_FALLBACK)


def new_public_token() -> str:
    """The unguessable token printed in a compound's QR code (码上反馈, surveys)."""
    return secrets.token_urlsafe(12)


class CompoundQuerySet(TenantQuerySet):
    def three_no(self) -> "CompoundQuerySet":
        return self.filter(is_three_no=True)


@pghistory.track()
class Compound(DistrictOwned):
    """小区. "三无" (no property service, no owners' committee, no maintenance fund) is derived by the
    database from the three facts, never typed in."""

    community = models.ForeignKey(Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="compounds")
    code = models.CharField(_("小区编码"), max_length=15, unique=True, help_text=_("社区区划代码 + 3 位序号"))
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    building_count = models.PositiveIntegerField(_("楼栋数"), default=0)
    households = models.PositiveIntegerField(_("户数"), default=0)
    management_mode = models.CharField(
        _("管理模式"), max_length=20, choices=ManagementMode.choices, default=ManagementMode.COMMERCIAL
    )
    property_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("物业企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compounds",
    )
    has_owners_committee = models.BooleanField(_("有业委会"), default=False)
    has_maintenance_fund = models.BooleanField(_("有维修资金"), default=False)
    stationed_cadre = models.ForeignKey(
        "accounts.User",
        verbose_name=_("驻点干部"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stationed_compounds",
        limit_choices_to={"role": Role.COMMUNITY_CADRE},
        help_text=_("驻点“两委”干部：本小区所在社区的社区干部，可作为工单的首办人"),
    )
    # WGS-84 degrees of the compound's gate: the map, and Open311 filings that carry only lat/long.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_three_no = models.GeneratedField(
        verbose_name=_("三无小区"),
        expression=models.Case(
            models.When(
                ~Q(management_mode__in=FIRM_MODES) & Q(has_owners_committee=False) & Q(has_maintenance_fund=False),
                then=models.Value(True),
            ),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    public_token = models.CharField(
        _("二维码令牌"),
        max_length=32,
        unique=True,
        default=new_public_token,
        editable=False,
        help_text=_("小区二维码中的公开令牌：居民扫码反映问题、参与满意度调查，无需登录。"),
    )

    objects = CompoundQuerySet.as_manager()
    scope_view = {
        R.STREET_STAFF: "community__street",
        R.COMMUNITY_CADRE: "community",
        R.GRID_WORKER: "buildings__grids",
        R.FIRM_STAFF: "property_firm",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {R.STREET_STAFF: "community__street", R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = pgettext_lazy("plural", "小区")
        ordering = ["code"]
        indexes = [models.Index(fields=["district", "is_three_no"], name="compound_district_three_no")]
        constraints = [
            models.CheckConstraint(
                name="compound_coordinates_in_range",
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90) & Q(latitude__lte=90) & Q(longitude__gte=-180) & Q(longitude__lte=180)),
                violation_error_message=_("坐标应同时填写纬度和经度，且在有效范围内。"),
            ),
            models.CheckConstraint(
                name="compound_code_15_digits",
                condition=Q(code__regex=r"^\d{15}$"),
                violation_error_message=_("小区编码应为 15 位数字（社区区划代码 + 3 位序号）。"),
            ),
            models.CheckConstraint(
                name="compound_firm_only_with_firm_mode",
                condition=Q(management_mode__in=FIRM_MODES) | Q(property_firm__isnull=True),
                violation_error_message=_("只有市场化物业或国有兜底物业的小区才能填写物业企业。"),
            ),
            models.CheckConstraint(
                name="compound_built_year_plausible",
                condition=Q(built_year__isnull=True) | Q(built_year__gte=1900, built_year__lte=2100),
                violation_error_message=_("建成年份应在 1900 至 2100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        with validators.on_code_field():
            validators.validate_code(self.code, pattern=validators.COMPOUND_CODE, digits=15, label=_("小区"))
            if self.community_id:
                validators.validate_code_prefix(self.code, self.community.code, label=_("小区"), parent_label=_("社区"))
                if self.district_id and self.community.district_id != self.district_id:
                    raise ValidationError({"community": gettext("所选社区不属于本区。")})
            if self.property_firm_id and self.district_id and self.property_firm.district_id != self.district_id:
                raise ValidationError({"property_firm": gettext("所选物业企业不属于本区。")})
        if self.stationed_cadre_id:
            cadre = self.stationed_cadre
            if (
                cadre.role != Role.COMMUNITY_CADRE
                or cadre.community_id is None
                or (cadre.community_id != self.community_id)
            ):
                raise ValidationError({"stationed_cadre": gettext("驻点干部须为本小区所在社区的社区干部。")})

    @property
    def has_property_service(self) -> bool:
        return self.management_mode in FIRM_MODES


@pghistory.track()
class Building(DistrictOwned):
    """楼栋."""

    compound = models.ForeignKey(Compound, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=50)
    households = models.PositiveIntegerField(_("户数"), default=0)

    scope_view = {
        R.STREET_STAFF: "compound__community__street",
        R.COMMUNITY_CADRE: "compound__community",
        R.GRID_WORKER: "grids",
        R.FIRM_STAFF: "compound__property_firm",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {R.STREET_STAFF: "compound__community__street", R.COMMUNITY_CADRE: "compound__community"}

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("plural", "楼栋")
        ordering = ["compound", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "name"],
                name="building_name_unique_in_compound",
                violation_error_message=_("该小区已有同名楼栋。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.name}"


@pghistory.track()
class Grid(DistrictOwned):
    """网格: part of a community, covering buildings of one or more of its compounds."""

    community = models.ForeignKey(Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="grids")
    code = models.CharField(_("网格编码"), max_length=15, unique=True, help_text=_("社区区划代码 + 3 位序号"))
    name = models.CharField(_("名称"), max_length=100)
    buildings = models.ManyToManyField(Building, verbose_name=_("覆盖楼栋"), blank=True, related_name="grids")

    scope_view = {
        R.STREET_STAFF: "community__street",
        R.COMMUNITY_CADRE: "community",
        R.GRID_WORKER: "pk",
        R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
    }
    scope_change = {R.STREET_STAFF: "community__street", R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = pgettext_lazy("plural", "网格")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="grid_code_15_digits",
                condition=Q(code__regex=r"^\d{15}$"),
                violation_error_message=_("网格编码应为 15 位数字（社区区划代码 + 3 位序号）。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        with validators.on_code_field():
            validators.validate_code(self.code, pattern=validators.COMPOUND_CODE, digits=15, label=_("网格"))
            if self.community_id:
                validators.validate_code_prefix(self.code, self.community.code, label=_("网格"), parent_label=_("社区"))
                if self.district_id and self.community.district_id != self.district_id:
                    raise ValidationError({"community": gettext("所选社区不属于本区。")})
