"""Open311 GeoReport v2 conformance, from the outside (issue 10): every XML answer parsed by a strict parser
(lxml refuses anything XML 1.0 does not allow) with the spec's root and item elements; every JSON answer the
same document; every error path answers the spec's errors document in the requested format with the HTTP
status as its code; a FixMyStreet-style update POST is accepted. The `georeport` client's reads are in
test_georeport_client.py."""

import json

import pytest
from lxml import etree

from workorders import services
from workorders.models import State, WorkOrder

BASE = "/open311/v2"
STRICT = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)


def strict(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8", response.content[:200]
    root = etree.fromstring(response.content, STRICT)
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return root


@pytest.fixture
def world(tree, both, key_a):
    """District A with its orders, a note (with a control character stored before the input rule) and an
    update from a platform, so that every feed has rows."""
    order = both["a"]
    services.work_order_note(actor=tree.official, order=order, note="已通知物业")
    WorkOrder.objects.filter(pk=order.pk).update(description="楼道\x07堆物")
    return {"order": order, "j": tree.district.code, "key": key_a}


def reads(world):
    order, j = world["order"], world["j"]
    return [
        ("discovery", {}, "discovery", None),
        ("services", {"jurisdiction_id": j}, "services", "service"),
        ("services/corridor-clutter", {"jurisdiction_id": j}, "service_definition", None),
        ("requests", {"jurisdiction_id": j}, "service_requests", "request"),
        (
            "requests",
            {"jurisdiction_id": j, "status": "open,closed", "service_code": "corridor-clutter"},
            "service_requests",
            "request",
        ),
        (f"requests/{order.pk}", {"jurisdiction_id": j}, "service_requests", "request"),
        (f"tokens/{order.pk}", {"jurisdiction_id": j}, "service_requests", "request"),
        (
            "servicerequestupdates",
            {"jurisdiction_id": j, "api_key": world["key"]},
            "service_request_updates",
            "request_update",
        ),
    ]


def test_every_read_parses_strictly_in_xml_and_matches_its_json(client, world):
    for path, params, root_tag, item in reads(world):
        xml_answer = client.get(f"{BASE}/{path}.xml", params)
        json_answer = client.get(f"{BASE}/{path}.json", params)

        assert xml_answer.status_code == json_answer.status_code == 200, path
        root = strict(xml_answer)
        assert root.tag == root_tag, path
        body = json.loads(json_answer.content)
        if item is None:
            assert isinstance(body, dict), path
            assert [child.tag for child in root] == list(body), path
        else:
            rows = root.findall(item)
            assert rows and isinstance(body, list) and len(body) == len(rows), path
            assert [child.tag for child in rows[0]] == list(body[0]), path
            for row, element in zip(body, rows, strict=True):
                for key, value in row.items():
                    if isinstance(value, str):
                        assert element.findtext(key) == value, (path, key)


def error_paths(world):
    j, key, order = world["j"], world["key"], world["order"]
    post_base = {"jurisdiction_id": j, "api_key": key, "service_code": "street-lamp", "description": "路灯"}
    return [
        ("get", "nothing-here", {}, 404),
        ("post", "nothing-here", {"a": "b"}, 404),
        ("get", "services", {"jurisdiction_id": "999999"}, 404),
        ("get", "services/nope", {"jurisdiction_id": j}, 404),
        ("get", "requests/99999999", {"jurisdiction_id": j}, 404),
        ("get", "requests/%C2%B2", {"jurisdiction_id": j}, 404),
        ("get", "tokens/abc", {"jurisdiction_id": j}, 404),
        ("get", "requests", {"jurisdiction_id": j, "start_date": "2026-02-30"}, 400),
        ("get", "requests", {"jurisdiction_id": j, "end_date": "9999-12-31T00:00:00Z"}, 400),
        ("get", "requests", {"jurisdiction_id": j, "status": "pending"}, 400),
        ("get", "requests", {"jurisdiction_id": j, "service_request_id": "1,x"}, 400),
        ("get", "requests", {"jurisdiction_id": j, "api_key": "not-a-key"}, 403),
        ("get", "requests", {"jurisdiction_id": j + "\x00"}, 400),
        ("get", "servicerequestupdates", {"jurisdiction_id": j, "start_date": "0001-01-02T00:00:00Z"}, 400),
        ("post", "requests", {**post_base, "api_key": ""}, 403),
        ("post", "requests", {**post_base, "service_code": ""}, 400),
        ("post", "requests", {**post_base, "service_code": "potholes"}, 404),
        ("post", "requests", {**post_base, "description": "a\x00b", "address_string": "x"}, 400),
        ("post", "requests", {**post_base, "lat": "91", "long": "0"}, 400),
        ("post", "requests", {**post_base, "media_url": "ftp://x/y"}, 400),
        ("post", "servicerequestupdates", {"jurisdiction_id": j, "api_key": key}, 400),
        (
            "post",
            "servicerequestupdates",
            {
                "jurisdiction_id": j,
                "api_key": key,
                "service_request_id": "999999",
                "update_id_ext": "1",
                "status": "OPEN",
                "updated_datetime": "2026-11-23T10:00:00+08:00",
            },
            404,
        ),
        ("post", "services", {}, 405),
        ("delete", "requests", {}, 405),
        ("put", f"requests/{order.pk}", {}, 405),
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_every_error_path_answers_the_errors_document(raw_client, world, fmt):
    before = WorkOrder.objects.count()
    for method, path, params, status in error_paths(world):
        url = f"{BASE}/{path}.{fmt}"
        if method == "get":
            response = raw_client.get(url, params)
        elif method == "post":
            response = raw_client.post(url, params)
        else:
            response = getattr(raw_client, method)(url)
        assert response.status_code == status, (method, path, params, response.status_code, response.content[:300])
        if fmt == "xml":
            root = strict(response)
            assert root.tag == "errors", path
            errors = root.findall("error")
            assert errors and all([c.tag for c in e] == ["code", "description"] for e in errors), path
            assert {int(e.findtext("code")) for e in errors} == {status}, path
            assert all(e.findtext("description") for e in errors), path
        else:
            assert response["Content-Type"] == "application/json; charset=utf-8", path
            body = json.loads(response.content)
            assert isinstance(body, list) and body, path
            assert all(list(e) == ["code", "description"] and e["code"] == status for e in body), path
    assert WorkOrder.objects.count() == before  # no error path filed anything


def test_a_fixmystreet_update_post_is_accepted(raw_client, world):
    order = world["order"]
    data = {
        "jurisdiction_id": world["j"],
        "api_key": world["key"],
        "updated_datetime": "2026-11-23T10:00:00+08:00",
        "service_request_id": str(order.pk),
        "status": "FIXED",
        "description": "Fixed by the council",
        "last_name": "Mould",
        "first_name": "Bob",
        "email": "bob@example.com",
        "update_id_ext": "88",
        "service_request_id_ext": "1234",
        "public_anonymity_required": "FALSE",
        "email_alerts_requested": "FALSE",
    }

    response = raw_client.post(f"{BASE}/servicerequestupdates.xml", data)

    assert response.status_code == 200, response.content
    root = strict(response)
    assert root.tag == "service_request_updates"
    assert root.find("request_update").findtext("update_id")
    order.refresh_from_db()
    assert order.state == State.RESOLVED
