"""Hole 5 of the trust issue: no input makes a 500. A NUL byte, another control character that XML 1.0 cannot
carry, invalid UTF-8 or a 2 MB string — in a URL, a query string, a form field, a JSON body, an Open311
parameter or an imported file — gets a 4xx with a Chinese message, and nothing is stored.

The layer itself (accounts.text, accounts.api.parsers) is tested in tests/accounts/test_text.py; here the
site is tried from the outside, as an attacker would."""

import json
import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.actors import SystemActor
from accounts.roles import Integration, Role
from compounds.importing import org_import, read_file
from ratings.models import SurveyResponse
from tests.factories import UserFactory, api_key_for
from tests.ratings import helpers as ratings_helpers
from workorders import services
from workorders.hotline.services import hotline_file_import
from workorders.models import WorkOrder

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def categories(tree):
    return {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}


@pytest.fixture
def raw_client():
    """A client that answers what the server answers (a 500 stays a 500 instead of raising in the test)."""
    return Client(raise_request_exception=False)


def public_urls(tree) -> list[str]:
    compound = tree.compounds[0]
    return [
        "/q/AB%00CD/",
        f"/q/{compound.public_token}%00/",
        "/track/AB%00CD/",
        "/track/?code=AB%00CD",
        "/track/AB%00CD/photos/1/",
        "/ratings/survey/AB%00CD/",
        f"/ratings/survey/{compound.public_token}/?x=%00",
        "/q/AB%07CD/",
        "/track/%FF%FE/",
        "/track/?code=%FF",
    ]


def test_a_nul_byte_or_a_broken_byte_in_a_public_url_is_a_400_in_the_public_pages_look(raw_client, tree, categories):
    for url in public_urls(tree):
        # when
        response = raw_client.get(url)
        # then: a 400 page in Chinese, in the resident pages' own layout
        assert response.status_code == 400, f"{url}: {response.status_code}"
        body = response.content.decode()
        assert "public-header" in body, url
        assert "无法处理" in body and CHINESE.search(body), url


def test_a_nul_byte_in_a_staff_pages_query_string_is_a_400(raw_client, tree):
    raw_client.force_login(tree.official)
    for url in (
        "/workorders/?state=%00",
        "/workorders/?q=a%00b",
        "/ratings/firms/?x=%01",
        "/workorders/kpis/?month=%00",
    ):
        response = raw_client.get(url)
        assert response.status_code == 400, url
        assert "site-header" in response.content.decode(), url  # the staff pages' layout


def test_every_api_query_parameter_refuses_nul_with_a_json_400(raw_client, tree):
    token = api_key_for(tree.official)
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    for url in (
        "/api/v1/work-orders/?state=%00",
        "/api/v1/work-orders/?ordering=%00created_at",
        "/api/v1/compounds/?q=%07",
        "/api/v1/work-order-kpis/?month=2026-0%001",
        "/api/v1/work-orders/?q=%FF",
    ):
        response = raw_client.get(url, **headers)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("application/json"), url
        body = response.json()
        assert CHINESE.search(json.dumps(body, ensure_ascii=False)), body


def test_a_control_character_in_an_api_body_is_a_400_naming_the_field_and_nothing_is_filed(client, tree, categories):
    token = api_key_for(tree.street_staff)
    payload = {
        "compound": tree.compounds[0].pk,
        "category": categories["street-lamp"].pk,
        "channel": "phone",
        "title": "路灯坏了",
        "description": "路灯坏了\u0007请尽快处理",
    }
    for body in (payload, {**payload, "description": "路灯坏了\u0000"}, {**payload, "title": "\u001b[31m红字"}):
        # when
        response = client.post(
            "/api/v1/work-orders/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
        )
        # then
        assert response.status_code == 400, response.content
        field = next(iter(response.json()))
        assert field in ("description", "title")
        assert "控制字符" in response.json()[field][0] or "空字符" in response.json()[field][0]
    assert not WorkOrder.objects.exists()


def test_a_twenty_thousand_character_description_through_the_staff_api_is_refused(client, tree, categories):
    token = api_key_for(tree.street_staff)
    response = client.post(
        "/api/v1/work-orders/",
        {
            "compound": tree.compounds[0].pk,
            "category": categories["street-lamp"].pk,
            "channel": "phone",
            "title": "路灯坏了",
            "description": "很长" * 10_000,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400
    assert "description" in response.json()
    assert not WorkOrder.objects.exists()


def test_a_six_megabyte_body_is_a_400_not_a_500(raw_client, tree, categories):
    token = api_key_for(tree.street_staff)
    body = json.dumps({"description": "很长" * 1_000_000}, ensure_ascii=False)
    response = raw_client.post(
        "/api/v1/work-orders/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()


def test_deeply_nested_json_is_a_400_not_a_recursion_error(raw_client, tree):
    token = api_key_for(tree.street_staff)
    response = raw_client.post(
        "/api/v1/work-orders/", "[" * 20000, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400


def test_the_resident_form_refuses_a_control_character_and_keeps_what_was_typed(client, tree, categories):
    compound = tree.compounds[0]
    url = reverse("intake:report", args=[compound.public_token])
    # when
    response = client.post(
        url, {"category": categories["street-lamp"].pk, "description": "路灯坏了\u0007晚上很黑", "reporter_phone": ""}
    )
    # then: the form comes back with a Chinese message on the field, the text kept; nothing is filed
    assert response.status_code == 400
    body = response.content.decode()
    assert "控制字符" in body and "U+0007" in body
    assert "晚上很黑" in body
    assert not WorkOrder.objects.exists()


def test_a_nul_in_a_form_field_gets_our_message_not_djangos_typo(client, tree, categories):
    compound = tree.compounds[0]
    url = reverse("intake:report", args=[compound.public_token])
    response = client.post(url, {"category": categories["street-lamp"].pk, "description": "路灯\u0000坏了"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "空字符" in body and "是用" not in body
    # a NUL posted as the *choice* of a model field is refused the same way (it never reaches PostgreSQL)
    response = client.post(url, {"category": "1\u0000", "description": "路灯坏了"})
    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_the_survey_refuses_a_nul_in_the_room_number(client, tree):
    ratings_helpers.period(tree)
    compound = tree.compounds[0]
    url = reverse("ratings:survey", kwargs={"public_token": compound.public_token})
    response = client.post(url, {"building": "1号楼", "room": "10\u00001", "level": "satisfied", "comment": ""})
    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_staff_page_forms_refuse_control_characters(client, tree, categories):
    order = services.work_order_file(
        actor=SYSTEM,
        compound=tree.compounds[0],
        category=categories["street-lamp"],
        channel="resident_qr",
        title="路灯坏了",
        description="路灯坏了",
    )
    client.force_login(tree.official)
    response = client.post(
        reverse("workorders:detail", args=[order.pk]), {"action": "note", "note-note": "已电话联系\u0008"}
    )
    assert response.status_code == 400 and "控制字符" in response.content.decode()
    assert not order.timeline.filter(note__contains="已电话联系").exists()


# ---------------------------------------------------------------------------------------------------- Open311


@pytest.fixture
def open311_key(tree):
    user = UserFactory(role=Role.INTEGRATION, integration=Integration.OPEN311, district=tree.district, full_name="")
    return api_key_for(user)


def test_every_open311_parameter_refuses_nul_in_the_errors_format(raw_client, tree, categories, open311_key):
    j = tree.district.code
    for url in (
        f"/open311/v2/requests.xml?jurisdiction_id={j}%00",
        f"/open311/v2/requests.json?jurisdiction_id={j}&status=open%00",
        f"/open311/v2/requests.json?jurisdiction_id={j}&service_request_id=1%00",
        f"/open311/v2/requests.xml?jurisdiction_id={j}&start_date=2026-01-01%00",
        f"/open311/v2/services.json?jurisdiction_id=%00{j}",
        f"/open311/v2/requests/1%00.json?jurisdiction_id={j}",
        f"/open311/v2/tokens/1%00.xml?jurisdiction_id={j}",
        f"/open311/v2/requests.json?api_key=%00&jurisdiction_id={j}",
    ):
        response = raw_client.get(url)
        assert response.status_code == 400, f"{url}: {response.status_code}"
        text = response.content.decode()
        if ".json" in url:
            assert response["Content-Type"].startswith("application/json"), url
            assert json.loads(text)[0]["code"] == 400
        else:
            assert response["Content-Type"].startswith("text/xml"), url
            assert "<errors>" in text and "<code>400</code>" in text
        assert CHINESE.search(text)


def test_an_open311_post_field_with_a_control_character_is_a_400_and_files_nothing(
    raw_client, tree, categories, open311_key
):
    data = {
        "api_key": open311_key,
        "jurisdiction_id": tree.district.code,
        "service_code": "street-lamp",
        "address_string": tree.compounds[1].name,
        "description": "东门路灯坏了",
    }
    for field, value in (
        ("description", "东门路灯坏了\u0007"),
        ("first_name", "小\u0000明"),
        ("address_string", "\u0000"),
    ):
        response = raw_client.post("/open311/v2/requests.json", {**data, field: value})
        assert response.status_code == 400, (field, response.content)
        assert field in json.loads(response.content)[0]["description"]
    assert not WorkOrder.objects.exists()


# ---------------------------------------------------------------------------------------------------- imports


def test_an_imported_organisation_row_with_a_control_character_is_reported(tree, tmp_path):
    path = tmp_path / "街道.csv"
    path.write_text("街道编码,街道名称\n610116009,新\u0007街道\n", encoding="utf-8")
    report = org_import(actor=SYSTEM, district=tree.district, sheets=read_file(path))
    assert not report.ok
    assert report.errors[0].row == 2 and "控制字符" in report.errors[0].message


def test_a_hotline_csv_row_with_a_nul_is_reported_and_nothing_is_imported(tree, categories):
    rows = (
        "工单编号,受理时间,诉求类别,诉求内容,小区,联系电话,办理时限\n"
        f"12345-001,2026-03-02 09:00,路灯照明,路灯坏了\u0000,{tree.compounds[0].name},13800001111,\n"
    )
    report = hotline_file_import(actor=SYSTEM, district=tree.district, data=rows.encode("utf-8"))
    assert not report.ok
    assert "空字符" in report.errors[0].message
    assert not WorkOrder.objects.exists()


def test_services_are_unchanged_for_good_text(client, tree, categories):
    """A positive control: ordinary Chinese text, new lines and tabs pass every layer."""
    compound = tree.compounds[0]
    url = reverse("intake:report", args=[compound.public_token])
    response = client.post(
        url, {"category": categories["street-lamp"].pk, "description": "路灯坏了\r\n\t晚上很黑", "reporter_phone": ""}
    )
    assert response.status_code == 302
    assert "晚上很黑" in WorkOrder.objects.get().description


# Values no filter can take: an impossible date, an integer past bigint, a float past double, a 3,000-character word.
IMPOSSIBLE = ("2026-02-30", "9" * 30, "1e309", "x" * 3000)


def test_every_api_filter_answers_an_impossible_value_with_a_4xx_or_an_empty_list(raw_client, tree, categories):
    """Every filter of every API list (its FilterSet, plus the paging and ordering parameters), given an impossible
    date, an overflowing integer or a huge word: never a 5xx (PostgreSQL's "integer out of range" included)."""
    from tests.test_tenancy_walk import list_routes, url_for, view_class

    raw_client.force_login(tree.official)
    problems, tried = [], 0
    for route in list_routes():
        filterset = getattr(view_class(route.callback), "filterset_class", None)
        if filterset is None or route.actions.get("get") != "list":
            continue
        url = url_for(route)
        for name in [*filterset.base_filters, "page", "page_size", "ordering"]:
            for value in IMPOSSIBLE:
                tried += 1
                response = raw_client.get(url, {name: value})
                if response.status_code >= 500:
                    problems.append(f"GET {url}?{name}={value[:12]}… → {response.status_code}")
                    break
    assert tried > 100, "too few filters tried: are the API lists' FilterSets found?"
    assert not problems, "\n".join(problems)


def test_an_overflowing_id_in_an_api_or_page_url_is_a_404(raw_client, tree):
    raw_client.force_login(tree.official)
    big = "9" * 30
    for url in (f"/api/v1/compounds/{big}/", f"/api/v1/work-orders/{big}/", f"/workorders/{big}/"):
        assert raw_client.get(url).status_code == 404, url


def test_every_api_search_names_fields_its_model_has():
    """The class of `?q=` on the sink-down posts being a 500 for any word: a FilterSet searching a field its model
    lacks (the default `name`). Every list's `search_fields` must resolve on its model."""
    from tests.test_tenancy_walk import list_routes, view_class

    broken = []
    for route in list_routes():
        filterset = getattr(view_class(route.callback), "filterset_class", None)
        for field in getattr(filterset, "search_fields", ()) if filterset else ():
            model = filterset._meta.model
            try:
                str(model._base_manager.filter(**{f"{field}__icontains": "x"}).query)
            except Exception as error:  # FieldError: the field does not exist on the model
                broken.append(f"{filterset.__name__}.search_fields {field!r} on {model.__name__}: {error}"[:200])
    assert not broken, "\n".join(broken)


# ---------------------------------------------------------------------------------------------------- the sweeps
# Every form of every page (each once, as a role that is shown it) and every write of the API, sent back with one
# field at a time holding an impossible value of its kind, in a district populated by the tenancy walk's makers
# (one district, 未央区, so that the tests above keep their own 长安区). The answer is a 4xx in the interface's own
# shape (a page: HTML with a Chinese error; the API: its JSON error body), never a 5xx, and a form or write whose
# every try was refused changed nothing.

# An impossible value of each kind an input may be (by the input's type in the page, or the API field's class).
BAD_TEXT = ("路灯\x00坏了", "路灯\x1b坏了", "长" * 4000)
BAD_DATES = ("2026-02-30", "0000-01-01", "99999-12-31", "明天", "0001-01-01", "9999-12-31")
BAD_DATETIMES = ("2026-02-30T09:00", "0001-01-01T00:00", "9999-12-31T23:59", "明天上午")
BAD_NUMBERS = ("-1", "-99999999999", "9" * 30, "1e309", "NaN")
BAD_CHOICES = ("9" * 30, "-1", "\x00")
BAD_BY_TYPE = {
    "date": BAD_DATES, "datetime-local": BAD_DATETIMES, "time": ("25:61", "明天"), "month": ("2026-13", "0000-00"),
    "number": BAD_NUMBERS, "select": BAD_CHOICES, "tel": ("1" * 40, "\x00"), "email": ("@" * 300,),
}  # fmt: skip
TWO_MEGABYTES = "x" * 2_000_000
# Fields that carry no user input (the page's own machinery), left as the page gave them.
MACHINERY = {"csrfmiddlewaretoken", "form_token", "form", "action", "next"}
PAGE_ROLES = ("official", "street_staff", "cadre", "grid_worker", "firm_staff", "department_staff")


@pytest.fixture(scope="module")
def swept_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One district with a row of every tenant model (the tenancy walk's makers), rolled back after the module;
    its documents and photos under a media folder of the module's own (`t.media_root`)."""
    from django.db import transaction
    from django.test import override_settings

    from tests.conftest import build_tree
    from tests.test_tenancy_walk import populate

    media_root = tmp_path_factory.mktemp("swept") / "media"
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            t = build_tree("610112", "未央区")
            populate(t)
            t.media_root = media_root
            yield t
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def swept(swept_world, settings):
    settings.MEDIA_ROOT = swept_world.media_root  # after this module's autouse fixture gave each test its own
    return swept_world


class _TypedForms:
    """The POST forms of a page as the walk reads them (tests.test_tenancy_walk.page_forms), with each input's
    type: "select", "textarea", or the <input>'s own type."""

    @staticmethod
    def read(html: str) -> list[tuple[str, dict, dict]]:
        from html.parser import HTMLParser

        from tests.test_tenancy_walk import page_forms

        class Types(HTMLParser):
            def __init__(self):
                super().__init__()
                self.forms: list[dict | None] = []

            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag == "form":
                    post = (attrs.get("method") or "get").lower() == "post"
                    self.forms.append({} if post else None)
                elif self.forms and self.forms[-1] is not None and attrs.get("name"):
                    if tag in ("select", "textarea"):
                        self.forms[-1].setdefault(attrs["name"], tag)
                    elif tag == "input":
                        self.forms[-1].setdefault(attrs["name"], (attrs.get("type") or "text").lower())

        parser = Types()
        parser.feed(html)
        types = [t for t in parser.forms if t is not None]
        return [(action, fields, kinds) for (action, fields), kinds in zip(page_forms(html), types, strict=True)]


def _bad_values(kind: str) -> tuple[str, ...]:
    if kind in ("checkbox", "radio", "submit", "file", "hidden", "button"):
        return ()
    return BAD_BY_TYPE.get(kind, BAD_TEXT)


def bad_files() -> Iterator[tuple[str, object]]:
    """Files of the wrong type for every upload (fresh objects each time: a file is read once): a page renamed
    .pdf (and .jpg), random bytes named .xlsx, 30 MB named .pdf."""
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    page = b"<!doctype html><html><body><script>alert(1)</script>\xe8\xb7\xaf\xe7\x81\xaf</body></html>"
    yield "page.pdf", SimpleUploadedFile("报价单.pdf", page, content_type="application/pdf")
    yield "page.jpg", SimpleUploadedFile("现场.jpg", page, content_type="image/jpeg")
    yield "random.xlsx", SimpleUploadedFile("导入.xlsx", os.urandom(4096), content_type="application/vnd.ms-excel")
    yield (
        "30 MB",
        SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024), content_type="application/pdf"),
    )


def _tries(fields: dict, kinds: dict) -> Iterator[tuple[str, str, dict]]:
    """(field, value, body): the form as the page gave it, one field at a time made impossible; the first text
    field once more with 2 MB."""
    from tests.test_tenancy_walk import FORM_VALUES

    base = {**fields, **{n: v for n, v in FORM_VALUES.items() if n in fields}}
    big = False
    for name, kind in kinds.items():
        if kind == "file":
            for label, upload in bad_files():
                yield name, label, {**base, name: upload}
        if name in MACHINERY or name not in base:
            continue
        for value in _bad_values(kind):
            yield name, value, {**base, name: value}
        if not big and kind in ("text", "textarea"):
            big = True
            yield name, "2 MB", {**base, name: TWO_MEGABYTES}


def test_every_page_form_answers_impossible_values_with_a_4xx_page_and_changes_nothing(swept, client):
    """Each POST form of every page (as the first role that is shown it), one field at a time holding a NUL, a
    control character, 4,000 or 2 MB characters, an impossible date (2026-02-30, 0000-01-01, 99999-12-31, 明天),
    a negative, overflowing or infinite number, an overflowing id: never a 5xx; a refusal is the page again, in
    Chinese; a form whose every try was refused changed no row."""
    from django.db import transaction

    from tests.test_tenancy_walk import OBJECT_MAKERS, _form_key, changed, fingerprint, routes, url_for, view_model

    t = swept
    problems, seen, tried = [], set(), 0
    for role in PAGE_ROLES:
        client.force_login(t.walkers[role])
        for route in routes():
            if getattr(route.callback, "cls", None) is not None:
                continue  # the API: the next test
            page = url_for(route, OBJECT_MAKERS[view_model(route.callback)](t) if route.object_kwargs else None)
            response = client.get(page)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for action, fields, kinds in _TypedForms.read(response.content.decode()):
                target = action if action and not action.startswith(("?", "#")) else page + action.split("#")[0]
                key = _form_key(target, fields)
                if key in seen or "logout" in target or "i18n" in target:
                    continue
                seen.add(key)
                accepted = False
                with transaction.atomic():
                    before = fingerprint(t.district)
                    for name, value, body in _tries(fields, kinds):
                        tried += 1
                        answer = client.post(target, body)
                        status = answer.status_code
                        shown = f"{key} as {role}: {name}={value[:20]!r} → {status}"
                        html = "text/html" in answer.get("Content-Type", "")
                        if status >= 500:
                            problems.append(shown)
                        elif status < 400:
                            accepted = True
                        elif html and not CHINESE.search(answer.content.decode("utf-8", "replace")):
                            problems.append(f"{shown} without a Chinese message")
                    if not accepted and changed(before, fingerprint(t.district)):
                        problems.append(f"{key} as {role}: refused, yet rows changed")
                    transaction.set_rollback(True)
    assert tried > 200, f"too few tries ({tried}): are the pages' forms found?"
    assert not problems, "\n".join(problems)


def _api_bad_values(field) -> list:
    """Impossible values for one field of an API body, by its serializer field's class."""
    from rest_framework import serializers as drf

    if isinstance(field, (drf.ManyRelatedField, drf.ListField)):
        return [[10**30], ["\x00"], "不是列表"]
    if isinstance(field, drf.FileField):
        return []  # uploads: test_every_api_upload_refuses_files_of_the_wrong_type
    if isinstance(field, drf.RelatedField):
        return [10**30, -1, "\x00"]
    if isinstance(field, drf.BooleanField):
        return ["\x00", 10**30]
    if isinstance(field, drf.ChoiceField):
        return ["\x00", "9" * 30]
    if isinstance(field, drf.DateTimeField):
        return [*BAD_DATETIMES, "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00"]
    if isinstance(field, drf.DateField):
        return list(BAD_DATES)
    if isinstance(field, (drf.IntegerField, drf.DecimalField, drf.FloatField)):
        return [-1, -(10**30), 10**30, "1e309", "NaN"]
    if isinstance(field, drf.CharField):
        return [*BAD_TEXT, TWO_MEGABYTES]
    if isinstance(field, (drf.DictField, drf.JSONField, drf.Serializer)):
        return [{"x": "\x00"}, "不是对象"]
    return ["\x00", 10**30]


def _api_writes_all():
    """Every create, update and action of the API with a request body (as the schema documents it)."""
    from drf_spectacular.generators import SchemaGenerator

    from tests.test_tenancy_walk import OBJECT_MAKERS, Write, _is_serializer, _related_model, routes

    generator = SchemaGenerator()
    for route in routes():
        if getattr(route.callback, "cls", None) is None:
            continue
        methods = route.actions or {m: m for m in ("post", "put", "patch") if hasattr(route.callback.cls, m)}
        for method in methods:
            if method not in ("post", "put", "patch"):
                continue
            view = generator.create_view(route.callback, method.upper())
            serializer = getattr(view, "schema", None) and view.schema.get_request_serializer()
            if isinstance(serializer, dict):
                serializer = next((v for v in serializer.values() if _is_serializer(v)), None)
            if not _is_serializer(serializer):
                continue
            serializer = serializer() if isinstance(serializer, type) else serializer
            fields = {name: f for name, f in serializer.fields.items() if not f.read_only}
            ids = {name: _related_model(f) for name, f in fields.items()}
            yield Write(route, method, fields, {n: m for n, m in ids.items() if m in OBJECT_MAKERS})


def _deeply_nested(depth: int = 200) -> dict:
    value: object = "路灯"
    for _ in range(depth):
        value = [value]
    return value


def test_every_api_write_answers_impossible_values_with_a_json_4xx_and_changes_nothing(swept, client):
    """Each write of the API (as the first role of the district it does not refuse outright), its valid-looking
    body with one field at a time impossible — NUL, control characters, 4,000 characters and 2 MB, impossible
    dates, negative, overflowing and infinite numbers, overflowing ids, a wrong shape — and once with a value
    nested 200 deep: never a 5xx, every refusal the API's JSON error body, nothing changed by a refused write."""
    from django.db import transaction

    from tests.test_tenancy_walk import ROLES, changed, fingerprint

    t = swept
    problems, tried, writes = [], 0, 0
    for write in _api_writes_all():
        writes += 1
        url, base = write.url(t), write.body(t)
        send = getattr(client, write.method)
        for role in ROLES:  # the first role that is not refused before the body is read
            client.force_login(t.walkers[role])
            with transaction.atomic():
                status = send(url, data=base, content_type="application/json").status_code
                transaction.set_rollback(True)
            if status not in (403, 405):
                break
        first = next(iter(write.body_fields), None)
        tries = [(name, value) for name, f in write.body_fields.items() for value in _api_bad_values(f)]
        tries += [(first, _deeply_nested())] if first else []
        with transaction.atomic():
            before, accepted = fingerprint(t.district), False
            for name, value in tries:
                tried += 1
                answer = send(url, data={**base, name: value}, content_type="application/json")
                shown = f"{write.method.upper()} {url} as {role}: {name}={str(value)[:20]!r} → {answer.status_code}"
                if answer.status_code >= 500:
                    problems.append(f"{shown} {answer.content[:200]!r}")
                elif answer.status_code < 400:
                    accepted = True
                elif not answer.get("Content-Type", "").startswith("application/json"):
                    problems.append(f"{shown} not in the API's JSON shape")
            if not accepted and changed(before, fingerprint(t.district)):
                problems.append(f"{write.method.upper()} {url}: refused, yet rows changed")
            transaction.set_rollback(True)
    assert writes > 60 and tried > 500, f"too few writes ({writes}) or tries ({tried}): is the schema read?"
    assert not problems, "\n".join(problems)


def test_every_api_upload_refuses_files_of_the_wrong_type(swept, client):
    """Every API write that takes a file (funding attachments, step documents, staffing and 12345 imports, photos),
    sent a page renamed .pdf/.jpg, random bytes named .xlsx and 30 MB: a 4xx in JSON, never a 5xx, nothing stored."""
    from django.db import transaction
    from rest_framework import serializers as drf

    from tests.test_tenancy_walk import ROLES, changed, fingerprint

    t = swept
    problems, uploads = [], 0
    for write in _api_writes_all():
        files = [
            (name, isinstance(f, drf.ListField))
            for name, f in write.body_fields.items()
            if isinstance(f, drf.FileField) or isinstance(getattr(f, "child", None), drf.FileField)
        ]
        if not files:
            continue
        uploads += 1
        url = write.url(t)
        base = {k: v for k, v in write.body(t).items() if not isinstance(v, (list, dict))}
        send = getattr(client, write.method)
        for role in ROLES:  # the first role that is not refused before the body is read
            client.force_login(t.walkers[role])
            with transaction.atomic():
                status = send(url, data=base, content_type="application/json").status_code
                transaction.set_rollback(True)
            if status not in (403, 405):
                break
        with transaction.atomic():
            before = fingerprint(t.district)
            for name, many in files:
                for label, upload in bad_files():
                    answer = send(url, data={**base, name: [upload] if many else upload})
                    shown = f"{write.method.upper()} {url} as {role}: {name}={label} → {answer.status_code}"
                    if answer.status_code >= 500 or answer.status_code < 400:
                        problems.append(f"{shown} {answer.content[:200]!r}")
                    elif not answer.get("Content-Type", "").startswith("application/json"):
                        problems.append(f"{shown} not in JSON")
            if changed(before, fingerprint(t.district)):
                problems.append(f"{write.method.upper()} {url} as {role}: a refused upload changed rows")
            transaction.set_rollback(True)
    assert uploads >= 3, f"too few API uploads found ({uploads})"
    assert not problems, "\n".join(problems)
