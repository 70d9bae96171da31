"""Funding walked as an attacker (issue 9's bad input): a NUL byte or a 2 MB string in every text field of
every form and of the API's bodies, amounts that are negative, fractions of a fen or not numbers, a request
of another street's community, approving one's own request, a foreign district's rows — each a 4xx with a
Chinese message, nothing saved, another district's row a 404."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.text import HIDDEN_MESSAGE
from funding.models import (
    AccountKind,
    BonusPool,
    Disbursement,
    Donation,
    FundOverride,
    FundPolicy,
    LedgerEntry,
    SpecialProject,
    Status,
    TierProration,
)
from funding.services.ledger import community_account
from tests.funding import walk
from tests.funding.conftest import YEAR

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NUL, HUGE = "楼道\x00灯", "x" * 2_000_000
MODELS = (LedgerEntry, FundOverride, TierProration, Disbursement, SpecialProject, Donation, FundPolicy, BonusPool)


def snapshot() -> tuple:
    states = tuple(Disbursement.objects.order_by("pk").values_list("status", "reject_reason", "voucher_no"))
    policies = tuple(FundPolicy.objects.order_by("pk").values_list("tier_a_fen", "tier_d_fen", "carry_rule"))
    return (*(m.objects.count() for m in MODELS), states, policies)


def forms_of(t) -> list[tuple[str, str, dict, list[str]]]:
    """(who, url, a valid post, its text fields) for every form of the funding pages."""
    c0, c2, c3 = t.communities[0].pk, t.communities[2].pk, t.communities[3].pk
    account = community_account(t.communities[0], AccountKind.SERVICE).pk
    request = walk.disbursement(t)  # community 0, waiting for street 1
    entry = LedgerEntry.objects.filter(community=t.communities[1]).first()
    money = {"tier_a_fen": "150000", "tier_b_fen": "300000", "tier_c_fen": "150000", "tier_d_fen": "120000"}
    return [
        ("official", reverse("funding:policy"), {"form": "policy", "year": YEAR, **money,
            "second_approval_fen": "50000", "carry_rule": "carry"},
            ["tier_a_fen", "second_approval_fen", "carry_rule"]),
        ("official", reverse("funding:policy"), {"form": "override", "community": c3, "year": YEAR,
            "amount_fen": "1", "reason": "理由"}, ["amount_fen", "reason"]),
        ("official", reverse("funding:policy"), {"form": "tier", "community": c2, "tier": "B", "year": YEAR,
            "from_month": 7, "reason": "理由"}, ["tier", "reason", "from_month"]),
        ("cadre", reverse("funding:requests"), {"account": account, "purpose": "活动", "category": "service",
            "amount_fen": "12.34"}, ["purpose", "category", "amount_fen"]),
        ("street_staff", reverse("funding:request", args=[request.pk]), {"form": "reject", "reason": "不符合"},
            ["reason"]),
        ("official", reverse("funding:sources"), {"form": "special", "community": c0, "name": "项目",
            "purpose": "用途", "year": YEAR, "amount_fen": "10"}, ["name", "purpose", "amount_fen"]),
        ("official", reverse("funding:sources"), {"form": "donation", "community": c0, "donor": "某企业",
            "purpose": "", "amount_fen": "10", "received_on": "2026-03-01"}, ["donor", "purpose", "received_on"]),
        ("official", reverse("funding:bonus"), {"form": "pool", "year": YEAR, "total_fen": "4090000",
            "points_1": 8, "points_2": 11, "points_3": 14, "points_4": 17, "points_5": 20, "cap_yuan": 5220,
            "floor_yuan": 1000, "qualifying_score": "45"}, ["total_fen", "qualifying_score", "cap_yuan"]),
        ("official", reverse("funding:account", args=[entry.to_account_id]), {"entry": entry.pk, "reason": "误记"},
            ["reason", "entry"]),
    ]  # fmt: skip


def test_nul_bytes_and_huge_strings_in_every_field_are_a_chinese_400_and_nothing_is_saved(money):
    client = Client(raise_request_exception=False)
    for who, url, valid, fields in forms_of(money):
        client.force_login(getattr(money, who))
        for field in fields:
            for bad in (NUL, HUGE):
                before = snapshot()
                response = client.post(url, {**valid, field: bad})
                assert response.status_code == 400, (url, valid.get("form"), field, len(bad), response.status_code)
                assert CHINESE.search(response.content.decode()), (url, field)
                if field == "entry":  # the row id the page carries hidden: said as a stale page (accounts.text)
                    assert str(HIDDEN_MESSAGE) in response.content.decode(), (url, len(bad))
                assert snapshot() == before, (url, valid.get("form"), field)


@pytest.mark.parametrize("amount", ["-1", "0.001", "1e3", "NaN", "Infinity", "１２三", "12.345", "0", "9" * 40])
def test_bad_amounts_on_every_money_form_are_refused(money, amount):
    client = Client(raise_request_exception=False)
    for who, url, valid, _fields in forms_of(money):
        money_fields = [f for f in valid if f.endswith("_fen") and f != "second_approval_fen"]
        if not money_fields or (valid.get("form") == "policy" and amount == "0"):
            continue  # a tier may be allocated nothing
        if valid.get("form") == "override" and amount == "0":
            continue  # an own amount of zero is allowed (a community without a fund this year)
        client.force_login(getattr(money, who))
        before = snapshot()
        response = client.post(url, {**valid, money_fields[0]: amount})
        assert response.status_code == 400, (url, valid.get("form"), amount)
        assert "金额" in response.content.decode(), (url, amount)
        assert snapshot() == before


def test_the_valid_posts_do_save(money, settings, tmp_path):
    """The positive control of the walk above: the same posts with nothing bad in them go through."""
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    for who, url, valid, _fields in forms_of(money):
        client.force_login(getattr(money, who))
        before = snapshot()
        response = client.post(url, valid)
        assert response.status_code == 302, (url, valid.get("form"), response.content.decode()[-2000:])
        assert snapshot() != before, (url, valid.get("form"))


API = "/api/v1/funding"


def api_bodies(t) -> list[tuple[str, str, dict, list[str]]]:
    request = walk.disbursement(t)
    c0 = t.communities[0].pk
    return [
        ("cadre", f"{API}/disbursements/", {"community": c0, "purpose": "活动", "category": "service",
            "amount_fen": 100}, ["purpose", "category"]),
        ("street_staff", f"{API}/disbursements/{request.pk}/reject/", {"reason": "不符合"}, ["reason"]),
        ("official", f"{API}/overrides/", {"community": c0, "year": YEAR, "amount_fen": 1, "reason": "理由"},
            ["reason"]),
    ]  # fmt: skip


def test_nul_bytes_and_huge_strings_in_the_apis_bodies(money):
    for who, url, valid, fields in api_bodies(money):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(getattr(money, who))
        for field in fields:
            for bad in (NUL, HUGE):
                before = snapshot()
                response = client.post(url, {**valid, field: bad}, format="json")
                assert 400 <= response.status_code < 500, (url, field, response.status_code)
                assert CHINESE.search(response.content.decode()), (url, field)
                assert snapshot() == before, (url, field)


def test_a_street_cannot_act_on_another_streets_request_nor_a_cadre_on_its_own(money):
    from accounts.roles import Role
    from tests import factories

    request = walk.disbursement(money)  # community 0 of street 1
    street2 = factories.user_for(Role.STREET_STAFF, money.streets[1], username="street-two")
    url = reverse("funding:request", args=[request.pk])
    client = Client(raise_request_exception=False)
    client.force_login(street2)
    for form in ("approve", "reject", "pay"):
        assert client.post(url, {"form": form, "reason": "x", "voucher_no": "x"}).status_code == 404
    client.force_login(money.cadre)  # the community that filed it
    response = client.post(url, {"form": "approve"}, follow=True)
    assert "不能审批" in response.content.decode() or response.status_code == 403
    request.refresh_from_db()
    assert request.status == Status.REQUESTED and not LedgerEntry.objects.filter(disbursement=request).exists()


def test_another_districts_funding_pages_are_404_for_every_role(money, other_tree):
    foreign = walk.disbursement(other_tree)
    account = community_account(other_tree.communities[0], AccountKind.SERVICE)
    client = Client(raise_request_exception=False)
    for who in ("official", "street_staff", "cadre"):
        client.force_login(getattr(money, who))
        assert client.get(reverse("funding:request", args=[foreign.pk])).status_code == 404, who
        assert client.post(reverse("funding:request", args=[foreign.pk]), {"form": "approve"}).status_code == 404
        assert client.get(reverse("funding:account", args=[account.pk])).status_code == 404, who
    foreign.refresh_from_db()
    assert foreign.status == Status.REQUESTED


def test_every_write_of_the_api_answers_bad_bodies_with_a_chinese_4xx(money, client, settings, tmp_path):
    """Every POST/PUT/PATCH of /api/v1/funding/ in the OpenAPI schema, as each role, with every field of its
    body set to a NUL byte, 2 MB, a negative, a huge, a fractional or an exponent amount, a list, an object or
    null: never a 5xx, and every refusal (but a 404) says why in Chinese."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(money.official)
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    request = walk.disbursement(money)
    tried, wrong = set(), []
    for path, operations in schema["paths"].items():
        if not path.startswith(API):
            continue
        for method in ("post", "put", "patch"):
            if method not in operations:
                continue
            url = path.replace("{id}", str(request.pk))
            content = operations[method].get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref", "").split("/")[-1]
            fields = list(components.get(ref, {}).get("properties", {})) or ["x"]
            for who in ("official", "street_staff", "cadre"):
                api = APIClient(raise_request_exception=False)
                api.force_authenticate(getattr(money, who))
                for bad in (NUL, HUGE, -1, 10**30, 1.5, "1e3", [], {}, None):
                    response = getattr(api, method)(url, dict.fromkeys(fields, bad), format="json")
                    tried.add((method, path))
                    body = response.content.decode()[:3000]
                    if response.status_code >= 500 or (
                        response.status_code >= 400 and response.status_code != 404 and not CHINESE.search(body)
                    ):
                        wrong.append((method, url, who, repr(bad)[:20], response.status_code, body[:200]))
    assert len(tried) >= 15  # the requests, their actions, the policy, overrides, tier changes, sources, bonus
    assert wrong == []
