"""Thin Celery tasks of funding: each enters the district's tenant context as a named SystemActor and calls a
service; safe to run twice.

Beat (config/settings/base.py): the year end of the year that just ended, on 1 January at 00:30 (after the
new tiers took effect at 00:10)."""

from __future__ import annotations

from datetime import date, datetime, time

import pghistory
from celery import shared_task
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.tenancy import tenant_context
from compounds.models import District
from compounds.workcalendar import BEIJING


@shared_task(acks_late=True)
def year_end_task(today: str | None = None, district_id: int | None = None) -> dict[int, bool]:
    """Settle the previous year in every district (or one). A district already settled is left alone."""
    from funding.services.yearend import year_end_run

    day = date.fromisoformat(today) if today else timezone.localdate()
    name = "task:funding.year_end_task"
    if district_id is None:
        with tenant_context(SystemActor(name=name)):
            ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = [district_id]
    ran = {}
    for pk in ids:
        actor = SystemActor(name=name, district_id=pk)
        with tenant_context(actor), pghistory.context(task=name, actor=actor.display_name):
            now = datetime.combine(day, time(0, 30), tzinfo=BEIJING)
            ran[pk] = year_end_run(actor=actor, district=pk, year=day.year - 1, now=now)[1]
    return ran


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_payroll_task(bonus_quarter_id: int, district_id: int) -> int:
    """The payroll XLSX of an approved bonus quarter."""
    from funding.services.bonus import payroll_build

    name = "task:funding.build_payroll_task"
    actor = SystemActor(name=name, district_id=district_id)
    with tenant_context(actor), pghistory.context(task=name, actor=actor.display_name):
        return payroll_build(actor=actor, bonus_quarter=bonus_quarter_id).pk
