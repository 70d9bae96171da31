"""Reads of the report room: the reports an actor may read, each with its latest finished build and the
build in flight, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from accounts.permissions import has
from reports import registry
from reports.models import BuildStatus, Report, ReportBuild


@dataclass
class RoomRow:
    report: Report
    latest: ReportBuild | None  # the latest finished build (its file is the one to download)
    current: ReportBuild | None  # the build queued or running now
    versions: int


def readable_kinds(actor: Any) -> list[str]:
    district_id = getattr(actor, "district_id", None)
    return [
        kind.code
        for kind in registry.kinds()
        if has(actor, "reports.view", Report(kind=kind.code, district_id=district_id))
    ]


def reports_for(actor: Any) -> Any:
    """The reports (QuerySet) the actor may read: their scope, then the kinds their role reads."""
    if getattr(actor, "is_platform_admin", False):
        return Report.objects.visible_to(actor)
    return Report.objects.visible_to(actor).filter(kind__in=readable_kinds(actor))


def room(actor: Any, *, kind: str = "") -> list[RoomRow]:
    reports = reports_for(actor)
    if kind:
        reports = reports.filter(kind=kind)
    reports = (
        reports.order_by("kind", "-key")
        .select_related("district")
        .prefetch_related(Prefetch("builds", queryset=ReportBuild.objects.order_by("-version"), to_attr="all_builds"))
    )
    rows = []
    for report in reports:
        builds = report.all_builds
        rows.append(
            RoomRow(
                report=report,
                latest=next((b for b in builds if b.status == BuildStatus.DONE), None),
                current=next((b for b in builds if b.in_flight), None),
                versions=len(builds),
            )
        )
    return rows


def requestable_kinds(actor: Any) -> list[registry.ReportKind]:
    district_id = getattr(actor, "district_id", None)
    return [
        kind
        for kind in registry.kinds()
        if has(actor, "reports.request", Report(kind=kind.code, district_id=district_id))
    ]
