"""The accounts pages in English (locale/en): sign-in, lockout, password, API keys, the reveal log, the history
panel and the error pages switch with the language cookie; what is stored (the reveal log's labels) stays
Chinese whatever language the reader uses."""

import html
import re

import pghistory
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.errors import server_error
from accounts.history import object_history
from accounts.models import ApiKey, PersonalDataReveal, User
from accounts.text import length_message, url_problem
from accounts.views import lockout_response
from compounds.models import Compound
from tests.factories import api_key_for

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_sign_in_lockout_and_password_pages_in_english(client, tree, english):
    client.cookies["django_language"] = "en"
    login = text_of(client.get(reverse("login")))
    assert "Sign in to Capillary" in login and "Username" in login and "Password" in login
    assert "登录末梢平台" not in login and "用户名" not in login
    with translation.override("en"):
        locked = text_of(lockout_response(RequestFactory().get("/accounts/login/")))
    assert "Account temporarily locked" in locked and "15 minutes" in locked and "暂时锁定" not in locked
    client.force_login(tree.official)
    password = text_of(client.get(reverse("password-change")))
    assert "Change password" in password and "Changing your password revokes all your API keys." in password


def test_the_api_keys_page_and_its_message_in_english(client, tree, english):
    plain = api_key_for(tree.official, name="数据分析脚本")
    client.force_login(tree.official)
    client.cookies["django_language"] = "en"
    page = text_of(client.get(reverse("api-keys")))
    assert "My API keys" in page and "Valid" in page and "Revoke" in page and "Never" in page
    assert "数据分析脚本" in page  # the key's name stays as typed
    key = ApiKey.objects.get(prefix=plain[:8])
    done = text_of(client.post(reverse("api-key-revoke", args=[key.pk]), follow=True))
    assert f"Key “数据分析脚本” ({key.prefix}…) revoked" in done and "Revoked" in done and "已撤销" not in done


def test_the_reveal_log_in_english_keeps_its_rows_in_chinese(client, tree, english):
    # given a reveal recorded while the official reads in English
    with translation.override("en"):
        PersonalDataReveal.record(actor=tree.official, obj=tree.street_staff, fields=["phone"], via="/x/")
    reveal = PersonalDataReveal.objects.get()
    # then the stored labels are Chinese, as the log's other rows
    assert reveal.actor_label.endswith("（区级人员）") and reveal.object_label.startswith("用户 ")
    # and the page speaks English around them
    client.force_login(tree.official)
    client.cookies["django_language"] = "en"
    page = text_of(client.get(reverse("reveal-log")))
    for words in ("Personal data reveals", "1 record", "Viewed by", "Everyone", "All fields", "Kind of record"):
        assert words in page, words
    assert "Mobile number" in page and "Email address" in page  # field names, capitalised
    assert "全部人员" not in page and "全部字段" not in page and "手机号" not in page


def test_the_history_panel_in_english(client, tree, english):
    # given a compound changed by the official, and a user whose name changed
    compound = tree.compounds[0]
    with pghistory.context(user=tree.official.pk):
        Compound.objects.filter(pk=compound.pk).update(households=321)
    User.objects.filter(pk=tree.street_staff.pk).update(full_name="王建国")
    # when read in English, the field names are the models' verbose names in English
    with translation.override("en"):
        latest = object_history(actor=tree.official, obj=tree.street_staff)[0]
        assert latest.kind == "update"
        assert [name for name, _old, _new in latest.fields] == ["Name"]
    with translation.override("zh-hans"):
        assert [name for name, _old, _new in object_history(actor=tree.official, obj=tree.street_staff)[0].fields] == [
            "姓名"
        ]
    # and the panel's own words are English, a creation without "old →"
    client.force_login(tree.official)
    client.cookies["django_language"] = "en"
    page = text_of(client.get(reverse("compound-detail", args=[compound.pk])))
    panel = page[page.index("Change history") :]
    assert "Action" in panel and "By" in panel and "Changed" in panel and "Created" in panel
    assert "→ 321" in panel and "变更记录" not in page and "修改" not in panel and "新建" not in panel


def test_the_error_pages_in_english(client, tree, english):
    client.force_login(tree.official)
    client.cookies["django_language"] = "en"
    missing = text_of(client.get("/no/such/page/"))
    assert "Page not found" in missing and "页面不存在" not in missing
    client.force_login(tree.street_staff)
    refused = text_of(client.get(reverse("reveal-log")))
    assert "Access denied" in refused and "Only district officials can read the personal data reveal log." in refused
    with translation.override("en"):
        down = server_error(RequestFactory().get("/"))
    assert down.status_code == 500
    body = down.content.decode()
    assert '<html lang="en">' in body and "Server error" in body and "服务器出错了" not in body


def test_the_validation_messages_in_english(english):
    with translation.override("en"):
        assert length_message(10, 12) == "Too long: at most 10 characters (now 12)."
        field, message = url_problem(RequestFactory().get("/", {"q": "a\x07b"}))
        assert field == "q"
        assert message == (
            "Query parameter “q”: Contains a control character that is not allowed (U+0007); "
            "please remove it and submit again."
        )
        _path, message = url_problem(RequestFactory().get("/a\x07b/"))
        assert message.startswith("In the web address: Contains a control character that is not allowed (U+0007)")
    # the Chinese reads as before (the path's message no longer cuts the advice off by replacing Chinese text)
    _path, message = url_problem(RequestFactory().get("/a\x07b/"))
    assert message == "网址中含有不允许的控制字符（U+0007），请检查链接是否完整、正确。"
