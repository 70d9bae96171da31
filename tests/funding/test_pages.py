"""The funding pages as each role sees them: money as ¥1,234.56, the rules written out, bad input in Chinese
with nothing saved, the execution XLSX."""

import io
import re

import pytest
from django.urls import reverse

from funding.models import BonusQuarter, Disbursement, DisbursementDocument, FundAccount, Status
from tests.funding import walk

pytestmark = pytest.mark.django_db


def pages(t):
    made = walk.funding_objects(t)
    return [
        reverse("funding:home"),
        reverse("funding:policy"),
        reverse("funding:accounts"),
        reverse("funding:account", args=[made[FundAccount].pk]),
        reverse("funding:requests"),
        reverse("funding:request", args=[made[Disbursement].pk]),
        reverse("funding:sources"),
        reverse("funding:year-end"),
        reverse("funding:bonus") + "?year=2026",
        reverse("funding:bonus-quarter", args=[made[BonusQuarter].pk]),
        reverse("funding:execution") + "?year=2026",
    ]


def test_every_page_answers_every_role(client, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    urls = pages(tree)
    for user in tree.users:
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            if user.role in ("district_official", "street_staff", "community_cadre"):
                assert response.status_code in (200, 404), (url, user.role, response.status_code)
            else:
                assert response.status_code in (403, 404), (url, user.role, response.status_code)


def test_the_home_shows_money_as_yuan(client, money):
    client.force_login(money.official)
    body = client.get(reverse("funding:home")).content.decode()
    assert "¥600,000.00" in body  # four communities × ¥150,000.00


def test_the_policy_page_explains_pro_rata(client, money):
    client.force_login(money.official)
    body = client.get(reverse("funding:policy") + "?year=2026").content.decode()
    assert "按月折算" in body and "剩余月数 ÷ 12" in body
    assert "¥150,000.00" in body


def test_a_cadre_requests_with_a_bad_amount_and_nothing_is_saved(client, money, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(money.cadre)
    from funding.models import AccountKind
    from funding.services.ledger import community_account

    account = community_account(money.communities[0], AccountKind.SERVICE)
    for amount, message in (("-3", "不能为负数"), ("1.234", "两位小数"), ("200000", "超出可用余额")):
        response = client.post(
            reverse("funding:requests"),
            {"account": account.pk, "purpose": "活动", "category": "service", "amount_fen": amount},
        )
        assert response.status_code == 400 and message in response.content.decode()
    assert not Disbursement.objects.exists()
    fake = io.BytesIO(b"MZ\x90\x00 not a document")
    fake.name = "报价单.pdf"
    response = client.post(
        reverse("funding:requests"),
        {"account": account.pk, "purpose": "活动", "category": "service", "amount_fen": "1,234.56", "documents": fake},
    )
    assert response.status_code == 400 and "不是可接受的文件类型" in response.content.decode()
    assert not Disbursement.objects.exists() and not DisbursementDocument.objects.exists()
    response = client.post(
        reverse("funding:requests"),
        {"account": account.pk, "purpose": "活动", "category": "service", "amount_fen": "1,234.56"},
    )
    assert response.status_code == 302
    assert Disbursement.objects.get().amount_fen == 123456


def test_the_street_approves_rejects_and_pays_on_the_page(client, money):
    request = walk.disbursement(money)
    client.force_login(money.cadre)
    body = client.get(reverse("funding:request", args=[request.pk])).content.decode()
    assert "批准</button>" not in body  # a community cannot approve its own
    client.force_login(money.street_staff)
    url = reverse("funding:request", args=[request.pk])
    assert "批准</button>" in client.get(url).content.decode()
    client.post(url, {"form": "approve"})
    response = client.post(url, {"form": "pay", "voucher_no": ""})
    assert response.status_code == 400 and "凭证号" in response.content.decode()
    client.post(url, {"form": "pay", "voucher_no": "记-9"})
    request.refresh_from_db()
    assert request.status == Status.PAID and request.voucher_no == "记-9"


def test_the_bonus_quarter_page_shows_the_formula_and_the_chart(client, tree):
    made = walk.funding_objects(tree)
    client.force_login(tree.official)
    body = client.get(reverse("funding:bonus-quarter", args=[made[BonusQuarter].pk])).content.decode()
    assert "<svg" in body and "最大余额法" in body and "最高" in body and "平均" in body


def test_the_execution_xlsx(client, money):
    from openpyxl import load_workbook

    client.force_login(money.official)
    response = client.get(reverse("funding:execution-xlsx") + "?year=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:4] == ["街道", "社区", "分类", "下达（元）"]
    assert rows[-1][:2] == ["全区", "合计"] and float(rows[-1][3]) == 600_000.0
    assert len([r for r in rows if r[1] and "社区" in str(r[1]) and r[1] != "（街道合计）"]) >= 4


def test_a_refused_correction_keeps_the_typed_reason_under_its_row(client, money):
    # given a year's allocation cut by an amount of the community's own, and partly reserved by an approved request
    from funding.models import EntryKind, LedgerEntry
    from funding.services import disbursements, policy
    from tests.funding.conftest import YEAR, system

    community = money.communities[0]
    policy.override_set(actor=system(money), community=community, year=YEAR, amount_fen=140_000_00, reason="核减")
    request = disbursements.disbursement_request(
        actor=money.cadre, community=community, purpose="修缮", category="repair", amount_fen=10_000_00
    )
    disbursements.disbursement_approve(actor=money.street_staff, disbursement=request)
    entry = LedgerEntry.objects.get(kind=EntryKind.ALLOCATION, community=community)
    # when the official reverses it on the account's page
    client.force_login(money.official)
    url = reverse("funding:account", args=[entry.to_account_id])
    response = client.post(url, {"entry": entry.pk, "reason": "下达金额有误，按区财政局通知更正"})
    # then the page refuses it in Chinese, and the row's form is open with the reason as typed and the reason why
    assert response.status_code == 400
    body = response.content.decode()
    # each correctable row: its <details> (open or not), then its form with the entry's id
    row_forms = (
        r"<details( open)?><summary>[^<]*</summary><form[^>]*><input[^>]*>"
        r'<input [^>]*name="entry" '
        r'value="(\d+)"'
    )
    rows = {int(pk): opened for opened, pk in re.findall(row_forms, body)}
    assert len(rows) == 2  # the allocation and the cut: both may be corrected
    assert rows[entry.pk] == " open" and not any(opened for pk, opened in rows.items() if pk != entry.pk)
    row = body.split(f'name="entry" value="{entry.pk}"', 1)[1].split("</details>", 1)[0]
    assert 'value="下达金额有误，按区财政局通知更正"' in row
    assert re.search(r'class="field-error">[^<]*余额不足', row)
    # and nothing was posted
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
