"""找回查询码: a resident who lost the tracking code types the phone they gave, receives a code by text message
(accounts.sms; the in-memory outbox here) and sees their orders' tracking links. Same answer for a number that
never filed; codes expire, die after five wrong guesses and are used once; requests are limited per number and
per address."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts import sms
from tests.factories import SYSTEM
from workorders import recovery
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

URL = "/track/phone/"
FILED = "13812345678"
NEVER_FILED = "13800005678"  # masked alike: 138****5678


@pytest.fixture(autouse=True)
def empty_outbox(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def file_order(client, tree, categories, phone, description="楼道灯坏了一个星期，晚上很黑，老人出门不安全"):
    compound = tree.compounds[0]
    data = {"category": categories["sanitation"].pk, "description": description, "reporter_phone": phone}
    response = client.post(reverse("intake:report", args=[compound.public_token]), data, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302, response.content.decode()[:500]
    return WorkOrder.objects.get(tracking_code=response["Location"].split("/")[2])


def ask_code(client, phone, ip="10.0.0.1"):
    return client.post(URL, {"phone": phone}, REMOTE_ADDR=ip)


def send_code(client, phone, code, ip="10.0.0.1"):
    return client.post(URL, {"phone": phone, "code": code}, REMOTE_ADDR=ip)


def code_sent_to(phone):
    (message,) = [m for m in sms.outbox if m.to == phone]
    return re.search(r"\d{6}", message.text).group()


def page_of(response):
    """The page as the visitor sees it: without the CSRF token, and the number they typed themselves (kept in
    a hidden field for step 2) in place of itself."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return body.replace(FILED, "<typed>").replace(NEVER_FILED, "<typed>")


def test_the_tracking_page_offers_the_phone_and_the_resident_finds_their_orders(client, tree, categories):
    # given a resident who filed two orders with their phone, and someone else's order
    first = file_order(client, tree, categories, "138 1234 5678")
    second = file_order(client, tree, categories, FILED, description="垃圾桶满了三天没人清运，气味很大")
    other = file_order(client, tree, categories, "13900001111")
    assert "/track/phone/" in client.get(reverse("intake:track-lookup")).content.decode()
    # when they type the phone
    response = ask_code(client, FILED)
    # then a text message carries a six-digit code, and the page asks for it
    assert response.status_code == 200
    assert "验证码已通过短信发送至 138****5678" in response.content.decode()
    code = code_sent_to(FILED)
    # when they type the code, they see their orders' tracking links, not the other resident's
    body = send_code(client, FILED, code).content.decode()
    assert f'href="/track/{first.tracking_code}/"' in body and f'href="/track/{second.tracking_code}/"' in body
    assert other.tracking_code not in body
    # and the code is spent
    again = send_code(client, FILED, code)
    assert again.status_code == 400 and "验证码不正确或已过期" in again.content.decode()
    assert first.tracking_code not in again.content.decode()


def test_a_number_that_never_filed_gets_the_same_answer_and_no_message(client, tree, categories):
    file_order(client, tree, categories, FILED)
    filed, never = ask_code(client, FILED), ask_code(client, NEVER_FILED, ip="10.0.0.2")
    assert (filed.status_code, page_of(filed)) == (never.status_code, page_of(never))
    assert [m.to for m in sms.outbox] == [FILED]
    guessed = send_code(client, NEVER_FILED, "123456")
    assert guessed.status_code == 400 and "验证码不正确或已过期" in guessed.content.decode()


def test_a_code_dies_after_five_wrong_guesses(client, tree, categories):
    order = file_order(client, tree, categories, FILED)
    ask_code(client, FILED)
    code = code_sent_to(FILED)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert send_code(client, FILED, wrong).status_code == 400
    response = send_code(client, FILED, code)
    assert response.status_code == 400 and order.tracking_code not in response.content.decode()


def test_a_code_expires(client, tree, categories, monkeypatch):
    order = file_order(client, tree, categories, FILED)
    ask_code(client, FILED)
    code = code_sent_to(FILED)
    later = recovery.time.time() + 11 * 60
    monkeypatch.setattr(recovery.time, "time", lambda: later)
    response = send_code(client, FILED, code)
    assert response.status_code == 400 and order.tracking_code not in response.content.decode()


def test_the_cache_holds_neither_the_number_nor_the_code(client, tree, categories):
    file_order(client, tree, categories, FILED)
    ask_code(client, FILED)
    code = code_sent_to(FILED)
    stored = repr(cache._cache) + repr(list(cache._cache.keys()))  # LocMemCache: pickled values by key
    assert FILED not in stored and code.encode() not in b"".join(cache._cache.values())


def test_requests_are_limited_per_number_and_per_address(client, tree, categories, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track-recovery-phone": "2/h", "track-recovery-address": "3/h"}
    file_order(client, tree, categories, FILED)
    # one number, from different addresses: the third request is refused in Chinese
    assert ask_code(client, FILED, ip="10.1.0.1").status_code == 200
    assert ask_code(client, FILED, ip="10.1.0.2").status_code == 200
    refused = ask_code(client, FILED, ip="10.1.0.3")
    assert refused.status_code == 429 and "该号码获取验证码过于频繁" in refused.content.decode()
    assert len(sms.outbox) == 2
    # one address, different numbers: the fourth request is refused, whether the numbers filed or not
    for n in range(3):
        assert ask_code(client, f"1390000000{n}", ip="10.2.0.1").status_code == 200
    refused = ask_code(client, "13900000009", ip="10.2.0.1")
    assert refused.status_code == 429 and "获取验证码过于频繁" in refused.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phone": "12345"}, "不是有效的手机号"),
        ({"phone": ""}, "请输入提交诉求时留的手机号"),
        ({"phone": FILED, "code": "12ab"}, "验证码是 6 位数字"),
    ],
)
def test_bad_input_gets_a_chinese_error(client, tree, data, message):
    response = client.post(URL, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert sms.outbox == []


def test_a_resident_who_filed_in_two_districts_finds_both_through_the_narrow_door(client, tree, other_tree):
    # given one phone that filed in 长安区 and in the other district (the page runs in no district: the door's
    # SECURITY DEFINER lookup names the districts, then each district's orders are read in its own scope)
    from workorders import services

    here = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    services.categories_seed(actor=SYSTEM, district=other_tree.district)
    first = file_order(client, tree, here, FILED)
    other_compound = other_tree.compounds[0]
    there = WorkOrder.objects.filter(district=other_tree.district)
    response = client.post(
        reverse("intake:report", args=[other_compound.public_token]),
        {
            "category": services.Category.objects.filter(district=other_tree.district).first().pk,
            "description": "电梯停运两天了，楼上老人下不了楼",
            "reporter_phone": FILED,
        },
        REMOTE_ADDR="10.9.9.8",
    )
    assert response.status_code == 302, response.content.decode()[:500]
    second = there.get(reporter_phone=FILED)
    # when the resident asks by phone and types the code
    ask_code(client, FILED)
    body = send_code(client, FILED, code_sent_to(FILED)).content.decode()
    # then both orders are listed, each linking to its tracking page
    assert f'href="/track/{first.tracking_code}/"' in body and f'href="/track/{second.tracking_code}/"' in body
