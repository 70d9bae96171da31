"""The demo district's funds tell the issue's story, the bonus quarter has the shape of Chang'an's first payout
(a quarter of 4.09 million yuan ≈ 1.02 million, highest 5,220, average near 2,957), and loading twice changes
nothing."""

import pytest

from accounts.actors import SystemActor
from compounds.models import Community
from funding import selectors
from funding.demo import load_funding_demo
from funding.models import AccountKind, BonusQuarter, Disbursement, EntryKind, FundAccount, LedgerEntry, Status

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing(demo):
    entries = LedgerEntry.objects.filter(district=demo.district).count()
    assert entries and "经费演示数据" in demo.output
    again = load_funding_demo(demo.district, today=TODAY)
    assert not again.created
    assert LedgerEntry.objects.filter(district=demo.district).count() == entries


def test_a_year_of_entries_for_every_community_at_its_tier(demo):
    district = demo.district
    for community in Community.objects.filter(district=district):
        kinds = set(LedgerEntry.objects.filter(community=community, year=2026).values_list("kind", flat=True))
        assert EntryKind.ALLOCATION in kinds, community
    months = {e.posted_at.month for e in LedgerEntry.objects.filter(year=2026, kind=EntryKind.PAYMENT)}
    assert len(months) >= 9
    actor = SystemActor(name="test", district_id=district.pk)
    balances = selectors.balances(actor)
    for account in FundAccount.objects.filter(district=district).exclude(kind__in=["budget", "donors", "paid"]):
        assert balances[account.pk] >= 0


def test_requests_wait_for_the_streets_and_one_for_the_district(demo):
    district = demo.district
    waiting = Disbursement.objects.filter(district=district, status=Status.REQUESTED)
    assert waiting.values("street").distinct().count() == 8
    second = Disbursement.objects.get(district=district, status=Status.SECOND)
    assert second.needs_second and second.amount_fen == 80_000_00


def test_the_bonus_quarter_has_the_shape_of_changans_first_payout(demo):
    district = demo.district
    row = BonusQuarter.objects.get(district=district)
    summary = selectors.bonus_summary(actor=SystemActor(name="test", district_id=district.pk), bonus_quarter=row)
    assert row.pool_yuan == 1_022_500  # 4.09 million ÷ 4
    assert summary.total_yuan <= row.pool_yuan
    assert abs(summary.total_yuan - 1_020_000) <= 0.02 * 1_020_000  # "about 1.02 million" for the quarter
    # Chang'an's first payout: highest 5,220 yuan, average 2,957 yuan — within 2%
    assert abs(summary.highest - 5_220) <= 0.02 * 5_220, summary.highest
    assert abs(summary.average - 2_957) <= 0.02 * 2_957, summary.average
    assert summary.lowest >= 1_000 and summary.lowest < summary.average < summary.highest
    # the shape: most staff near the middle, a few at the cap (a distribution, not one amount for all)
    assert len([b for b in summary.bins if b[1]]) >= 4


def test_the_execution_report_adds_up(demo):
    district = demo.district
    execution = selectors.fund_execution(actor=SystemActor(name="test", district_id=district.pk), year=2026)
    total = execution.total
    assert total.communities == 40
    assert total.paid <= total.approved <= total.requested
    assert 0.3 < total.executed < 1.0
    assert total.carried_in > 0
    assert sum(s.allocated for s in execution.streets) == total.allocated == sum(t.allocated for t in execution.tiers)
    service = FundAccount.objects.filter(district=district, kind=AccountKind.SERVICE).count()
    assert service == 40
