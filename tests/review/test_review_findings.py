"""Reviewer's tests: each demonstrates a bug found in review. They are marked xfail(strict=True) so that
the suite stays green while the bug is there and turns red (XPASS) the day it is fixed: then drop the mark."""

import pytest
from rest_framework.test import APIClient

from accounts.actors import SystemActor

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------------- ratings


def test_ratings_api_filter_answers_alike_for_missing_and_other_districts_firm(tree, other_tree):
    # given an official of district A with the API
    api = APIClient()
    api.force_authenticate(tree.official)
    url = "/api/v1/ratings/contracts/"
    # when they filter by district B's firm and by an id that does not exist
    other = api.get(url, {"firm": other_tree.firm.pk})
    missing = api.get(url, {"firm": 987654321})
    # then both answers are the same (the compounds and work-order filtersets refuse both with a 400)
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())


# ---------------------------------------------------------------------------------------------------- admin


# ---------------------------------------------------------------------------------------------------- domain rules


def test_a_tier_for_a_future_year_does_not_replace_the_current_tier(tree):
    from django.utils import timezone

    from compounds.services import community_set_tier

    # given a community of tier A since this year
    community = tree.communities[0]
    this_year = timezone.localdate().year
    community_set_tier(
        actor=SYSTEM,
        community=community,
        tier="A",
        reason="新建成熟物业小区",
        effective_year=this_year,
    )
    # when the district records tier B from next year on
    community_set_tier(
        actor=SYSTEM,
        community=community,
        tier="B",
        reason="明年起改造",
        effective_year=this_year + 1,
    )
    # then this year's tier (and fund) is still A; B waits in the history
    community.refresh_from_db()
    assert community.tier == "A"
    assert community.tier_history.count() == 2


@pytest.mark.parametrize("month", ["0000-01", "9999-12"])
def test_kpi_api_answers_a_month_out_of_range_with_a_chinese_400(tree, month):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(tree.official)
    response = api.get("/api/v1/work-order-kpis/", {"month": month})
    assert response.status_code == 400


def test_a_meeting_cannot_be_moved_to_a_compound_of_another_community_through_the_api(tree):
    import datetime

    from workorders import services
    from workorders.models import DeliberationMeeting

    # given a meeting of community 1 recorded by the street's staff
    meeting = services.deliberation_meeting_record(
        actor=tree.street_staff,
        community=tree.communities[0],
        compound=tree.compounds[0],
        topic="电动车充电桩选址",
        held_on=datetime.date(2026, 3, 2),
        attendees="张三\n李四",
    )
    other_community_compound = tree.compounds[2]
    assert other_community_compound.community_id != meeting.community_id
    api = APIClient()
    api.force_authenticate(tree.street_staff)
    # when they PATCH the compound to one of another community
    response = api.patch(
        f"/api/v1/deliberation-meetings/{meeting.pk}/", {"compound": other_community_compound.pk}, format="json"
    )
    # then it is refused in Chinese and nothing changes
    assert response.status_code == 400
    assert DeliberationMeeting.objects.get(pk=meeting.pk).compound_id == tree.compounds[0].pk
