"""The compound's public page (/q/<token>/, where its QR code leads): who serves it, its firm and the firm's
published list, this month's orders, the buttons to file and (while a quarter is open) to answer the survey —
and nothing personal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.actors import SystemActor
from compounds.models import ManagementMode
from ratings.models import FirmScore, ListKind, PeriodStatus, RatingPeriod
from workorders import services
from workorders.models import Channel

pytestmark = pytest.mark.django_db

LINK = "物业服务满意度调查"


def public_page(client, compound) -> str:
    response = client.get(reverse("compound-public", args=[compound.public_token]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    return response.content.decode()


def test_the_qr_code_leads_to_the_public_page_with_the_button_to_file(client, tree, categories):
    compound = tree.compounds[0]
    assert reverse("compound-public", args=[compound.public_token]) == f"/q/{compound.public_token}/"
    page = public_page(client, compound)
    assert compound.name in page and tree.firm.name in page
    assert f'href="{reverse("intake:report", args=[compound.public_token])}" data-file' in page
    # the form itself is one tap away
    assert "问题描述" in client.get(reverse("intake:report", args=[compound.public_token])).content.decode()


def test_an_open_period_puts_the_survey_button_on_the_public_page(client, tree, categories):
    RatingPeriod.objects.create(district=tree.district, year=2026, quarter=4, status=PeriodStatus.OPEN)
    compound = tree.compounds[0]
    page = public_page(client, compound)
    assert LINK in page
    assert f'href="{reverse("ratings:survey", args=[compound.public_token])}" data-survey' in page
    assert client.get(reverse("ratings:survey", args=[compound.public_token])).status_code == 200


def test_without_an_open_period_there_is_no_survey_button(client, tree, categories, other_tree):
    RatingPeriod.objects.create(district=tree.district, year=2026, quarter=3, status=PeriodStatus.SCORING)
    RatingPeriod.objects.create(district=other_tree.district, year=2026, quarter=4, status=PeriodStatus.OPEN)
    assert LINK not in public_page(client, tree.compounds[0])


def test_a_compound_without_a_property_firm_gets_no_survey_button(client, tree, categories):
    RatingPeriod.objects.create(district=tree.district, year=2026, quarter=4, status=PeriodStatus.OPEN)
    compound = tree.compounds[0]
    compound.management_mode, compound.property_firm = ManagementMode.SELF_MANAGED, None
    compound.save()
    assert LINK not in public_page(client, compound)


def test_the_firms_published_list_shows_and_an_unpublished_one_does_not(client, tree, categories):
    compound = tree.compounds[0]
    scoring = RatingPeriod.objects.create(district=tree.district, year=2026, quarter=3, status=PeriodStatus.SCORING)
    weights = {"weight_satisfaction": 50, "weight_panel": 30, "weight_work_orders": 20}
    FirmScore.objects.create(
        district=tree.district, period=scoring, firm=tree.firm, list_kind=ListKind.BLACK, **weights
    )
    assert "黑榜" not in public_page(client, compound)  # not published yet: internal
    published = RatingPeriod.objects.create(district=tree.district, year=2026, quarter=2, status=PeriodStatus.PUBLISHED)
    FirmScore.objects.create(
        district=tree.district, period=published, firm=tree.firm, list_kind=ListKind.RED, **weights
    )
    page = public_page(client, compound)
    assert "2026 年第 2 季度物业考评" in page and "红榜" in page and "黑榜" not in page


def test_this_months_orders_are_counted_and_nothing_personal_shows(client, tree, categories):
    compound = tree.compounds[0]
    now = timezone.now()
    order = services.work_order_file(
        actor=SystemActor(name="test:public-page", district_id=tree.district.pk),
        compound=compound,
        category=categories["corridor-clutter"],
        channel=Channel.RESIDENT_QR,
        title="楼道堆物",
        description="联系王先生 13912345678，3号楼楼道堆满杂物",
        reporter_phone="13912345678",
        now=now - timedelta(minutes=5),
    )
    page = public_page(client, compound)
    assert 'data-figure="open">1<' in page and 'data-figure="resolved">0<' in page
    for secret in ("13912345678", "王先生", order.tracking_code, "楼道堆物"):
        assert secret not in page


def test_an_unknown_token_is_a_404_and_the_page_takes_no_post(client, tree):
    assert client.get("/q/not-a-real-token/").status_code == 404
    assert client.post(reverse("compound-public", args=[tree.compounds[0].public_token])).status_code == 405
