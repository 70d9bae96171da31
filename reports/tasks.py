"""Thin Celery tasks of the report room (queue "reports", routed in settings)."""

from celery import shared_task

from accounts.actors import SystemActor
from reports import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def build_report_task(build_id: int, district_id: int) -> int | None:
    """Build one report version (safe to run twice: a finished build is left alone)."""
    actor = SystemActor(name="task:reports.build_report_task", district_id=district_id)
    build = services.report_build_run(actor=actor, build_id=build_id)
    return build.pk if build else None
