"""The ledger: every entry balances by construction, the balance is derived, a community's pot never goes
below zero, entries are never edited or deleted (the database refuses), corrections are new entries."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding.models import AccountKind, EntryKind, LedgerEntry
from funding.services.ledger import balance, community_account, district_account, entry_post, entry_reverse
from tests.funding.conftest import YEAR, funded, system


def test_the_year_is_allocated_to_every_community_once(money):
    for community in money.communities:
        assert balance(community_account(community, AccountKind.SERVICE)) == 150_000_00
    budget = district_account(money.district.pk, AccountKind.BUDGET)
    assert balance(budget) == -4 * 150_000_00  # the budget account stands for the district's money out
    # applying again allocates nobody twice
    from funding.services.policy import policy_apply

    assert policy_apply(actor=system(money), district=money.district, year=YEAR) == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.ALLOCATION).count() == 4


def test_a_pot_never_goes_below_zero(money):
    service = community_account(money.communities[0], AccountKind.SERVICE)
    committed = community_account(money.communities[0], AccountKind.COMMITTED)
    with pytest.raises(ValidationError) as error:
        entry_post(
            actor=system(money),
            kind=EntryKind.APPROVAL,
            from_account=service,
            to_account=committed,
            amount_fen=150_000_01,
            memo="超支",
        )
    assert "余额不足" in str(error.value) and "¥150,000.00" in str(error.value)
    assert balance(service) == 150_000_00
    assert LedgerEntry.objects.filter(kind=EntryKind.APPROVAL).count() == 0


@pytest.mark.parametrize("amount", [-1, 0, 1.5, "12", None])
def test_amounts_are_positive_whole_fen(money, amount):
    service = community_account(money.communities[0], AccountKind.SERVICE)
    committed = community_account(money.communities[0], AccountKind.COMMITTED)
    with pytest.raises(ValidationError) as error:
        entry_post(
            actor=system(money),
            kind="approval",
            from_account=service,
            to_account=committed,
            amount_fen=amount,
            memo="x",
        )
    assert "金额" in str(error.value)


def test_posting_asks_for_no_row_it_already_holds(money):
    # given the accounts in hand (loaded in scope) and the poster
    service = community_account(money.communities[0], AccountKind.SERVICE)
    committed = community_account(money.communities[0], AccountKind.COMMITTED)
    with CaptureQueriesContext(connection) as queries:
        entry = entry_post(
            actor=system(money), kind=EntryKind.APPROVAL, from_account=service, to_account=committed,
            amount_fen=100_00, memo="修缮",
        )  # fmt: skip
    # then the statements are the lock, the balance, the community's row, the two check constraints (one query),
    # the unique constraint's condition and the insert: no existence check for the accounts, the district or the
    # street it was given (Django's full_clean asked for each, 7 queries)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 6, "\n".join(statements)
    assert not [sql for sql in statements if sql.startswith('SELECT 1 AS "a"')]
    assert entry.community == money.communities[0] and balance(committed) == 100_00


def test_a_key_set_by_id_alone_is_still_checked(money):
    # a key that names no row is refused by full_clean, with Django's message, before any write
    service = community_account(money.communities[0], AccountKind.SERVICE)
    entry = LedgerEntry(
        district=money.district, year=YEAR, kind=EntryKind.APPROVAL, from_account=service, to_account_id=-1,
        amount_fen=1, memo="x", posted_at=timezone.now(), posted_by_name="测试",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"to_account"}


def test_a_posted_entry_cannot_be_edited_or_deleted_even_in_sql(money):
    entry = LedgerEntry.objects.filter(kind=EntryKind.ALLOCATION).first()
    entry.amount_fen = 1
    with pytest.raises(ValidationError, match="不能修改或删除"):
        entry.save()
    with pytest.raises(ValidationError, match="不能修改或删除"):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)
    with pytest.raises(ValidationError, match="不能修改或删除"):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    for sql in (
        "UPDATE funding_ledgerentry SET amount_fen = 1 WHERE id = %s",
        "DELETE FROM funding_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="不能修改或删除"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    # and no session setting switches the wall off (unlike pgtrigger's `pgtrigger.ignore`)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pgtrigger.ignore = 'funding:ledgerentry'")
        cursor.execute("DELETE FROM funding_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount_fen == 150_000_00


def test_a_correction_is_a_new_entry_once(money):
    entry = LedgerEntry.objects.filter(kind=EntryKind.ALLOCATION, community=money.communities[1]).get()
    reversal = entry_reverse(actor=money.official, entry=entry, reason="重复下达")
    assert reversal.kind == EntryKind.REVERSAL and reversal.reverses == entry
    assert balance(community_account(money.communities[1], AccountKind.SERVICE)) == 0
    with pytest.raises(ValidationError, match="已冲正过"):
        entry_reverse(actor=money.official, entry=entry, reason="再次")
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1


def test_a_correction_cannot_take_money_already_spent(money):
    from funding.services import disbursements

    community = money.communities[0]
    request = disbursements.disbursement_request(
        actor=money.cadre, community=community, purpose="修缮", category="repair", amount_fen=10_000_00
    )
    disbursements.disbursement_approve(actor=money.street_staff, disbursement=request)
    entry = LedgerEntry.objects.get(kind=EntryKind.ALLOCATION, community=community)
    with pytest.raises(ValidationError, match="余额不足"):
        entry_reverse(actor=money.official, entry=entry, reason="错拨")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["request_approve", "pay", "reject_second", "donate", "reverse", "override"]),
        st.integers(min_value=-5, max_value=200_000_00),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=12,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_any_sequence_keeps_the_books_balanced_and_no_pot_below_zero(tree, operations):
    """Property: whatever happens (including refused operations), each account's balance is the sum of its
    entries, the sum over all accounts is zero, and no community-side account is below zero."""
    from funding.models import Disbursement, FundAccount, Status
    from funding.services import disbursements, policy, sources

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        funded(tree, threshold=100_000_00)
        for op, amount, which in operations:
            community = tree.communities[which]
            try:
                with transaction.atomic():
                    if op == "request_approve":
                        request = disbursements.disbursement_request(
                            actor=tree.cadre if which == 0 else system(tree),
                            community=community,
                            purpose="活动",
                            category="service",
                            amount_fen=amount,
                        )
                        disbursements.disbursement_approve(actor=system(tree), disbursement=request)
                    elif op == "pay":
                        request = Disbursement.objects.filter(status=Status.APPROVED).first()
                        if request:
                            disbursements.disbursement_pay(
                                actor=system(tree), disbursement=request, voucher_no=f"V{amount}"
                            )
                    elif op == "reject_second":
                        request = Disbursement.objects.filter(status=Status.SECOND).first()
                        if request:
                            disbursements.disbursement_reject(actor=system(tree), disbursement=request, reason="超标")
                    elif op == "donate":
                        sources.donation_receive(
                            actor=system(tree), community=community, donor="爱心企业", amount_fen=amount
                        )
                    elif op == "reverse":
                        entry = LedgerEntry.objects.filter(kind=EntryKind.ALLOCATION, community=community).first()
                        entry_reverse(actor=system(tree), entry=entry, reason="更正")
                    elif op == "override":
                        policy.override_set(
                            actor=system(tree), community=community, year=YEAR, amount_fen=amount, reason="核定"
                        )
            except ValidationError:
                pass
        accounts = list(FundAccount.objects.filter(district=tree.district))
        entries = list(LedgerEntry.objects.filter(district=tree.district))
        for account in accounts:
            expected = sum(e.amount_fen for e in entries if e.to_account_id == account.pk) - sum(
                e.amount_fen for e in entries if e.from_account_id == account.pk
            )
            assert balance(account) == expected
            if not account.may_go_negative:
                assert expected >= 0, account.name
        assert sum(balance(a) for a in accounts) == 0
        assert all(e.amount_fen > 0 for e in entries)
        raise Undo  # the next example starts from the same tree
