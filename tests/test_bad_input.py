"""Hole 5 of the trust issue: no input makes a 500. A NUL byte, another control character that XML 1.0 cannot
carry, invalid UTF-8 or a 2 MB string — in a URL, a query string, a form field, a JSON body, an Open311
parameter or an imported file — gets a 4xx with a Chinese message, and nothing is stored.

The layer itself (accounts.text, accounts.api.parsers) is tested in tests/accounts/test_text.py; here the
site is tried from the outside, as an attacker would."""

import json
import re

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
