from datetime import datetime

import pytest

from accounts.actors import SystemActor
from compounds.workcalendar import BEIJING
from funding.services import policy
from funding.services.ledger import accounts_open

YEAR = 2026
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


def system(t) -> SystemActor:
    return SystemActor(name="test:funding", district_id=t.district.pk)


def funded(t, *, a=150_000_00, b=300_000_00, c=150_000_00, d=100_000_00, threshold=50_000_00, rule="carry", cap=0):
    """District `t` with the year's policy (Xining's amounts by default) applied to every community."""
    accounts_open(district=t.district)
    policy.policy_set(
        actor=system(t),
        district=t.district,
        year=YEAR,
        tier_a_fen=a,
        tier_b_fen=b,
        tier_c_fen=c,
        tier_d_fen=d,
        second_approval_fen=threshold,
        carry_rule=rule,
        carry_cap_fen=cap,
    )
    policy.policy_apply(actor=system(t), district=t.district, year=YEAR, now=NOW)
    return t


@pytest.fixture
def money(tree):
    """District A funded for 2026: every community (tier A by the factory) has ¥150,000.00."""
    return funded(tree)
