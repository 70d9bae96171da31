"""Scores are internal until the district publishes the quarter: before that a firm's staff see neither
their score nor their place on a list (pages, API, PDFs); afterwards they see their own firm's score, rank
and breakdown, and never another firm's."""

import pytest
from django.urls import reverse

from accounts.actors import SystemActor
from ratings import services
from ratings.models import FirmScore
from tests.ratings import helpers as h
from tests.ratings.test_pages import built_quarter

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(tree):
    """A computed (not yet published) quarter with the tree's firm and a rival, both ranked."""
    objs = built_quarter(tree)
    rival = h.firm(tree, "竞争对手物业")
    h.answers(objs["period"], h.compound_for(tree, rival), [h.S, h.N])
    services.period_compute(actor=SYSTEM, period=objs["period"])
    objs["score"] = FirmScore.objects.get(period=objs["period"], firm=tree.firm)
    objs["rival"] = FirmScore.objects.get(period=objs["period"], firm=rival)
    return objs


def seen_by_firm_staff(client, tree, quarter) -> dict:
    client.force_login(tree.firm_staff)
    period, score = quarter["period"], quarter["score"]
    return {
        "period": client.get(reverse("ratings:period-detail", args=[period.pk])),
        "firms": client.get(reverse("ratings:firm-list")),
        "firm": client.get(reverse("ratings:firm-detail", args=[tree.firm.pk])),
        "score": client.get(reverse("ratings:score-detail", args=[score.pk])),
        "rival": client.get(reverse("ratings:score-detail", args=[quarter["rival"].pk])),
        "inputs": client.get(reverse("ratings:period-inputs", args=[period.pk])),
        "api-scores": client.get("/api/v1/ratings/scores/"),
        "api-lists": client.get(f"/api/v1/ratings/periods/{period.pk}/lists/"),
        "api-breakdown": client.get(f"/api/v1/ratings/scores/{score.pk}/breakdown/"),
        "api-panel": client.get("/api/v1/ratings/panel-scores/"),
        "api-records": client.get("/api/v1/ratings/work-order-records/"),
        "api-incidents": client.get("/api/v1/ratings/incidents/"),
        "pdf": client.get(reverse("ratings:report-download", args=[quarter["report"].pk])),
        "reports": client.get(reverse("ratings:report-list")),
    }


def test_before_publication_firm_staff_see_no_score_and_no_place(client, tree, quarter):
    # given a computed quarter (not published)
    # when the firm's staff look everywhere
    seen = seen_by_firm_staff(client, tree, quarter)

    # then the period page says the result is not published, with no score, rank or list
    period_page = seen["period"].content.decode()
    assert seen["period"].status_code == 200
    assert "本季度考评结果尚未发布" in period_page
    assert str(quarter["score"].total) not in period_page and "竞争对手物业" not in period_page
    assert "参评企业" not in period_page  # no district figures either
    # the firm pages show no score; the score pages are a 404 like any unknown object
    assert str(quarter["score"].total) not in seen["firms"].content.decode()
    assert "暂无已发布的考评结果" in seen["firm"].content.decode()
    assert seen["score"].status_code == 404 and seen["rival"].status_code == 404
    # the inputs page lists no panel score, record or incident of theirs
    inputs = seen["inputs"].content.decode()
    assert "暂无评分" in inputs and "88.00" not in inputs and "事故" not in inputs
    # the API: no scores, empty lists, breakdown 404, no inputs
    assert seen["api-scores"].json()["count"] == 0
    assert seen["api-lists"].json() == {"red": [], "grey": [], "black": [], "insufficient": []}
    assert seen["api-breakdown"].status_code == 404
    for name in ("api-panel", "api-records", "api-incidents"):
        assert seen[name].json()["count"] == 0, name
    # and the district's PDF is not theirs to download
    assert seen["pdf"].status_code == 404
    assert "暂无报告" in seen["reports"].content.decode()


def test_after_publication_firm_staff_see_their_own_score_rank_and_breakdown_only(client, tree, quarter):
    # given the quarter is published by the district
    services.period_publish(actor=tree.official, period=quarter["period"])
    score = quarter["score"]
    score.refresh_from_db()

    # when the firm's staff look again
    seen = seen_by_firm_staff(client, tree, quarter)

    # then the period page shows their own result with "rank / ranked", and no other firm
    period_page = seen["period"].content.decode()
    assert "本企业考评结果" in period_page
    assert f"{score.rank} / 2" in period_page and str(score.total) in period_page
    assert "竞争对手物业" not in period_page and "参评企业" not in period_page
    # the breakdown explains their score, inputs included
    breakdown = seen["score"].content.decode()
    assert seen["score"].status_code == 200
    assert "88.00" in breakdown and "评审团评分" in breakdown and f"{score.rank} / 2" in breakdown
    # another firm's score is still a 404
    assert seen["rival"].status_code == 404
    # the firm pages and the API show exactly their own score
    assert str(score.total) in seen["firm"].content.decode()
    assert [row["firm"] for row in seen["api-scores"].json()["results"]] == [tree.firm.pk]
    lists = seen["api-lists"].json()
    assert [row["firm"] for kind in lists.values() for row in kind] == [tree.firm.pk]
    assert seen["api-breakdown"].status_code == 200
    assert seen["api-breakdown"].json()["score"]["total"] == str(score.total)
    assert seen["api-panel"].json()["count"] == 0  # inputs stay in the breakdown, not as lists
    # district reports stay with the district (firm staff read their result on the pages)
    assert seen["pdf"].status_code == 404
    assert client.get(f"/api/v1/ratings/reports/{quarter['report'].pk}/").status_code == 404


def test_publication_opens_each_firms_score_to_that_firm_only(tree, quarter):
    services.period_publish(actor=tree.official, period=quarter["period"])
    pairs = set(FirmScore.objects.filter(period=quarter["period"]).values_list("firm_id", "published_firm_id"))
    assert all(firm == published for firm, published in pairs) and len(pairs) == 2
    assert list(FirmScore.objects.visible_to(tree.firm_staff)) == [FirmScore.objects.get(firm=tree.firm)]


def test_internal_staff_see_every_score_before_publication(client, tree, quarter):
    for user in (tree.official, tree.street_staff):
        client.force_login(user)
        page = client.get(reverse("ratings:period-detail", args=[quarter["period"].pk])).content.decode()
        assert "竞争对手物业" in page and tree.firm.name in page and " / 2" in page
        assert client.get(reverse("ratings:score-detail", args=[quarter["rival"].pk])).status_code == 200
