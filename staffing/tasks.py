"""Thin Celery tasks of staffing: each enters the district's tenant context as a named SystemActor and
calls a service; safe to run twice.

Beat (config/settings/base.py): the daily upkeep at 00:20 (property managers whose firm changed leave their
seat; stationings that start or end today reach Compound.stationed_cadre), overdue-visit reminders at
08:00, and a fresh coverage report of the current quarter every Monday at 06:00."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pghistory
from celery import shared_task
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.tenancy import tenant_context
from compounds.models import District


def _in_each_district(task: str, work: Callable[[SystemActor], Any], district_id: int | None = None) -> dict[int, Any]:
    """Run `work` once per district (or for one), each in its own tenant context and transaction."""
    if district_id is None:
        with tenant_context(SystemActor(name=task)):
            ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = [district_id]
    results = {}
    for pk in ids:
        actor = SystemActor(name=task, district_id=pk)
        with tenant_context(actor), pghistory.context(task=task, actor=actor.display_name):
            results[pk] = work(actor)
    return results


@shared_task(acks_late=True)
def daily_upkeep_task(today: str | None = None, district_id: int | None = None) -> dict[int, tuple[int, int]]:
    from staffing.services import stationed, teams

    day = date.fromisoformat(today) if today else timezone.localdate()
    return _in_each_district(
        "task:staffing.daily_upkeep_task",
        lambda actor: (
            teams.teams_end_stale_property_managers(actor=actor, on=day),
            stationed.stationed_cadres_sync(actor=actor, today=day),
        ),
        district_id,
    )


@shared_task(acks_late=True)
def notify_overdue_visits_task(today: str | None = None, district_id: int | None = None) -> dict[int, int]:
    """Tell grid workers and cadres which visits are overdue (once a day per person)."""
    from staffing.services import visits

    day = date.fromisoformat(today) if today else timezone.localdate()
    return _in_each_district(
        "task:staffing.notify_overdue_visits_task",
        lambda actor: visits.visits_notify_overdue(actor=actor, today=day),
        district_id,
    )


@shared_task(acks_late=True)
def rebuild_coverage_reports_task(today: str | None = None) -> dict[int, int]:
    """Ask the report room for a new version of the current quarter's coverage report in every district
    (the build itself runs in reports.tasks.build_report_task)."""
    from reports import services as room
    from staffing.report_kinds import COVERAGE

    day = date.fromisoformat(today) if today else timezone.localdate()
    key = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return _in_each_district(
        "task:staffing.rebuild_coverage_reports_task",
        lambda actor: room.report_request(actor=actor, kind=COVERAGE, key=key).pk,
    )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=3)
def run_import_task(import_id: int, district_id: int) -> str:
    """A long spreadsheet import (staffing.importing), all or nothing, with progress; safe to run twice. It runs
    as the system in the uploader's district, acting for the uploader (compounds.importing.jobs.job_run)."""
    from compounds.importing import jobs
    from staffing.importing import service
    from staffing.models import StaffingImport

    return jobs.job_run(
        model=StaffingImport,
        job_id=import_id,
        district_id=district_id,
        task="task:staffing.run_import_task",
        work=lambda actor, record, data, progress: service.import_run(
            actor=actor, record=record, data=data, progress=progress
        ),
    )
