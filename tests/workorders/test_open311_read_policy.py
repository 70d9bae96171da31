"""Hole 1 of the trust issue: Open311 reads handed out every district's complaints to anyone. Now a district sets
its read policy: by default reads need the api_key of its Open311 integration account; it may open public reads
for the categories it marks public; what cannot be read is the same answer as what does not exist; and every
description and note that leaves is masked."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.actors import SystemActor
from accounts.roles import Integration, Role
from tests.factories import UserFactory, api_key_for
from workorders import services
from workorders.models import Category, Channel, PrivacySettings
from workorders.privacy import privacy_settings_update

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

BASE = "/open311/v2"
# A description with a landline, an e-mail and a name (and a mobile): what the issue found leaking.
PERSONAL = "物业乱收停车费，联系人：王建国，电话029-85551234，邮箱wjg@example.com，手机13812345678"
READS_CLOSED = "本区未开放 Open311 公开查询：查询诉求须使用本区 Open311 接口账号的 api_key。"
READ_URLS = ("requests.json", "requests/{pk}.json", "tokens/{pk}.json", "servicerequestupdates.json")


def integration_key(district, integration=Integration.OPEN311) -> str:
    user = UserFactory(role=Role.INTEGRATION, integration=integration, district=district, full_name="")
    return api_key_for(user)


@pytest.fixture
def orders(tree, other_tree, categories):
    """District A: a complaint about the property firm's fees (with personal data) and a broken street lamp;
    district B: one order."""
    now = timezone.now() - timedelta(hours=1)

    def file(t, category, description):
        return services.work_order_file(
            actor=SYSTEM,
            compound=t.compounds[0],
            category=category,
            channel=Channel.RESIDENT_QR,
            title=description[:20],
            description=description,
            reporter_name="王建国",
            reporter_phone="13812345678",
            now=now,
        )

    b_categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=other_tree.district)}
    fee = file(tree, categories["property-fee"], PERSONAL)
    lamp = file(tree, categories["street-lamp"], "5号楼东侧路灯坏了，找李四女士，3单元502")
    services.work_order_route(actor=SYSTEM, order_id=fee.pk)
    services.work_order_route(actor=SYSTEM, order_id=lamp.pk)
    theirs = file(other_tree, b_categories["street-lamp"], "乙区路灯坏了")
    return {"fee": fee, "lamp": lamp, "theirs": theirs}


def get(client, url, **params):
    response = client.get(f"{BASE}/{url}", params)
    return response, json.loads(response.content)


def open_public_reads(tree, *codes):
    privacy_settings_update(
        actor=tree.official,
        district=tree.district,
        open311_public_reads=True,
        public_categories=Category.objects.filter(district=tree.district, code__in=codes),
    )


# ---------------------------------------------------------------------------------------------------- the default


def test_by_default_no_request_is_read_without_the_districts_key(client, tree, orders):
    j = tree.district.code
    for url in READ_URLS:
        for pk in (orders["fee"].pk, orders["lamp"].pk, 99999999):
            # when: a client without a key asks for an existing or a missing request
            response, body = get(client, url.format(pk=pk), jurisdiction_id=j)
            # then: the same 403 for all of them, nothing of any request
            assert response.status_code == 403, (url, pk)
            assert body == [
                {
                    "code": 403,
                    "description": "本区未开放 Open311 公开查询：查询诉求须使用本区 Open311 接口账号的 api_key。",
                }
            ]


def test_ids_cannot_be_enumerated_without_a_key(client, tree, orders):
    ids = ",".join(str(pk) for pk in range(max(1, orders["fee"].pk - 100), orders["theirs"].pk + 100))
    response, _ = get(client, "requests.json", jurisdiction_id=tree.district.code, service_request_id=ids)
    assert response.status_code == 403 and "王建国" not in response.content.decode()


def test_the_catalogue_stays_public(client, tree, orders):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": tree.district.code}).status_code == 200
    assert client.get(f"{BASE}/services/street-lamp.json", {"jurisdiction_id": tree.district.code}).status_code == 200
    assert client.get(f"{BASE}/discovery.json").status_code == 200


# ---------------------------------------------------------------------------------------------------- the key


def test_the_districts_integration_key_reads_everything_masked(client, tree, orders):
    key = integration_key(tree.district)

    response, body = get(client, "requests.json", jurisdiction_id=tree.district.code, api_key=key)
    one, detail = get(client, f"requests/{orders['fee'].pk}.json", api_key=key)  # the key names the district

    assert response.status_code == one.status_code == 200
    assert {r["service_request_id"] for r in body} == {str(orders["fee"].pk), str(orders["lamp"].pk)}
    description = detail[0]["description"]
    for secret in ("建国", "85551234", "wjg@", "13812345678"):
        assert secret not in response.content.decode() and secret not in description, secret
    assert "联系人：王**" in description and "029-****1234" in description and "w***@example.com" in description
    assert "138****5678" in description


def test_the_key_is_looked_up_once_per_request(client, tree, orders):
    """The public door finds the district by the key (or the jurisdiction) and hands its lookup on to the view: one
    read of the key table per request, whether the key names the district or the jurisdiction does — and a key
    the door found unknown is refused by the view without a second try."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = integration_key(tree.district)
    cases = {
        "the key names the district": {"api_key": key},
        "the jurisdiction does": {"jurisdiction_id": tree.district.code, "api_key": key},
        "an unknown key": {
            "jurisdiction_id": tree.district.code,
            "api_key": key[:-4] + ("abcd" if not key.endswith("abcd") else "dcba"),
        },
    }
    for case, params in cases.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{BASE}/requests/{orders['fee'].pk}.json", params)
        assert response.status_code == (403 if "unknown" in case else 200), case
        # reads only: pghistory prefixes a write (the key's last_used_at) with its own SELECT set_config(…)
        reads = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_apikey"' in q["sql"]]
        assert len(reads) == 1, f"{case}: {len(reads)} reads of the key table"


@pytest.mark.parametrize(
    "whose",
    ["another district's integration", "the 12345 integration", "a district official", "a platform admin", "nonsense"],
)
def test_any_other_key_is_refused_the_same_way(client, tree, other_tree, orders, whose):
    key = {
        "another district's integration": lambda: integration_key(other_tree.district),
        "the 12345 integration": lambda: integration_key(tree.district, Integration.HOTLINE_12345),
        "a district official": lambda: api_key_for(tree.official),
        "a platform admin": lambda: api_key_for(UserFactory(role=Role.PLATFORM_ADMIN, district=None)),
        "nonsense": lambda: "0" * 40,
    }[whose]()
    for url in READ_URLS:
        response, body = get(client, url.format(pk=orders["fee"].pk), jurisdiction_id=tree.district.code, api_key=key)
        assert response.status_code == 403, (whose, url)
        assert body[0]["description"].startswith("api_key 无效")


def test_posting_needs_the_districts_integration_key(client, tree, orders):
    data = {
        "jurisdiction_id": tree.district.code,
        "service_code": "street-lamp",
        "address_string": tree.compounds[1].name,
        "description": "东门路灯坏了",
    }
    official = client.post(f"{BASE}/requests.json", {**data, "api_key": api_key_for(tree.official)})
    integration = client.post(f"{BASE}/requests.json", {**data, "api_key": integration_key(tree.district)})
    assert official.status_code == 403
    assert integration.status_code == 200, integration.content


# ---------------------------------------------------------------------------------------------------- public reads


def test_public_reads_show_only_the_categories_the_district_marks_public(client, tree, orders):
    open_public_reads(tree, "street-lamp")
    j = tree.district.code

    listed, body = get(client, "requests.json", jurisdiction_id=j)
    lamp, lamp_body = get(client, f"requests/{orders['lamp'].pk}.json", jurisdiction_id=j)

    assert listed.status_code == lamp.status_code == 200
    assert [r["service_request_id"] for r in body] == [str(orders["lamp"].pk)]
    assert lamp_body[0]["description"] == "5号楼东侧路灯坏了，找李*女士，3单元***"


def test_a_complaint_the_firm_cannot_see_is_the_same_404_as_a_missing_request(client, tree, orders):
    open_public_reads(tree, "street-lamp")
    fee = orders["fee"]
    # the firm itself gets a 404 for the complaint about its fees…
    api = APIClient()
    api.force_authenticate(tree.firm_staff)
    assert api.get(reverse("workorders-api:work-order-detail", args=[fee.pk])).status_code == 404
    # …and so does any Open311 client without the district's key
    j = tree.district.code
    for url in ("requests/{pk}.json", "tokens/{pk}.json"):
        hidden, hidden_body = get(client, url.format(pk=fee.pk), jurisdiction_id=j)
        missing, missing_body = get(client, url.format(pk=99999999), jurisdiction_id=j)
        assert hidden.status_code == missing.status_code == 404
        assert hidden_body[0]["description"].replace(str(fee.pk), "N") == missing_body[0]["description"].replace(
            "99999999", "N"
        )
    ids = f"{fee.pk},{orders['lamp'].pk},{orders['theirs'].pk},99999999"
    _, body = get(client, "requests.json", jurisdiction_id=j, service_request_id=ids)
    assert [r["service_request_id"] for r in body] == [str(orders["lamp"].pk)]


def test_the_updates_feed_follows_the_same_policy(client, tree, orders):
    services.work_order_note(actor=tree.official, order=orders["fee"], note="已约谈物业，电话029-85551234")
    services.work_order_note(actor=tree.official, order=orders["lamp"], note="已联系王建国先生，13812345678")
    j = tree.district.code
    closed, _ = get(client, "servicerequestupdates.json", jurisdiction_id=j)
    open_public_reads(tree, "street-lamp")
    public, body = get(client, "servicerequestupdates.json", jurisdiction_id=j)
    keyed, keyed_body = get(
        client, "servicerequestupdates.json", jurisdiction_id=j, api_key=integration_key(tree.district)
    )

    assert closed.status_code == 403
    assert public.status_code == keyed.status_code == 200
    assert {u["service_request_id"] for u in body} == {str(orders["lamp"].pk)}
    assert {u["service_request_id"] for u in keyed_body} == {str(orders["lamp"].pk), str(orders["fee"].pk)}
    text = keyed.content.decode()
    assert "85551234" not in text and "13812345678" not in text and "王建国" not in text
    assert "王**先生" in text


def test_another_districts_public_reads_open_nothing_here(client, tree, other_tree, orders):
    privacy_settings_update(
        actor=other_tree.official,
        district=other_tree.district,
        open311_public_reads=True,
        public_categories=Category.objects.filter(district=other_tree.district),
    )
    response, _ = get(client, f"requests/{orders['lamp'].pk}.json", jurisdiction_id=tree.district.code)
    assert response.status_code == 403
    theirs, _ = get(client, f"requests/{orders['lamp'].pk}.json", jurisdiction_id=other_tree.district.code)
    assert theirs.status_code == 404


# ---------------------------------------------------------------------------------------------------- the settings


def test_the_official_sets_the_policy_on_a_page(client, tree, orders, categories):
    client.force_login(tree.official)
    url = reverse("workorders:privacy-settings")
    page = client.get(url)
    assert page.status_code == 200 and "Open311" in page.content.decode()
    assert "Open311 坐标匹配距离" in page.content.decode() and 'value="500"' in page.content.decode()

    response = client.post(
        url,
        {
            "open311_public_reads": "on",
            "retention_years": "5",
            "open311_match_distance_m": "800",
            "public_categories": [categories["street-lamp"].pk],
        },
    )

    assert response.status_code == 302
    settings = PrivacySettings.objects.get(district=tree.district)
    assert settings.open311_public_reads and settings.retention_years == 5 and settings.updated_by == tree.official
    assert settings.open311_match_distance_m == 800
    assert list(Category.objects.filter(district=tree.district, open311_public=True)) == [categories["street-lamp"]]
    assert (
        client.get(f"{BASE}/requests/{orders['lamp'].pk}.json", {"jurisdiction_id": tree.district.code}).status_code
        == 200
    )


def test_the_page_refuses_bad_values_and_keeps_what_was_typed(client, tree, categories):
    client.force_login(tree.official)
    response = client.post(reverse("workorders:privacy-settings"), {"retention_years": "0"})
    assert response.status_code == 400 and "1 至 30" in response.content.decode()
    assert not PrivacySettings.objects.exists()


@pytest.mark.parametrize("role", ["street_staff", "cadre", "grid_worker", "firm_staff", "department_staff"])
def test_only_the_districts_officials_change_the_policy(client, tree, categories, role):
    user = getattr(tree, role)
    client.force_login(user)
    assert client.get(reverse("workorders:privacy-settings")).status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    url = reverse("workorders-api:privacy-settings")
    assert api.patch(url, {"open311_public_reads": True}, format="json").status_code == 403
    assert not PrivacySettings.objects.exists()


def test_the_api_reads_and_changes_the_policy_and_the_category_flag(tree, other_tree, categories):
    api = APIClient()
    api.force_authenticate(tree.official)
    url = reverse("workorders-api:privacy-settings")

    before = api.get(url).json()
    changed = api.patch(
        url, {"open311_public_reads": True, "retention_years": 4, "open311_match_distance_m": 300}, format="json"
    )
    bad = api.patch(url, {"retention_years": 99}, format="json")
    too_far = api.patch(url, {"open311_match_distance_m": 50_000}, format="json")
    lamp = categories["street-lamp"]
    flagged = api.patch(
        reverse("workorders-api:category-detail", args=[lamp.pk]), {"open311_public": True}, format="json"
    )

    assert before == {
        "open311_public_reads": False,
        "retention_years": 3,
        "open311_match_distance_m": 500,
        "open311_dedupe_minutes": 10,
        "public_categories": [],
        "updated_at": None,
    }
    assert changed.status_code == 200 and changed.json()["retention_years"] == 4
    assert changed.json()["open311_match_distance_m"] == 300
    assert bad.status_code == 400 and "retention_years" in bad.json()
    assert too_far.status_code == 400 and "米" in too_far.json()["open311_match_distance_m"][0]
    assert flagged.status_code == 200 and flagged.json()["open311_public"] is True
    assert api.get(url).json()["public_categories"] == [lamp.pk]
    assert not PrivacySettings.objects.filter(district=other_tree.district).exists()  # district B untouched
