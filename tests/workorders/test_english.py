"""The work-order pages in English (workorders/locale/en): the user's language switch changes the staff pages and
the resident's public pages; Chinese stays the default."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.workorders.test_api import make_order
from workorders import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(settings):
    """Compile the English catalogues (generated .mo files are not kept in git) and reload translations."""
    call_command("compilemessages", locale=["en"], ignore_patterns=[".venv", "var", "node_modules"], verbosity=0)
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]  # setting_changed resets Django's translation caches


def visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def to_english(client, url):
    return client.post(reverse("set_language"), {"language": "en", "next": url}, follow=True)


def test_the_order_page_and_queue_switch_to_english(client, tree, english):
    # given an order with a note, seen by the street desk in Chinese
    order = make_order(tree, title="3号楼楼道堆物")
    services.work_order_note(actor=tree.street_staff, order=order, note="已电话联系")
    client.force_login(tree.street_staff)
    url = reverse("workorders:detail", args=[order.pk])
    assert "流转记录" in visible_text(client.get(url))

    # when the user picks English
    page = visible_text(to_english(client, url))

    # then the page's own words are English, down to the state, channel, category and the action forms
    for english_text in ("Timeline", "Deadlines", "Respond by", "Details", "Assigned", "Channel"):
        assert english_text in page, english_text
    for english_text in ("Corridor clutter", "Add a note", "Record a deliberation meeting", "Topic", "Confirm: Accept"):
        assert english_text in page, english_text
    for chinese in ("流转记录", "基本信息", "添加备注", "记录议事会", "已派单", "楼道堆物"):
        assert chinese not in page.replace("3号楼楼道堆物", ""), chinese
    # what people typed stays as typed
    assert "3号楼楼道堆物" in page and "已电话联系" in page

    # and the queue, my orders, KPIs and inbox too
    queue = visible_text(client.get(reverse("workorders:queue")))
    assert "Work-order queue" in queue and "Filter" in queue and "Assign the selected orders" in queue
    assert "工单队列" not in queue
    assert "All states" in queue and "Overdue only" in queue and "Choose a handler" in queue
    assert "Nothing to handle." in visible_text(client.get(reverse("workorders:mine")))
    kpis = visible_text(client.get(reverse("workorders:kpis")))
    assert "Monthly street ranking" in kpis and "Response rate" in kpis and "街道月度排名" not in kpis
    assert "年" not in kpis.split("KPIs", 1)[1][:40]  # the month is written the English way
    assert "Inbox" in visible_text(client.get(reverse("workorders:inbox")))

    # and back to Chinese
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": url}, follow=True)
    assert "流转记录" in visible_text(response)


def test_the_residents_qr_and_tracking_pages_switch_to_english(client, tree, categories, english):
    compound = tree.compounds[0]
    url = reverse("intake:report", args=[compound.public_token])
    assert "问题描述" in visible_text(client.get(url))
    response = to_english(client, url)
    assert '<html lang="en">' in response.content.decode()
    page = visible_text(response)
    assert "2. Description" in page and "Corridor clutter" in page and "Submit" in page
    assert "问题描述" not in page
    order = make_order(tree)
    track = visible_text(client.get(reverse("intake:track", args=[order.tracking_code])))
    assert "Tracking code" in track and "Assigned" in track and "查询码" not in track
