"""The staff inbox 站内消息."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import STAFF_ROLES
from compounds.models import DistrictOwned


class Notification(DistrictOwned):
    """One message to one user. Read the inbox with workorders.selectors.inbox (it filters by recipient)."""

    recipient = models.ForeignKey(
        "accounts.User", verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("工单"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=30)
    message = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=120, blank=True)

    scope_view = {role: WHOLE_DISTRICT for role in STAFF_ROLES}
    scope_change = {}

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
                violation_error_message=_("该消息已发送。"),
            ),
        ]

    def __str__(self) -> str:
        return self.message[:40]
