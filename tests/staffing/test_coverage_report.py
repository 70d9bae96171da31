"""The coverage PDF in the district's report room: built by the report room's Celery task, its text
extracted, its pages turned into PNG (kept under var/screenshots/staffing to look at)."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from reports import services as room
from reports.models import BuildStatus
from staffing.report_kinds import COVERAGE

pytestmark = pytest.mark.django_db
OUT = Path(settings.BASE_DIR) / "var" / "screenshots" / "staffing"


def test_the_coverage_pdf_says_what_the_page_says(tree, coverage_fixture, django_capture_on_commit_callbacks):
    # when: the district asks for the 2026-Q2 report (coverage on 30 June); the task runs on commit
    with django_capture_on_commit_callbacks(execute=True):
        build = room.report_request(actor=tree.official, kind=COVERAGE, key="2026-Q2")
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE, build.message

    # then: the text holds the figures counted by hand in test_coverage.py
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "coverage.pdf"
    pdf.write_bytes(build.file.read())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "配齐情况报告" in text and "2026年第2季度" in text and "统计日期：2026年6月30日" in text
    assert "12.5%" in text  # 1 of 8 compounds full
    assert "25%" in text  # street 1: 1 of 4
    assert "组建以来从未配备" in text and "176" in text
    assert "合同到期" in text and "29" in text
    assert "尚未组建“2+4”团队的小区（5 个）" in text
    assert "乙区" not in text

    # and its pages become PNG to look at
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(OUT / "coverage")], check=True)
    assert list(OUT.glob("coverage-*.png"))


def test_street_staff_read_and_ask_for_it_grid_workers_do_not(tree):
    from accounts.permissions import Forbidden

    build = room.report_request(actor=tree.street_staff, kind=COVERAGE, key="2026-Q2")
    assert build.report.kind == COVERAGE
    with pytest.raises(Forbidden):
        room.report_request(actor=tree.grid_worker, kind=COVERAGE, key="2026-Q2")
