from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accounts.roles import Integration, Role


class User(AbstractUser):
    """A person who signs in. Residents never do: they file through the compound's QR page."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.DISTRICT_OFFICIAL)
    district = models.ForeignKey(
        "compounds.District", verbose_name="区", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    street = models.ForeignKey(
        "compounds.Street", verbose_name="街道", on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    community = models.ForeignKey(
        "compounds.Community",
        verbose_name="社区",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
    )
    grids = models.ManyToManyField("compounds.Grid", verbose_name="网格", blank=True, related_name="workers")
    property_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name="物业企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        "compounds.Department",
        verbose_name="职能部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    integration = models.CharField("接口用途", max_length=32, choices=Integration.choices, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(role=Role.PLATFORM_ADMIN)
                    | Q(role=Role.DISTRICT_OFFICIAL, district__isnull=False)
                    | Q(role=Role.STREET_STAFF, district__isnull=False, street__isnull=False)
                    | Q(role=Role.COMMUNITY_CADRE, district__isnull=False, community__isnull=False)
                    | Q(role=Role.GRID_WORKER, district__isnull=False)
                    | Q(role=Role.FIRM_STAFF, district__isnull=False, property_firm__isnull=False)
                    | Q(role=Role.DEPARTMENT_STAFF, district__isnull=False, department__isnull=False)
                    | Q(role=Role.INTEGRATION, district__isnull=False, integration__in=Integration.values)
                ),
                violation_error_message="用户的管辖范围与角色不符：请为该角色选择对应的区、街道、社区、物业企业、部门或接口用途。",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN or self.is_superuser
