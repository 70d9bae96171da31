"""Retention of residents' personal data (PIPL): a closed request older than its district's
`PrivacySettings.retention_years` (default three years) is anonymised, its history included.

What anonymising an order does, once (`WorkOrder.anonymised_at` marks it):
- the reporter's name and phone are emptied;
- the free text (title, description, resolution, rating comment, reject reason), the notes of its timeline and
  the messages sent about it keep their substance but lose their personal details (accounts.privacy.mask_text:
  phones, e-mails, ID numbers, names after contact cues, room numbers);
- its history (pghistory's WorkOrderEvent rows, which keep copies of those columns and which the application's
  database role may not UPDATE) is blanked by `workorders_anonymise_order_events`, a SECURITY DEFINER function
  created by migration 0006 and owned by the migration owner;
- photos carry no personal metadata (EXIF and location are stripped when they are uploaded,
  workorders.intake.photos), so they stay as they are.

"Closed" is finished for good: 已办结/已评价/已归档, 不予受理 and 已合并, measured from the latest of
closed_at, rated_at and resolved_at (for rejected and merged orders, their last change).

    work_orders_anonymise_expired(actor=SystemActor(name="task:…", district_id=d.pk), district=d)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pgtrigger
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.permissions import require
from accounts.privacy import mask_text
from accounts.tenancy import tenant_context
from compounds.models import District
from workorders.models import Notification, State, TimelineEntry, WorkOrder
from workorders.privacy import privacy_settings

S = State
FINISHED_STATES = (S.RESOLVED, S.RATED, S.CLOSED, S.REJECTED, S.MERGED)
TEXT_FIELDS = ("title", "description", "resolution", "rating_comment", "reject_reason")
BATCH = 500


def years_before(moment: datetime, years: int) -> datetime:
    """The same instant `years` calendar years earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def retention_cutoff(*, district: District, now: datetime | None = None) -> datetime:
    years = privacy_settings(district_id=district.pk).retention_years
    return years_before(now or timezone.now(), years)


def expired_work_orders(*, district: District, now: datetime | None = None) -> QuerySet:
    """The district's closed orders past its retention period that are not anonymised yet, oldest first."""
    finished_at = Coalesce("closed_at", "rated_at", "resolved_at", "updated_at")
    return (
        WorkOrder.objects.filter(district=district, state__in=FINISHED_STATES, anonymised_at__isnull=True)
        .annotate(finished_at=finished_at)
        .filter(finished_at__lt=retention_cutoff(district=district, now=now))
        .order_by("finished_at", "pk")
    )


@transaction.atomic
def work_orders_anonymise_expired(
    *, actor: Any, district: District, now: datetime | None = None, batch: int = BATCH
) -> int:
    """Anonymise up to `batch` expired orders of `district` (module docstring); returns how many. Safe to run
    twice and on two workers at once (rows locked with SKIP LOCKED; an anonymised order is never picked again).
    District authority only: the system acting in the district, its officials, the platform."""
    require(actor, "workorders.anonymise_expired", district)
    now = now or timezone.now()
    with tenant_context(actor):
        orders = list(expired_work_orders(district=district, now=now).select_for_update(skip_locked=True)[:batch])
        if not orders:
            return 0
        ids = [order.pk for order in orders]
        for order in orders:
            order.reporter_name = ""
            order.reporter_phone = ""
            order.reporter_email = ""
            for name in TEXT_FIELDS:
                setattr(order, name, mask_text(getattr(order, name)))
            order.anonymised_at = now
        WorkOrder.objects.bulk_update(
            orders, ["reporter_name", "reporter_phone", "reporter_email", *TEXT_FIELDS, "anonymised_at"]
        )
        _mask_rows(TimelineEntry.objects.filter(order_id__in=ids).exclude(note=""), "note", append_only=True)
        _mask_rows(Notification.objects.filter(order_id__in=ids), "message")
        with connection.cursor() as cursor:
            cursor.execute("SELECT workorders_anonymise_order_events(%s::bigint[])", [ids])
    return len(orders)


def _mask_rows(queryset: QuerySet, field: str, *, append_only: bool = False) -> None:
    """mask_text over one text column of the rows that have anything to mask. The timeline is append-only (a
    trigger refuses edits); anonymising is the one edit it allows, through pgtrigger's ignore."""
    changed = []
    for pk, text in queryset.values_list("pk", field):
        masked = mask_text(text)
        if masked != text:
            changed.append((pk, masked))
    if not changed:
        return
    model = queryset.model
    if append_only:
        with pgtrigger.ignore("workorders.TimelineEntry:timeline_append_only"):
            for pk, masked in changed:
                model.objects.filter(pk=pk).update(**{field: masked})
    else:
        for pk, masked in changed:
            model.objects.filter(pk=pk).update(**{field: masked})
