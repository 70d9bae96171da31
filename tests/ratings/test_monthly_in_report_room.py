"""The monthly 三率 street ranking PDF is a report of the report room: asked for from the KPI page, built
(progress polled, a link when done), rebuilt with the previous version kept, read by street staff and not by
firms; beat asks for last month's on the 1st in every district."""

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from ratings.report_kinds import MONTHLY_STREETS
from ratings.tasks import request_monthly_rankings_task
from reports.models import BuildStatus, Report, ReportBuild
from tests.workorders.conftest import MONDAY_9AM, categories, file_order  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_an_official_builds_the_monthly_ranking_from_the_kpi_page(
    client,
    tree,
    file_order,  # noqa: F811  (the work-order tests' fixture)
    django_capture_on_commit_callbacks,
):
    # given orders in March 2026 and the district official on the KPI page of that month
    file_order(compound=tree.compounds[0], now=MONDAY_9AM)
    file_order(compound=tree.compounds[5], now=MONDAY_9AM)
    client.force_login(tree.official)
    kpis = client.get(reverse("workorders:kpis"), {"month": "2026-03"}).content.decode()
    assert 'name="kind" value="ratings.monthly_streets"' in kpis and 'name="key" value="2026-03"' in kpis
    # when they press the button (the worker runs: Celery is eager in tests)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request"), {"kind": MONTHLY_STREETS, "key": "2026-03"})
    build = ReportBuild.objects.get()
    assert response["Location"] == reverse("reports:build", args=[build.pk])
    # then the status they poll says done, with the download link, and the PDF ranks both streets
    status = client.get(reverse("reports:build-status", args=[build.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100
    pdf = b"".join(client.get(status["download_url"]).streaming_content)
    text = pdf_text(pdf)
    assert "2026年3月街道工单三率排名" in text.replace(" ", "")
    for street in tree.streets:
        assert street.name in text
    # and a rebuild keeps version 1 downloadable
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:request"), {"kind": MONTHLY_STREETS, "key": "2026-03"})
    versions = list(ReportBuild.objects.order_by("version").values_list("version", "status"))
    assert versions == [(1, BuildStatus.DONE), (2, BuildStatus.DONE)]
    assert client.get(reverse("reports:build-download", args=[build.pk])).status_code == 200


def test_street_staff_read_it_and_firms_do_not(client, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_monthly_rankings_task(today="2026-04-01")
    report = Report.objects.get(kind=MONTHLY_STREETS)
    assert report.key == "2026-03" and report.district_id == tree.district.pk
    client.force_login(tree.street_staff)
    assert report.title in client.get(reverse("reports:room")).content.decode()
    client.force_login(tree.firm_staff)
    assert report.title not in client.get(reverse("reports:room")).content.decode()
    build = report.builds.get()
    assert client.get(reverse("reports:build-download", args=[build.pk])).status_code == 404
