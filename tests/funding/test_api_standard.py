"""The generated standard API tests (tests/api_testing.py) for the read-only funding endpoints: lists follow
the policy for every role, another district's rows are 404s, writes are 405s, list query counts pinned."""

import itertools
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from compounds.workcalendar import BEIJING
from funding.models import CarryOver, DisbursementDocument, FundAccount
from funding.services import disbursements, sources, yearend
from tests.api_testing import APIViewTests
from tests.funding import walk

_names = itertools.count(1)
_years = itertools.count(2001)


class FundingReadOnly(APIViewTests):
    read_only = True
    reader_without_change = "department_staff"

    def create_data(self, tree):
        return {"name": "新建"}

    update_data = {"name": "改"}


class TestFundAccountAPI(FundingReadOnly):
    url_name = "funding-api:account"
    model = FundAccount

    def make_object(self, tree):
        walk.funded(tree)
        project = sources.special_project_create(
            actor=walk.system(tree),
            community=tree.communities[0],
            name=f"{walk.marker(tree)}专项{next(_names)}",
            purpose="用途",
            amount_fen=100_00,
            year=2026,
        )
        return project.account


class TestDisbursementDocumentAPI(FundingReadOnly):
    url_name = "funding-api:document"
    model = DisbursementDocument

    def make_object(self, tree):
        request = walk.funding_objects(tree)[walk.Disbursement]
        upload = SimpleUploadedFile(
            f"{walk.marker(tree)}发票{next(_names)}.pdf", walk.PDF, content_type="application/pdf"
        )
        return disbursements.disbursement_attach(actor=walk.system(tree), disbursement=request, upload=upload)


class TestCarryOverAPI(FundingReadOnly):
    url_name = "funding-api:carry-over"
    model = CarryOver

    def make_object(self, tree):
        year = next(_years)
        run, _ = yearend.year_end_run(
            actor=walk.system(tree), district=tree.district, year=year, now=datetime(year + 1, 1, 1, tzinfo=BEIJING)
        )
        return run.lines.order_by("pk").first()
