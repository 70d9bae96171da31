"""Polish users noticed: the empty choice of a select speaks the page's language (Django 6.1's
"- Select an option -" was English on Chinese pages)."""

import pytest
from django.urls import reverse
from django.utils import translation

from ratings.forms import ContractForm

pytestmark = pytest.mark.django_db


def test_the_contract_forms_selects_offer_a_chinese_empty_choice(client, tree):
    client.force_login(tree.official)
    html = client.get(reverse("ratings:contract-list")).content.decode()
    assert '<option value="" selected>请选择</option>' in html
    assert "Select an option" not in html


def test_in_english_the_empty_choice_is_english(tree):
    with translation.override("en"):
        html = str(ContractForm(actor=tree.official)["compound"])
    assert "Please choose" in html and "请选择" not in html and "Select an option" not in html


def test_a_rejected_order_looks_finished_with_its_reason_on_the_tracking_page(client, tree, file_order):
    from django.utils import timezone

    from workorders import services

    order = file_order(compound=tree.compounds[0], route=False, now=timezone.now())
    services.work_order_reject(
        actor=tree.street_staff, order=order, reason="属于私人房屋内部维修，请联系房东处理", now=timezone.now()
    )
    html = client.get(reverse("intake:track", args=[order.tracking_code])).content.decode()
    assert 'class="status-badge status-badge--ended" data-state="rejected"' in html
    assert "属于私人房屋内部维修" in html.split("data-reject-reason")[1]
    assert "办结时限" not in html
