"""The demo's story, step by step on a small tree (portal/demo.py): last quarter rated and published, so the
compounds' public pages show their firm's list, and last month's street ranking asked of the report room. The
whole story on the loaded demo is tests/demo/test_story.py."""

from datetime import datetime

import pytest
from django.urls import reverse

from portal.demo import publish_past_quarter, request_last_months_ranking
from ratings.models import FirmScore, PeriodStatus, RatingPeriod
from ratings.report_kinds import MONTHLY_STREETS
from reports.models import Report
from workorders.worktime import BEIJING

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING)


def test_last_quarter_is_published_with_its_lists(client, tree):
    line = publish_past_quarter(district=tree.district, now=NOW)
    period = RatingPeriod.objects.get(district=tree.district, year=2026, quarter=3)
    assert period.status == PeriodStatus.PUBLISHED and period.published_by == tree.official
    score = FirmScore.objects.get(period=period, firm=tree.firm)
    assert score.answers >= 80 and score.list_kind in {"red", "grey", "black"}  # 8 compounds × 10–16 answers
    assert "已发布 2026 年第 3 季度物业考评" in line
    page = client.get(reverse("compound-public", args=[tree.compounds[0].public_token])).content.decode()
    assert "2026 年第 3 季度物业考评" in page
    # a second run leaves it alone
    assert publish_past_quarter(district=tree.district, now=NOW) == ""


def test_last_months_ranking_is_asked_of_the_report_room(tree):
    assert "2026 年 10 月街道三率排名" in request_last_months_ranking(district=tree.district, now=NOW)
    report = Report.objects.get(district=tree.district, kind=MONTHLY_STREETS)
    assert report.key == "2026-10" and report.builds.count() == 1
