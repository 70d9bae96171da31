"""Every description and note that leaves the platform is masked: Open311, the resident's tracking page, the
CSV and XLSX exports, and templates that render free text (PDFs included) through the `privacy` filters.
One order with a landline, an e-mail, a mobile, an ID number, a name after 联系人 and a room number goes out
through each door; none of them comes out whole."""

import csv
import io
import json

import openpyxl
import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.actors import SystemActor
from accounts.roles import Integration, Role
from tests.factories import UserFactory, api_key_for
from workorders import services

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db

TYPED = (
    "3号楼2单元8806漏水，联系人：王建国，电话029-85551234，手机13812345678，邮箱wjg@example.com，"
    "身份证610116199001011234"
)
RESOLUTION = '=HYPERLINK("http://x") 已修好，王建国先生确认，回访13812345678'
SECRETS = ("建国", "85551234", "13812345678", "wjg@", "199001011234", "8806")


@pytest.fixture
def order(tree):
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    order = services.work_order_file(
        actor=SYSTEM,
        compound=tree.compounds[0],
        category=categories["leak"],
        channel="resident_qr",
        title=TYPED[:30],
        description=TYPED,
        reporter_name="王建国",
        reporter_phone="13812345678",
    )
    order = services.work_order_route(actor=SYSTEM, order_id=order.pk)
    services.work_order_accept(actor=SYSTEM, order=order)
    return services.work_order_resolve(actor=SYSTEM, order=order, resolution=RESOLUTION)


def assert_masked(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_open311(client, tree, order):
    user = UserFactory(role=Role.INTEGRATION, integration=Integration.OPEN311, district=tree.district)
    key = api_key_for(user)
    response = client.get(f"/open311/v2/requests/{order.pk}.json", {"api_key": key})
    description = json.loads(response.content)[0]["description"]
    assert_masked(response.content.decode())
    assert "联系人：王**" in description and "029-****1234" in description and "610***********1234" in description


def test_the_tracking_page(client, order):
    response = client.get(reverse("intake:track", args=[order.tracking_code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert_masked(body)
    assert "3号楼2单元****漏水" in body and "王**先生确认" in body and "138****5678" in body


def test_the_csv_export(client, tree, order):
    client.force_login(tree.street_staff)
    # the export follows the queue's filters, and the queue opens on open orders: ask for every order
    response = client.get(reverse("workorders:export-csv"), {"is_open": "all"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment;")
    assert_masked(text)
    rows = list(csv.reader(io.StringIO(text)))
    header, row = rows[0], rows[1]
    assert header[0] == "查询码" and row[0] == order.tracking_code
    assert row[header.index("联系电话（已脱敏）")] == "138****5678"
    assert row[header.index("办理结果")].startswith("'=HYPERLINK")  # never a formula in Excel


def test_the_xlsx_export(client, tree, order):
    client.force_login(tree.official)
    response = client.get(reverse("workorders:export-xlsx"), {"state": "resolved"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "查询码" and values[1][0] == order.tracking_code and len(values) == 2
    assert_masked(" ".join(str(v) for row in values for v in row))


EVERY = {"is_open": "all"}  # open and finished orders (the resolved order is finished)


def test_an_export_is_the_users_scope(client, tree, order):
    client.force_login(tree.firm_staff)  # the order went to the firm: it sees it
    assert order.tracking_code in client.get(reverse("workorders:export-csv"), EVERY).content.decode("utf-8-sig")
    client.force_login(tree.department_staff)  # a department never held it
    assert order.tracking_code not in client.get(reverse("workorders:export-csv"), EVERY).content.decode("utf-8-sig")


def test_templates_and_pdfs_mask_with_the_privacy_filters(order):
    rendered = Template("{% load privacy %}{{ d|masked_text }} {{ p|masked_phone }} {{ n|masked_name }}").render(
        Context({"d": order.description, "p": order.reporter_phone, "n": order.reporter_name})
    )
    assert_masked(rendered)
    assert "138****5678 王**" in rendered


def test_lists_show_personal_fields_masked(tree, order):
    """Lists name no household and show no contact: the orders' list masks the phone and has no name; the survey
    answers' list keeps the building but not the room, and masks the comment."""
    from rest_framework.test import APIClient

    from ratings.models import SurveyResponse
    from tests.ratings import helpers as h

    period = h.period(tree)
    SurveyResponse.objects.create(
        district=tree.district,
        period=period,
        compound=tree.compounds[0],
        firm=tree.firm,
        household_key="3号楼-8806",
        level="satisfied",
        points=80,
        comment="保洁不错，有事联系我13812345678",
    )
    api = APIClient()
    api.force_authenticate(tree.street_staff)
    orders = api.get(reverse("workorders-api:work-order-list")).json()["results"]
    answers = api.get("/api/v1/ratings/survey-answers/").json()["results"]

    assert orders[0]["reporter_phone"] == "138****5678" and "reporter_name" not in orders[0]
    assert answers[0]["household_key"] == "3号楼-****"
    assert answers[0]["comment"] == "保洁不错，有事联系我138****5678"
