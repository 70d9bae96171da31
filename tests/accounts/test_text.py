"""accounts.text and accounts.api.parsers: the one rule for input text, and the census that keeps every form,
every API view and every serializer of the site under it. (The site tried from the outside:
tests/test_bad_input.py.)"""

import copy
import importlib
import inspect
import pkgutil
from xml.etree import ElementTree as ET

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.views import APIView

from accounts import text
from accounts.api.parsers import CleanInputParserMixin, body_problems
from accounts.api.serializers import ReadOnlyModelSerializer
from accounts.forms import CleanForm
from tests.test_tenancy_walk import walk
from workorders.open311.formats import to_xml

OUR_APPS = ("accounts", "compounds", "workorders", "ratings", "funding", "staffing")

REFUSED = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x0e",
    "\x1b",
    "\x1f",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
]
ALLOWED = ["\t", "\n", "\r", " ", "\x7f", "\u3000", "中", "\ufffd", "😀", "\U0010fffd"]


# ---------------------------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("char", REFUSED, ids=[text.describe(c) for c in REFUSED])
def test_characters_xml_cannot_carry_are_refused_with_their_code_point(char):
    problem = text.text_problem(f"路灯{char}坏了")
    assert problem is not None and problem.code == text.CONTROL_CODE
    assert text.describe(char) in problem.messages[0]
    assert text.strip_forbidden(f"路灯{char}坏了") == "路灯坏了"


@pytest.mark.parametrize("char", ALLOWED, ids=[text.describe(c[0]) for c in ALLOWED])
def test_everything_xml_carries_passes_unchanged(char):
    value = f"路灯{char}坏了"
    assert text.text_problem(value) is None
    assert text.clean_text(value) == value
    assert text.strip_forbidden(value) == value
    ET.fromstring(to_xml("r", None, {"t": value}))  # and XML can carry it


def test_a_nul_is_named_as_such_in_chinese():
    with pytest.raises(ValidationError) as caught:
        text.clean_text("a\x00b", field="description")
    assert caught.value.message_dict == {"description": ["含有空字符（U+0000），请删除后重新提交。"]}


def test_values_are_bounded():
    assert text.text_problem("长" * text.INPUT_MAX) is None
    problem = text.text_problem("长" * (text.INPUT_MAX + 1))
    assert problem.code == text.TOO_LONG_CODE and f"不能超过 {text.INPUT_MAX} 字" in problem.messages[0]
    assert text.text_problem("长" * 51, max_length=50).messages == ["内容过长：不能超过 50 字（当前 51 字）。"]


def test_bytes_must_be_utf8_and_other_values_pass():
    assert text.text_problem(b"\xff\xfe").code == "invalid_utf8"
    assert text.text_problem(12) is None and text.text_problem(None) is None


def test_the_xml_writer_never_emits_a_character_xml_cannot_carry():
    document = to_xml("service_requests", "request", [{"description": "堆物\x07\x00清理\ufffe"}])
    root = ET.fromstring(document)  # a strict parser accepts it
    assert root.find("request").findtext("description") == "堆物清理"


# ---------------------------------------------------------------------------------------------------- forms


class SampleForm(CleanForm):
    name = forms.CharField(max_length=20)
    note = forms.CharField(required=False)
    kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")])
    when = forms.DateField(required=False)


def test_a_form_field_refuses_a_control_character_before_its_own_cleaning():
    form = SampleForm({"name": "张\x00三", "kind": "a\x07", "when": "2026-01-0\x001"})
    assert not form.is_valid()
    assert form.errors["name"] == ["含有空字符（U+0000），请删除后重新提交。"]
    assert "U+0007" in form.errors["kind"][0]
    assert "U+0000" in form.errors["when"][0]


def test_a_charfield_without_a_max_length_gets_the_text_bound():
    form = SampleForm({"name": "张三", "kind": "a", "note": "长" * (text.TEXT_MAX + 1)})
    assert not form.is_valid() and list(form.errors) == ["note"]
    assert form.fields["note"].max_length == text.TEXT_MAX
    assert f'maxlength="{text.TEXT_MAX}"' in str(form["note"])
    # a field's own max_length keeps its own message
    short = SampleForm({"name": "张" * 21, "kind": "a"})
    assert not short.is_valid() and "20" in short.errors["name"][0]


def test_a_guarded_field_stays_guarded_when_copied():
    form = SampleForm()
    field = copy.deepcopy(form.fields["name"])
    with pytest.raises(ValidationError, match="U\\+0007"):
        field.clean("a\x07")
    assert isinstance(field, forms.CharField)


def test_the_sign_in_form_is_under_the_rule_too(client, tree):
    response = client.post("/accounts/login/", {"username": "official\x00", "password": "x\x00"})
    assert response.status_code == 200 and "空字符" in response.content.decode()


def _our_modules():
    for config in apps.get_app_configs():
        if config.name not in OUR_APPS:
            continue
        for info in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if ".migrations" in info.name or ".management." in info.name:
                continue
            yield importlib.import_module(info.name)


def _our_classes(base: type) -> list[type]:
    found = set()
    for module in _our_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__.split(".")[0] in OUR_APPS:
                found.add(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_census_every_form_of_the_site_is_under_the_rule():
    forms_ = _our_classes(forms.BaseForm)
    assert len(forms_) >= 20
    outside = [f"{c.__module__}.{c.__qualname__}" for c in forms_ if not issubclass(c, text.CleanInputFormMixin)]
    assert not outside, f"derive these from accounts.forms.CleanForm / CleanModelForm: {outside}"


# ---------------------------------------------------------------------------------------------------- API


def test_body_problems_name_the_top_level_field():
    assert body_problems({"title": "好", "items": [{"note": "a\x07"}]}) == {
        "items": ["含有不允许的控制字符（U+0007），请删除后重新提交。"]
    }
    assert body_problems({"a\x00": "x"}) == {"non_field_errors": ["含有空字符（U+0000），请删除后重新提交。"]}
    assert body_problems(["\x01"]) == {"non_field_errors": ["含有不允许的控制字符（U+0001），请删除后重新提交。"]}
    assert body_problems({"n": 3, "ok": True, "text": "路灯\n坏了"}) == {}


def test_census_every_api_view_parses_through_the_rule():
    views = set()
    for route in walk():
        cls = getattr(route.callback, "cls", None)
        if cls is not None and issubclass(cls, APIView):
            views.add(cls)
    assert len(views) >= 10
    outside = []
    for cls in views:
        parsers = cls().get_parsers()
        if not parsers or not all(isinstance(p, CleanInputParserMixin) for p in parsers):
            outside.append(f"{cls.__module__}.{cls.__qualname__}")
    assert not outside, f"take parser_classes from accounts.api.parsers: {sorted(outside)}"


def _writable_char_fields(cls: type[serializers.Serializer]) -> dict[str, serializers.CharField]:
    fields = {}
    for name, field in cls._declared_fields.items():
        if isinstance(field, serializers.CharField) and not field.read_only:
            fields[name] = field
        if (
            isinstance(field, serializers.ListField)
            and not field.read_only
            and isinstance(field.child, serializers.CharField)
        ):
            fields[name] = field.child
    return fields


def test_census_every_writable_text_field_of_the_api_has_a_length_limit():
    unbounded = []
    for cls in _our_classes(serializers.Serializer):
        if issubclass(cls, ReadOnlyModelSerializer):
            continue
        for name, field in _writable_char_fields(cls).items():
            if field.max_length is None and not isinstance(field, serializers.RegexField | serializers.ChoiceField):
                unbounded.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
        meta = getattr(cls, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            continue
        declared = set(cls._declared_fields)
        read_only = set(getattr(meta, "read_only_fields", ()))
        listed = getattr(meta, "fields", ())
        names = [f.name for f in model._meta.concrete_fields] if listed == "__all__" else listed
        for name in names:
            if name in declared or name in read_only:
                continue
            try:
                model_field = model._meta.get_field(name)
            except Exception:
                continue
            if isinstance(model_field, models.CharField | models.TextField) and model_field.max_length is None:
                unbounded.append(f"{cls.__module__}.{cls.__qualname__}.{name} ({model.__name__})")
    assert not unbounded, f"give these text fields a max_length: {unbounded}"


# ---------------------------------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "url, field",
    [
        ("/track/AB%00/", None),
        ("/track/%E4%B8/", None),  # a UTF-8 sequence cut short
        ("/workorders/?q=%00", "q"),
        ("/workorders/?%01=1", "\x01"),
        ("/workorders/?q=%FF", "q"),
        ("/workorders/?q=" + "长" * (text.INPUT_MAX + 1), "q"),
    ],
)
def test_the_url_rule(url, field):
    problem = text.url_problem(RequestFactory().get(url))
    assert problem is not None and problem[0] == field


@pytest.mark.parametrize("url", ["/track/ABC/", "/workorders/?q=%E8%B7%AF%E7%81%AF&state=open", "/q/x/?a=&b"])
def test_good_urls_pass(url):
    assert text.url_problem(RequestFactory().get(url)) is None
