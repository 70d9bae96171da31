"""The organisation tree's pages in English (compounds/locale/en): the district and street dashboards, the compound
page with its history, and the organisation import — its form, its result and its messages, which are stored once
and said in the language of whoever reads them. Names people typed and the spreadsheet's own Chinese words stay."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from compounds.models import Compound, OrgImport
from compounds.services import community_set_tier
from tests.compounds.test_import import STREET_HEADERS, good_sheets, write_csv, write_xlsx
from tests.compounds.test_views import (
    SYSTEM,
    compound_url,
    street_url,
    text_of,
)

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_district_and_street_dashboards_in_english(client, tree, english):
    in_english(client).force_login(tree.official)

    district = text_of(client.get(reverse("district-dashboard")))
    for words in ("District overview", "Streets", "Division code", "Communities", "Three-no compounds", "Households"):
        assert words in district, words
    assert "全区概览" not in district and "各街道情况" not in district and "区划代码" not in district
    assert tree.streets[0].name in district  # a street's name is data: it stays as it is

    street = client.get(street_url(tree.streets[0]))
    text = text_of(street)
    for words in (
        "Street dashboard",
        "Street map",
        "Switch street",
        "Tier A (new estates, mature property service)",  # a model's choice
        "Commercial property firm",
        "All tiers",  # a filter's empty choice
        "Compound name, address or code",
    ):
        assert words in text or words in street.content.decode(), words
    for chrome in ("街道工作台", "街道地图", "切换街道", "管理模式", "市场化物业", "A类", "筛选"):
        assert chrome not in text, chrome


def test_the_compound_page_and_its_history_in_english(client, tree, english):
    compound = tree.compounds[0]
    community_set_tier(actor=SYSTEM, community=compound.community, tier="B", reason="老旧小区为主", effective_year=2024)
    Compound.objects.filter(pk=compound.pk).update(households=321)  # a change the history panel shows
    in_english(client).force_login(tree.official)

    page = client.get(compound_url(compound))
    text = text_of(page)
    for words in (
        "Facts",
        "Management mode",
        "Commercial property firm",
        "Owners' committee",
        "Tier B (dense old compounds)",
        "Reason: 老旧小区为主 (from 2024)",  # the reason is typed text: it stays Chinese
        "Tier history",
        "Buildings",
    ):
        assert words in text, words
    # the change history names the changed field by the model's English verbose name
    history = page.content.decode().split('class="card history-panel"')[1]
    assert "Households" in history and "户数" not in history
    for chrome in ("基本情况", "管理模式", "依据：", "（2024 年起）", "分类变更记录", "B类"):
        assert chrome not in text, chrome


def test_the_import_form_and_a_refused_file_in_english_then_read_in_chinese(client, tree, tmp_path, english):
    in_english(client).force_login(tree.official)
    form = client.get("/import/").content.decode()
    for words in (
        "Import organisation data",
        "Upload a ledger",
        "CSV content",
        "Recognised from the headers",
        "Check only, do not save",
        "Upload and import",
        "街道编码 (9 digits)",  # the headers the file must use stay Chinese, explained in English
    ):
        assert words in form, words
    assert "上传台账" not in form and "按表头自动识别" not in form

    # when a CSV with two bad rows is uploaded from the English page
    rows = [STREET_HEADERS, ["610116009", "新街道"], ["61011600", "短编码街道"], ["610113009", "外区街道"]]
    with open(write_csv(tmp_path / "街道.csv", rows), "rb") as handle:
        response = client.post("/import/", {"file": handle})

    # then the result says what is wrong in English
    body = response.content.decode()
    assert response.status_code == 400
    assert "Found 2 errors; nothing was saved." in body
    assert 'Street code must be 9 digits; got "61011600".' in unescape(body)
    assert 'Street code "610113009" must begin with "610116", the code of its parent (District).' in unescape(body)
    assert "Refused" in body and "Row by row (3 rows)" in body and "街道.csv · row 3" in body
    assert "发现" not in body and "编码应为" not in body and "拒绝" not in body
    # the job keeps its messages in Chinese (the language of record) with what it needs to say them again
    job = OrgImport.objects.get(district=tree.district)
    assert job.errors[0]["message"] == "街道编码应为 9 位数字，收到的是“61011600”。"
    # and read later in Chinese, the same result is in Chinese
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(f"/import/{job.pk}/").content.decode()
    assert "发现 2 处错误" in chinese and "街道编码应为 9 位数字，收到的是“61011600”。" in chinese
    assert "Street code" not in chinese


def test_a_workbook_imported_from_the_english_page(client, tmp_path, english):
    from accounts.roles import Role
    from tests.factories import DistrictFactory, user_for

    district = DistrictFactory(code="610116", name="长安区")
    in_english(client).force_login(user_for(Role.DISTRICT_OFFICIAL, district, username="official"))
    # the file's Chinese words (市场化物业, 是/否, the sheet names) are read as Chinese on an English page
    with open(write_xlsx(tmp_path / "台账.xlsx", good_sheets()), "rb") as handle:
        response = client.post("/import/", {"file": handle})
    body = response.content.decode()
    assert response.status_code == 200, body
    assert "Imported:" in body and "Result of the import" in body
    counts = '<td data-label="Created" class="num">3</td>'
    assert '<th scope="row">Compounds</th>' + counts in body
    assert "导入成功" not in body and "新增" not in body
    assert Compound.objects.filter(district=district).count() == 3
    # the counts are kept under their Chinese labels, as the command and older jobs have them
    assert "小区" in OrgImport.objects.get(district=district).counts


def test_an_unreadable_file_is_refused_in_english(client, tree, tmp_path, english):
    in_english(client).force_login(tree.official)
    path = tmp_path / "旧表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with open(path, "rb") as handle:
        response = client.post("/import/", {"file": handle})
    assert response.status_code == 400
    assert "Old .xls files are not supported" in response.content.decode()


def test_model_messages_follow_the_language_they_are_read_in(tree):
    from django.core.exceptions import ValidationError

    compound = Compound(district=tree.district, community=tree.communities[0], code="6101", name="短编码小区")
    with pytest.raises(ValidationError) as refused:
        compound.full_clean()
    assert "小区编码应为 15 位数字，收到的是“6101”。" in refused.value.message_dict["code"]
    with translation.override("en"):
        assert 'Compound code must be 15 digits; got "6101".' in refused.value.message_dict["code"]
        assert str(Compound._meta.verbose_name_plural) == "Compounds"
        assert str(Compound._meta.get_field("has_owners_committee").verbose_name) == "Has an owners' committee"
        old = Compound(district=tree.district, community=tree.communities[0], code="610116001001099", built_year=1800)
        with pytest.raises(ValidationError) as refused_in_english:
            old.full_clean()
        assert "The year built must be between 1900 and 2100." in str(refused_in_english.value)
