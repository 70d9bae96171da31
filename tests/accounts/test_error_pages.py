"""403, 404, 500 and 503 (the database down) in Chinese in the site's design; JSON under /api/, Open311's errors
list under /open311/."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from accounts.permissions import Forbidden

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def forbidden(request):
    raise Forbidden("只有区级人员可以查看个人信息查看记录。")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("open311/v2/boom.json", boom),
    path("db-down/", database_down),
    path("api/v1/db-down/", database_down),
    path("forbidden/", forbidden),
    path("api/v1/forbidden/", forbidden),
]
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.errors.page_not_found"
handler500 = "accounts.errors.server_error"


def test_404_page_is_chinese_in_the_site_design(client, tree):
    client.force_login(tree.official)
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "site-header" in body and "capillary.css" in body
    assert tree.official.display_name in body  # the site's own header, signed in


def test_404_under_the_public_pages_uses_their_layout(client):
    response = client.get("/track/NOSUCHCODE12/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and "码上反馈" in body


def test_404_under_the_api_is_json(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该接口或对象：请对照 /api/docs/ 检查网址（对象编号应为数字）。"}


def test_404_under_open311_is_its_errors_list(client):
    response = client.get("/open311/v2/nothing.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_403_shows_the_rules_message(client, tree):
    client.force_login(tree.street_staff)
    response = client.get("/accounts/reveals/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in body and "只有区级人员可以查看个人信息查看记录。" in body and "site-header" in body


@pytest.mark.urls("tests.accounts.test_error_pages")
def test_403_under_the_api_is_json(client):
    response = client.get("/api/v1/forbidden/")
    assert response.status_code == 403 and response.json() == {"detail": "只有区级人员可以查看个人信息查看记录。"}


def test_csrf_failure_is_a_chinese_403(tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "页面已过期" in response.content.decode()


@pytest.mark.urls("tests.accounts.test_error_pages")
def test_500_is_a_chinese_page_without_the_error(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in body and "site-header" in body and "a bug" not in body


@pytest.mark.urls("tests.accounts.test_error_pages")
def test_500_under_the_api_is_json_and_open311_its_errors(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500 and response.json() == {"detail": "服务器内部错误，请稍后再试。"}
    response = client.get("/open311/v2/boom.json")
    assert response.status_code == 500 and response.json()[0]["code"] == 500


@pytest.mark.urls("tests.accounts.test_error_pages")
def test_the_database_down_is_a_503_with_retry_after(client):
    client.raise_request_exception = False
    response = client.get("/db-down/")
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "系统维护中" in body and "5432" not in body
    api = client.get("/api/v1/db-down/")
    assert api.status_code == 503 and "数据库暂时无法连接" in api.json()["detail"]
