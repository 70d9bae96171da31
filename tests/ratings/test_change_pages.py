"""The pages that change what used to be read-only: service contracts (create with the fee in yuan, end
with a date) and the district's rating rules. District officials change; street staff read."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.actors import SystemActor
from ratings import services
from ratings.models import FeeBasis, RatingSettings, ServiceContract
from tests.ratings import helpers as h

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


def contract_form(tree, **values):
    data = {
        "compound": tree.compounds[0].pk,
        "firm": tree.firm.pk,
        "start": "2026-01-01",
        "end": "",
        "fee_basis": FeeBasis.PER_SQUARE_METRE,
        "fee_yuan": "1.35",
        "signed_at": "2025-12-20",
        "note": "公开招标",
    }
    data.update(values)
    return data


def test_official_registers_a_contract_with_the_fee_in_yuan(client, tree):
    client.force_login(tree.official)
    # given the contracts page shows the form with the fee in yuan
    page = client.get(reverse("ratings:contract-list")).content.decode()
    assert "登记服务合同" in page and "收费标准（元/月）" in page

    # when the official registers a contract at 1.35 yuan per m² per month
    response = client.post(reverse("ratings:contract-list"), contract_form(tree), follow=True)

    # then it is stored in fen and shown back in yuan on its page
    contract = ServiceContract.objects.get()
    assert (contract.fee_fen, contract.fee_basis, contract.start) == (135, "per_sqm", datetime.date(2026, 1, 1))
    assert contract.note == "公开招标" and contract.end is None
    text = response.content.decode()
    assert "已登记服务合同" in text and "1.35" in text and "按建筑面积每平方米每月" in text


def test_an_overlapping_contract_is_refused_in_chinese_and_nothing_typed_is_lost(client, tree):
    services.contract_create(
        actor=SYSTEM,
        firm=tree.firm,
        compound=tree.compounds[0],
        start=datetime.date(2025, 1, 1),
        fee_fen=150,
    )
    client.force_login(tree.official)

    # when a second contract overlapping the first is submitted
    response = client.post(reverse("ratings:contract-list"), contract_form(tree, note="续签草稿", fee_yuan="2.05"))

    # then the page says why in Chinese, keeps what was typed, and stores nothing
    text = response.content.decode()
    assert response.status_code == 400
    assert "合同期不能重叠" in text
    assert 'value="2.05"' in text and 'value="续签草稿"' in text and 'value="2026-01-01"' in text
    assert ServiceContract.objects.count() == 1


def test_bad_fee_and_missing_start_get_chinese_field_errors(client, tree):
    client.force_login(tree.official)
    response = client.post(reverse("ratings:contract-list"), contract_form(tree, fee_yuan="一块五", start=""))
    text = response.content.decode()
    assert response.status_code == 400
    assert "输入一个数字" in text and "该字段是必填项" in text
    assert 'value="一块五"' in text
    assert not ServiceContract.objects.exists()


def test_official_ends_a_contract_with_a_date_and_it_stays_in_the_history(client, tree):
    contract = services.contract_create(
        actor=SYSTEM,
        firm=tree.firm,
        compound=tree.compounds[0],
        start=datetime.date(2025, 1, 1),
        fee_fen=150,
    )
    client.force_login(tree.official)
    url = reverse("ratings:contract-detail", args=[contract.pk])
    assert "结束合同" in client.get(url).content.decode()

    # an end before the start is refused in Chinese; the date typed stays
    bad = client.post(url, {"end": "2024-06-30"})
    assert bad.status_code == 400
    assert "合同结束日期应晚于开始日期" in bad.content.decode() and 'value="2024-06-30"' in bad.content.decode()
    contract.refresh_from_db()
    assert contract.end is None

    # a good date ends it; the page shows the end and the contract is still listed
    page = client.post(url, {"end": "2026-07-01"}, follow=True).content.decode()
    contract.refresh_from_db()
    assert contract.end == datetime.date(2026, 7, 1)
    assert "2026-07-01" in page and "合同已于" in page
    assert tree.compounds[0].name in client.get(reverse("ratings:contract-list")).content.decode()


def test_street_staff_read_contracts_but_cannot_create_or_end_them(client, tree):
    contract = services.contract_create(
        actor=SYSTEM,
        firm=tree.firm,
        compound=tree.compounds[0],
        start=datetime.date(2025, 1, 1),
        fee_fen=150,
    )
    client.force_login(tree.street_staff)
    page = client.get(reverse("ratings:contract-list")).content.decode()
    assert tree.compounds[0].name in page and "登记服务合同" not in page
    detail = client.get(reverse("ratings:contract-detail", args=[contract.pk])).content.decode()
    assert "1.50" in detail and 'name="end"' not in detail
    assert client.post(reverse("ratings:contract-list"), contract_form(tree, start="2027-01-01")).status_code == 404
    assert client.post(reverse("ratings:contract-detail", args=[contract.pk]), {"end": "2026-07-01"}).status_code == 404
    contract.refresh_from_db()
    assert contract.end is None and ServiceContract.objects.count() == 1


SETTINGS = {
    "weight_satisfaction": "60",
    "weight_panel": "25",
    "weight_work_orders": "15",
    "red_min_score": "88",
    "red_top_percent": "15",
    "black_below_score": "55",
    "black_bottom_percent": "5",
    "min_answers": "20",
    "complaint_penalty": "8",
}


def test_official_changes_the_rules(client, tree):
    client.force_login(tree.official)
    page = client.get(reverse("ratings:settings")).content.decode()
    assert "本区考评规则" in page and 'name="weight_satisfaction" value="50"' in page  # the defaults fill the form

    response = client.post(reverse("ratings:settings"), SETTINGS, follow=True)

    rules = RatingSettings.objects.get(district=tree.district)
    assert (rules.weight_satisfaction, rules.weight_panel, rules.weight_work_orders) == (60, 25, 15)
    assert (rules.red_min_score, rules.red_top_percent, rules.black_below_score) == (88, 15, 55)
    assert rules.min_answers == 20 and rules.complaint_penalty == Decimal(8)
    assert "考评规则已保存" in response.content.decode()


def test_weights_not_summing_to_100_are_refused_and_nothing_is_lost(client, tree):
    h.rules(tree, min_answers=12)
    client.force_login(tree.official)

    response = client.post(reverse("ratings:settings"), {**SETTINGS, "weight_panel": "20"})

    text = response.content.decode()
    assert response.status_code == 400
    assert "三项权重合计应为 100，现为 95" in text
    assert 'value="20"' in text and 'value="88"' in text  # what was typed is still there
    assert RatingSettings.objects.get(district=tree.district).min_answers == 12  # the saved rules unchanged


def test_black_line_above_the_red_line_is_refused_by_the_service_in_chinese(client, tree):
    client.force_login(tree.official)
    response = client.post(reverse("ratings:settings"), {**SETTINGS, "black_below_score": "95"})
    assert response.status_code == 400
    assert "黑榜分数线不能高于红榜最低分" in response.content.decode()
    assert not RatingSettings.objects.filter(district=tree.district).exists()


def test_street_staff_read_the_rules_only(client, tree):
    h.rules(tree, min_answers=12)
    client.force_login(tree.street_staff)
    page = client.get(reverse("ratings:settings")).content.decode()
    assert "本页只读" in page and '<td data-label="现行值">12</td>' in page and 'name="min_answers"' not in page
    assert client.post(reverse("ratings:settings"), SETTINGS).status_code == 404
    assert RatingSettings.objects.get(district=tree.district).min_answers == 12


def test_settings_page_shows_only_the_own_districts_rules(client, tree, other_tree):
    services.rating_settings_update(actor=SYSTEM, district=other_tree.district, min_answers=77)
    h.rules(tree, min_answers=12)
    client.force_login(tree.official)
    page = client.get(reverse("ratings:settings")).content.decode()
    # district B's 77 in no cell and no field (not "77" anywhere: the page's random CSP nonce may hold it)
    cell = '<td data-label="现行值">{}</td>'  # a rule's value in the rules table
    assert cell.format(12) in page and cell.format(77) not in page and 'value="77"' not in page
