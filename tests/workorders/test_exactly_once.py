"""Exactly-once filing (issue 11): the same request twice is one order, on every filing endpoint — the API's
`Idempotency-Key`, the pages' one-time form token, Open311's identical content within the district's window —
and two requests at the same moment with one key make one order too (tested with two real connections)."""

import re
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.onetime import STALE_MESSAGE
from accounts.roles import Integration, Role
from tests import factories
from workorders.models import Channel, IdempotencyKey, PrivacySettings, WorkOrder

from .test_open311 import as_json, key_a, post_request  # noqa: F401 (fixtures)

DESCRIPTION = "2号楼北侧井盖松动，车辆经过时有响声"
TOKEN_RE = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def order_body(tree, categories, **extra):
    return {
        "compound": tree.compounds[0].pk,
        "category": categories["corridor-clutter"].pk,
        "channel": Channel.PHONE,
        "title": "楼道堆物",
        "description": "3号楼楼道堆满纸箱",
        **extra,
    }


# ---------------------------------------------------------------------------------------------------- the API


def test_the_same_key_twice_files_one_order_and_answers_the_first_answer(tree, categories):
    api = api_for(tree.street_staff)
    body = order_body(tree, categories)

    first = api.post(reverse("workorders-api:work-order-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(reverse("workorders-api:work-order-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert WorkOrder.objects.count() == 1
    # a new key is a new order
    third = api.post(reverse("workorders-api:work-order-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert third.status_code == 201 and third.json()["id"] != first.json()["id"]
    assert WorkOrder.objects.count() == 2


def test_a_different_body_under_the_same_key_is_a_422_and_files_nothing(tree, categories):
    api = api_for(tree.street_staff)
    url = reverse("workorders-api:work-order-list")
    api.post(url, order_body(tree, categories), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    other = api.post(url, order_body(tree, categories, title="路灯不亮"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert other.status_code == 422
    assert "幂等键" in other.json()["detail"]
    assert WorkOrder.objects.count() == 1 and not WorkOrder.objects.filter(title="路灯不亮").exists()


def test_keys_belong_to_their_account_and_a_refused_filing_frees_the_key(tree, categories):
    url = reverse("workorders-api:work-order-list")
    # a refused body (no description) files nothing and does not use the key up
    refused = api_for(tree.street_staff).post(
        url, order_body(tree, categories, description=""), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert refused.status_code == 400 and not IdempotencyKey.objects.exists()
    mine = api_for(tree.street_staff).post(url, order_body(tree, categories), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # another person's same key is their own
    theirs = api_for(tree.cadre).post(url, order_body(tree, categories), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert mine.status_code == 201 and theirs.status_code == 201
    assert WorkOrder.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 201, "含中文的键"])
def test_a_malformed_key_is_a_400_in_chinese(tree, categories, key):
    response = api_for(tree.street_staff).post(
        reverse("workorders-api:work-order-list"),
        order_body(tree, categories),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"),
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not WorkOrder.objects.exists()


def test_the_12345_push_honours_the_key(tree, categories):
    # the district's 12345 integration account: 12345 numbers are the integration's (issue 7, hole 2)
    api = api_for(
        factories.UserFactory(role=Role.INTEGRATION, integration=Integration.HOTLINE_12345, district=tree.district)
    )
    url = reverse("hotline:order-receive")
    body = {
        "external_number": "GD20261125000123",
        "category": "corridor-clutter",
        "compound": tree.compounds[0].name,
        "description": "楼道堆满杂物，影响通行",
    }
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="push-1")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="push-1")
    # the number was mistyped the first time: the retry under the same key with another number is refused
    mistyped = api.post(
        url, {**body, "external_number": "GD20261125000124"}, format="json", HTTP_IDEMPOTENCY_KEY="push-1"
    )

    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert mistyped.status_code == 422
    assert WorkOrder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_make_one_order(tree, categories):
    """Two threads, two database connections, one key, released together: the unique key and the row lock
    let one of them file and the other answer the same order."""
    url = reverse("workorders-api:work-order-list")
    body = order_body(tree, categories)
    start = threading.Barrier(2)
    answers = []

    def post():
        try:
            api = api_for(tree.street_staff)
            start.wait()
            answers.append(api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="same-moment"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert WorkOrder.objects.count() == 1
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]


# ---------------------------------------------------------------------------------------------------- the pages


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_grid_form_posted_twice_files_one_order_and_lands_on_it(client, tree, categories, media):
    client.force_login(tree.grid_worker)
    page = client.get(reverse("intake:grid")).content.decode()
    token = TOKEN_RE.search(page).group(1)
    data = {
        "compound": tree.compounds[1].pk,
        "category": categories["manhole-cover"].pk,
        "description": DESCRIPTION,
        "form_token": token,
    }

    first = client.post(reverse("intake:grid"), data)
    again = client.post(reverse("intake:grid"), data)

    order = WorkOrder.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("intake:grid")
    assert again.status_code == 302 and again["Location"] == reverse("workorders:detail", args=[order.pk])
    landed = client.get(again["Location"]).content.decode()
    assert "已提交过" in landed and order.tracking_code in landed
    # a fresh page has a fresh token
    assert TOKEN_RE.search(client.get(reverse("intake:grid")).content.decode()).group(1) != token


def test_the_same_form_token_with_other_content_is_refused_on_the_form(client, tree, categories, media):
    client.force_login(tree.street_staff)
    token = uuid.uuid4().hex
    data = {
        "channel": Channel.PHONE,
        "compound": tree.compounds[0].pk,
        "category": categories["corridor-clutter"].pk,
        "description": DESCRIPTION,
        "form_token": token,
    }
    client.post(reverse("intake:staff"), data)

    edited = client.post(reverse("intake:staff"), {**data, "description": "另一件事：路灯不亮"})

    assert edited.status_code == 400
    body = edited.content.decode()
    assert "这张表单已经提交过" in body and WorkOrder.objects.get().tracking_code in body
    new_token = TOKEN_RE.search(body).group(1)
    assert new_token != token
    # submitting the re-displayed form (its new token) files the second matter
    assert client.post(reverse("intake:staff"), {**data, "description": "另一件事：路灯不亮", "form_token": new_token})
    assert WorkOrder.objects.count() == 2


def test_the_qr_page_posted_twice_files_one_request_and_lands_on_its_tracking_page(client, tree, categories, media):
    url = reverse("intake:report", args=[tree.compounds[0].public_token])
    token = TOKEN_RE.search(client.get(url).content.decode()).group(1)
    data = {"category": categories["corridor-clutter"].pk, "description": DESCRIPTION, "form_token": token}

    first = Client().post(url, data)
    again = Client().post(url, data)  # the resend may come without the first one's cookies

    order = WorkOrder.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("intake:track", args=[order.tracking_code]) + "?new=1"


def test_the_qr_page_resent_when_its_limit_is_used_up_still_lands_on_its_request(client, tree, categories, media):
    """The filing that used the client's last allowed use, sent again (a double tap): its tracking page, not a
    429; and a resend does not use up a use of its own."""
    url = reverse("intake:report", args=[tree.compounds[0].public_token])
    data = {"category": categories["corridor-clutter"].pk, "description": DESCRIPTION}
    for n in range(4):
        assert (
            client.post(url, {**data, "description": f"{DESCRIPTION}（{n}）"}, REMOTE_ADDR="10.0.5.5").status_code
            == 302
        )
    last = {**data, "form_token": uuid.uuid4().hex}
    first = client.post(url, last, REMOTE_ADDR="10.0.5.5")
    again = [client.post(url, last, REMOTE_ADDR="10.0.5.5") for _ in range(2)]

    assert WorkOrder.objects.count() == 5
    assert [response.status_code for response in again] == [302, 302]
    assert first["Location"] == again[0]["Location"] == again[1]["Location"]
    assert client.post(url, {**data, "form_token": uuid.uuid4().hex}, REMOTE_ADDR="10.0.5.5").status_code == 429


def test_the_qr_page_with_other_content_under_its_token_is_refused_and_renewed(client, tree, categories, media):
    url = reverse("intake:report", args=[tree.compounds[0].public_token])
    token = TOKEN_RE.search(client.get(url).content.decode()).group(1)
    data = {"category": categories["corridor-clutter"].pk, "description": DESCRIPTION, "form_token": token}
    assert client.post(url, data).status_code == 302

    edited = client.post(url, {**data, "description": "另一件事：路灯不亮"})

    body = edited.content.decode()
    assert edited.status_code == 400
    assert "这张表单已经提交过" in body and WorkOrder.objects.get().tracking_code in body
    assert "路灯不亮" in body  # what was typed comes back
    new_token = TOKEN_RE.search(body).group(1)
    assert new_token != token
    assert client.post(url, {**data, "description": "另一件事：路灯不亮", "form_token": new_token}).status_code == 302
    assert WorkOrder.objects.count() == 2


@pytest.mark.parametrize(
    "token", ["x" * 65, "z" * 2_000_000, "abc\x00def", "abc\x07def"], ids=["65 chars", "2 MB", "NUL", "BEL"]
)
def test_a_qr_form_with_a_token_the_page_never_gave_files_nothing_and_says_so(client, tree, categories, token):
    """The token's field is hidden: its error is said where the page shows the form's errors, and the form comes
    back with a fresh token (accounts.onetime.OneTimeTokenForm), so that sending it again files."""
    url = reverse("intake:report", args=[tree.compounds[0].public_token])
    data = {"category": categories["corridor-clutter"].pk, "description": DESCRIPTION, "form_token": token}

    response = client.post(url, data)

    body = response.content.decode()
    # one message whatever was wrong with it: the resident never typed it (not the text rules' "内容过长…")
    assert response.status_code == 400 and str(STALE_MESSAGE) in body and DESCRIPTION in body
    assert "内容过长" not in body and "控制字符" not in body
    fresh = TOKEN_RE.search(body)
    assert fresh, "the form comes back with a fresh token"
    assert not WorkOrder.objects.exists() and not IdempotencyKey.objects.exists()
    assert client.post(url, {**data, "form_token": fresh.group(1)}).status_code == 302
    assert WorkOrder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_grid_submits_at_once_make_one_order(tree, categories, media):
    token = uuid.uuid4().hex
    data = {
        "compound": tree.compounds[1].pk,
        "category": categories["manhole-cover"].pk,
        "description": DESCRIPTION,
        "form_token": token,
    }
    start = threading.Barrier(2)
    answers = []

    def post():
        try:
            client = Client()
            client.force_login(tree.grid_worker)
            start.wait()
            answers.append(client.post(reverse("intake:grid"), data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [a.status_code for a in answers] == [302, 302]
    assert WorkOrder.objects.count() == 1


# ---------------------------------------------------------------------------------------------------- Open311


def test_an_identical_open311_post_is_one_request_and_the_answer_names_it(client, tree, categories, key_a):  # noqa: F811
    first = as_json(post_request(client, tree, key_a, fmt="json"))
    again = as_json(post_request(client, tree, key_a, fmt="json"))

    assert WorkOrder.objects.count() == 1
    order = WorkOrder.objects.get()
    assert first[0]["service_request_id"] == again[0]["service_request_id"] == str(order.pk)
    assert "未重复登记" in again[0]["service_notice"] and str(order.pk) in again[0]["service_notice"]
    # other content is another request
    other = as_json(post_request(client, tree, key_a, fmt="json", description="西门路灯也坏了"))
    assert other[0]["service_request_id"] != str(order.pk) and WorkOrder.objects.count() == 2


def test_open311_dedupe_follows_the_districts_window(client, tree, categories, key_a):  # noqa: F811
    # a district that sets the window to 0 takes every post
    PrivacySettings.objects.create(district=tree.district, open311_dedupe_minutes=0)
    post_request(client, tree, key_a)
    post_request(client, tree, key_a)
    assert WorkOrder.objects.count() == 2


def test_after_the_window_the_same_content_is_a_new_request(client, tree, categories, key_a):  # noqa: F811
    post_request(client, tree, key_a)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    post_request(client, tree, key_a)
    assert WorkOrder.objects.count() == 2


def test_the_window_is_set_on_the_settings_page_and_through_the_api(client, tree):
    client.force_login(tree.official)
    page = client.get(reverse("workorders:privacy-settings")).content.decode()
    assert "Open311 重复提交合并时限" in page
    saved = client.post(reverse("workorders:privacy-settings"), {"retention_years": 3, "open311_dedupe_minutes": 30})
    assert saved.status_code == 302
    assert PrivacySettings.objects.get(district=tree.district).open311_dedupe_minutes == 30
    refused = client.post(
        reverse("workorders:privacy-settings"), {"retention_years": 3, "open311_dedupe_minutes": 5000}
    )
    assert refused.status_code == 400 and "合并时限应为 0 至 1440 分钟" in refused.content.decode()
