"""The compound's QR page (/q/<token>/) offers the owners' satisfaction survey while the district's rating period
is open."""

import pytest
from django.urls import reverse

from compounds.models import ManagementMode
from ratings.models import PeriodStatus, RatingPeriod

pytestmark = pytest.mark.django_db

LINK = "物业服务满意度调查"


def qr_page(client, compound) -> str:
    response = client.get(reverse("intake:report", args=[compound.public_token]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_open_period_puts_the_survey_link_on_the_qr_page(client, tree, categories):
    # given an open rating period in the district
    RatingPeriod.objects.create(district=tree.district, year=2026, quarter=4, status=PeriodStatus.OPEN)
    compound = tree.compounds[0]
    # when a resident scans the compound's code
    page = qr_page(client, compound)
    # then the page offers the survey of this compound, beside the report form
    assert LINK in page
    assert f'href="{reverse("ratings:survey", args=[compound.public_token])}"' in page
    assert "问题描述" in page
    # and the link leads to the survey page
    assert client.get(reverse("ratings:survey", args=[compound.public_token])).status_code == 200


def test_without_an_open_period_there_is_no_survey_link(client, tree, categories, other_tree):
    # given a period that is no longer taking answers, and an open one in another district
    RatingPeriod.objects.create(district=tree.district, year=2026, quarter=3, status=PeriodStatus.SCORING)
    RatingPeriod.objects.create(district=other_tree.district, year=2026, quarter=4, status=PeriodStatus.OPEN)
    # then
    assert LINK not in qr_page(client, tree.compounds[0])


def test_a_compound_without_a_property_firm_gets_no_survey_link(client, tree, categories):
    RatingPeriod.objects.create(district=tree.district, year=2026, quarter=4, status=PeriodStatus.OPEN)
    compound = tree.compounds[0]
    compound.management_mode, compound.property_firm = ManagementMode.SELF_MANAGED, None
    compound.save()
    assert LINK not in qr_page(client, compound)
