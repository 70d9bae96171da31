"""The report room: ask for a report, watch it build, download it; rebuilding keeps the earlier versions;
roles read only the kinds their registration names; another district's report is a 404."""

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.actors import SystemActor
from reports import services
from reports.models import BuildStatus, Report, ReportBuild
from tests.reports import kinds

pytestmark = pytest.mark.django_db

KIND = kinds.COUNT.code


@pytest.fixture(autouse=True)
def _renders():
    kinds.CALLS.update(collect=0, fail=False)
    yield
    kinds.CALLS["fail"] = False


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def test_an_official_builds_a_report_watches_it_and_downloads_it(client, tree, django_capture_on_commit_callbacks):
    # given a district official in the report room
    client.force_login(tree.official)
    assert "小区数量测试报告" in client.get(reverse("reports:room")).content.decode()
    # when they ask for the 2026 Q3 report (the worker runs it: Celery is eager in tests)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request"), {"kind": KIND, "key": "2026-Q3"})
    # then they land on the build page, the build is done and the PDF names the district's compounds
    build = ReportBuild.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:build", args=[build.pk])
    status = client.get(reverse("reports:build-status", args=[build.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["download_url"]
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "v1" in page
    text = pdf_text(download(client, status["download_url"]))
    assert tree.district.name in text and "小区数：8" in text and tree.compounds[0].name in text


def test_rebuilding_keeps_the_earlier_version_and_the_stable_link_gives_the_latest(
    client, tree, django_capture_on_commit_callbacks
):
    client.force_login(tree.official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:request"), {"kind": KIND, "key": "2026-Q3"})
    first = ReportBuild.objects.get()
    first_pdf = download(client, reverse("reports:build-download", args=[first.pk]))
    # when a compound is added and the report is rebuilt
    from tests.factories import CompoundFactory

    CompoundFactory(community=tree.communities[0], name="新建成小区", property_firm=tree.firm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:request"), {"kind": KIND, "key": "2026-Q3"})
    # then version 1 is still there, unchanged, and the report's stable link serves version 2
    report = Report.objects.get()
    assert list(report.builds.order_by("version").values_list("version", "status")) == [(1, "done"), (2, "done")]
    assert download(client, reverse("reports:build-download", args=[first.pk])) == first_pdf
    latest = pdf_text(download(client, reverse("reports:latest-download", args=[report.pk])))
    assert "小区数：9" in latest and "新建成小区" in latest


def test_asking_twice_while_a_build_waits_makes_one_build(tree):
    # given a build that is queued (on_commit never ran: the worker has not picked it up)
    first = services.report_request(actor=tree.official, kind=KIND, key="2026-Q3")
    # when the official clicks again
    second = services.report_request(actor=tree.official, kind=KIND, key="2026-q3")
    # then it is the same build
    assert first.pk == second.pk and ReportBuild.objects.count() == 1
    assert first.status == BuildStatus.QUEUED


def test_running_a_build_twice_renders_it_once(tree):
    build = services.report_request(actor=tree.official, kind=KIND, key="2026-Q3")
    system = SystemActor(name="test", district_id=tree.district.pk)
    services.report_build_run(actor=system, build_id=build.pk)
    services.report_build_run(actor=system, build_id=build.pk)  # a repeated task message
    assert kinds.CALLS["collect"] == 1
    assert ReportBuild.objects.get().status == BuildStatus.DONE


def test_a_failed_build_says_why_and_a_new_request_makes_a_new_version(client, tree):
    build = services.report_request(actor=tree.official, kind=KIND, key="2026-Q3")
    kinds.CALLS["fail"] = True
    with pytest.raises(ValueError):
        services.report_build_run(actor=SystemActor(name="test", district_id=tree.district.pk), build_id=build.pk)
    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED and "渲染失败" in build.message
    client.force_login(tree.official)
    status = client.get(reverse("reports:build-status", args=[build.pk])).json()
    assert status["status_label"] == "生成失败" and status["download_url"] is None
    again = services.report_request(actor=tree.official, kind=KIND, key="2026-Q3")
    assert again.version == 2 and again.status == BuildStatus.QUEUED


def test_bad_periods_and_unknown_kinds_are_refused_in_chinese(client, tree):
    client.force_login(tree.official)
    for data, message in [
        ({"kind": KIND, "key": "2026-Q5"}, "期间格式应为 2026-Q3"),
        ({"kind": KIND, "key": "2026-Q3\x00"}, "field-error"),
        ({"kind": "no.such", "key": "2026-Q3"}, "选择一个有效的选项"),
    ]:
        response = client.post(reverse("reports:request"), data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not ReportBuild.objects.exists()


def test_roles_read_only_the_kinds_registered_for_them(client, tree):
    build = services.report_request(actor=tree.official, kind=KIND, key="2026-Q3")
    services.report_build_run(actor=SystemActor(name="test", district_id=tree.district.pk), build_id=build.pk)
    download_url = reverse("reports:build-download", args=[build.pk])
    # street staff are named by the kind: they read it, but may not build it
    client.force_login(tree.street_staff)
    assert build.report.title in client.get(reverse("reports:room")).content.decode()
    assert client.get(download_url).status_code == 200
    assert client.post(reverse("reports:request"), {"kind": KIND, "key": "2026-Q3"}).status_code == 400
    # a grid worker and firm staff are not: the report does not exist for them
    for user in (tree.grid_worker, tree.firm_staff):
        client.force_login(user)
        assert build.report.title not in client.get(reverse("reports:room")).content.decode()
        assert client.get(download_url).status_code == 404
        assert client.get(reverse("reports:build", args=[build.pk])).status_code == 404


def test_another_districts_report_is_a_404(client, tree, other_tree):
    system = SystemActor(name="test", district_id=other_tree.district.pk)
    build = services.report_request(actor=system, kind=KIND, key="2026-Q3")
    services.report_build_run(actor=system, build_id=build.pk)
    client.force_login(tree.official)
    for name, pk in [
        ("reports:build", build.pk),
        ("reports:build-status", build.pk),
        ("reports:build-download", build.pk),
        ("reports:latest-download", build.report_id),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert "乙区" not in client.get(reverse("reports:room")).content.decode()


def test_the_api_lists_asks_for_and_downloads_reports(tree, other_tree, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(tree.official)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/report-builds/", {"kind": KIND, "key": "2026-Q3"}, format="json")
    assert response.status_code == 201, response.content
    build_id = response.json()["id"]
    listed = api.get("/api/v1/reports/").json()["results"]
    assert [r["key"] for r in listed] == ["2026-Q3"] and listed[0]["latest"]["version"] == 1
    pdf = api.get(f"/api/v1/report-builds/{build_id}/download/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    bad = api.post("/api/v1/report-builds/", {"kind": KIND, "key": "2026-13"}, format="json")
    assert bad.status_code == 400 and "期间格式" in bad.content.decode()
    # another district's build is a 404
    system = SystemActor(name="test", district_id=other_tree.district.pk)
    foreign = services.report_request(actor=system, kind=KIND, key="2026-Q3")
    assert api.get(f"/api/v1/report-builds/{foreign.pk}/").status_code == 404


def test_the_polled_status_speaks_the_pages_language(client, tree, english):
    # given a queued build
    build = services.report_request(actor=tree.official, kind=KIND, key="2026-Q3")
    client.force_login(tree.official)
    status_url = reverse("reports:build-status", args=[build.pk])
    assert client.get(status_url).json()["status_label"] == "排队中"
    # when the official switches the page to English
    page = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("reports:build", args=[build.pk])}, follow=True
    ).content.decode()
    # then the page and its poll both say "Queued" (the poll replaced the page's label with Chinese)
    assert 'data-field="status_label">Queued<' in page
    status = client.get(status_url).json()
    assert status["status_label"] == "Queued", status
    ReportBuild.objects.filter(pk=build.pk).update(status=BuildStatus.RUNNING, message="生成 PDF")
    status = client.get(status_url).json()
    assert (status["status_label"], status["message"]) == ("Building", "Rendering the PDF"), status
