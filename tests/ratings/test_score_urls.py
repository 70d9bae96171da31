"""Score pages keep their URLs across rebuilds: a link sent before a recompute still opens the firm's score,
with the new figures (the row is updated in place, not deleted and created again)."""

import pytest
from django.urls import reverse

from ratings import services
from ratings.models import FirmScore, SatisfactionLevel, SurveyResponse
from ratings.models.evaluation import SATISFACTION_POINTS
from tests.ratings import helpers as h

pytestmark = pytest.mark.django_db


def test_a_score_page_keeps_its_url_when_the_quarter_is_recomputed(client, tree):
    p = h.period(tree)
    h.rules(tree, min_answers=1)
    firm = h.firm(tree, "甲物业")
    compound = h.compound_for(tree, firm)
    h.answers(p, compound, [h.S])
    services.period_compute(actor=tree.official, period=p)
    url = reverse("ratings:score-detail", args=[FirmScore.objects.get(period=p, firm=firm).pk])
    client.force_login(tree.official)
    assert client.get(url).status_code == 200

    # when more answers come in and the quarter is computed again
    for room in (201, 202):
        SurveyResponse.objects.create(
            district=p.district,
            period=p,
            compound=compound,
            firm=firm,
            household_key=f"2号楼-{room}",
            level=h.VS,
            points=SATISFACTION_POINTS[SatisfactionLevel(h.VS)],
        )
    services.period_compute(actor=tree.official, period=p)

    # then the old link opens the same firm's score, with the new figure
    response = client.get(url)
    assert response.status_code == 200
    assert FirmScore.objects.filter(period=p, firm=firm).count() == 1
    score = FirmScore.objects.get(period=p, firm=firm)
    assert url == reverse("ratings:score-detail", args=[score.pk])
    assert str(score.satisfaction) in response.content.decode()
