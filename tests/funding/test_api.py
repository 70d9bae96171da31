"""The funding API (/api/v1/funding/…): the whole way of a request by role, money as integer fen, bad input as
a Chinese 400 with nothing saved, another district's rows a 404, ledger entries never changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from funding.models import Disbursement, DisbursementDocument, FundOverride, LedgerEntry, Status
from tests.funding import walk

pytestmark = pytest.mark.django_db
API = "/api/v1/funding"


def as_(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_request_approve_pay_through_the_api(money):
    cadre, street = as_(money.cadre), as_(money.street_staff)
    response = cadre.post(
        f"{API}/disbursements/",
        {"community": money.communities[0].pk, "purpose": "敬老活动", "category": "service", "amount_fen": 123456},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount_text"] == "¥1,234.56" and body["status"] == "requested"
    pk = body["id"]
    assert cadre.post(f"{API}/disbursements/{pk}/approve/").status_code == 403
    assert street.post(f"{API}/disbursements/{pk}/approve/").json()["status"] == "approved"
    response = street.post(f"{API}/disbursements/{pk}/pay/", {"voucher_no": "记-001"}, format="json")
    assert response.json()["status"] == "paid"
    accounts = street.get(f"{API}/accounts/", {"kind": "service", "community_id": money.communities[0].pk}).json()
    assert accounts["results"][0]["balance_text"] == "¥148,765.44"


@pytest.mark.parametrize(
    ("amount", "message"),
    [(-5, "不能为负数"), (0, "大于 0"), (12.5, "整数分"), ("12.50", "整数分"), (150_000_01, "超出可用余额")],
)
def test_bad_amounts_are_a_chinese_400_and_nothing_is_saved(money, amount, message):
    response = as_(money.cadre).post(
        f"{API}/disbursements/",
        {"community": money.communities[0].pk, "purpose": "x", "category": "service", "amount_fen": amount},
        format="json",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Disbursement.objects.exists()


def test_a_receipt_that_is_not_a_document_is_refused(money, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = walk.disbursement(money)
    cadre = as_(money.cadre)
    html = SimpleUploadedFile("收据.pdf", b"<html><body>not a pdf</body></html>", content_type="application/pdf")
    response = cadre.post(
        f"{API}/disbursements/{request.pk}/documents/", {"file": html, "kind": "receipt"}, format="multipart"
    )
    assert response.status_code == 400 and "不是可接受的文件类型" in response.content.decode()
    assert not DisbursementDocument.objects.exists()
    pdf = SimpleUploadedFile("收据.pdf", walk.PDF, content_type="application/pdf")
    response = cadre.post(
        f"{API}/disbursements/{request.pk}/documents/", {"file": pdf, "kind": "receipt"}, format="multipart"
    )
    assert response.status_code == 201
    download = cadre.get(f"{API}/documents/{response.json()['id']}/download/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"


def test_a_posted_entry_cannot_be_edited_or_deleted(money):
    entry = LedgerEntry.objects.filter(district=money.district).first()
    official = as_(money.official)
    for method in ("patch", "put", "delete"):
        response = getattr(official, method)(f"{API}/entries/{entry.pk}/", {"amount_fen": 1}, format="json")
        assert response.status_code == 400
        assert "冲正" in response.json()["detail"]
    assert LedgerEntry.objects.get(pk=entry.pk).amount_fen == entry.amount_fen
    response = official.post(f"{API}/entries/{entry.pk}/correct/", {"reason": "错拨"}, format="json")
    assert response.status_code == 201 and response.json()["reverses"] == entry.pk


def test_a_street_cannot_reach_another_streets_community(money):
    from accounts.roles import Role
    from tests import factories

    other = factories.user_for(Role.COMMUNITY_CADRE, money.communities[2], username="cadre-other")
    request = as_(other).post(
        f"{API}/disbursements/",
        {"community": money.communities[2].pk, "purpose": "x", "category": "repair", "amount_fen": 100},
        format="json",
    )
    pk = request.json()["id"]
    street = as_(money.street_staff)
    assert street.get(f"{API}/disbursements/{pk}/").status_code == 404
    assert street.post(f"{API}/disbursements/{pk}/approve/").status_code == 404
    assert Disbursement.objects.get(pk=pk).status == Status.REQUESTED
    assert pk not in [r["id"] for r in street.get(f"{API}/disbursements/").json()["results"]]


def test_another_districts_rows_are_404(money, other_tree):
    foreign = walk.funding_objects(other_tree)
    official = as_(money.official)
    assert official.get(f"{API}/disbursements/{foreign[Disbursement].pk}/").status_code == 404
    assert official.post(f"{API}/disbursements/{foreign[Disbursement].pk}/approve/").status_code == 404
    assert official.get(f"{API}/overrides/{foreign[FundOverride].pk}/").status_code == 404
    assert "乙区" not in official.get(f"{API}/entries/").content.decode()


def test_policy_override_and_execution(tree):
    official = as_(tree.official)
    response = official.post(
        f"{API}/policies/",
        {
            "year": 2026, "tier_a_fen": 15000000, "tier_b_fen": 30000000, "tier_c_fen": 15000000,
            "tier_d_fen": 10000000, "second_approval_fen": 5000000, "carry_rule": "carry",
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert official.post(f"{API}/policies/{response.json()['id']}/apply/").json() == {"allocated": 4}
    response = official.post(
        f"{API}/overrides/",
        {"community": tree.communities[0].pk, "year": 2026, "amount_fen": 20000000, "reason": "试点"},
        format="json",
    )
    assert response.status_code == 201
    assert as_(tree.street_staff).post(f"{API}/policies/", {}, format="json").status_code == 403
    report = official.get(f"{API}/execution/", {"year": 2026}).json()
    assert report["total"]["allocated"] == 20000000 + 3 * 15000000
    assert official.get(f"{API}/execution/", {"year": "abc"}).status_code == 400


def test_the_schema_lists_the_funding_endpoints(client, tree):
    client.force_login(tree.official)
    schema = client.get("/api/schema/?format=json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/funding/")]
    assert "/api/v1/funding/disbursements/{id}/approve/" in paths
    assert "/api/v1/funding/execution/" in paths
    params = {p["name"] for p in schema["paths"]["/api/v1/funding/disbursements/"]["get"]["parameters"]}
    assert {"status", "community_id", "street_id", "q"} <= params
