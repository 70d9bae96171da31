"""The ratings API: domain actions through services, Chinese errors as 400, nothing saved on bad input."""

import datetime

import pytest
from rest_framework.test import APIClient

from ratings.models import (
    FirmScore,
    Introduction,
    IntroductionStatus,
    PanelScore,
    PeriodStatus,
    RatingPeriod,
    ServiceContract,
)
from tests import samples
from tests.ratings import helpers as h

pytestmark = pytest.mark.django_db
API = "/api/v1/ratings"


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(tree.official)
    return client


def test_period_lifecycle_through_the_api(api, tree, django_capture_on_commit_callbacks):
    # given: an official opens a period; answers and a panel score come in
    response = api.post(f"{API}/periods/", {"year": 2026, "quarter": 3})
    assert response.status_code == 201, response.content
    period = RatingPeriod.objects.get(pk=response.json()["id"])
    assert api.post(f"{API}/periods/", {"year": 2026, "quarter": 3}).status_code == 400
    h.rules(tree, min_answers=1)
    h.answers(period, tree.compounds[0], [h.VS])
    panel = api.post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": tree.firm.pk, "party": "third_party", "score": "91"}
    )
    assert panel.status_code == 201

    # when: scoring, build (enqueued on commit), publish
    assert api.post(f"{API}/periods/{period.pk}/start-scoring/").json()["status"] == PeriodStatus.SCORING
    with django_capture_on_commit_callbacks(execute=True):
        built = api.post(f"{API}/periods/{period.pk}/build/")
    # the 202 names the report room's build and where to follow it; done, the status carries the download
    assert built.status_code == 202, built.content
    queued = built.json()
    assert queued["id"] and queued["version"] == 1 and queued["page_url"].endswith(f"/reports/builds/{queued['id']}/")
    followed = api.get(queued["status_url"])
    assert followed.status_code == 200 and followed.json()["id"] == queued["id"]
    assert followed.json()["status"] == "done" and followed.json()["download_url"]
    lists = api.get(f"{API}/periods/{period.pk}/lists/").json()
    published = api.post(f"{API}/periods/{period.pk}/publish/")

    # then
    assert [row["firm_name"] for row in lists["grey"] + lists["red"]] == [tree.firm.name]
    score = FirmScore.objects.get(period=period, firm=tree.firm)
    breakdown = api.get(f"{API}/scores/{score.pk}/breakdown/").json()
    assert [line["name"] for line in breakdown["lines"]] == ["业主满意度", "评审团评分", "工单记录"]
    assert published.json()["status"] == PeriodStatus.PUBLISHED
    refused = api.post(
        f"{API}/panel-scores/", {"period": period.pk, "firm": tree.firm.pk, "party": "street", "score": "10"}
    )
    assert refused.status_code == 400 and "已发布，数据已冻结" in refused.content.decode()
    assert PanelScore.objects.filter(period=period).count() == 1


def test_contracts_through_the_api_refuse_overlaps_in_chinese(api, tree):
    body = {
        "firm": tree.firm.pk,
        "compound": tree.compounds[0].pk,
        "start": "2024-01-01",
        "fee_basis": "per_household",
        "fee_fen": 150,
    }
    first = api.post(f"{API}/contracts/", body)
    assert first.status_code == 201
    overlap = api.post(f"{API}/contracts/", body | {"start": "2025-01-01"})
    assert overlap.status_code == 400 and "合同期不能重叠" in overlap.content.decode()
    ended = api.post(f"{API}/contracts/{first.json()['id']}/end/", {"end": "2025-01-01"})
    assert ended.json()["end"] == "2025-01-01"
    assert api.post(f"{API}/contracts/", body | {"start": "2025-01-01"}).status_code == 201
    assert ServiceContract.objects.count() == 2


def test_contract_with_another_districts_compound_is_refused(api, tree, other_tree):
    body = {
        "firm": tree.firm.pk,
        "compound": other_tree.compounds[0].pk,
        "start": "2024-01-01",
        "fee_basis": "per_household",
        "fee_fen": 1,
    }
    response = api.post(f"{API}/contracts/", body)
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    assert not ServiceContract.objects.exists()


def test_six_steps_through_the_api_with_a_document(tree):
    client = APIClient()
    client.force_authenticate(tree.street_staff)
    compound = h.three_no_compound(tree)
    started = client.post(
        f"{API}/introductions/", {"compound": compound.pk, "firm": tree.firm.pk, "fee_basis": "per_sqm", "fee_fen": 60}
    )
    assert started.status_code == 201, started.content
    url = f"{API}/introductions/{started.json()['id']}/record-step/"
    skipped = client.post(url, {"stage": 4, "date": "2026-04-01", "responsible": "赵", "decision": "approved"})
    assert skipped.status_code == 400 and "下一步应为第 1 步" in skipped.content.decode()
    for stage in range(1, 7):
        data = {"stage": stage, "date": f"2026-04-0{stage}", "responsible": "赵", "decision": "approved"}
        if stage == 5:
            data["documents"] = [samples.pdf("合同.pdf")]
        response = client.post(url, data, format="multipart")
        assert response.status_code == 201, response.content
    introduction = Introduction.objects.get()
    assert introduction.status == IntroductionStatus.COMPLETED
    assert introduction.contract.start == datetime.date(2026, 4, 6) and introduction.contract.fee_basis == "per_sqm"
    assert response.json()["steps"][4]["documents"][0]["name"] == "合同.pdf"


def test_weights_through_the_api(api, tree):
    h.rules(tree)  # the district's row
    rules_id = api.get(f"{API}/settings/").json()["results"][0]["id"]
    bad = api.patch(f"{API}/settings/{rules_id}/", {"weight_satisfaction": "70"})
    assert bad.status_code == 400 and "合计应为 100" in bad.content.decode()
    good = api.patch(f"{API}/settings/{rules_id}/", {"weight_satisfaction": "60", "weight_panel": "20"})
    assert good.status_code == 200 and good.json()["weight_satisfaction"] == "60.00"


def test_grid_worker_cannot_open_or_publish(tree):
    client = APIClient()
    client.force_authenticate(tree.grid_worker)
    response = client.post(f"{API}/periods/", {"year": 2026, "quarter": 1})
    assert response.status_code == 403 and "只有本区区级人员" in response.content.decode()
    assert not RatingPeriod.objects.exists()


def test_list_filters_refuse_another_districts_period_firm_and_compound_like_missing_ones(api, tree, other_tree):
    # given answers of one household in each district, for each district's own period
    mine = h.period(tree)
    theirs = RatingPeriod.objects.create(district=other_tree.district, year=2026, quarter=1)
    h.answers(mine, tree.compounds[0], [h.VS])
    h.answers(theirs, other_tree.compounds[0], [h.VS])
    url = f"{API}/survey-answers/"
    # when the official filters by their own period, firm and compound
    response = api.get(url, {"period": mine.pk, "firm": tree.firm.pk, "compound": tree.compounds[0].pk})
    # then their answer is listed
    assert response.status_code == 200, response.content
    assert [row["compound"] for row in response.json()["results"]] == [tree.compounds[0].pk]
    # and another district's period, firm or compound is refused exactly like an id that does not exist
    for name, other_pk in (
        ("period", theirs.pk),
        ("firm", other_tree.firm.pk),
        ("compound", other_tree.compounds[0].pk),
    ):
        other, missing = api.get(url, {name: other_pk}), api.get(url, {name: 987654321})
        assert other.status_code == missing.status_code == 400
        assert other.json() == missing.json() == {name: ["对象不存在：所选编号无效或不在您的管辖范围内。"]}
        assert str(other_pk) not in other.content.decode()


def test_the_build_answer_is_documented_in_the_schema(api):
    schema = api.get("/api/schema/?format=json").json()
    answer = schema["paths"]["/api/v1/ratings/periods/{id}/build/"]["post"]["responses"]["202"]
    name = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"id", "status", "status_url", "page_url"} <= set(schema["components"]["schemas"][name]["properties"])
