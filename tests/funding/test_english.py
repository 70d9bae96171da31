"""The funding pages in English (funding/locale/en): the header's switch turns the pages, the form labels, the
model's choices and the rules written out on the page into English; names typed by people stay as typed."""

import pytest
from django.urls import reverse

from funding.services import disbursements
from tests.funding.conftest import YEAR
from tests.ratings.test_english import to_english

pytestmark = pytest.mark.django_db


def test_the_policy_page_and_the_requests_switch_to_english(client, money, english):
    disbursements.disbursement_request(
        actor=money.cadre, community=money.communities[0], purpose="楼道灯更换", category="repair", amount_fen=500_00
    )
    client.force_login(money.official)
    url = reverse("funding:policy") + f"?year={YEAR}"
    assert "年中调整分类（按月折算）" in client.get(url).content.decode()

    page = to_english(client, url)

    assert '<html lang="en">' in page
    for text in (
        "Fund policy",
        "Annual fund per community tier",
        "Tier change during the year (pro rata by month)",
        "remaining months ÷ 12",  # the rule printed from the service, in English
        "Tier A (yuan/year)",  # a form label
        "Carry everything over to next year",  # a model's choice
    ):
        assert text in page, text
    assert "按月折算" not in page and "各类社区年度经费" not in page
    requests = client.get(reverse("funding:requests")).content.decode()
    assert (
        "Fund requests" in requests and "Waiting for the street" in requests and "Compound facility repairs" in requests
    )
    assert "楼道灯更换" in requests  # what people typed stays as typed
    home = client.get(reverse("funding:home")).content.decode()
    assert "Execution by street and community" in home and "社区账、社区用、街道管" not in home
    # and the message after a change
    done = client.post(
        url,
        {"form": "override", "community": money.communities[3].pk, "year": YEAR, "amount_fen": "1", "reason": "试点"},
        follow=True,
    ).content.decode()
    assert "The community&#x27;s own amount is recorded." in done or "The community's own amount is recorded." in done


def test_the_bonus_formula_and_the_execution_tables_in_english(client, tree, english):
    from funding.models import BonusQuarter
    from tests.funding import walk

    made = walk.funding_objects(tree)
    client.force_login(tree.official)
    client.cookies["django_language"] = "en"

    quarter = client.get(reverse("funding:bonus-quarter", args=[made[BonusQuarter].pk])).content.decode()
    assert "Who takes part: community staff whose star grade for the quarter is approved" in quarter
    assert "largest remainder method" in quarter and "Points by stars: ★ " in quarter
    assert "最大余额法" not in quarter and "参与分配" not in quarter

    execution = client.get(reverse("funding:execution") + f"?year={YEAR}").content.decode()
    assert "<th>Tier</th>" in execution and "<th>分类</th>" not in execution
