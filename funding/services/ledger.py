"""The ledger: accounts and the one function that posts an entry.

`entry_post` locks the paying account's row (`SELECT … FOR UPDATE`), derives its balance from the entries and
refuses to take a community-side account below zero. Two transactions paying from the same account queue on
that lock, and the second reads the balance after the first has committed (READ COMMITTED: the balance query
is a new statement after the lock is granted), so the last money can be spent once. Only the paying account
is locked, so two postings never wait on each other in opposite orders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from compounds.models import Community, District
from funding.models import AccountKind, EntryKind, FundAccount, LedgerEntry
from funding.money import check_fen, fen_text
from funding.services.common import acting, actor_name, actor_user, reach

DISTRICT_ACCOUNTS = {
    AccountKind.BUDGET: "区级经费专户",
    AccountKind.DONORS: "社会捐赠来源",
    AccountKind.PAID: "已支付（支出）",
}
COMMUNITY_ACCOUNTS = {
    AccountKind.SERVICE: "社区服务经费",
    AccountKind.FOUNDATION: "社区基金会",
    AccountKind.COMMITTED: "已批准待支付",
}
# What a correction may reverse: money put into an account by mistake. A disbursement's own entries are
# undone by its own steps (a rejection releases the reservation).
REVERSIBLE = (EntryKind.ALLOCATION, EntryKind.ADJUSTMENT, EntryKind.SPECIAL, EntryKind.DONATION, EntryKind.RETURN)


def district_account(district_id: int, kind: str) -> FundAccount:
    account, _ = FundAccount.objects.get_or_create(
        district_id=district_id, kind=kind, community=None, defaults={"name": DISTRICT_ACCOUNTS[kind]}
    )
    return account


def community_account(community: Community, kind: str) -> FundAccount:
    account, _ = FundAccount.objects.get_or_create(
        district_id=community.district_id,
        kind=kind,
        community=community,
        defaults={"name": f"{community.name}{COMMUNITY_ACCOUNTS[kind]}", "street_id": community.street_id},
    )
    return account


def accounts_open(*, district: District | int) -> int:
    """Open the district's accounts and every community's (safe to run twice). Returns the accounts opened."""
    district_id = getattr(district, "pk", district)
    before = FundAccount.objects.filter(district_id=district_id).count()
    for kind in DISTRICT_ACCOUNTS:
        district_account(district_id, kind)
    for community in Community.objects.filter(district_id=district_id):
        for kind in COMMUNITY_ACCOUNTS:
            community_account(community, kind)
    return FundAccount.objects.filter(district_id=district_id).count() - before


def balance(account: FundAccount | int) -> int:
    """Money in − money out, in fen, from the entries (one query)."""
    account_id = getattr(account, "pk", account)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(CASE WHEN to_account_id = %s THEN amount_fen ELSE -amount_fen END), 0)"
            " FROM funding_ledgerentry WHERE to_account_id = %s OR from_account_id = %s",
            [account_id, account_id, account_id],
        )
        return int(cursor.fetchone()[0])


def entry_post(
    *,
    actor: Any,
    kind: str,
    from_account: FundAccount,
    to_account: FundAccount,
    amount_fen: Any,
    memo: str,
    year: int | None = None,
    now: datetime | None = None,
    **links: Any,
) -> LedgerEntry:
    """Post one entry (the caller has checked the rule). Refused with a Chinese message, nothing saved: an
    amount that is not a positive whole number of fen, the same account on both sides, two districts, or a
    community-side account that would go below zero."""
    amount = check_fen(amount_fen)
    if from_account.pk == to_account.pk:
        raise ValidationError(gettext("付出账户和收入账户不能相同。"))
    if from_account.district_id != to_account.district_id:
        raise ValidationError(gettext("不能在两个区的账户之间记账。"))
    now = now or timezone.now()
    with transaction.atomic():
        locked = FundAccount.objects.select_for_update().get(pk=from_account.pk)
        if not locked.may_go_negative:
            available = balance(locked)
            if available < amount:
                raise ValidationError(
                    {
                        "amount_fen": f"余额不足：{locked.name}可用余额 {fen_text(available)}，"
                        f"本次需要 {fen_text(amount)}。"
                    }
                )
        community = links.pop("community", None) or to_account.community or from_account.community
        entry = LedgerEntry(
            district_id=from_account.district_id,
            posted_at=now,
            year=year or timezone.localdate(now).year,
            kind=kind,
            from_account=from_account,
            to_account=to_account,
            amount_fen=amount,
            memo=(memo or "")[:200],
            community=community,
            street_id=getattr(community, "street_id", None),
            posted_by=actor_user(actor),
            posted_by_name=actor_name(actor),
            **links,
        )
        # The district and the street are the accounts' and the community's own (by id): not asked for again.
        # The rows in hand are not either (DistrictOwned.clean_fields).
        entry.full_clean(exclude=["district", "street", *(["reverses"] if links.get("reverses") is not None else [])])
        entry.save(force_insert=True)
    return entry


@transaction.atomic
def entry_reverse(*, actor: Any, entry: LedgerEntry | int, reason: str, now: datetime | None = None) -> LedgerEntry:
    """更正: a new entry moving the same amount back (never an edit). Once per entry; refused if the money
    has been spent since (the receiving account would go below zero)."""
    entry = reach(actor, LedgerEntry, entry, action="view")
    acting(actor, "funding.correct", entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("请填写更正理由。")})
    if entry.kind not in REVERSIBLE:
        raise ValidationError(gettext("支出申请的分录不能直接冲正：请在申请上驳回或撤回。"))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(gettext("该分录已冲正过，不能重复冲正。"))
    return entry_post(
        actor=actor,
        kind=EntryKind.REVERSAL,
        from_account=entry.to_account,
        to_account=entry.from_account,
        amount_fen=entry.amount_fen,
        memo=f"冲正：{entry.memo}（{reason}）",
        year=entry.year,
        now=now,
        reverses=entry,
        community=entry.community,
        disbursement=entry.disbursement,
        donation=entry.donation,
    )
