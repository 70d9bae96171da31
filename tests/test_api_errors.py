"""Issue 10, defects 3 and 9: every error of the REST API is JSON, Chinese and of one shape (`{"detail": …}` or
`{field: [messages]}`, the schema's `Error`), and no input makes a 500 — tried from the outside."""

import json
import re

import pytest
from django.test import Client

from accounts.actors import SystemActor
from tests.factories import SYSTEM, api_key_for
from workorders import services
from workorders.models import Notification, WorkOrder

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def raw_client():
    return Client(raise_request_exception=False)


@pytest.fixture
def categories(tree):
    return {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}


@pytest.fixture
def staff_token(tree):
    return api_key_for(tree.street_staff)


def error_body(response):
    """The one error shape: JSON, an object whose `detail` is a string and whose other keys list messages."""
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:300])
    body = json.loads(response.content)
    assert isinstance(body, dict) and body
    for key, value in body.items():
        if key == "detail":
            assert isinstance(value, str)
        else:
            assert isinstance(value, list | dict), (key, value)
    text = json.dumps(body, ensure_ascii=False)
    assert CHINESE.search(text), text
    return body


# ---------------------------------------------------------------------------------------------------- defect 3


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/work-orders/"])
def test_3_deeply_nested_json_is_a_400_with_or_without_a_login(raw_client, tree, staff_token, path):
    response = raw_client.post(
        path, "[" * 20000, content_type="application/json", HTTP_AUTHORIZATION=f"Token {staff_token}"
    )
    anonymous = raw_client.post("/api/v1/auth/token/", "[" * 20000, content_type="application/json")

    assert response.status_code == anonymous.status_code == 400
    error_body(response)
    error_body(anonymous)


def test_3_options_on_every_action_answers_without_a_serializer(raw_client, tree, staff_token, categories):
    order = services.work_order_file(
        actor=SystemActor(name="tests"),
        compound=tree.compounds[0],
        category=categories["noise"],
        channel="resident_qr",
        title="噪音",
        description="夜间噪音",
    )
    notification = Notification.objects.create(
        district=tree.district, recipient=tree.street_staff, order=order, message="新工单"
    )

    response = raw_client.options(
        f"/api/v1/notifications/{notification.pk}/read/", HTTP_AUTHORIZATION=f"Token {staff_token}"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_3_an_unexpected_exception_is_a_logged_json_500(raw_client, tree, staff_token, monkeypatch, caplog):
    from workorders.api import views

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.NotificationViewSet, "list", broken)

    response = raw_client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {staff_token}")

    assert response.status_code == 500
    body = error_body(response)
    assert "boom" not in body["detail"]
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


# ---------------------------------------------------------------------------------------------------- defect 9


@pytest.mark.parametrize(
    "path", ["/api/v1/compounds/abc/", "/api/v1/work-orders/1x/timeline/", "/api/v1/no-such-thing/", "/api/v2/"]
)
def test_9_a_non_numeric_id_or_an_unknown_route_is_a_json_404(raw_client, tree, staff_token, path):
    response = raw_client.get(path, HTTP_AUTHORIZATION=f"Token {staff_token}")
    assert response.status_code == 404
    assert "detail" in error_body(response)
    csrf_client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    for method in ("post", "put", "patch", "delete"):
        written = getattr(csrf_client, method)(path, "{}", content_type="application/json")
        assert written.status_code == 404, (method, written.status_code)
        error_body(written)


def test_9_a_missing_final_slash_still_redirects(raw_client, tree, staff_token):
    response = raw_client.get("/api/v1/compounds?page=1", HTTP_AUTHORIZATION=f"Token {staff_token}")
    assert response.status_code == 301 and response["Location"] == "/api/v1/compounds/?page=1"


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_9_a_body_over_2_5_mb_is_a_json_400(raw_client, tree, staff_token, categories, content_type):
    body = (
        json.dumps({"description": "长" * 1_000_000}) if content_type == "application/json" else "a=" + "b" * 3_000_000
    )
    response = raw_client.post(
        "/api/v1/work-orders/", body, content_type=content_type, HTTP_AUTHORIZATION=f"Token {staff_token}"
    )
    assert response.status_code == 400
    error_body(response)
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("body", ["{not json", '{"a": 1,}', "\ufeff{}x"])
def test_9_a_parse_error_is_reported_in_chinese(raw_client, tree, staff_token, body):
    response = raw_client.post(
        "/api/v1/work-orders/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {staff_token}"
    )
    assert response.status_code == 400
    detail = error_body(response)["detail"]
    assert "JSON" in detail and "parse error" not in detail


def test_9_a_nul_is_reported_with_the_right_words(raw_client, tree, staff_token, categories):
    response = raw_client.post(
        "/api/v1/work-orders/",
        json.dumps({"title": "路灯\u0000", "description": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {staff_token}",
    )
    text = json.dumps(error_body(response), ensure_ascii=False)
    assert response.status_code == 400
    assert "空字符（U+0000）" in text and "是用" not in text


def test_9_an_unauthenticated_call_is_a_chinese_json_401(raw_client, tree):
    response = raw_client.get("/api/v1/work-orders/")
    assert response.status_code == 401
    error_body(response)
