"""The work-order pages in English (workorders/locale/en): the user's language switch changes the staff pages and
the resident's public pages; Chinese stays the default."""

import re

import pytest
from django.urls import reverse

from tests.workorders.test_api import make_order
from workorders import services

pytestmark = pytest.mark.django_db


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
    assert "(the files are in Chinese)" in queue  # the exports are Chinese whatever the page's language
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


def test_the_queue_sort_the_time_left_and_the_history_panel_in_english(client, tree, english):
    # given an order that changed once after filing, seen by the street desk in English
    order = make_order(tree, title="4号楼路灯不亮")
    client.force_login(tree.street_staff)
    client.cookies["django_language"] = "en"
    queue = client.get(reverse("workorders:queue")).content.decode()

    # then the sort select speaks English, from its default to each column's descending form
    for text in ("Default (newest first)", "Filed at", "Filed at (descending)", "Resolve by (descending)"):
        assert text in queue, text
    assert "Title, text, tracking code or external number" in queue  # the search box's placeholder
    for chinese in ("最新提交", "倒序", "提交时间", "小区名称"):
        assert chinese not in queue, chinese
    # the time left is said the English way (剩 3 天 → 3 days left)
    assert re.search(r"\d+ (minute|hour|day)s? (left|overdue)", visible_text(client.get(reverse("workorders:queue"))))

    # and the order page's change history names the fields in English (accounts/_history.html)
    page = visible_text(client.get(reverse("workorders:detail", args=[order.pk])))
    assert "Updated at" in page and "更新时间" not in page and "承办层级" not in page
    # the timeline keeps the notes as they were written (stored rows stay Chinese)
    assert "码上反馈" in page


def test_a_message_after_an_action_and_the_form_errors_in_english(client, tree, english):
    order = make_order(tree)
    client.force_login(tree.street_staff)
    client.cookies["django_language"] = "en"
    url = reverse("workorders:detail", args=[order.pk])

    # a refused form: the error is English
    refused = visible_text(client.post(url, {"action": "reject", "reject-reason": ""}))
    assert "Please fill in: Reason." in refused and "请填写" not in refused

    # a done action: the message names the action and the order in English
    done = visible_text(client.post(url, {"action": "reject", "reject-reason": "不属于本平台受理范围"}, follow=True))
    assert f"Done — Reject: {order.tracking_code}" in done
    assert "不属于本平台受理范围" in done  # what people typed stays as typed


def test_the_residents_phone_lookup_and_a_rejected_request_in_english(client, tree, english):
    client.cookies["django_language"] = "en"
    lookup = visible_text(client.get(reverse("intake:track-lookup")))
    assert "Lost your tracking code? Find it with your phone number" in lookup
    page = visible_text(client.get(reverse("intake:track-phone")))
    for text in ("Find your tracking codes by phone number", "Mobile number", "Send me a code"):
        assert text in page, text
    assert "手机号" not in page and "验证码" not in page
    refused = visible_text(client.post(reverse("intake:track-phone"), {"phone": ""}, REMOTE_ADDR="10.0.0.7"))
    assert "Please enter the phone number you gave with your request." in refused

    # a request the street would not accept: the resident reads why, in English around the typed reason
    order = make_order(tree)
    services.work_order_reject(actor=tree.street_staff, order=order, reason="不属于本平台受理范围")
    track = visible_text(client.get(reverse("intake:track", args=[order.tracking_code])))
    assert "Why it was not accepted" in track and "This request is closed." in track
    assert "Rejected" in track and "不予受理的原因" not in track
    assert "不属于本平台受理范围" in track
