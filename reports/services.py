"""Writes of the report room: ask for a build, run it.

A build is asked for by a person (the room's button, the API) or by beat (a SystemActor), runs in the
Celery task `build_report_task` on the `reports` queue, and is safe to run twice: a finished build is left
alone, a build whose worker died is run again into the same version's file. Asking again while a build of
the same report is queued or running returns that build (a double click makes one build).

A report is an official document in Chinese: a build collects and renders in Chinese whatever language is
active where it runs (an English page's request, with Celery eager, runs it in that request), and the progress
messages it stores are Chinese msgids that the room says in its reader's language (reports.views).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from accounts.actors import is_system, require_actor
from accounts.permissions import require
from accounts.tenancy import tenant_context
from compounds.models import District
from reports import registry
from reports.models import BuildStatus, Report, ReportBuild


def _district(actor: Any, district_id: int | None) -> District:
    if district_id is None:
        district_id = getattr(actor, "district_id", None)
    if district_id is None:
        raise ValidationError({"district": gettext("请指定所属区。")}, code="district_required")
    district = District.objects.visible_to(actor).filter(pk=district_id).first()
    if district is None:
        raise ValidationError({"district": gettext("所选区不存在。")}, code="district_missing")
    return district


def report_request(*, actor: Any, kind: str, key: str, district_id: int | None = None) -> ReportBuild:
    """Ask for a new version of a report; returns the build (queued, or the one already in flight)."""
    require_actor(actor)
    report_kind = registry.get(kind)
    key = report_kind.periods.parse(key)
    with transaction.atomic():
        district = _district(actor, district_id)
        require(actor, "reports.request", Report(kind=report_kind.code, district_id=district.pk))
        report, _ = Report.objects.get_or_create(
            district=district, kind=report_kind.code, key=key, defaults={"title": report_kind.title(district, key)}
        )
        report = Report.objects.select_for_update().get(pk=report.pk)
        in_flight = report.builds.filter(status__in=(BuildStatus.QUEUED, BuildStatus.RUNNING)).first()
        if in_flight is not None:
            return in_flight
        version = (report.builds.aggregate(top=Max("version"))["top"] or 0) + 1
        try:
            with transaction.atomic():
                build = ReportBuild.objects.create(
                    district=district,
                    report=report,
                    version=version,
                    requested_by=None if is_system(actor) else actor,
                    requested_by_name=getattr(actor, "display_name", str(actor)),
                )
        except IntegrityError:  # a concurrent request won the race: answer with its build
            return report.builds.get(status__in=(BuildStatus.QUEUED, BuildStatus.RUNNING))
        from reports.tasks import build_report_task
        from workorders.outbox import outbox_enqueue

        # Through the outbox: a build asked for while the broker is down is queued by the sweep once it is back.
        outbox_enqueue(task=build_report_task, args=[build.pk, district.pk], district_id=district.pk)
        return build


def _mark(actor: Any, build_id: int, **fields: Any) -> None:
    with tenant_context(actor):
        ReportBuild.objects.filter(pk=build_id).update(**fields)


# What a failed build's message begins with; the rest is what went wrong (reports.views says both).
FAILED_PREFIX = "生成失败："


def failure_text(error: Exception) -> str:
    """What went wrong, in a line: a ValidationError's messages rather than its list's repr."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


def report_build_run(*, actor: Any, build_id: int) -> ReportBuild | None:
    """Build one version: collect (in the district's scope), render (no database), save the file. In Chinese:
    the document's language, whatever the caller's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build_run(actor=actor, build_id=build_id)


def _build_run(*, actor: Any, build_id: int) -> ReportBuild | None:
    require_actor(actor)
    with tenant_context(actor):
        build = (
            ReportBuild.objects.visible_to(actor)
            .select_for_update()
            .select_related("report", "district")
            .filter(pk=build_id)
            .first()
        )
        if build is None or build.status == BuildStatus.DONE:
            return build
        kind = registry.get(build.report.kind)
        build.status, build.started_at, build.progress, build.message = (
            BuildStatus.RUNNING,
            timezone.now(),
            5,
            gettext_noop("汇总数据"),
        )
        build.save(update_fields=["status", "started_at", "progress", "message"])
    started = time.monotonic()
    try:
        with tenant_context(actor):
            context = kind.collect(actor=actor, report=build.report)
        context.setdefault("title", build.report.title)
        context.setdefault("district", build.district)
        context.setdefault("built_at", timezone.now())
        _mark(actor, build_id, progress=50, message=gettext_noop("生成 PDF"))
        pdf = kind.render(context)
        with tenant_context(actor):
            build = ReportBuild.objects.select_for_update().select_related("report").get(pk=build_id)
            if build.status == BuildStatus.DONE:  # a redelivered copy of this task finished first: keep its file
                return build
            build.file.save("report.pdf", ContentFile(pdf), save=False)
            build.status, build.progress, build.message = BuildStatus.DONE, 100, ""
            build.finished_at = timezone.now()
            build.build_seconds = round(time.monotonic() - started, 2)
            build.save(update_fields=["file", "status", "progress", "message", "finished_at", "build_seconds"])
        return build
    except Exception as error:
        message = f"{FAILED_PREFIX}{failure_text(error)}"[:300]
        _mark(actor, build_id, status=BuildStatus.FAILED, message=message, finished_at=timezone.now())
        raise
