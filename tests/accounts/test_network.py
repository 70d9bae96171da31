"""The client's address behind the proxy, and the public doors' rate limits keyed by it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.network import client_address
from tests.factories import SYSTEM

rf = RequestFactory()


def address(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(rf.get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.7", "1.2.3.4") == "203.0.113.7"


def test_only_the_trusted_proxys_hop_is_believed(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # the client forged a first hop; our proxy appended the real address
    assert address("10.0.0.2", "6.6.6.6, 198.51.100.7") == "198.51.100.7"
    # two proxies of ours: walk past both
    assert address("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.1.1.1") == "198.51.100.7"
    # a peer that is not our proxy cannot forge its address
    assert address("203.0.113.7", "198.51.100.7") == "203.0.113.7"
    # garbage in the header: the last address a trusted proxy vouched for
    assert address("10.0.0.2", "nonsense") == "10.0.0.2"
    assert address("10.0.0.2", "") == "10.0.0.2"
    # ports and IPv6
    assert address("10.0.0.2", "[2001:db8::1]:443") == "2001:db8::1"
    assert address("10.0.0.2", "198.51.100.7:5123") == "198.51.100.7"
    assert address("::ffff:203.0.113.7") == "203.0.113.7"


@pytest.mark.django_db
def test_tracking_lookups_are_limited_per_client_address(client, settings, tree):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track-lookup": "3/m"}
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    url = reverse("intake:track-lookup")
    for _ in range(3):
        response = client.get(
            url, {"code": "NOSUCHCODE12"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
        )
        assert response.status_code == 200
    limited = client.get(url, {"code": "NOSUCHCODE12"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert limited.status_code == 429 and "查询过于频繁" in limited.content.decode()
    assert limited["Retry-After"] == "60"
    # forging the header does not escape the limit, but another real client behind the proxy is not limited
    forged = client.get(url, {"code": "X"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")
    assert forged.status_code == 429
    other = client.get(url, {"code": "NOSUCHCODE12"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert other.status_code == 200


@pytest.mark.django_db
def test_open311_posts_are_limited_per_client_address(client, settings, tree):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-post": "2/h"}
    url = "/open311/v2/requests.json"
    for _ in range(2):
        assert client.post(url, {"jurisdiction_id": "610116"}, REMOTE_ADDR="198.51.100.7").status_code == 403
    limited = client.post(url, {"jurisdiction_id": "610116"}, REMOTE_ADDR="198.51.100.7")
    assert limited.status_code == 429
    assert limited.json() == [{"code": 429, "description": "请求过于频繁，请稍后再试。"}]
    assert client.post(url, {"jurisdiction_id": "610116"}, REMOTE_ADDR="203.0.113.9").status_code == 403


@pytest.mark.django_db
def test_the_reveal_log_records_the_real_client_address(client, settings, tree):
    from accounts.models import PersonalDataReveal
    from workorders import services
    from workorders.models import Channel

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    category = services.categories_seed(actor=SYSTEM, district=tree.district)[0]
    order = services.work_order_file(
        actor=tree.official,
        compound=tree.compounds[0],
        category=category,
        channel=Channel.PHONE,
        title="楼道堆物",
        description="3号楼楼道堆满纸箱",
        reporter_name="张三",
        reporter_phone="13812345678",
    )
    client.force_login(tree.official)
    proxied = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"}
    response = client.get(reverse("workorders:detail", args=[order.pk]), {"reveal": "reporter"}, **proxied)
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    assert PersonalDataReveal.objects.get().address == "198.51.100.7"
