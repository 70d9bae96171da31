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
