"""The figures other apps read: the month's money for the homes (street and district), each in its scope."""

from datetime import date, datetime

import pytest

from compounds.workcalendar import BEIJING
from funding import selectors
from funding.services import disbursements as d

pytestmark = pytest.mark.django_db
APRIL = datetime(2026, 4, 10, 9, tzinfo=BEIJING)


def test_the_monthly_figure_counts_the_month_in_the_actors_scope(money):
    # given: in April, community 0 (street 1) has ¥2,000.00 paid and ¥500.00 waiting; community 2 (street 2) ¥700.00
    # approved; the year's allocation was posted in March (tests/funding/conftest.py NOW)
    from accounts.roles import Role
    from tests import factories

    paid = d.disbursement_request(
        actor=money.cadre,
        community=money.communities[0],
        purpose="甲",
        category="repair",
        amount_fen=2_000_00,
        now=APRIL,
    )
    d.disbursement_approve(actor=money.street_staff, disbursement=paid, now=APRIL)
    d.disbursement_pay(actor=money.street_staff, disbursement=paid, voucher_no="V1", now=APRIL)
    d.disbursement_request(
        actor=money.cadre, community=money.communities[0], purpose="乙", category="repair", amount_fen=500_00, now=APRIL
    )
    cadre2 = factories.user_for(Role.COMMUNITY_CADRE, money.communities[2], username="cadre-c2")
    other = d.disbursement_request(
        actor=cadre2, community=money.communities[2], purpose="丙", category="repair", amount_fen=700_00, now=APRIL
    )
    d.disbursement_approve(actor=_street2(money), disbursement=other, now=APRIL)

    # then: the district sees both streets, street 1 only its own
    district = selectors.monthly_figure(actor=money.official, month=date(2026, 4, 1))
    assert (district.allocated, district.approved, district.paid) == (0, 2_700_00, 2_000_00)
    assert (district.pending_requests, district.pending_fen) == (1, 500_00)
    assert district.balance == 4 * 150_000_00 - 2_000_00 - 700_00
    street = selectors.monthly_figure(actor=money.street_staff, month=date(2026, 4, 20))
    assert (street.approved, street.paid, street.pending_requests) == (2_000_00, 2_000_00, 1)
    assert street.balance == 2 * 150_000_00 - 2_000_00
    assert street.label == "2026年4月"
    march = selectors.monthly_figure(actor=money.official, month=date(2026, 3, 1))
    assert march.allocated == 4 * 150_000_00 and march.paid == 0


def _street2(t):
    from accounts.roles import Role
    from tests import factories

    return factories.user_for(Role.STREET_STAFF, t.streets[1], username="street-2")


def _requests_in_april(t, n: int = 1):
    """Street 1: `n` pairs of small requests waiting, one paid, one of ¥60,000.00 (above the ¥50,000.00
    threshold) approved by the street and waiting for the district; street 2: one request waiting."""
    from accounts.roles import Role
    from tests import factories

    for i in range(n):
        for day, amount in ((1, 500_00), (8, 1_000_00)):
            d.disbursement_request(
                actor=t.cadre,
                community=t.communities[0],
                purpose=f"楼道照明{i}-{day}",
                category="repair",
                amount_fen=amount,
                now=datetime(2026, 4, day, 9, tzinfo=BEIJING),
            )
    paid = d.disbursement_request(
        actor=t.cadre, community=t.communities[0], purpose="已付", category="repair", amount_fen=2_000_00, now=APRIL
    )
    d.disbursement_approve(actor=t.street_staff, disbursement=paid, now=APRIL)
    d.disbursement_pay(actor=t.street_staff, disbursement=paid, voucher_no=f"V{n}", now=APRIL)
    cadre1 = factories.user_for(Role.COMMUNITY_CADRE, t.communities[1], username=f"cadre-c1-{n}")
    big = d.disbursement_request(
        actor=cadre1,
        community=t.communities[1],
        purpose="健身器材",
        category="culture",
        amount_fen=60_000_00,
        now=APRIL,
    )
    d.disbursement_approve(actor=t.street_staff, disbursement=big, now=APRIL)
    cadre2 = factories.user_for(Role.COMMUNITY_CADRE, t.communities[2], username=f"cadre-c2-{n}")
    d.disbursement_request(
        actor=cadre2, community=t.communities[2], purpose="丙", category="repair", amount_fen=700_00, now=APRIL
    )


def test_the_street_cockpit_panel_counts_what_waits_for_this_street(money):
    _requests_in_april(money)
    panel = selectors.requests_waiting_panel(actor=money.street_staff, now=APRIL)
    # street 1's two small requests wait for it (street 2's ¥700.00 is not theirs), the oldest first
    assert (panel.count, panel.total_fen) == (2, 1_500_00)
    assert [r.purpose for r in panel.oldest] == ["楼道照明0-1", "楼道照明0-8"]
    assert [panel.waited_days(r) for r in panel.oldest] == [9, 2]
    assert (panel.second_count, panel.second_fen) == (1, 60_000_00)
    assert panel.figure.paid == 2_000_00 and panel.figure.approved == 62_000_00
    assert panel.figure.balance == 2 * 150_000_00 - 2_000_00 - 60_000_00
    # the other street sees its own
    other = selectors.requests_waiting_panel(actor=_street2(money), now=APRIL)
    assert (other.count, other.total_fen, other.second_count) == (1, 700_00, 0)


def test_the_district_panel_shows_execution_by_tier_this_month_and_year(tree):
    from compounds.models import Tier
    from tests.funding.conftest import funded

    tree.communities[2].tier = Tier.B
    tree.communities[2].save()
    funded(tree)
    _requests_in_april(tree)
    panel = selectors.execution_by_tier_panel(actor=tree.official, now=APRIL)
    a, b = panel.tiers
    assert (a.tier, a.communities, b.tier, b.communities) == ("A", 3, "B", 1)
    assert (a.month_allocated, a.month_approved, a.month_paid) == (0, 62_000_00, 2_000_00)
    assert (b.month_allocated, b.month_approved, b.month_paid) == (0, 0, 0)
    assert (a.year.allocated, a.year.paid, b.year.allocated) == (450_000_00, 2_000_00, 300_000_00)
    assert panel.total.year.allocated == 750_000_00 and panel.total.month_paid == 2_000_00
    assert panel.figure.pending_requests == 4  # three waiting for a street, one for the district
    march = selectors.execution_by_tier_panel(actor=tree.official, now=datetime(2026, 3, 31, 23, tzinfo=BEIJING))
    assert [t.month_allocated for t in march.tiers] == [450_000_00, 300_000_00]


@pytest.mark.parametrize("who", ["street_staff", "official"])
def test_the_home_panels_run_a_constant_number_of_queries(money, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader = selectors.requests_waiting_panel if who == "street_staff" else selectors.execution_by_tier_panel
    actor = getattr(money, who)
    _requests_in_april(money, n=1)
    with CaptureQueriesContext(connection) as few:
        reader(actor=actor, now=APRIL)
    _requests_in_april(money, n=6)
    with CaptureQueriesContext(connection) as many:
        panel = reader(actor=actor, now=APRIL)
    assert len(few.captured_queries) == len(many.captured_queries) <= 14
    if who == "street_staff":
        assert panel.count == 14 and len(panel.oldest) == selectors.WAITING_SHOWN
