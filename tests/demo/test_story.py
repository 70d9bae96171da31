"""The demo tells the seeds' story as its users see it (portal/demo.py): last quarter rated and published with
its lists, an order that climbed every rung, routing rules, contracts, an introduction and meetings, and last
month's street ranking built by the report room."""

import subprocess
from collections import Counter

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from compounds.models import Compound, DepartmentKind
from ratings.models import FirmScore, Introduction, RatingPeriod, ServiceContract
from ratings.models import Report as RatingReport
from ratings.report_kinds import MONTHLY_STREETS, QUARTERLY_LISTS
from reports.models import Report
from workorders.models import Category, DeliberationMeeting, RoutingRule, WorkOrder

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()


def test_the_demo_tells_the_seeds_story_as_its_users_see_it(client, demo):
    output, district = demo.output, demo.district
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
