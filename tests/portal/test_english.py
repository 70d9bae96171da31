"""The portal's pages in English (locale/en): the header, each role's home, the map, the compound's public page
and the page that opens a district switch to English with the language cookie; what people named (streets,
compounds, titles) stays as named. The Chinese pages are tests/portal/test_homes.py's and the others'."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.roles import Role
from tests import factories
from workorders.models import Channel
from workorders.worktime import BEIJING

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def in_english(client, user=None):
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def this_month_in_english() -> str:
    with translation.override("en"):
        return date_format(timezone.now().astimezone(BEIJING).date(), "F")


def test_the_street_home_and_its_menu_in_english(client, tree, file_order, english):
    # given a new order and an overdue one in street 1
    now = timezone.now()
    file_order(compound=tree.compounds[0], route=False, now=now)
    file_order(compound=tree.compounds[2], now=now - timedelta(days=30))
    # when the street officer reads the site in English
    response = in_english(client, tree.street_staff).get(reverse("home"))
    page = text_of(response)
    # then the desk, the panels, the chart and the menu are English
    assert '<html lang="en">' in response.content.decode()
    for words in (
        "Street dashboard",
        "To assign",
        "Overdue",
        "Due today",
        "Escalated, still open",
        "Open orders",
        "Orders by state",
        f"The three rates this month ({this_month_in_english()})",
        "The three rates over 12 months",
        "Month by month",
        'Vacant "2+4" seats',
        "0 of 4 compounds have all six seats filled",
        "On duty today",
        "Nobody is on the duty roster today.",
        "Fund requests waiting for approval",
        "Response rate",
        # the menu
        "Dashboard",
        "Map",
        "Staffing",
        "Inbox",
        "Street staff",
        "Sign out",
    ):
        assert words in page, words
    for chinese in (
        "待派单",
        "今日到期",
        "工单状态",
        "本月三率",
        "空缺岗位",
        "今日值班",
        "地图",
        "人员配备",
        "逐月数据",
    ):
        assert chinese not in page, chinese
    # the chart's months are month names, not "12月"
    html_page = response.content.decode()
    assert ">Dec</text>" in html_page and "12月" not in html_page
    assert 'data-series="Response rate"' in html_page
    # and the street's name stays as it is
    assert tree.streets[0].name in page


def test_the_district_home_in_english(client, tree, file_order, english):
    file_order(compound=tree.compounds[0], now=timezone.now() - timedelta(days=31))
    page = text_of(in_english(client, tree.official).get(reverse("home")))
    for words in (
        "District dashboard",
        "Streets ranked by the three rates (",
        "Score = the average of the response, resolution and satisfaction rates × 100.",
        "The district's three rates over 12 months",
        '"2+4" seats filled',
        "All six filled",
        "Vacant seats",
        "Coverage in detail",
        "Latest reports",
        "The report room has no finished report yet.",
        "Fund execution by tier",
        "0 orders",  # a street without orders, beside its bar
    ):
        assert words in page, words
    for chinese in ("区级工作台", "街道三率排名", "配齐情况", "最新报告", " 件", " 年 "):
        assert chinese not in page, chinese


def test_the_grid_workers_home_in_english(client, tree, file_order, english):
    file_order(
        compound=tree.compounds[0], actor=tree.grid_worker, channel=Channel.GRID, title="路灯不亮", now=timezone.now()
    )
    page = text_of(in_english(client, tree.grid_worker).get(reverse("home")))
    for words in (
        "Report a problem",
        "My grid",
        "households to visit",
        "due this week",
        "What I reported",
        "Visits due",
    ):
        assert words in page, words
    assert "路灯不亮" in page  # what the grid worker typed stays as typed
    assert "我上报的" not in page and "近期应走访" not in page and "拍照即报" not in page
    manifest = in_english(client).get(reverse("pwa-manifest")).json()
    assert manifest["lang"] == "en" and manifest["shortcuts"][0]["name"] == "Report a problem"


def test_the_map_in_english(client, tree, english):
    page = text_of(in_english(client, tree.official).get(reverse("compound-map"), {"colour": "list"}))
    for words in ("Map of compounds", "Colour by", "Open orders", "Overdue orders", "Firm's list", "Not listed"):
        assert words in page, words
    assert "compounds" in page and "小区地图" not in page and "着色" not in page and "未上榜" not in page


def test_the_compounds_public_page_in_english(client, tree, english):
    compound = tree.compounds[0]
    page = text_of(in_english(client).get(reverse("compound-public", args=[compound.public_token])))
    for words in (
        "Compound services",
        "Report a problem",
        f"This compound's requests in {this_month_in_english()}",
        "Resolved this month",
        "In progress",
        "Property service",
    ):
        assert words in page, words
    assert compound.name in page
    assert "我要反映问题" not in page and "本月已办结" not in page and "月诉求" not in page


def test_opening_a_district_in_english(client, db, english):
    admin = factories.user_for(Role.PLATFORM_ADMIN, username="root-admin")
    client = in_english(client, admin)
    page = text_of(client.get(reverse("open-district")))
    assert "Open a district" in page and "Division code" in page and "Organisation data file (optional)" in page
    refused = text_of(client.post(reverse("open-district"), {"code": "12"}))
    assert "The division code is 6 digits, e.g. 610116." in refused and "区划代码应为" not in refused
    opened = text_of(client.post(reverse("open-district"), {"code": "610113"}))
    assert "Opened 陕西省 西安市 雁塔区 (610113)." in opened
    assert "No organisation data imported yet" in opened and "已开通" not in opened


def test_the_chinese_months_read_as_before(client, tree, english):
    # the month formats are msgids now ("n 月", "n月", "Y 年 n 月"): in Chinese they read as they did
    month = timezone.now().astimezone(BEIJING).date().month
    client.force_login(tree.street_staff)
    response = client.get(reverse("home"))
    assert f"本月三率（{month} 月）" in text_of(response)
    assert ">12月</text>" in response.content.decode()
    client.force_login(tree.official)
    assert re.search(r"街道三率排名（\d{4} 年 \d{1,2} 月）", text_of(client.get(reverse("home"))))
    public = text_of(client.get(reverse("compound-public", args=[tree.compounds[0].public_token])))
    assert f"本小区 {month} 月诉求" in public
