"""Open311 GeoReport v2 at /open311/v2/: the spec's fields, formats and errors, api_key, defaults, tenancy, and
FixMyStreet's servicerequestupdates extension."""

import json
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.roles import Integration, Role
from tests.factories import UserFactory, api_key_for
from workorders import services
from workorders.models import Category, Channel, PrivacySettings, State, TimelineEntry, TimelineKind, WorkOrder

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

BASE = "/open311/v2"
MARKER = "乙区"
W3C_BEIJING = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture
def both(tree, other_tree, categories, public_reads):
    """Both districts with their categories and one order each (district B's text carries the marker); district A
    reads publicly (see `public_reads`)."""
    b_categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=other_tree.district)}
    now = timezone.now()
    a_order = services.work_order_file(
        actor=SYSTEM,
        compound=tree.compounds[0],
        category=categories["corridor-clutter"],
        channel=Channel.RESIDENT_QR,
        title="楼道堆物",
        description="3号楼楼道堆满纸箱，联系我 13812345678",
        reporter_name="张三",
        reporter_phone="13812345678",
        now=now - timedelta(days=1),
    )
    b_order = services.work_order_file(
        actor=SYSTEM,
        compound=other_tree.compounds[0],
        category=b_categories["corridor-clutter"],
        channel=Channel.RESIDENT_QR,
        title=f"{MARKER}楼道堆物",
        description=f"{MARKER}的楼道堆物",
        now=now - timedelta(days=1),
    )
    return {"a": a_order, "b": b_order, "b_categories": b_categories}


def open311_key(district) -> str:
    """The key of the district's Open311 integration account."""
    user = UserFactory(role=Role.INTEGRATION, integration=Integration.OPEN311, district=district, full_name="")
    return api_key_for(user)


@pytest.fixture
def key_a(tree):
    return open311_key(tree.district)


@pytest.fixture
def key_b(other_tree):
    return open311_key(other_tree.district)


@pytest.fixture
def public_reads(tree):
    """District A opens public reads for every category (the read policy has its own tests:
    test_open311_read_policy.py); these tests are about the spec's fields, formats and filters."""
    Category.objects.filter(district=tree.district).update(open311_public=True)
    PrivacySettings.objects.create(district=tree.district, open311_public_reads=True)


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def as_json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def errors_of(response):
    root = xml(response)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]


# ---------------------------------------------------------------------------------------------------- services


def test_the_service_list_in_xml_has_the_spec_fields(client, tree, both):
    response = client.get(f"{BASE}/services.xml", {"jurisdiction_id": tree.district.code})

    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "services"
    services_ = root.findall("service")
    assert len(services_) == 18
    first = services_[0]
    assert [child.tag for child in first] == SERVICE_FIELDS
    assert first.findtext("service_code") == "corridor-clutter"
    assert first.findtext("service_name") == "楼道堆物"
    assert first.findtext("metadata") == "true" and first.findtext("type") == "realtime"
    assert "楼道堆物" in first.findtext("keywords")
    assert MARKER not in response.content.decode()


def test_the_service_list_in_json_is_the_same_list(client, tree, both):
    body = as_json(client.get(f"{BASE}/services.json", {"jurisdiction_id": tree.district.code}))

    assert isinstance(body, list) and len(body) == 18
    assert list(body[0]) == SERVICE_FIELDS
    assert body[0]["metadata"] is True and body[0]["type"] == "realtime"


def test_jurisdiction_is_required_with_several_districts_and_must_exist(client, tree, both):
    missing = client.get(f"{BASE}/services.xml")
    unknown = client.get(f"{BASE}/services.json", {"jurisdiction_id": "999999"})

    assert missing.status_code == 400
    assert errors_of(missing)[0][0] == 400 and "jurisdiction_id" in errors_of(missing)[0][1]
    assert unknown.status_code == 404
    assert as_json(unknown) == [
        {"code": 404, "description": "jurisdiction_id“999999”不存在：应为本平台所服务的区的 6 位区划代码。"}
    ]


def test_a_single_district_server_needs_no_jurisdiction(client, tree, categories):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200 and len(as_json(response)) == 18


def test_a_service_definition_lists_its_attributes(client, tree, both):
    response = client.get(f"{BASE}/services/corridor-clutter.xml", {"jurisdiction_id": tree.district.code})

    root = xml(response)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "corridor-clutter"
    attributes = root.find("attributes").findall("attribute")
    compound = attributes[0]
    assert [c.tag for c in compound] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert compound.findtext("code") == "compound_code" and compound.findtext("datatype") == "singlevaluelist"
    keys = [v.findtext("key") for v in compound.find("values").findall("value")]
    assert keys == [c.code for c in sorted(tree.compounds, key=lambda c: c.code)]
    assert MARKER not in response.content.decode()

    body = as_json(client.get(f"{BASE}/services/corridor-clutter.json", {"jurisdiction_id": tree.district.code}))
    assert body["service_code"] == "corridor-clutter"
    assert body["attributes"][0]["values"][0] == {"key": tree.compounds[0].code, "name": tree.compounds[0].name}
    assert body["attributes"][0]["variable"] is True and body["attributes"][0]["required"] is False


def test_an_unknown_or_other_districts_service_code_is_a_404(client, tree, both):
    b_only = both["b_categories"]["noise"]
    b_only.code = "yiqu-only"
    b_only.save()

    unknown = client.get(f"{BASE}/services/nope.xml", {"jurisdiction_id": tree.district.code})
    foreign = client.get(f"{BASE}/services/yiqu-only.json", {"jurisdiction_id": tree.district.code})

    assert unknown.status_code == 404 and "service_code“nope”不存在" in errors_of(unknown)[0][1]
    assert foreign.status_code == 404


# ---------------------------------------------------------------------------------------------------- POST requests


def post_request(client, tree, key, fmt="xml", **fields):
    data = {
        "jurisdiction_id": tree.district.code,
        "service_code": "street-lamp",
        "lat": "34.158000",
        "long": "108.906000",
        "address_string": tree.compounds[1].name,
        "description": "东门路灯坏了\n晚上很黑",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13900001111",
    }
    if key is not None:
        data["api_key"] = key
    data.update(fields)
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_posting_a_request_files_an_order_and_answers_its_id(client, tree, both, key_a):
    response = post_request(client, tree, key_a)

    assert response.status_code == 200, response.content
    root = xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    order = WorkOrder.objects.get(pk=int(request.findtext("service_request_id")))
    assert request.find("token") is None  # realtime: an id, never a token
    assert order.tracking_code in request.findtext("service_notice")
    assert (order.district, order.compound, order.category.code) == (tree.district, tree.compounds[1], "street-lamp")
    assert order.channel == Channel.OPEN311
    assert order.title == "东门路灯坏了" and order.reporter_name == "王小明"
    assert str(order.latitude) == "34.158000"


def test_posting_in_json_and_with_a_compound_attribute(client, tree, both, key_a):
    response = post_request(
        client,
        tree,
        key_a,
        fmt="json",
        address_string="",
        **{"attribute[compound_code]": tree.compounds[2].code, "attribute[title]": "路灯"},
    )

    body = as_json(response)
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id"]
    order = WorkOrder.objects.get(pk=int(body[0]["service_request_id"]))
    assert order.compound == tree.compounds[2] and order.title == "路灯"


@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_posting_without_a_valid_api_key_is_a_403_and_files_nothing(client, tree, both, key):
    before = WorkOrder.objects.count()

    response = post_request(client, tree, key)

    assert response.status_code == 403
    code, description = errors_of(response)[0]
    assert code == 403 and "api_key" in description
    assert WorkOrder.objects.count() == before


def test_a_key_of_another_role_or_district_is_a_403(client, tree, other_tree, both, key_b):
    street_key = api_key_for(tree.official)  # a district official's token is no Open311 key

    foreign = post_request(client, tree, key_b)
    street = post_request(client, tree, street_key)

    assert foreign.status_code == street.status_code == 403
    assert WorkOrder.objects.filter(district=tree.district).count() == 1


def test_bad_posts_get_the_specs_errors_and_file_nothing(client, tree, both, key_a):
    before = WorkOrder.objects.count()

    no_code = post_request(client, tree, key_a, service_code="")
    unknown = post_request(client, tree, key_a, service_code="potholes")
    nowhere = post_request(client, tree, key_a, address_string="")
    no_text = post_request(client, tree, key_a, fmt="json", address_string="", lat="91", long="108.9")

    assert no_code.status_code == 400 and "service_code" in errors_of(no_code)[0][1]
    assert unknown.status_code == 404
    assert nowhere.status_code == 400 and "小区" in errors_of(nowhere)[0][1]
    assert no_text.status_code == 400
    descriptions = [e["description"] for e in as_json(no_text)]
    assert len(descriptions) >= 2 and any("lat" in d for d in descriptions)
    assert WorkOrder.objects.count() == before


def test_a_district_cannot_file_into_another_districts_compound(client, tree, other_tree, both, key_a):
    response = post_request(client, tree, key_a, address_string="", address_id=other_tree.compounds[0].code)
    assert response.status_code == 400
    assert not WorkOrder.objects.filter(district=tree.district, compound__district=other_tree.district).exists()


# ---------------------------------------------------------------------------------------------------- GET requests


def test_a_request_shows_the_spec_fields_with_beijing_times_and_no_personal_data(client, tree, both):
    order = both["a"]

    response = client.get(f"{BASE}/requests/{order.pk}.xml", {"jurisdiction_id": tree.district.code})

    root = xml(response)
    request = root.find("request")
    assert [c.tag for c in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == str(order.pk)
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "corridor-clutter"
    assert request.findtext("address_id") == tree.compounds[0].code
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_BEIJING.match(request.findtext(field)), request.findtext(field)
    text = response.content.decode()
    assert "张三" not in text and "13812345678" not in text
    assert "138****5678" in request.findtext("description")


def test_status_maps_our_states_to_open_and_closed(client, tree, both):
    order = both["a"]
    services.work_order_reject(actor=tree.official, order=order, reason="不属于本平台受理范围")

    body = as_json(client.get(f"{BASE}/requests/{order.pk}.json", {"jurisdiction_id": tree.district.code}))

    assert body[0]["status"] == "closed" and body[0]["status_notes"] == State.REJECTED.label
    assert W3C_BEIJING.match(body[0]["updated_datetime"])


def test_another_districts_request_is_a_404_under_this_jurisdiction(client, tree, other_tree, both, key_b):
    b = both["b"]

    mine = client.get(f"{BASE}/requests/{b.pk}.json", {"jurisdiction_id": other_tree.district.code, "api_key": key_b})
    theirs = client.get(f"{BASE}/requests/{b.pk}.xml", {"jurisdiction_id": tree.district.code})
    missing = client.get(f"{BASE}/requests/99999999.xml", {"jurisdiction_id": tree.district.code})
    garbage = client.get(f"{BASE}/requests/abc.xml", {"jurisdiction_id": tree.district.code})

    assert mine.status_code == 200
    assert theirs.status_code == missing.status_code == garbage.status_code == 404
    assert errors_of(theirs)[0][0] == 404
    assert MARKER not in theirs.content.decode()


def test_the_request_list_never_shows_another_districts_requests(client, tree, other_tree, both):
    b = both["b"]
    for fmt in ("xml", "json"):
        for params in (
            {},
            {"service_request_id": f"{both['a'].pk},{b.pk}"},
            {"service_code": "corridor-clutter"},
            {"status": "open"},
        ):
            response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": tree.district.code, **params})
            assert response.status_code == 200
            text = response.content.decode()
            assert MARKER not in text and str(both["a"].pk) in text
            assert f">{b.pk}<" not in text and f'"{b.pk}"' not in text
    for token in (str(b.pk),):
        assert client.get(f"{BASE}/tokens/{token}.xml", {"jurisdiction_id": tree.district.code}).status_code == 404


def test_the_list_defaults_to_the_last_90_days(client, tree, both, categories):
    old = services.work_order_file(
        actor=SYSTEM,
        compound=tree.compounds[1],
        category=categories["noise"],
        channel=Channel.RESIDENT_QR,
        title="噪音",
        description="去年的噪音",
        now=timezone.now() - timedelta(days=100),
    )

    default = as_json(client.get(f"{BASE}/requests.json", {"jurisdiction_id": tree.district.code}))
    ranged = as_json(
        client.get(
            f"{BASE}/requests.json",
            {
                "jurisdiction_id": tree.district.code,
                "start_date": (timezone.now() - timedelta(days=120)).isoformat(),
                "end_date": (timezone.now() - timedelta(days=60)).isoformat(),
            },
        )
    )
    by_id = as_json(
        client.get(f"{BASE}/requests.json", {"jurisdiction_id": tree.district.code, "service_request_id": old.pk})
    )

    assert [r["service_request_id"] for r in default] == [str(both["a"].pk)]
    assert [r["service_request_id"] for r in ranged] == [str(old.pk)]
    assert [r["service_request_id"] for r in by_id] == [str(old.pk)]  # the id overrides the date window


def test_the_list_returns_at_most_1000_requests_newest_first(client, tree, both):
    template = both["a"]
    fields = {f.attname: getattr(template, f.attname) for f in WorkOrder._meta.concrete_fields if f.attname != "id"}
    now = timezone.now()
    WorkOrder.objects.bulk_create(
        [
            WorkOrder(**{**fields, "tracking_code": f"BULK{i:08d}", "created_at": now - timedelta(minutes=i + 1)})
            for i in range(1005)
        ]
    )

    body = as_json(client.get(f"{BASE}/requests.json", {"jurisdiction_id": tree.district.code}))

    assert len(body) == 1000
    times = [r["requested_datetime"] for r in body]
    assert times == sorted(times, reverse=True)


def test_list_filters_and_their_errors(client, tree, both):
    j = {"jurisdiction_id": tree.district.code}
    services.work_order_reject(actor=tree.official, order=both["a"], reason="重复")

    closed = as_json(client.get(f"{BASE}/requests.json", {**j, "status": "closed"}))
    open_ = as_json(client.get(f"{BASE}/requests.json", {**j, "status": "open"}))
    other_code = as_json(client.get(f"{BASE}/requests.json", {**j, "service_code": "noise,parking"}))
    too_long = client.get(
        f"{BASE}/requests.xml", {**j, "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}
    )
    bad_date = client.get(f"{BASE}/requests.xml", {**j, "start_date": "last week"})
    bad_status = client.get(f"{BASE}/requests.xml", {**j, "status": "pending"})
    bad_id = client.get(f"{BASE}/requests.xml", {**j, "service_request_id": "1,x"})

    assert [r["service_request_id"] for r in closed] == [str(both["a"].pk)]
    assert open_ == [] and other_code == []
    for response in (too_long, bad_date, bad_status, bad_id):
        assert response.status_code == 400 and errors_of(response)[0][0] == 400


def test_a_token_is_the_requests_own_id(client, tree, both):
    order = both["a"]
    body = as_json(client.get(f"{BASE}/tokens/{order.pk}.json", {"jurisdiction_id": tree.district.code}))
    assert body == [{"service_request_id": str(order.pk), "token": str(order.pk)}]
    assert client.get(f"{BASE}/tokens/nope.xml", {"jurisdiction_id": tree.district.code}).status_code == 404


# ---------------------------------------------------------------------------------------------------- updates


def post_update(client, tree, key, order, update_id="fms-1", status="CLOSED", **fields):
    data = {
        "api_key": key,
        "jurisdiction_id": tree.district.code,
        "service_request_id": str(order.pk),
        "update_id": update_id,
        "status": status,
        "description": "已清理楼道杂物",
        "updated_datetime": "2026-11-23T10:00:00+08:00",
        "first_name": "Bob",
        "last_name": "Mould",
    }
    data.update(fields)
    return client.post(f"{BASE}/servicerequestupdates.xml", data)


def test_a_closed_update_resolves_the_order_once_per_update_id(client, tree, both, key_a):
    order = both["a"]

    first = post_update(client, tree, key_a, order)
    again = post_update(client, tree, key_a, order)

    assert first.status_code == again.status_code == 200, first.content
    first_id = xml(first).find("request_update").findtext("update_id")
    assert xml(again).find("request_update").findtext("update_id") == first_id
    order.refresh_from_db()
    assert order.state == State.RESOLVED and order.resolution == "已清理楼道杂物"
    notes = TimelineEntry.objects.filter(order=order, kind=TimelineKind.NOTE)
    assert notes.count() == 1 and "fms-1" in notes.get().note
    assert TimelineEntry.objects.filter(order=order, to_state=State.RESOLVED).count() == 1


def test_an_in_progress_update_accepts_and_starts_the_order(client, tree, both, key_a):
    order = both["a"]
    response = post_update(client, tree, key_a, order, update_id="u-2", status="IN_PROGRESS", description="已派人")
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.state == State.IN_PROGRESS


def test_update_errors(client, tree, other_tree, both, key_a, key_b):
    a, b = both["a"], both["b"]

    no_key = post_update(client, tree, "", a)
    foreign_key = post_update(client, tree, key_b, a)
    foreign_order = post_update(client, tree, key_a, b)
    bad_status = post_update(client, tree, key_a, a, status="MAYBE")
    no_update_id = post_update(client, tree, key_a, a, update_id="")

    assert no_key.status_code == foreign_key.status_code == 403
    assert foreign_order.status_code == 404
    assert bad_status.status_code == no_update_id.status_code == 400
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == b.state == State.SUBMITTED
    assert not TimelineEntry.objects.filter(kind=TimelineKind.NOTE).exists()


def test_the_updates_feed_lists_this_districts_timeline_with_a_key(client, tree, other_tree, both, key_a):
    a, b = both["a"], both["b"]
    services.work_order_route(actor=SYSTEM, order_id=a.pk)
    services.work_order_route(actor=SYSTEM, order_id=b.pk)
    services.work_order_reject(actor=other_tree.official, order=b, reason=f"{MARKER}不予受理")
    params = {"jurisdiction_id": tree.district.code, "api_key": key_a}

    PrivacySettings.objects.filter(district=tree.district).update(open311_public_reads=False)
    without_key = client.get(f"{BASE}/servicerequestupdates.xml", {"jurisdiction_id": tree.district.code})
    response = client.get(f"{BASE}/servicerequestupdates.xml", params)
    body = as_json(client.get(f"{BASE}/servicerequestupdates.json", params))

    assert without_key.status_code == 403
    root = xml(response)
    assert root.tag == "service_request_updates"
    update = root.find("request_update")
    assert {c.tag for c in update} >= {"update_id", "service_request_id", "status", "updated_datetime", "description"}
    assert update.findtext("service_request_id") == str(a.pk) and update.findtext("status") == "OPEN"
    assert W3C_BEIJING.match(update.findtext("updated_datetime"))
    assert {u["service_request_id"] for u in body} == {str(a.pk)}
    assert MARKER not in response.content.decode()


def test_service_discovery_names_the_endpoint_and_its_formats(client, tree, both):
    root = xml(client.get(f"{BASE}/discovery.xml"))
    body = as_json(client.get(f"{BASE}/discovery.json"))

    endpoint = root.find("endpoints").find("endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.find("formats").findall("format")] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert W3C_BEIJING.match(body["changeset"])
