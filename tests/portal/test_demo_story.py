"""The demo tells the seeds' story (portal/demo.py): last quarter rated and published, so the compounds'
public pages show their firm's list, and last month's street ranking asked of the report room."""

import subprocess
import time
from collections import Counter
from datetime import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from compounds.demo import DISTRICT_CODE
from compounds.models import Compound, DepartmentKind, District
from portal.demo import load_demo, publish_past_quarter, request_last_months_ranking
from ratings.models import FirmScore, Introduction, PeriodStatus, RatingPeriod, ServiceContract
from ratings.models import Report as RatingReport
from ratings.report_kinds import MONTHLY_STREETS, QUARTERLY_LISTS
from reports.models import Report
from workorders.models import Category, DeliberationMeeting, RoutingRule, WorkOrder
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


def pdf_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def test_the_demo_tells_the_seeds_story_as_its_users_see_it(client, django_capture_on_commit_callbacks):
    # given the demo district, built as `make demo` builds it (the report room's builds run on commit)
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        output = "\n".join(load_demo(now=NOW))
    print(f"load_demo: {time.perf_counter() - started:.1f} s")  # pytest -s; benchmarks/ measures it properly
    district = District.objects.get(code=DISTRICT_CODE)
    users = User.objects.filter(district=district)
    official = users.filter(role=Role.DISTRICT_OFFICIAL).order_by("pk").first()

    # the district official downloads last quarter's published lists: Chang'an's first list's shape
    client.force_login(official)
    quarter = Report.objects.get(district=district, kind=QUARTERLY_LISTS, key="2026-Q3")
    assert quarter.title in client.get(reverse("reports:room")).content.decode()
    text = pdf_text(client.get(reverse("reports:latest-download", args=[quarter.pk])))
    assert not RatingReport.objects.filter(district=district).exists()  # the report room is the one place
    period = RatingPeriod.objects.get(district=district, year=2026, quarter=3)
    lists = Counter(FirmScore.objects.filter(period=period).values_list("list_kind", flat=True))
    ranked = lists["red"] + lists["grey"] + lists["black"]
    assert (lists["red"], lists["black"]) == (10, 5) and ranked >= 100, lists  # most of the 129 firms
    assert "红榜" in text and "黑榜" in text and "灰榜" in text
    red = FirmScore.objects.filter(period=period, list_kind="red").select_related("firm").first()
    assert red.firm.name[:6] in text

    # an order climbed every rung, and the housing bureau's staff find it in 我的工单
    climbed = WorkOrder.objects.get(district=district, title="顶楼屋面渗漏，雨天家里漏水")
    rungs = list(climbed.escalations.order_by("pk").values_list("from_level", "to_level"))
    assert rungs == [("property_firm", "community"), ("community", "street"), ("street", "department")]
    assert climbed.handler_department.kind == DepartmentKind.HOUSING and climbed.tracking_code in output
    client.force_login(users.filter(role=Role.DEPARTMENT_STAFF, department=climbed.handler_department).first())
    assert climbed.title in client.get(reverse("workorders:mine")).content.decode()

    # a resident's 违章搭建 report goes straight to urban management (a routing rule), 邻里纠纷 reaches justice
    # when the street calls (the category's department)
    assert RoutingRule.objects.filter(district=district).count() >= 3
    construction = WorkOrder.objects.filter(district=district, category__code="illegal-construction").first()
    assert construction.handler_department.kind == DepartmentKind.URBAN_MANAGEMENT
    assert Category.objects.get(district=district, code="neighbour-dispute").department.kind == DepartmentKind.JUSTICE

    # contracts, a six-step introduction half-way, 议事会 meetings on the official's and the orders' pages
    client.force_login(official)
    with_firm = Compound.objects.filter(district=district, property_firm__isnull=False).count()
    assert ServiceContract.objects.filter(district=district).count() == with_firm
    assert client.get(reverse("ratings:contract-list")).status_code == 200
    introduction = Introduction.objects.get(district=district)
    assert introduction.status == "in_progress" and introduction.steps.count() == 3
    intro_page = client.get(reverse("ratings:introduction-detail", args=[introduction.pk])).content.decode()
    assert "孵化中心审核" in intro_page and introduction.compound.name in intro_page
    assert DeliberationMeeting.objects.filter(district=district).count() == 3
    assert WorkOrder.objects.filter(district=district, meeting__isnull=False).exists()

    # last month's street ranking is ready to download in the report room
    room = client.get(reverse("reports:room")).content.decode()
    monthly = Report.objects.get(district=district, kind=MONTHLY_STREETS, key="2026-10")
    assert monthly.title in room
    ranking = client.get(reverse("reports:latest-download", args=[monthly.pk]))
    assert ranking.status_code == 200 and "街道" in pdf_text(ranking)
