"""A disbursement request posted twice (a double tap, a resend) is filed once (accounts.onetime); the second answer
lands on the request the first one filed."""

import pytest
from django.urls import reverse

from funding.models import AccountKind, Disbursement
from funding.services.ledger import community_account
from tests.onetime import token_of

pytestmark = pytest.mark.django_db


def test_a_disbursement_request_posted_twice_is_filed_once(client, money):
    client.force_login(money.cadre)
    account = community_account(money.communities[0], AccountKind.SERVICE)
    url = reverse("funding:requests")
    body = {
        **token_of(client.get(url)),
        "account": account.pk,
        "purpose": "重阳节敬老活动",
        "category": "service",
        "amount_fen": "1,234.56",
    }

    first = client.post(url, body)
    second = client.post(url, body)

    assert first.status_code == second.status_code == 302
    filed = Disbursement.objects.get()
    assert filed.amount_fen == 123456
    assert second["Location"] == reverse("funding:request", args=[filed.pk])
    shown = client.get(second["Location"]).content.decode()
    assert "已经提交过，没有重复登记" in shown and "重阳节敬老活动" in shown


def test_a_refused_request_keeps_its_token_and_files_once_corrected(client, money):
    client.force_login(money.cadre)
    account = community_account(money.communities[0], AccountKind.SERVICE)
    url = reverse("funding:requests")
    token = token_of(client.get(url))
    body = {**token, "account": account.pk, "purpose": "活动", "category": "service", "amount_fen": "200000"}
    refused = client.post(url, body)
    assert refused.status_code == 400 and "超出可用余额" in refused.content.decode()
    assert token_of(refused) == token  # the same form, corrected, is still the same filing

    corrected = client.post(url, {**body, "amount_fen": "100"})
    again = client.post(url, {**body, "amount_fen": "100"})

    assert corrected.status_code == again.status_code == 302
    assert Disbursement.objects.count() == 1
