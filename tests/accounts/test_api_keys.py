"""API keys: issued once, stored hashed, expiring, revocable (by the owner, by an operator, by a password
change); the token endpoint throttled per address; integration accounts from the command; no key in a log."""

import datetime
import hashlib
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey, User
from accounts.roles import Integration, Role
from tests.factories import api_key_for

PASSWORD = "a-long-pass-2026"
COMPOUNDS = "/api/v1/compounds/"


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def official(tree):
    tree.official.set_password(PASSWORD)
    tree.official.save()
    return tree.official


def test_the_token_endpoint_issues_an_expiring_key_stored_only_as_its_hash(official):
    response = APIClient().post(reverse("api-token"), {"username": official.username, "password": PASSWORD})
    assert response.status_code == 200
    plain = response.data["token"]
    key = ApiKey.objects.get(user=official)
    assert key.prefix == plain[:8] == response.data["prefix"]
    assert key.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {key.prefix, key.key_hash, key.name}
    assert datetime.timedelta(days=29) < key.expires_at - timezone.now() <= datetime.timedelta(days=30)
    listing = api(plain).get(COMPOUNDS)
    assert listing.status_code == 200 and listing.data["count"] == 8
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_an_expired_or_revoked_key_is_a_401(tree):
    expired, revoked = api_key_for(tree.official), api_key_for(tree.official)
    ApiKey.objects.filter(prefix=expired[:8]).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    ApiKey.objects.filter(prefix=revoked[:8]).update(revoked_at=timezone.now())
    for key in (expired, revoked, expired[:8] + "x" * 40):
        response = api(key).get(COMPOUNDS)
        assert response.status_code == 401
        assert response.data["detail"] == "API 密钥无效、已过期或已撤销。"


def test_a_key_of_a_deactivated_user_stops_working(tree):
    key = api_key_for(tree.official)
    User.objects.filter(pk=tree.official.pk).update(is_active=False)
    assert api(key).get(COMPOUNDS).status_code == 401


def test_the_token_endpoint_is_throttled_per_client_address(official, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-token": "3/h"}
    client = APIClient()
    for _ in range(3):
        assert client.post(reverse("api-token"), {"username": "nobody", "password": "x"}, REMOTE_ADDR="198.51.100.7")
    refused = client.post(
        reverse("api-token"), {"username": official.username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert refused.status_code == 429
    assert refused.data["detail"] == "请求过于频繁，请稍后再试。"
    elsewhere = client.post(
        reverse("api-token"), {"username": official.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert elsewhere.status_code == 200


def test_the_keys_page_lists_and_revokes_only_ones_own_keys(client, tree):
    mine = api_key_for(tree.official, name="数据分析脚本")
    theirs = api_key_for(tree.street_staff, name="街道的脚本")
    client.force_login(tree.official)
    page = client.get(reverse("api-keys")).content.decode()
    assert "数据分析脚本" in page and mine[:8] in page and mine not in page
    assert "街道的脚本" not in page
    assert reverse("api-keys") in client.get(reverse("home"), follow=True).content.decode()  # in the nav
    # another user's key is a 404 and stays live
    their_key = ApiKey.objects.get(prefix=theirs[:8])
    assert client.post(reverse("api-key-revoke", args=[their_key.pk])).status_code == 404
    assert api(theirs).get(COMPOUNDS).status_code == 200
    # revoking one's own
    my_key = ApiKey.objects.get(prefix=mine[:8])
    response = client.post(reverse("api-key-revoke", args=[my_key.pk]), follow=True)
    assert "已撤销" in response.content.decode()
    assert api(mine).get(COMPOUNDS).status_code == 401


def test_a_password_change_revokes_the_users_keys(client, official, tree):
    key = api_key_for(official)
    other = api_key_for(tree.street_staff)
    client.force_login(official)
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "another-long-pass-9", "new_password2": "another-long-pass-9"},
    )
    assert response.status_code == 302
    assert api(key).get(COMPOUNDS).status_code == 401
    assert api(other).get(COMPOUNDS).status_code == 200
    # the admin's path (set_password + save) too
    fresh = api_key_for(official)
    official.set_password("third-long-pass-77")
    official.save()
    assert api(fresh).get(COMPOUNDS).status_code == 401


def test_issue_api_key_creates_a_narrow_integration_account_and_prints_the_key_last(tree, capsys):
    call_command("issue_api_key", "--district", "610116", "--integration", "open311")
    plain = capsys.readouterr().out.strip().splitlines()[-1]
    account = User.objects.get(role=Role.INTEGRATION, integration=Integration.OPEN311, district=tree.district)
    assert not account.has_usable_password()
    key = ApiKey.objects.get(prefix=plain[:8])
    assert key.user == account
    assert key.expires_at - timezone.now() > datetime.timedelta(days=360)
    # the key reads Open311 for its district
    response = APIClient().get("/open311/v2/requests.json", {"jurisdiction_id": "610116", "api_key": plain})
    assert response.status_code == 200
    # a second run reuses the account; the 12345 integration gets an account of its own
    call_command("issue_api_key", "--district", "610116", "--integration", "open311")
    call_command("issue_api_key", "--district", "610116", "--integration", "hotline_12345")
    capsys.readouterr()
    assert User.objects.filter(role=Role.INTEGRATION, district=tree.district).count() == 2
    assert account.api_keys.count() == 2


def test_revoke_api_key_by_prefix_and_by_user(tree, capsys):
    call_command("issue_api_key", "--district", "610116", "--integration", "hotline_12345")
    first = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("revoke_api_key", first[:8])
    assert "已撤销" in capsys.readouterr().out
    assert api(first).post("/api/v1/hotline/orders/", {}).status_code == 401
    call_command("issue_api_key", "--district", "610116", "--integration", "hotline_12345")
    second = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("revoke_api_key", "--user", "hotline_12345-610116")
    assert api(second).post("/api/v1/hotline/orders/", {}).status_code == 401


def test_no_api_key_in_a_logged_query_string(caplog):
    secret = "AbCdEfGh" + "x" * 40
    with caplog.at_level(logging.INFO):
        logging.getLogger("django.server").info(
            '"GET /open311/v2/requests.json?jurisdiction_id=610116&api_key=%s HTTP/1.1" 200', secret
        )
        logging.getLogger("django.request").warning("Not Found: /open311/v2/requests.json?api_key=%s&x=1", secret)
    assert secret not in caplog.text
    assert "api_key=***" in caplog.text and "jurisdiction_id=610116" in caplog.text and "&x=1" in caplog.text


def test_the_purge_task_removes_old_keys_and_old_lockout_records(tree):
    from axes.models import AccessAttempt

    from accounts.tasks import purge_auth_records_task

    live, old = api_key_for(tree.official), api_key_for(tree.official)
    ApiKey.objects.filter(prefix=old[:8]).update(expires_at=timezone.now() - datetime.timedelta(days=31))
    AccessAttempt.objects.create(
        username="x", ip_address="198.51.100.7", user_agent="t", get_data="", post_data="", failures_since_start=3
    )
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(days=91))
    result = purge_auth_records_task.delay().get()
    assert result["api_keys"] == 1 and result["access_attempts"] == 1
    assert list(ApiKey.objects.values_list("prefix", flat=True)) == [live[:8]]


def test_one_api_request_looks_its_key_up_once(tree):
    """The tenancy middleware (to learn the district) and DRF (inside the view) both authenticate an API call: the
    key is looked up, hashed and touched once per request, whatever else the request reads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = api_key_for(tree.official)
    ApiKey.objects.filter(prefix=key[:8]).update(last_used_at=None)  # the touch is part of the first lookup
    with CaptureQueriesContext(connection) as queries:
        response = api(key).get(COMPOUNDS)
    assert response.status_code == 200 and response.data["count"] == 8
    touching_keys = [q["sql"] for q in queries.captured_queries if '"accounts_apikey"' in q["sql"]]
    lookups = [sql for sql in touching_keys if sql.lstrip().upper().startswith("SELECT")]
    updates = [sql for sql in touching_keys if sql.lstrip().upper().startswith("UPDATE")]
    assert len(lookups) == 1, f"the key was looked up {len(lookups)} times: {lookups}"
    assert len(updates) == 1, f"last_used_at was written {len(updates)} times"
    # A refused key is refused once too, and still a 401.
    with CaptureQueriesContext(connection) as queries:
        refused = api(key[:8] + "x" * 40).get(COMPOUNDS)
    assert refused.status_code == 401
    assert sum('"accounts_apikey"' in q["sql"] for q in queries.captured_queries) == 1
