"""The funding forms that create a record, posted twice (a double tap, a resend), make one row (accounts.onetime): a
disbursement request (the second answer lands on the request the first one filed), a special project, a donation, a
community's tier change, the year's policy and the bonus pool."""

import pytest
from django.urls import reverse

from funding.models import AccountKind, BonusPool, Disbursement, Donation, FundPolicy, SpecialProject, TierProration
from funding.services.ledger import community_account
from tests.funding.conftest import YEAR
from tests.onetime import post_twice, shows_replayed, token_of

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


def test_a_special_project_and_a_donation_posted_twice_are_one_each(client, money):
    client.force_login(money.official)
    url = reverse("funding:sources")
    community = money.communities[0].pk
    fields = {"form": "special", "community": community, "name": "加装电梯", "purpose": "老旧小区", "year": YEAR}
    _, second = post_twice(client, url, {**fields, "amount_fen": "5000"}, after='value="special"')
    assert SpecialProject.objects.filter(name="加装电梯").count() == 1
    shows_replayed(client, second)

    fields = {"form": "donation", "community": community, "donor": "某企业", "purpose": "", "amount_fen": "800"}
    post_twice(client, url, {**fields, "received_on": f"{YEAR}-03-01"}, after='value="donation"')
    assert Donation.objects.filter(donor="某企业").count() == 1


def test_a_tier_change_the_policy_and_the_bonus_pool_posted_twice_are_one_each(client, money):
    client.force_login(money.official)
    url = reverse("funding:policy")
    fields = {"form": "tier", "community": money.communities[2].pk, "tier": "B", "year": YEAR, "from_month": 7}
    _, second = post_twice(client, url, {**fields, "reason": "户数核减"}, after='value="tier"')
    assert TierProration.objects.filter(community=money.communities[2]).count() == 1
    shows_replayed(client, second)

    money_fields = {"tier_a_fen": "150000", "tier_b_fen": "300000", "tier_c_fen": "150000", "tier_d_fen": "120000"}
    fields = {"form": "policy", "year": YEAR + 1, **money_fields, "second_approval_fen": "50000", "carry_rule": "carry"}
    post_twice(client, url, fields, after='value="policy"')
    assert FundPolicy.objects.filter(year=YEAR + 1).count() == 1

    fields = {"form": "pool", "year": YEAR, "total_fen": "4090000", "points_1": 8, "points_2": 11, "points_3": 14}
    fields |= {"points_4": 17, "points_5": 20, "cap_yuan": 5220, "floor_yuan": 1000, "qualifying_score": "45"}
    _, second = post_twice(client, reverse("funding:bonus"), fields, after='value="pool"')
    assert BonusPool.objects.filter(year=YEAR).count() == 1
    shows_replayed(client, second)
