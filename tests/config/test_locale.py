"""The UI is Chinese first: a browser that asks for English gets Chinese until the user switches."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_chinese_until_the_user_switches(client, tree):
    # given a street officer whose browser asks for English
    client.force_login(tree.street_staff)
    url = reverse("street-dashboard", args=[tree.streets[0].pk])
    # when they open their dashboard, then it is in Chinese
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "社区数" in page and 'lang="zh-CN"' in page
    # when they choose English with the switch, then it is English from then on
    client.post(reverse("set_language"), {"language": "en", "next": url})
    page = client.get(url).content.decode()
    assert 'lang="en"' in page
    # and back
    client.post(reverse("set_language"), {"language": "zh-hans", "next": url})
    assert "社区数" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
