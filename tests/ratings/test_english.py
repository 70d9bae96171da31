"""The ratings pages in English (ratings/locale/en): staff pages and the public survey switch language with
the header's switch; the PDF reports stay in Chinese (official documents)."""

import re

import pytest
from django.urls import reverse

from ratings.models import Report
from tests.ratings import helpers as h
from tests.ratings.test_pages import built_quarter

pytestmark = pytest.mark.django_db


def to_english(client, url):
    return client.post(reverse("set_language"), {"language": "en", "next": url}, follow=True).content.decode()


def test_the_period_page_and_breakdown_switch_to_english(client, tree, english):
    objs = built_quarter(tree)
    client.force_login(tree.official)
    url = reverse("ratings:period-detail", args=[objs["period"].pk])
    assert "物业企业考评" in client.get(url).content.decode()

    # when the official picks English
    page = to_english(client, url)

    # then the page is in English, the labels from the models too, and the firm's name stays as it is
    assert '<html lang="en">' in page
    for text in ("Q1 2026", "Firms ranked", "Red list", "Black list", "Too few answers (not ranked)", "Computed"):
        assert text in page, text
    assert "Ties: higher owner satisfaction first" in page
    assert tree.firm.name in page
    assert "<h2>红榜</h2>" not in page and "参评企业" not in page  # (stored list reasons stay as computed)
    breakdown = client.get(reverse("ratings:score-detail", args=[objs["score"].pk])).content.decode()
    assert "Inputs, weights and contributions" in breakdown and "Owner satisfaction" in breakdown
    assert "Very satisfied" in breakdown and "得分构成" not in breakdown
    # the rules page and its form
    rules = client.get(reverse("ratings:settings")).content.decode()
    assert "Owner satisfaction weight (%)" in rules and "Save the rules" in rules
    from tests.ratings.test_change_pages import SETTINGS

    bad = client.post(reverse("ratings:settings"), {**SETTINGS, "weight_panel": "20"}).content.decode()
    assert "The three weights must add up to 100; they add up to 95." in bad
    # the reports stay Chinese documents, and the page says so
    assert "built in Chinese" in client.get(reverse("ratings:report-list")).content.decode()
    assert "红灰黑榜" in Report.objects.get().title


def test_the_public_survey_switches_to_english(client, tree, english):
    h.period(tree)
    url = reverse("ratings:survey", args=[tree.compounds[0].public_token])
    assert "物业服务满意度调查" in client.get(url).content.decode()

    page = to_english(client, url)

    # (one msgid has one English text across the apps' catalogues; workorders lists this title too)
    assert "property service satisfaction survey" in page.lower()
    assert "One answer per household per quarter, no sign-in needed." in page
    for text in ("Building", "Room", "Very satisfied", "Very dissatisfied", "Submit", "Q1 2026"):
        assert text in page, text
    assert "很满意" not in page


def test_the_period_search_and_the_score_details_in_english(client, tree, english):
    objs = built_quarter(tree)
    client.force_login(tree.official)
    client.cookies["django_language"] = "en"
    url = reverse("ratings:period-detail", args=[objs["period"].pk])

    page = client.get(url).content.decode()
    assert "Find a firm" in page and ("Property firm&#x27;s name" in page or "Property firm's name" in page)
    assert "查找企业" not in page and "物业企业名称" not in page
    searched = client.get(url, {"q": "不存在的企业"}).content.decode()
    assert "Only the firms whose name contains “不存在的企业” are listed." in searched

    # the score's breakdown: each input's detail, with the number of answers and parties in English
    breakdown = client.get(reverse("ratings:score-detail", args=[objs["score"].pk])).content.decode()
    assert re.search(r"Average of \d+ valid answers? \(very satisfied 100", breakdown)
    assert re.search(r"Average of \d+ panel part(y|ies)", breakdown)
    assert "On-time rate × 40% + work-order satisfaction rate × 40% + complaint score × 20%" in breakdown
    assert "有效问卷的平均分" not in breakdown and "评审方的平均分" not in breakdown


def test_the_stored_list_reasons_read_in_english_and_stay_chinese_in_the_row(client, tree, english):
    from ratings.models import FirmScore

    objs = built_quarter(tree)
    score = FirmScore.objects.get(pk=objs["score"].pk)
    assert "分" in score.reason or "榜" in score.reason  # stored in Chinese, as the PDF prints it
    client.force_login(tree.official)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("ratings:period-detail", args=[objs["period"].pk])).content.decode()
    assert score.reason not in page
    reasons = (
        "Ranked in the top",
        "Ranked in the bottom",
        "Below the black list line",
        "Neither on the red",
        "valid answers, fewer than the",
        "A serious incident this quarter",
    )
    assert any(text in page for text in reasons)
