"""Year end: the district's rule (carry over, return, carry up to a cap), run by a beat task on 1 January,
idempotent (a second run, or the task twice, changes nothing)."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied

from compounds.workcalendar import BEIJING
from funding.models import AccountKind, CarryOver, EntryKind, LedgerEntry, YearEnd
from funding.services import disbursements as d
from funding.services.ledger import balance, community_account
from funding.services.yearend import year_end_run
from funding.tasks import year_end_task
from tests.funding.conftest import YEAR, funded, system

NEW_YEAR = datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING)


def spend(t, amount):
    request = d.disbursement_request(
        actor=t.cadre, community=t.communities[0], purpose="活动", category="service", amount_fen=amount
    )
    d.disbursement_approve(actor=t.street_staff, disbursement=request)
    return request


@pytest.mark.parametrize(
    ("rule", "cap", "carried", "returned"),
    [("carry", 0, 50_000_00, 0), ("return", 0, 0, 50_000_00), ("cap", 30_000_00, 30_000_00, 20_000_00)],
)
def test_the_rule_of_the_year_and_running_twice_changes_nothing(tree, rule, cap, carried, returned):
    funded(tree, rule=rule, cap=cap)
    spend(tree, 100_000_00)
    year_end, ran = year_end_run(actor=system(tree), district=tree.district, year=YEAR, now=NEW_YEAR)
    assert ran
    line = CarryOver.objects.get(community=tree.communities[0])
    assert (line.balance_fen, line.carried_fen, line.returned_fen) == (50_000_00, carried, returned)
    assert balance(community_account(tree.communities[0], AccountKind.SERVICE)) == carried
    # the approved, not yet paid money stays reserved
    assert balance(community_account(tree.communities[0], AccountKind.COMMITTED)) == 100_000_00
    entries = LedgerEntry.objects.count()
    again, ran_again = year_end_run(actor=system(tree), district=tree.district, year=YEAR)
    assert (again.pk, ran_again) == (year_end.pk, False)
    assert LedgerEntry.objects.count() == entries
    assert CarryOver.objects.count() == 4


def test_the_beat_task_settles_last_year_once(tree):
    funded(tree, rule="return")
    assert year_end_task(today="2027-01-01") == {tree.district.pk: True}
    assert year_end_task(today="2027-01-01") == {tree.district.pk: False}
    assert YearEnd.objects.get().returned_fen == 4 * 150_000_00
    assert LedgerEntry.objects.filter(kind=EntryKind.RETURN).count() == 4


def test_a_year_that_has_not_ended_cannot_be_settled(money):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="尚未结束"):
        year_end_run(
            actor=system(money), district=money.district, year=YEAR, now=datetime(2026, 12, 31, tzinfo=BEIJING)
        )
    assert not YearEnd.objects.exists()


def test_only_the_district_runs_it(money):
    with pytest.raises(PermissionDenied):
        year_end_run(actor=money.street_staff, district=money.district, year=YEAR)
    assert not YearEnd.objects.exists()
