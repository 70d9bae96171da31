"""What tests/test_tenancy_walk.py needs to aim at district B's report room: a report with a built version."""

from collections.abc import Callable

from accounts.actors import SystemActor
from reports import services
from reports.models import Report, ReportBuild
from tests.reports import kinds


def _build(t) -> ReportBuild:
    if not hasattr(t, "report_build"):
        system = SystemActor(name="test:walk", district_id=t.district.pk)
        build = services.report_request(actor=system, kind=kinds.COUNT.code, key="2026-Q3")
        t.report_build = services.report_build_run(actor=system, build_id=build.pk)
    return t.report_build


def reports_object_makers() -> dict[type, Callable]:
    return {Report: lambda t: _build(t).report, ReportBuild: _build}
