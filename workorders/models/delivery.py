"""Exactly-once filing and delivery (issue 11): idempotency keys (幂等键) and the task outbox (任务发件箱).

- `IdempotencyKey`: one row per (scope, key). A filing endpoint that is given a key files the order and writes
  this row in the same transaction; the same key again answers with what the first filing answered, a
  different request under the same key is refused. The unique (scope, key) constraint is the race's referee.
- `OutboxMessage`: a task to publish, written in the same transaction as the order that needs it, published
  after the commit and marked done by the task when it ran; a beat sweep publishes again whatever was never
  published or never acknowledged (a broker that was down, a message the broker lost)."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compounds.models import DistrictOwned


class IdempotencyKey(DistrictOwned):
    """A filing's idempotency key. `scope` names who may reuse the key ("user:12" for a signed-in person or an
    API key's account, "open311:12" for an Open311 integration account, "qr:<compound>" for a resident on a
    QR page with a one-time form token); `fingerprint` is a digest of the request that first used it."""

    scope = models.CharField(_("范围"), max_length=100)
    key = models.CharField(_("幂等键"), max_length=200)
    endpoint = models.CharField(_("入口"), max_length=100)
    fingerprint = models.CharField(_("请求摘要"), max_length=64)
    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("工单"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    response_status = models.PositiveSmallIntegerField(_("应答状态"), null=True, blank=True)
    response_body = models.JSONField(_("应答内容"), null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # Bookkeeping of the filing endpoints: no page or API reads it.
    scope_view: dict = {}
    scope_change: dict = {}

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"],
                name="idempotency_key_once_per_scope",
                violation_error_message=_("该幂等键已使用。"),
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class OutboxMessage(DistrictOwned):
    """A Celery task to publish once the transaction that wrote it commits (`workorders.outbox`)."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("工单"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("最近发布时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发布次数"), default=0)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, default="")

    scope_view: dict = {}
    scope_change: dict = {}

    class Meta:
        verbose_name = _("任务发件箱")
        verbose_name_plural = _("任务发件箱")
        indexes = [
            models.Index(fields=["created_at"], name="outbox_pending", condition=Q(done_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.task}{self.args}"
