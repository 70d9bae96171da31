"""The flow both spreadsheet imports share (the organisation import here, staffing.importing): keep the file in
an ImportJob row, import a short file at once as the uploader, hand a long one to a Celery task that reports
its progress through the cache, and keep the outcome on the row.

    job = job_create(model=OrgImport, actor=user, district=d, name=..., data=..., dry_run=..., total_rows=n)
    if n <= INLINE_ROWS: job_finish(job, report_json)          # imported in the request
    else: job_enqueue(task=run_org_import_task, job=job)        # through the outbox, after the commit

The task (`job_run`) acts as a SystemActor of the uploader's district that carries the uploader (row-level
security keyed by that district; the history context names the task and the person), and is safe to run twice:
a finished job is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pghistory
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.actors import SystemActor
from accounts.enqueue import enqueue_after_commit
from accounts.tenancy import tenant_context
from compounds.importing.said import chinese, said
from compounds.models import District, ImportJob, ImportStatus

logger = logging.getLogger(__name__)

INLINE_ROWS = 200  # a file with more rows runs in a Celery task with progress
PROGRESS_SECONDS = 3600

Progress = Callable[[int, int], None]


def job_create(
    *,
    model: type[ImportJob],
    actor: Any,
    district: District,
    name: str,
    data: bytes,
    dry_run: bool,
    total_rows: int,
    result: dict | None = None,
) -> ImportJob:
    """Keep the file and its settings in a new job (PENDING) of `district`."""
    suffix = "csv" if name.lower().endswith(".csv") else "xlsx"
    job = model(
        district=district,
        file_name=name[:200],
        dry_run=dry_run,
        total_rows=total_rows,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        result=result or {},
    )
    job.file.save(f"import-{timezone.now():%Y%m%d%H%M%S}.{suffix}", ContentFile(data), save=False)
    job.save()
    return job


def job_enqueue(*, task: Any, job: ImportJob) -> None:
    """Run the job in `task(job id, district id)` once this transaction commits (through the task outbox)."""
    enqueue_after_commit(task=task, args=[job.pk, job.district_id], district_id=job.district_id)


def job_finish(job: ImportJob, outcome: dict[str, Any]) -> None:
    """Keep the outcome (`ok` says DONE or FAILED) on the job."""
    job.status = ImportStatus.DONE if outcome.get("ok") else ImportStatus.FAILED
    job.result = {**job.result, **outcome}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "finished_at"])


def progress_key(job: ImportJob) -> str:
    return f"{job._meta.label_lower}-progress:{job.pk}"


def job_progress(job: ImportJob) -> dict[str, int]:
    """{done, total, percent} of a job: from the task while it runs, all rows once it is finished."""
    if job.finished:
        done = total = job.total_rows
    else:
        seen = cache.get(progress_key(job)) or {"done": 0, "total": job.total_rows}
        done, total = seen["done"], seen["total"]
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 100}


def job_run(
    *,
    model: type[ImportJob],
    job_id: int,
    district_id: int,
    task: str,
    work: Callable[[Any, ImportJob, bytes, Progress], dict[str, Any]],
) -> str:
    """The task's body: load the job in its district as the system acting for the uploader, mark it running,
    call `work(actor, job, data, progress)` (which returns the outcome) and keep the outcome. Returns the status;
    a finished (or missing) job is left alone."""
    with tenant_context(SystemActor(name=task, district_id=district_id)):
        job = model.objects.filter(pk=job_id, district_id=district_id).select_related("uploaded_by").first()
    if job is None or job.finished:
        return job.status if job else "missing"
    uploader = job.uploaded_by
    actor = SystemActor(
        name=task,
        district_id=district_id,
        on_behalf_of=uploader.pk if uploader else None,
        on_behalf_name=(uploader.get_full_name() or uploader.username) if uploader else "",
    )
    key = progress_key(job)

    def progress(done: int, total: int) -> None:
        cache.set(key, {"done": done, "total": total}, PROGRESS_SECONDS)

    with tenant_context(actor), pghistory.context(task=task, actor=actor.display_name):
        model.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
        data = job.file.read()
    progress(0, job.total_rows)
    try:
        with tenant_context(actor), pghistory.context(task=task, actor=actor.display_name):
            outcome = work(actor, job, data, progress)
    except OSError:
        raise  # the storage or the database went away for a moment: the task retries
    except Exception:
        logger.exception("import %s #%s failed", model._meta.label, job.pk)
        kept = said(_("导入时发生意外错误，未保存任何数据。请稍后重试，或联系管理员。"))
        error = {"sheet": "文件", "row": 0, "message": chinese(kept), "said": kept}
        outcome = {"ok": False, "saved": False, "dry_run": job.dry_run, "errors": [error]}
    with tenant_context(actor), pghistory.context(task=task, actor=actor.display_name):
        job.refresh_from_db()
        job_finish(job, outcome)
    return job.status
