"""Sign-in lockout (django-axes): ten failures for one account from one address lock that pair for fifteen
minutes, on the login page and the API's token endpoint alike — real sign-in attempts, no mocks."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

PASSWORD = "a-long-pass-2026"


@pytest.fixture
def official(tree):
    tree.official.set_password(PASSWORD)
    tree.official.save()
    return tree.official


def login(client, username, password, ip="198.51.100.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def token(username, password, ip="198.51.100.7"):
    return APIClient().post(
        reverse("api-token"), {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


def test_ten_failures_lock_the_account_at_that_address_for_fifteen_minutes(client, official):
    # given nine failures: still the login form, and the right password still works after them
    for _ in range(9):
        response = login(client, official.username, "wrong")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode() or "不正确" in response.content.decode()
    # when the tenth fails
    tenth = login(client, official.username, "wrong")
    # then the lockout page, in Chinese, in the site's layout
    assert tenth.status_code == 429
    page = tenth.content.decode()
    assert "账号已暂时锁定" in page and "15 分钟" in page and "site-header" in page
    assert tenth["Retry-After"] == "900"
    # and even the right password is refused from that address
    right = login(client, official.username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # while another address signs in normally
    other = login(client, official.username, PASSWORD, ip="203.0.113.9")
    assert other.status_code == 302 and other["Location"] == reverse("home")


def test_the_lock_ends_after_fifteen_minutes(client, official):
    for _ in range(10):
        login(client, official.username, "wrong")
    assert login(client, official.username, PASSWORD).status_code == 429
    # when fifteen minutes have passed since the last failure
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=5))
    # then the right password signs in
    response = login(client, official.username, PASSWORD)
    assert response.status_code == 302


def test_another_account_at_the_same_address_is_not_locked(client, tree, official):
    tree.street_staff.set_password(PASSWORD)
    tree.street_staff.save()
    for _ in range(10):
        login(client, official.username, "wrong")
    assert login(client, tree.street_staff.username, PASSWORD).status_code == 302


def test_the_token_endpoint_counts_towards_the_same_lock(client, official):
    # given five failures on the page and four on the API
    for _ in range(5):
        login(client, official.username, "wrong")
    for _ in range(4):
        assert token(official.username, "wrong").status_code == 400
    # when the tenth failure comes through the API
    tenth = token(official.username, "wrong")
    # then it answers the lockout in the API's error shape
    assert tenth.status_code == 429
    assert "暂时锁定" in tenth.json()["detail"]
    # and the right password gets no key, on the API or the page
    assert token(official.username, PASSWORD).status_code == 429
    assert login(client, official.username, PASSWORD).status_code == 429
    assert official.api_keys.count() == 0


def test_the_lock_follows_the_client_behind_the_trusted_proxy(client, official, settings):
    # given a proxy at 10.0.0.2 whose X-Forwarded-For hop is believed
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(10):
        client.post(
            reverse("login"),
            {"username": official.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    # then that client is locked, but another client behind the same proxy is not
    locked = client.post(
        reverse("login"),
        {"username": official.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    other = client.post(
        reverse("login"),
        {"username": official.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert other.status_code == 302
