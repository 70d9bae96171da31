"""The report room in English (reports/locale/en): the room and the build page speak the reader's language —
a report's kind, period and title, its state, a failure — while the report itself stays an official Chinese
document: its PDF, its stored title and its download's name, even when an English page asked for it."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.actors import SystemActor
from reports import registry, services
from reports.models import Report, ReportBuild
from tests.reports import kinds
from tests.reports.test_report_room import KIND, download, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _renders():
    kinds.CALLS.update(collect=0, fail=False)
    yield
    kinds.CALLS["fail"] = False


def test_the_room_in_english_builds_a_chinese_report(client, tree, english, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    client.force_login(tree.official)
    room = client.get(reverse("reports:room")).content.decode()
    for words in ("Report room", "Build a report", ">Build<", "Reports are official documents", "Q3 2026"):
        assert words in room, words
    assert "报告室" not in room and "生成报告" not in room and "年第3季度" not in room

    # when the official asks for a report from the English page (Celery is eager: it is built in this request)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request"), {"kind": KIND, "key": "2026-Q3"})
    build = ReportBuild.objects.get()
    page = client.get(response["Location"]).content.decode()

    # then the build page is in English, the title shown with its period in English ...
    for words in ("Version v1", "Completed", "Download PDF", "Requested by", "Done at", "(Q3 2026)"):
        assert words in page, words
    assert "版本 v1" not in page and "已完成" not in page and "申请人" not in page
    assert f"{tree.district.name} · " in page
    # ... while the report stays Chinese: its stored title, its file's name and the PDF
    report = Report.objects.get()
    assert report.title == f"{tree.district.name}小区数量测试报告（2026年第3季度）"
    response = client.get(reverse("reports:build-download", args=[build.pk]))
    assert "2026%E5%B9%B4%E7%AC%AC3%E5%AD%A3%E5%BA%A6" in response["Content-Disposition"]  # 2026年第3季度
    assert "小区数：8" in pdf_text(download(client, reverse("reports:build-download", args=[build.pk])))
    # and the room lists it in English
    room = client.get(reverse("reports:room")).content.decode()
    assert "1 version" in room and "全部" not in room

    # on a phone, where a table is a stack of cards, every value is shown beside its column's name (in English)
    assert phone_labels(room) == ["Report", "Period", "Latest version", "Built", "Actions"]
    assert phone_labels(page) == ["Version", "State", "Requested by", "Done at", "Build time", "Actions"]


def phone_labels(html: str) -> list[str]:
    """The names a phone shows beside the values of the page's data table's first row (its cells' data-label)."""
    table = re.search(r'<table class="data-table">.*?</table>', html, re.S).group()
    row = re.search(r"<tbody>\s*<tr\b.*?</tr>", table, re.S).group()
    cells = re.findall(r"<td\b([^>]*)>", row)
    return [label.group(1) if (label := re.search(r'data-label="([^"]*)"', cell)) else "" for cell in cells]


def test_a_failure_is_worded_in_english(client, tree, english):
    build = services.report_request(actor=tree.official, kind=KIND, key="2026-Q3")
    kinds.CALLS["fail"] = True
    with pytest.raises(ValueError):
        services.report_build_run(actor=SystemActor(name="test", district_id=tree.district.pk), build_id=build.pk)
    client.cookies["django_language"] = "en"
    client.force_login(tree.official)
    status = client.get(reverse("reports:build-status", args=[build.pk])).json()
    assert status["status_label"] == "Failed" and status["message"].startswith("Failed: ")
    assert "生成失败" not in status["message"]


def test_a_bad_period_is_refused_in_english(client, tree, english):
    client.cookies["django_language"] = "en"
    client.force_login(tree.official)
    response = client.post(reverse("reports:request"), {"kind": KIND, "key": "2026-Q5"})
    assert response.status_code == 400
    assert "The period must be written like 2026-Q3 (years 2000–2100)." in response.content.decode()


def test_periods_are_labelled_in_the_readers_language(english):
    cases = [
        (registry.QUARTERS, "2026-Q3", "2026年第3季度", "Q3 2026"),
        (registry.MONTHS, "2026-10", "2026年10月", "October 2026"),
        (registry.YEARS, "2026", "2026年", "2026"),
        (registry.SNAPSHOTS, "2026-11-25", "截至2026-11-25", "As of 2026-11-25"),
    ]
    for periods, key, chinese, in_english in cases:
        assert periods.shown(key) == chinese == periods.label(key)
        with translation.override("en"):
            assert periods.shown(key) == in_english
            assert periods.label(key) == chinese  # what titles and documents print
