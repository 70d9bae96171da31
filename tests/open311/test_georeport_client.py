"""An existing Open311 client, unchanged, against a live server: georeport 0.3.1 (a dev dependency). It only
reads — services, service definitions, requests and one request — and sends jurisdiction_id but never an
api_key on reads, so it reads what a district opens to the public (the read policy: workorders.open311.views)."""

import pytest
from django.utils import timezone
from georeport import GeoReport

from accounts.actors import SystemActor
from workorders import services
from workorders.models import Category, Channel, PrivacySettings

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


@pytest.fixture
def filed(tree, other_tree):
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    b_categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=other_tree.district)}
    orders = [
        services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[i],
            category=categories[code],
            channel=Channel.RESIDENT_QR,
            title=title,
            description=f"{title}，请尽快处理",
            now=timezone.now(),
        )
        for i, (code, title) in enumerate([("street-lamp", "东门路灯不亮"), ("noise", "夜间施工噪音")])
    ]
    # the district opens public reads for the categories it files here
    PrivacySettings.objects.create(district=tree.district, open311_public_reads=True)
    Category.objects.filter(district=tree.district, code__in=["street-lamp", "noise"]).update(open311_public=True)
    services.work_order_file(
        actor=SYSTEM,
        compound=other_tree.compounds[0],
        category=b_categories["street-lamp"],
        channel=Channel.RESIDENT_QR,
        title="乙区路灯",
        description="乙区路灯不亮",
        now=timezone.now(),
    )
    return orders


def as_list(value):
    """georeport's XML mode gives a dict for a one-item list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_everything_unchanged(live_server, tree, filed, output_format, monkeypatch):
    # given: the client as its users configure it
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction=tree.district.code, output_format=output_format)

    # when / then: the service list
    service_list = client.get_service_list()
    assert len(service_list) == 18
    lamp = next(s for s in service_list if s["service_code"] == "street-lamp")
    assert lamp["service_name"] == "路灯照明" and str(lamp["metadata"]).lower() == "true"

    # a service definition
    definition = client.get_service_definition("street-lamp")
    assert definition["service_code"] == "street-lamp"
    attributes = definition["attributes"] if output_format == "json" else as_list(definition["attributes"]["attribute"])
    assert attributes[0]["code"] == "compound_code"

    # the requests, and filters
    requests_ = as_list(client.get_service_requests())
    ids = {r["service_request_id"] for r in requests_}
    assert ids == {str(o.pk) for o in filed}
    assert all("乙区" not in str(r) for r in requests_)
    lamp_only = as_list(client.get_service_requests(service_code="street-lamp", status="open"))
    assert [r["service_request_id"] for r in lamp_only] == [str(filed[0].pk)]

    # one request
    one = client.get_service_request(str(filed[1].pk))
    assert one["service_request_id"] == str(filed[1].pk)
    assert one["service_code"] == "noise" and one["status"] == "open"
    assert one["requested_datetime"].endswith("+08:00")
