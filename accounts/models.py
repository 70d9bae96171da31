from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.logredact import redact
from accounts.network import current_client_address
from accounts.policy import TenantQuerySet
from accounts.privacy import EMAIL, NAME, PHONE
from accounts.roles import Integration, Role


class TenantUserManager(UserManager.from_queryset(TenantQuerySet)):
    """Django's user manager with the scope policy's `visible_to` (a user is a tenant-owned row)."""


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person who signs in. Residents never do: they file through the compound's QR page."""

    objects = TenantUserManager()
    # Users are listed by district officials only (their whole district, accounts.policy); no other role.
    scope_view: dict = {}
    scope_change: dict = {}

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.DISTRICT_OFFICIAL)
    district = models.ForeignKey(
        "compounds.District",
        verbose_name=_("区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    street = models.ForeignKey(
        "compounds.Street",
        verbose_name=_("街道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    community = models.ForeignKey(
        "compounds.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
    )
    grids = models.ManyToManyField("compounds.Grid", verbose_name=_("网格"), blank=True, related_name="workers")
    property_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("物业企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        "compounds.Department",
        verbose_name=_("职能部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    integration = models.CharField(_("接口用途"), max_length=32, choices=Integration.choices, blank=True)

    # What lists, exports and history show masked (accounts.privacy).
    personal_fields = {"full_name": NAME, "first_name": NAME, "last_name": NAME, "phone": PHONE, "email": EMAIL}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
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
                violation_error_message=_(
                    "用户的管辖范围与角色不符：请为该角色选择对应的区、街道、社区、物业企业、部门或接口用途。"
                ),
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


@pgtrigger.register(
    pgtrigger.Protect(name="reveal_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class PersonalDataReveal(models.Model):
    """个人信息查看记录: one row each time someone saw personal data in full (accounts.privacy.record_reveal).
    Append-only (a database trigger refuses edits and deletes): it is itself the audit trail. The district's
    officials read their district's rows; nobody else."""

    district = models.ForeignKey(
        "compounds.District",
        verbose_name=_("区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("被查看记录所属的区；平台级记录为空"),
    )
    at = models.DateTimeField(_("查看时间"), default=timezone.now)
    actor = models.ForeignKey(
        User, verbose_name=_("查看人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("查看人（记录时）"), max_length=120)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("记录类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("记录编号"), max_length=64)
    object_label = models.CharField(_("记录"), max_length=120, help_text=_("如“工单 CDWYD64QUT8P”，不含个人信息"))
    fields = ArrayField(models.CharField(max_length=64), verbose_name=_("查看的字段"))
    via = models.CharField(_("访问地址"), max_length=500, blank=True)
    address = models.GenericIPAddressField(
        _("客户端地址"), null=True, blank=True, help_text=_("经可信代理还原的真实地址")
    )

    objects = TenantQuerySet.as_manager()
    # Nobody but the district's officials (and the platform) reads the log: every other role is missing here.
    scope_view: dict = {}
    scope_change: dict = {}

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["district", "at"], name="reveal_district_at"),
            models.Index(fields=["content_type", "object_id"], name="reveal_object"),
            models.Index(fields=["actor", "at"], name="reveal_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.object_label} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, *, actor: Any, obj: models.Model, fields: list[str], via: str = "") -> "PersonalDataReveal":
        person = actor if isinstance(actor, User) and actor.pk else None
        # The labels are stored: in the site's language (Chinese), whatever language the viewer reads in.
        with translation.override(settings.LANGUAGE_CODE):
            if person is not None:
                label = f"{person.display_name}（{person.get_role_display()}）"
            else:
                label = str(getattr(actor, "display_name", "") or "系统")
            object_label = reveal_label(obj)[:120]
        district_id = getattr(obj, "district_id", None) or getattr(actor, "district_id", None)
        return cls.objects.create(
            district_id=district_id,
            actor=person,
            actor_label=label[:120],
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_label=object_label,
            fields=list(fields),
            via=redact(via or "")[:500],
            address=current_client_address() or None,
        )

    @property
    def field_labels(self) -> list[str]:
        model = self.content_type.model_class()
        labels = []
        for name in self.fields:
            try:
                labels.append(capfirst(str(model._meta.get_field(name).verbose_name)))
            except Exception:
                labels.append(name)
        return labels


def reveal_label(obj: models.Model) -> str:
    """How the log names a record without personal data: its model's name and its `reveal_label` (a tracking
    code, say) or its id."""
    return f"{obj._meta.verbose_name} {getattr(obj, 'reveal_label', None) or obj.pk}"


class ApiKey(models.Model):
    """API 密钥: what an API client or an integration sends as `Authorization: Token <key>` (or Open311's
    `api_key`). The key is shown once, when issued; only its first characters (`prefix`, to find the row and to
    name the key in lists) and its SHA-256 are stored. A key expires, and can be revoked by its owner, by an
    operator (`manage.py revoke_api_key`) and by a password change. accounts.apikeys issues and checks keys."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, verbose_name=_("所属用户"), on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("名称"), max_length=100, help_text=_("如“Open311 对接”“12345 推送”“数据分析脚本”"))
    prefix = models.CharField(_("前缀"), max_length=PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, help_text=_("SHA-256，十六进制"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apikey_user_revoked")]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def state_label(self) -> str:
        """The key's state as a Chinese key: the page compares it and translates it where it shows it."""
        if self.revoked_at is not None:
            return gettext_noop("已撤销")
        if self.expires_at <= timezone.now():
            return gettext_noop("已过期")
        return gettext_noop("有效")


class FormSubmission(models.Model):
    """一次性表单令牌: what a page form's one-time token (accounts.onetime) made the first time it was posted. The
    same filled form posted again — a double tap, a resend on a weak network, the back button — finds this row
    and answers with the first result instead of making a second record. `scope` names who may reuse the token
    ("user:12" for a signed-in person, "public:<view>:<id>" on a public page); `fingerprint` is a digest of
    the form's content the first time."""

    district = models.ForeignKey("compounds.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("范围"), max_length=100)
    key = models.CharField(_("表单令牌"), max_length=64)
    endpoint = models.CharField(_("页面"), max_length=100)
    fingerprint = models.CharField(_("内容摘要"), max_length=64)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("记录类型"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(_("记录编号"), max_length=64, blank=True)
    result_url = models.CharField(_("结果页"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    # Bookkeeping of the page forms: no page or API reads it.
    scope_view: dict = {}
    scope_change: dict = {}

    class Meta:
        verbose_name = _("一次性表单令牌")
        verbose_name_plural = _("一次性表单令牌")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"],
                name="form_submission_once_per_scope",
                violation_error_message=_("该表单已提交。"),
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="form_submission_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
