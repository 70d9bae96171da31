"""Issue 10, defect 8: the REST schema says what the answers are — checked on the schema itself and on the
answers the schema used to misdescribe."""

import pytest
from rest_framework.test import APIClient

from accounts.actors import SystemActor
from tests.factories import SYSTEM, api_key_for
from workorders import services
from workorders.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client, tree):
    return client.get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_each_operation_is_listed_once_without_format_twins(schema):
    assert not [path for path in schema["paths"] if "{format}" in path]


def test_every_operation_documents_its_error_answers_with_the_one_error_body(schema):
    assert schema["components"]["schemas"]["Error"]["properties"]["detail"]["type"] == "string"
    for path, method, operation in operations(schema):
        expected = {"400", "404", "409"} if path == "/api/v1/auth/token/" else {"400", "401", "403", "404", "409"}
        assert expected <= set(operation["responses"]), (path, method)
        body = operation["responses"]["404"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Error"}, (path, method)


def test_logging_in_needs_no_credentials(schema):
    assert schema["paths"]["/api/v1/auth/token/"]["post"]["security"] == [{}]


def test_boolean_and_date_filters_are_typed(schema):
    def parameter(path, name):
        return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]

    assert parameter("/api/v1/work-orders/", "is_open") == {"type": "boolean"}
    assert parameter("/api/v1/work-orders/", "overdue") == {"type": "boolean"}
    assert parameter("/api/v1/communities/", "has_compounds") == {"type": "boolean"}
    assert parameter("/api/v1/work-orders/", "created_after")["format"] == "date"


def test_names_that_can_be_missing_are_nullable(schema):
    components = schema["components"]["schemas"]
    compound = components["Compound"]["properties"]
    assert compound["stationed_cadre"].get("nullable") and compound["stationed_cadre_name"].get("nullable")
    assert compound["property_firm_name"].get("nullable")
    assert components["Category"]["properties"]["parent_name"].get("nullable")


def test_an_empty_optional_filter_is_no_filter(tree):
    api = APIClient()
    api.force_authenticate(tree.official)

    everything = api.get("/api/v1/compounds/")
    empty = api.get("/api/v1/compounds/", {"district": "", "street_id": "", "is_three_no": ""})

    assert empty.status_code == 200, empty.content
    assert empty.json()["count"] == everything.json()["count"] > 0


def test_a_query_on_the_timeline_does_not_hide_its_order(tree):
    category = services.categories_seed(actor=SYSTEM, district=tree.district)[0]
    order = services.work_order_file(
        actor=SystemActor(name="tests"),
        compound=tree.compounds[0],
        category=category,
        channel=Channel.RESIDENT_QR,
        title="路灯",
        description="路灯不亮",
    )
    api = APIClient(HTTP_AUTHORIZATION=f"Token {api_key_for(tree.official)}")

    response = api.get(f"/api/v1/work-orders/{order.pk}/timeline/", {"state": "closed", "page": 1})

    assert response.status_code == 200, response.content
    assert response.json()["count"] >= 1
