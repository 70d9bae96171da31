"""Two requests racing for the last money: two real transactions on two connections (threads), both approving
at the same moment. The account's row lock serialises them; exactly one is approved, the other is refused
with the Chinese overspend message, and the pot ends at zero, not below."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funding.models import AccountKind, Disbursement, EntryKind, LedgerEntry, Status
from funding.services import disbursements as d
from funding.services.ledger import balance, community_account
from tests.funding.conftest import funded


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_racing_approvals_gets_the_last_money(django_db_blocker):
    from tests.conftest import build_tree

    tree = build_tree("610116", "长安区")
    funded(tree, a=10_000_00)
    community = tree.communities[0]
    first = d.disbursement_request(
        actor=tree.cadre, community=community, purpose="甲", category="repair", amount_fen=8_000_00
    )
    second = d.disbursement_request(
        actor=tree.cadre, community=community, purpose="乙", category="repair", amount_fen=8_000_00
    )
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def approve(request_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            d.disbursement_approve(actor=tree.street_staff, disbursement=request_id)
            outcomes[request_id] = "approved"
        except ValidationError as error:
            outcomes[request_id] = " ".join(error.messages)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=approve, args=(r.pk,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values(), key=len)[0] == "approved"
    assert list(outcomes.values()).count("approved") == 1
    refused = next(v for v in outcomes.values() if v != "approved")
    assert "余额不足" in refused and "¥2,000.00" in refused
    assert Disbursement.objects.filter(status=Status.APPROVED).count() == 1
    assert Disbursement.objects.filter(status=Status.REQUESTED).count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.APPROVAL).count() == 1
    assert balance(community_account(community, AccountKind.SERVICE)) == 2_000_00
