from celery import shared_task

from accounts.actors import SystemActor
from compounds import services


@shared_task(acks_late=True)
def apply_due_tiers_task() -> int:
    """Tiers recorded for this year take effect (beat: 1 January, 00:10)."""
    actor = SystemActor(name="task:compounds.apply_due_tiers_task")  # every district: a sweep
    return services.communities_apply_due_tiers(actor=actor)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=10, max_retries=3)
def run_org_import_task(import_id: int, district_id: int) -> str:
    """A long organisation import (compounds.importing), all or nothing, with progress; safe to run twice."""
    from compounds.importing import jobs
    from compounds.importing.service import org_import_run
    from compounds.models import OrgImport

    return jobs.job_run(
        model=OrgImport,
        job_id=import_id,
        district_id=district_id,
        task="task:compounds.run_org_import_task",
        work=lambda actor, job, data, progress: org_import_run(actor=actor, job=job, data=data, progress=progress),
    )
