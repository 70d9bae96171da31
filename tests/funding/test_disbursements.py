"""Disbursement rules by role: a community requests, its street approves or rejects with a reason, the
district approves a second time above the threshold, then payment with a voucher number. Nobody approves their
own request; a community cannot approve; a street cannot reach another street's community (404)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.roles import Role
from funding.models import AccountKind, Disbursement, DisbursementDocument, EntryKind, LedgerEntry, Status
from funding.services import disbursements as d
from funding.services.ledger import balance, community_account, district_account
from tests import factories
from tests.funding.conftest import funded


def ask(t, amount=10_000_00, community=None):
    return d.disbursement_request(
        actor=t.cadre,
        community=community or t.communities[0],
        purpose="楼道照明维修",
        category="repair",
        amount_fen=amount,
    )


def test_the_whole_way_below_the_threshold(money):
    request = ask(money)
    assert request.status == Status.REQUESTED and not request.needs_second
    d.disbursement_approve(actor=money.street_staff, disbursement=request)
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    service = community_account(money.communities[0], AccountKind.SERVICE)
    committed = community_account(money.communities[0], AccountKind.COMMITTED)
    assert (balance(service), balance(committed)) == (140_000_00, 10_000_00)
    d.disbursement_pay(actor=money.street_staff, disbursement=request, voucher_no="记-2026-031")
    request.refresh_from_db()
    assert request.status == Status.PAID and request.voucher_no == "记-2026-031"
    assert balance(committed) == 0
    assert balance(district_account(money.district.pk, AccountKind.PAID)) == 10_000_00
    kinds = list(LedgerEntry.objects.filter(disbursement=request).order_by("pk").values_list("kind", flat=True))
    assert kinds == [EntryKind.APPROVAL, EntryKind.PAYMENT]


def test_above_the_threshold_the_district_approves_a_second_time(money):
    request = ask(money, amount=60_000_00)
    assert request.needs_second
    d.disbursement_approve(actor=money.street_staff, disbursement=request)
    request.refresh_from_db()
    assert request.status == Status.SECOND
    with pytest.raises(ValidationError, match="不能执行此操作"):
        d.disbursement_pay(actor=money.street_staff, disbursement=request, voucher_no="V1")
    with pytest.raises(PermissionDenied, match="二次审批"):
        d.disbursement_second_approve(actor=money.street_staff, disbursement=request)
    d.disbursement_second_approve(actor=money.official, disbursement=request)
    request.refresh_from_db()
    assert request.status == Status.APPROVED and request.second_by == money.official


def test_a_second_rejection_releases_the_reservation(money):
    request = ask(money, amount=60_000_00)
    d.disbursement_approve(actor=money.street_staff, disbursement=request)
    with pytest.raises(ValidationError, match="理由"):
        d.disbursement_reject(actor=money.official, disbursement=request, reason="  ")
    d.disbursement_reject(actor=money.official, disbursement=request, reason="预算不合理")
    request.refresh_from_db()
    assert request.status == Status.REJECTED and request.reject_reason == "预算不合理"
    assert balance(community_account(money.communities[0], AccountKind.SERVICE)) == 150_000_00
    assert LedgerEntry.objects.filter(disbursement=request, kind=EntryKind.RELEASE).count() == 1


def test_a_community_cannot_approve_and_nobody_approves_their_own(money):
    request = ask(money)
    with pytest.raises(PermissionDenied, match="社区不能审批"):
        d.disbursement_approve(actor=money.cadre, disbursement=request)
    # a street officer who filed a request (as the system lets no street file, we set the filer) cannot approve it
    Disbursement.objects.filter(pk=request.pk).update(requested_by=money.street_staff)
    with pytest.raises(PermissionDenied, match="自己提出"):
        d.disbursement_approve(actor=money.street_staff, disbursement=request)
    assert Disbursement.objects.get(pk=request.pk).status == Status.REQUESTED
    assert not LedgerEntry.objects.filter(kind=EntryKind.APPROVAL).exists()


def test_a_street_cannot_touch_another_streets_community(money):
    other_street_community = money.communities[2]  # street 2; street_staff is street 1's
    with pytest.raises(Http404):
        d.disbursement_request(
            actor=money.street_staff, community=other_street_community, purpose="x", category="repair", amount_fen=1
        )
    cadre2 = factories.user_for(Role.COMMUNITY_CADRE, other_street_community, username="cadre-c2")
    request = d.disbursement_request(
        actor=cadre2, community=other_street_community, purpose="x", category="repair", amount_fen=100
    )
    for call in (
        lambda: d.disbursement_approve(actor=money.street_staff, disbursement=request),
        lambda: d.disbursement_reject(actor=money.street_staff, disbursement=request, reason="不行"),
    ):
        with pytest.raises(Http404):
            call()
    # a cadre cannot file for another community either
    with pytest.raises(Http404):
        ask(money, community=other_street_community)


def test_other_roles_cannot_request(money):
    for user in (money.grid_worker, money.firm_staff, money.department_staff):
        with pytest.raises((PermissionDenied, Http404)):
            d.disbursement_request(
                actor=user, community=money.communities[0], purpose="x", category="repair", amount_fen=100
            )
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [(150_000_01, "超出可用余额"), (-100, "不能为负数"), (0, "必须大于 0"), (12.5, "整数分")],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(money, amount, message):
    with pytest.raises(ValidationError, match=message):
        ask(money, amount=amount)
    assert not Disbursement.objects.exists()


def test_a_voucher_number_is_used_once(money):
    first, second = ask(money, amount=100), ask(money, amount=200)
    for r in (first, second):
        d.disbursement_approve(actor=money.street_staff, disbursement=r)
    d.disbursement_pay(actor=money.street_staff, disbursement=first, voucher_no="V-1")
    with pytest.raises(ValidationError, match="已用于"):
        d.disbursement_pay(actor=money.street_staff, disbursement=second, voucher_no="V-1")
    assert Disbursement.objects.get(pk=second.pk).status == Status.APPROVED


def test_a_receipt_must_be_a_document(money, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    request = ask(money)
    fake = SimpleUploadedFile("发票.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是可接受的文件类型"):
        d.disbursement_attach(actor=money.cadre, disbursement=request, upload=fake)
    assert not DisbursementDocument.objects.exists()
    pdf = SimpleUploadedFile(
        "发票.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
    document = d.disbursement_attach(actor=money.cadre, disbursement=request, upload=pdf)
    assert document.name == "发票.pdf" and document.content_type == "application/pdf"


def test_the_threshold_is_the_districts(tree):
    funded(tree, threshold=5_000_00)
    assert ask(tree, amount=5_000_01).needs_second
    assert not ask(tree, amount=5_000_00).needs_second
