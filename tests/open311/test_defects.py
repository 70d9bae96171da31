"""Issue 10's Open311 defects, one regression test each (defects 1, 2, 4, 5, 6 and 7): what a client of
/open311/v2/ saw go wrong, tried from the outside."""

import json
from decimal import Decimal

import pytest
from lxml import etree

from compounds.models import Compound
from workorders import services
from workorders.models import State, WorkOrder
from workorders.privacy import privacy_settings

BASE = "/open311/v2"


def strict_xml(response):
    """lxml refuses any document XML 1.0 does not allow (a control character included)."""
    assert response["Content-Type"] == "text/xml; charset=utf-8", response.content[:200]
    return etree.fromstring(response.content)


def errors_in(response, fmt):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8", response.content[:200]
        body = json.loads(response.content)
        return [(e["code"], e["description"]) for e in body]
    root = strict_xml(response)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]


def post(client, path, data, fmt="xml"):
    return client.post(f"{BASE}/{path}.{fmt}", data)


def request_fields(tree, key, **fields):
    data = {
        "api_key": key,
        "jurisdiction_id": tree.district.code,
        "service_code": "street-lamp",
        "address_string": tree.compounds[1].name,
        "description": "东门路灯坏了",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------------------------------------------- defect 1


def test_1_a_control_character_never_reaches_the_xml_feeds(raw_client, tree, both, key_a):
    # given: a description with U+0007 posted through Open311 is refused, nothing filed
    before = WorkOrder.objects.count()
    refused = post(raw_client, "requests", request_fields(tree, key_a, description="路灯\x07坏了"))
    assert refused.status_code == 400 and "U+0007" in errors_in(refused, "xml")[0][1]
    assert WorkOrder.objects.count() == before
    # and one stored before the rule (straight into the database) does not break any feed
    order = both["a"]
    WorkOrder.objects.filter(pk=order.pk).update(description="楼道\x07堆物\x0b\x1f")
    services.work_order_note(actor=tree.official, order=order, note="已通知物业")
    j = {"jurisdiction_id": tree.district.code, "api_key": key_a}

    for path in ("requests.xml", f"requests/{order.pk}.xml", "servicerequestupdates.xml"):
        response = raw_client.get(f"{BASE}/{path}", j)
        assert response.status_code == 200, path
        root = strict_xml(response)  # parses: nothing XML cannot carry was written
        assert b"\x07" not in response.content

    detail = strict_xml(raw_client.get(f"{BASE}/requests/{order.pk}.xml", j))
    assert detail.find("request").findtext("description") == "楼道堆物"
    assert root is not None


def test_1_an_update_with_a_control_character_is_refused(raw_client, tree, both, key_a):
    data = {
        "api_key": key_a,
        "jurisdiction_id": tree.district.code,
        "service_request_id": str(both["a"].pk),
        "update_id_ext": "fms-7",
        "updated_datetime": "2026-11-23T10:00:00+08:00",
        "status": "OPEN",
        "description": "已\x07处理",
    }
    response = post(raw_client, "servicerequestupdates", data, fmt="json")
    assert response.status_code == 400 and "U+0007" in errors_in(response, "json")[0][1]


# ---------------------------------------------------------------------------------------------------- defect 2


@pytest.mark.parametrize(
    "value",
    [
        "2026-02-30",
        "2026-13-01T00:00:00Z",
        "9999-12-31T00:00:00Z",
        "0001-01-02T00:00:00Z",
        "0001-01-01",
        "9999-12-31",
        "2026-11-23T25:00:00+08:00",
        "2026-11-23T10:00:00+99:00",
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_2_impossible_and_out_of_range_dates_are_a_400_in_the_errors_format(raw_client, tree, both, value, fmt):
    for path in ("requests", "servicerequestupdates"):
        for name in ("start_date", "end_date"):
            response = raw_client.get(f"{BASE}/{path}.{fmt}", {"jurisdiction_id": tree.district.code, name: value})
            assert response.status_code == 400, (path, name, value, response.status_code)
            code, description = errors_in(response, fmt)[0]
            assert code == 400 and name in description


@pytest.mark.parametrize("path", ["requests/%C2%B2", "tokens/%C2%B2", "requests/%D9%A3", "tokens/%EF%BC%91"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_2_non_ascii_digits_in_ids_are_a_404_in_the_errors_format(raw_client, tree, both, path, fmt):
    response = raw_client.get(f"{BASE}/{path}.{fmt}", {"jurisdiction_id": tree.district.code})
    assert response.status_code == 404
    assert errors_in(response, fmt)[0][0] == 404


def test_2_non_ascii_digits_in_a_list_of_ids_are_a_400(raw_client, tree, both):
    response = raw_client.get(
        f"{BASE}/requests.json", {"jurisdiction_id": tree.district.code, "service_request_id": "²"}
    )
    assert response.status_code == 400 and errors_in(response, "json")[0][0] == 400


@pytest.mark.parametrize("field", ["description", "service_code", "lat", "email", "media_url", "jurisdiction_id"])
def test_2_a_nul_in_any_post_field_is_a_400_and_files_nothing(raw_client, tree, both, key_a, field):
    before = WorkOrder.objects.count()
    response = post(raw_client, "requests", request_fields(tree, key_a, **{field: "a\x00b"}), fmt="json")
    assert response.status_code == 400
    assert "U+0000" in errors_in(response, "json")[0][1]
    assert WorkOrder.objects.count() == before


# ---------------------------------------------------------------------------------------------------- defect 4


def test_4_each_update_keeps_the_status_it_had_and_no_internal_key_leaks(raw_client, tree, both, key_a):
    order = both["a"]
    j = {"jurisdiction_id": tree.district.code, "api_key": key_a}
    opened = {
        **j,
        "service_request_id": str(order.pk),
        "update_id_ext": "fms-1",
        "updated_datetime": "2026-11-23T09:00:00+08:00",
        "status": "OPEN",
        "description": "居民补充：纸箱越堆越多",
    }
    closed = {**opened, "update_id_ext": "fms-2", "status": "CLOSED", "description": "已清理"}
    assert post(raw_client, "servicerequestupdates", opened).status_code == 200
    assert post(raw_client, "servicerequestupdates", closed).status_code == 200
    order.refresh_from_db()
    assert order.state == State.RESOLVED

    feed = json.loads(raw_client.get(f"{BASE}/servicerequestupdates.json", j).content)

    notes = [u for u in feed if "居民补充" in (u["description"] or "")]
    assert len(notes) == 1 and notes[0]["status"] == "OPEN"  # still open: it was open when it happened
    resolved = [u for u in feed if u["status"] == "CLOSED"]
    assert resolved
    text = json.dumps(feed, ensure_ascii=False)
    assert "外部更新号" not in text and "〔" not in text
    assert all(u["external_status_code"] != "" for u in feed)


# ---------------------------------------------------------------------------------------------------- defect 5


def fms_update(tree, key, order, **fields):
    """What FixMyStreet's Open311 update sender posts (Open311::post_service_request_update)."""
    data = {
        "jurisdiction_id": tree.district.code,
        "api_key": key,
        "updated_datetime": "2026-11-23T10:00:00+08:00",
        "service_request_id": str(order.pk),
        "status": "CLOSED",
        "description": "已清理楼道杂物",
        "last_name": "Mould",
        "first_name": "Bob",
        "email": "bob@example.com",
        "update_id_ext": "4321",
        "service_request_id_ext": "12345",
        "public_anonymity_required": "FALSE",
        "email_alerts_requested": "FALSE",
    }
    data.update(fields)
    return data


def test_5_a_fixmystreet_update_without_update_id_is_applied_once(raw_client, tree, both, key_a):
    order = both["a"]

    first = post(raw_client, "servicerequestupdates", fms_update(tree, key_a, order))
    again = post(raw_client, "servicerequestupdates", fms_update(tree, key_a, order))

    assert first.status_code == again.status_code == 200, first.content
    first_id = strict_xml(first).find("request_update").findtext("update_id")
    assert strict_xml(again).find("request_update").findtext("update_id") == first_id
    order.refresh_from_db()
    assert order.state == State.RESOLVED


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30T10:00:00+08:00", "9999-12-31T00:00:00Z", ""])
def test_5_updated_datetime_is_validated(raw_client, tree, both, key_a, value):
    order = both["a"]
    response = post(raw_client, "servicerequestupdates", fms_update(tree, key_a, order, updated_datetime=value))
    assert response.status_code == 400
    assert "updated_datetime" in errors_in(response, "xml")[0][1]
    order.refresh_from_db()
    assert order.state == State.SUBMITTED


def test_5_update_statuses_are_upper_case_and_get_needs_no_key_when_public(raw_client, tree, both, key_a):
    order = both["a"]
    post(raw_client, "servicerequestupdates", fms_update(tree, key_a, order, status="IN_PROGRESS"))

    public = raw_client.get(f"{BASE}/servicerequestupdates.xml", {"jurisdiction_id": tree.district.code})

    assert public.status_code == 200
    statuses = [u.findtext("status") for u in strict_xml(public).findall("request_update")]
    assert statuses and set(statuses) <= {"OPEN", "CLOSED"}


# ---------------------------------------------------------------------------------------------------- defect 6


def place(compound, lat, long):
    Compound.objects.filter(pk=compound.pk).update(latitude=Decimal(lat), longitude=Decimal(long))


def test_6_lat_long_alone_finds_the_nearest_compound_within_the_districts_distance(raw_client, tree, both, key_a):
    place(tree.compounds[0], "34.160000", "108.900000")
    place(tree.compounds[2], "34.170000", "108.910000")

    near = post(
        raw_client,
        "requests",
        request_fields(tree, key_a, address_string=None, lat="34.170500", long="108.910300"),
        fmt="json",
    )
    far = post(
        raw_client,
        "requests",
        request_fields(tree, key_a, address_string=None, lat="34.300000", long="108.700000"),
        fmt="json",
    )

    assert near.status_code == 200, near.content
    order = WorkOrder.objects.get(pk=int(json.loads(near.content)[0]["service_request_id"]))
    assert order.compound == tree.compounds[2]
    assert far.status_code == 400 and "500" in errors_in(far, "json")[0][1]
    settings_ = privacy_settings(district_id=tree.district.pk)
    settings_.open311_match_distance_m = 5000
    settings_.save()
    wider = post(
        raw_client,
        "requests",
        request_fields(tree, key_a, address_string=None, lat="34.190000", long="108.930000"),
        fmt="json",
    )
    assert wider.status_code == 200, wider.content


def test_6_our_own_address_output_is_accepted_as_address_string(raw_client, tree, both, key_a):
    shown = json.loads(
        raw_client.get(f"{BASE}/requests/{both['a'].pk}.json", {"jurisdiction_id": tree.district.code}).content
    )[0]["address"]

    response = post(raw_client, "requests", request_fields(tree, key_a, address_string=shown), fmt="json")
    loose = post(
        raw_client,
        "requests",
        request_fields(tree, key_a, address_string=f"西安市 {tree.compounds[3].name} 3号楼"),
        "json",
    )

    assert response.status_code == 200, response.content
    assert (
        WorkOrder.objects.get(pk=int(json.loads(response.content)[0]["service_request_id"])).compound
        == both["a"].compound
    )
    assert loose.status_code == 200, loose.content
    assert (
        WorkOrder.objects.get(pk=int(json.loads(loose.content)[0]["service_request_id"])).compound == tree.compounds[3]
    )


def test_6_description_is_optional_and_foreign_phones_email_and_media_url_are_kept(raw_client, tree, both, key_a):
    response = post(
        raw_client,
        "requests",
        request_fields(
            tree,
            key_a,
            description=None,
            phone="+44 20 7946 0958",
            email="resident@example.org",
            media_url="https://example.org/photos/lamp.jpg",
        ),
        fmt="json",
    )

    assert response.status_code == 200, response.content
    order = WorkOrder.objects.get(pk=int(json.loads(response.content)[0]["service_request_id"]))
    assert order.description == order.category.name == "路灯照明"
    assert order.reporter_phone == "+442079460958"
    assert order.reporter_email == "resident@example.org"
    assert order.media_url == "https://example.org/photos/lamp.jpg"
    shown = json.loads(
        raw_client.get(f"{BASE}/requests/{order.pk}.json", {"jurisdiction_id": tree.district.code}).content
    )[0]
    assert shown["media_url"] == "https://example.org/photos/lamp.jpg"


@pytest.mark.parametrize("url", ["ftp://example.org/a.jpg", "javascript:alert(1)", "not a url"])
def test_6_a_media_url_that_is_not_http_is_refused(raw_client, tree, both, key_a, url):
    response = post(raw_client, "requests", request_fields(tree, key_a, media_url=url), fmt="json")
    assert response.status_code == 400 and "media_url" in errors_in(response, "json")[0][1]


# ---------------------------------------------------------------------------------------------------- defect 7


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_7_unmatched_paths_405s_and_oversized_bodies_answer_the_errors_format(raw_client, tree, both, key_a, fmt):
    unmatched = raw_client.get(f"{BASE}/nothing-here.{fmt}")
    no_delete = raw_client.delete(f"{BASE}/requests.{fmt}")
    no_post = raw_client.post(f"{BASE}/services.{fmt}", {"x": "1"})
    big = raw_client.post(f"{BASE}/requests.{fmt}", {**request_fields(tree, key_a), "description": "长" * 3_000_000})

    assert unmatched.status_code == 404 and errors_in(unmatched, fmt)[0][0] == 404
    assert no_delete.status_code == no_post.status_code == 405
    assert errors_in(no_delete, fmt)[0][0] == 405 and "GET" in no_delete["Allow"]
    assert errors_in(no_post, fmt)[0][0] == 405
    assert big.status_code == 400 and errors_in(big, fmt)[0][0] == 400
    assert not WorkOrder.objects.filter(description__startswith="长长").exists()


@pytest.mark.django_db  # every request runs in a tenant transaction (accounts.tenancy.TenantMiddleware)
def test_7_an_unknown_suffix_answers_xml_errors(raw_client):
    response = raw_client.get(f"{BASE}/requests.html")
    assert response.status_code == 404 and errors_in(response, "xml")[0][0] == 404


def test_7_an_unexpected_exception_is_a_logged_500_in_the_errors_format(raw_client, tree, both, monkeypatch, caplog):
    from workorders.open311 import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "services", broken)

    response = raw_client.get(f"{BASE}/services.json", {"jurisdiction_id": tree.district.code})

    assert response.status_code == 500
    code, description = errors_in(response, "json")[0]
    assert code == 500 and "服务器" in description and "boom" not in description
    assert any("boom" in (r.exc_text or str(r.exc_info)) for r in caplog.records)
