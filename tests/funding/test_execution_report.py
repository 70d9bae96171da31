"""The fund execution PDF in the district's report room: built by the report room's Celery task, its text
extracted with pdftotext, figures counted by hand."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from funding.report_kinds import EXECUTION
from funding.services import disbursements as d
from reports import services as room
from reports.models import BuildStatus

pytestmark = pytest.mark.django_db
OUT = Path(settings.BASE_DIR) / "var" / "screenshots" / "funding"


def test_the_execution_pdf_says_what_the_page_says(money, other_tree, django_capture_on_commit_callbacks):
    # given: four communities with ¥150,000.00 each; community 0 spent ¥30,000.00 (paid) and has ¥10,000.00 approved
    from tests.funding.walk import funding_objects

    funding_objects(other_tree)  # district B has money too: none of it may show
    for amount, pay in ((30_000_00, True), (10_000_00, False)):
        request = d.disbursement_request(
            actor=money.cadre, community=money.communities[0], purpose="维修", category="repair", amount_fen=amount
        )
        d.disbursement_approve(actor=money.street_staff, disbursement=request)
        if pay:
            d.disbursement_pay(actor=money.street_staff, disbursement=request, voucher_no=f"V{amount}")
    # when: the district asks for the 2026 report; the task runs on commit
    with django_capture_on_commit_callbacks(execute=True):
        build = room.report_request(actor=money.official, kind=EXECUTION, key="2026")
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE, build.message
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / "execution.pdf"
    pdf.write_bytes(build.file.read())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # then: 600,000 allocated, 40,000 approved, 30,000 paid = 5% executed, 560,000 left
    assert "执行情况报告" in text and "2026年" in text
    assert "¥600,000.00" in text and "¥40,000.00" in text and "¥30,000.00" in text
    assert "5.0%" in text and "¥560,000.00" in text
    assert "20.0%" in text  # community 0: 30,000 of 150,000
    assert "小区设施维修" in text
    assert "乙区" not in text
