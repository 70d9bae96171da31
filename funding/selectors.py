"""Reads of funding that are more than a filter, shared by pages, the API, the XLSX, the PDF and other apps.

Every function takes the actor and starts from `visible_to(actor)`, so a figure never counts a row the actor
may not see. Other apps read funding only through this module:
- the homes of the street and the district (a top-floor app): `monthly_figure`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When

from compounds.models import Community, Tier
from compounds.workcalendar import BEIJING
from funding.models import (
    AccountKind,
    BonusQuarter,
    CarryOver,
    Disbursement,
    EntryKind,
    FundAccount,
    LedgerEntry,
    Status,
)

APPROVED_STATES = (Status.SECOND, Status.APPROVED, Status.PAID)


def balances(actor: Any, accounts: list[FundAccount] | None = None) -> dict[int, int]:
    """{account id: balance in fen} for the accounts the actor sees (one query)."""
    visible = FundAccount.objects.visible_to(actor)
    if accounts is not None:
        visible = visible.filter(pk__in=[a.pk for a in accounts])
    ids = list(visible.values_list("pk", flat=True))
    totals = dict.fromkeys(ids, 0)
    rows = (
        LedgerEntry.objects.filter(Q(to_account__in=ids) | Q(from_account__in=ids))
        .values("to_account", "from_account")
        .annotate(total=Sum("amount_fen"))
    )
    for row in rows:
        if row["to_account"] in totals:
            totals[row["to_account"]] += row["total"]
        if row["from_account"] in totals:
            totals[row["from_account"]] -= row["total"]
    return totals


@dataclass
class ExecutionRow:
    """Fund execution of a community (or a sum of communities), in fen."""

    name: str
    street_name: str = ""
    tier: str = ""
    communities: int = 0
    allocated: int = 0  # tier allocation, overrides, pro rata adjustments, special funds and donations of the year
    requested: int = 0  # every request of the year but the rejected ones
    approved: int = 0
    paid: int = 0
    balance: int = 0  # what is left to spend today (service, project and foundation accounts)
    carried_in: int = 0  # carried over from the year before

    @property
    def executed(self) -> float | None:
        """% executed: paid ÷ (allocated + carried in); None when nothing was available."""
        available = self.allocated + self.carried_in
        return None if available <= 0 else self.paid / available

    def add(self, other: ExecutionRow) -> None:
        self.communities += other.communities
        for name in ("allocated", "requested", "approved", "paid", "balance", "carried_in"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Execution:
    year: int
    communities: list[ExecutionRow]
    streets: list[ExecutionRow]
    tiers: list[ExecutionRow]
    total: ExecutionRow
    by_category: list[tuple[str, int]] = field(default_factory=list)


INCOME_KINDS = (EntryKind.ALLOCATION, EntryKind.ADJUSTMENT, EntryKind.SPECIAL, EntryKind.DONATION)
SPENDABLE = (AccountKind.SERVICE, AccountKind.PROJECT, AccountKind.FOUNDATION)


def fund_execution(*, actor: Any, year: int) -> Execution:
    """Allocated, requested, approved, paid, % executed, balance and carry-over per community, street and tier."""
    communities = list(Community.objects.visible_to(actor).select_related("street").order_by("street__code", "code"))
    ids = [c.pk for c in communities]
    rows = {c.pk: ExecutionRow(name=c.name, street_name=c.street.name, tier=c.tier, communities=1) for c in communities}
    entries = LedgerEntry.objects.visible_to(actor).filter(community__in=ids, year=year)
    # money into the community's pots minus corrections of it (reversals and adjustments the other way)
    signed = Case(
        When(to_account__kind__in=SPENDABLE, then=F("amount_fen")),
        default=-F("amount_fen"),
        output_field=IntegerField(),
    )
    income = (
        entries.filter(Q(kind__in=INCOME_KINDS) | Q(kind=EntryKind.REVERSAL, reverses__kind__in=INCOME_KINDS))
        .filter(Q(to_account__kind__in=SPENDABLE) | Q(from_account__kind__in=SPENDABLE))
        .values("community")
        .annotate(total=Sum(signed))
    )
    for row in income:
        rows[row["community"]].allocated += row["total"]
    requests = (
        Disbursement.objects.visible_to(actor)
        .filter(community__in=ids, year=year)
        .exclude(status=Status.REJECTED)
        .values("community", "status")
        .annotate(total=Sum("amount_fen"))
    )
    for row in requests:
        target = rows[row["community"]]
        target.requested += row["total"]
        if row["status"] in APPROVED_STATES:
            target.approved += row["total"]
        if row["status"] == Status.PAID:
            target.paid += row["total"]
    accounts = list(FundAccount.objects.visible_to(actor).filter(community__in=ids, kind__in=SPENDABLE))
    totals = balances(actor, accounts)
    for account in accounts:
        rows[account.community_id].balance += totals.get(account.pk, 0)
    for line in CarryOver.objects.visible_to(actor).filter(community__in=ids, year=year - 1):
        rows[line.community_id].carried_in += line.carried_fen
    streets: dict[str, ExecutionRow] = {}
    tiers: dict[str, ExecutionRow] = {t: ExecutionRow(name=Tier(t).label, tier=t) for t in Tier.values}
    total = ExecutionRow(name="合计")
    for community in communities:
        row = rows[community.pk]
        streets.setdefault(community.street.name, ExecutionRow(name=community.street.name)).add(row)
        tiers[community.tier].add(row)
        total.add(row)
    categories = (
        Disbursement.objects.visible_to(actor)
        .filter(community__in=ids, year=year, status=Status.PAID)
        .values("category")
        .annotate(total=Sum("amount_fen"))
        .order_by("-total")
    )
    labels = dict(Disbursement._meta.get_field("category").choices)
    return Execution(
        year=year,
        communities=[rows[c.pk] for c in communities],
        streets=list(streets.values()),
        tiers=[t for t in tiers.values() if t.communities],
        total=total,
        by_category=[(labels.get(r["category"], r["category"]), r["total"]) for r in categories],
    )


@dataclass(frozen=True)
class MonthlyFigure:
    """The month's money for a home page (street or district), in fen."""

    month: date
    allocated: int  # money into community pots this month
    paid: int  # paid out this month
    approved: int  # approved (reserved) this month
    pending_requests: int  # requests waiting for the street or the second approval (now)
    pending_fen: int
    balance: int  # left to spend in the communities the actor sees (now)

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


def monthly_figure(*, actor: Any, month: date) -> MonthlyFigure:
    """This month's money in the actor's scope: what came in, what was approved and paid, what waits."""
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=BEIJING)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    end = datetime.combine(following, time.min, tzinfo=BEIJING)
    entries = LedgerEntry.objects.visible_to(actor).filter(posted_at__gte=start, posted_at__lt=end)
    sums = entries.aggregate(
        allocated=Sum("amount_fen", filter=Q(kind__in=INCOME_KINDS)),
        paid=Sum("amount_fen", filter=Q(kind=EntryKind.PAYMENT)),
        approved=Sum("amount_fen", filter=Q(kind=EntryKind.APPROVAL)),
    )
    pending = (
        Disbursement.objects.visible_to(actor)
        .filter(status__in=[Status.REQUESTED, Status.SECOND])
        .aggregate(count=Sum(Value(1)), total=Sum("amount_fen"))
    )
    accounts = list(FundAccount.objects.visible_to(actor).filter(kind__in=SPENDABLE))
    left = sum(balances(actor, accounts).values())
    return MonthlyFigure(
        month=month.replace(day=1),
        allocated=sums["allocated"] or 0,
        paid=sums["paid"] or 0,
        approved=sums["approved"] or 0,
        pending_requests=pending["count"] or 0,
        pending_fen=pending["total"] or 0,
        balance=left,
    )


@dataclass
class BonusSummary:
    people: int
    total_yuan: int
    highest: int
    lowest: int
    average: int  # whole yuan, rounded half up
    bins: list[tuple[str, int]]


def bonus_summary(*, actor: Any, bonus_quarter: BonusQuarter, width: int = 500) -> BonusSummary:
    """Highest, average and the distribution (bins of `width` yuan) of a quarter's awards the actor sees."""
    amounts = list(bonus_quarter.awards.visible_to(actor).values_list("amount_yuan", flat=True))
    if not amounts:
        return BonusSummary(0, 0, 0, 0, 0, [])
    counts: dict[int, int] = defaultdict(int)
    for amount in amounts:
        counts[amount // width] += 1
    low, high = min(counts), max(counts)
    bins = [(f"{b * width:,}–{(b + 1) * width - 1:,}", counts.get(b, 0)) for b in range(low, high + 1)]
    total = sum(amounts)
    return BonusSummary(
        people=len(amounts),
        total_yuan=total,
        highest=max(amounts),
        lowest=min(amounts),
        average=(2 * total + len(amounts)) // (2 * len(amounts)),
        bins=bins,
    )
