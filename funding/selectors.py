"""Reads of funding that are more than a filter, shared by pages, the API, the XLSX, the PDF and other apps.

Every function takes the actor and starts from `visible_to(actor)`, so a figure never counts a row the actor
may not see. Other apps read funding only through this module:
- the homes of the street and the district (a top-floor app): `requests_waiting_panel` (the street's cockpit)
  and `execution_by_tier_panel` (the district's home), both with the month's figure (`monthly_figure`); each
  runs a constant number of queries whatever the number of communities, entries and requests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import formats, timezone

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


# Money into the community's pots minus corrections of it (reversals and adjustments the other way).
SIGNED_INCOME = Case(
    When(to_account__kind__in=SPENDABLE, then=F("amount_fen")),
    default=-F("amount_fen"),
    output_field=IntegerField(),
)
INCOME = (Q(kind__in=INCOME_KINDS) | Q(kind=EntryKind.REVERSAL, reverses__kind__in=INCOME_KINDS)) & (
    Q(to_account__kind__in=SPENDABLE) | Q(from_account__kind__in=SPENDABLE)
)


def fund_execution(*, actor: Any, year: int) -> Execution:
    """Allocated, requested, approved, paid, % executed, balance and carry-over per community, street and tier."""
    communities = list(Community.objects.visible_to(actor).select_related("street").order_by("street__code", "code"))
    ids = [c.pk for c in communities]
    rows = {c.pk: ExecutionRow(name=c.name, street_name=c.street.name, tier=c.tier, communities=1) for c in communities}
    entries = LedgerEntry.objects.visible_to(actor).filter(community__in=ids, year=year)
    income = entries.filter(INCOME).values("community").annotate(total=Sum(SIGNED_INCOME))
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
        by_category=[(str(labels.get(r["category"], r["category"])), r["total"]) for r in categories],
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
        """The month in the page's language: 2026年11月, November 2026."""
        return formats.date_format(self.month, "YEAR_MONTH_FORMAT")


def monthly_figure(*, actor: Any, month: date) -> MonthlyFigure:
    """This month's money in the actor's scope: what came in, what was approved and paid, what waits."""
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=BEIJING)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    end = datetime.combine(following, time.min, tzinfo=BEIJING)
    entries = LedgerEntry.objects.visible_to(actor).filter(posted_at__gte=start, posted_at__lt=end)
    sums = entries.aggregate(
        allocated=Sum(SIGNED_INCOME, filter=INCOME),
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


# The homes of the street and the district (portal.selectors asks for these by name).

WAITING_SHOWN = 5  # the oldest requests listed on the street's cockpit; the rest behind the link


@dataclass
class RequestsWaiting:
    """街道工作台 · 待审批的经费申请: what waits for the street's approval now, the oldest first, and the month."""

    count: int  # requests waiting for the street (status requested)
    total_fen: int
    oldest: list[Disbursement]  # the WAITING_SHOWN oldest, with their community
    second_count: int  # approved by the street, waiting for the district's second approval
    second_fen: int
    figure: MonthlyFigure
    today: date
    template: str = "funding/_panel_waiting.html"

    def waited_days(self, request: Disbursement) -> int:
        return (self.today - request.requested_at.astimezone(BEIJING).date()).days


def requests_waiting_panel(*, actor: Any, now: datetime | None = None) -> RequestsWaiting:
    """The street cockpit's panel: the fund requests of the actor's street waiting for it (count, amount, the
    oldest with links), those waiting for the district's second approval, and the month's figure. Scoped by
    the policy (a street sees its own communities' requests only); constant queries."""
    today = (now or timezone.now()).astimezone(BEIJING).date()
    waiting = Disbursement.objects.visible_to(actor).filter(status__in=[Status.REQUESTED, Status.SECOND])
    sums = waiting.aggregate(
        count=Count("pk", filter=Q(status=Status.REQUESTED)),
        total=Sum("amount_fen", filter=Q(status=Status.REQUESTED)),
        second_count=Count("pk", filter=Q(status=Status.SECOND)),
        second_total=Sum("amount_fen", filter=Q(status=Status.SECOND)),
    )
    oldest = list(
        waiting.filter(status=Status.REQUESTED)
        .select_related("community")
        .order_by("requested_at", "pk")[:WAITING_SHOWN]
    )
    return RequestsWaiting(
        count=sums["count"],
        total_fen=sums["total"] or 0,
        oldest=oldest,
        second_count=sums["second_count"],
        second_fen=sums["second_total"] or 0,
        figure=monthly_figure(actor=actor, month=today),
        today=today,
    )


@dataclass
class TierLine:
    """One tier's money this month and this year, in fen (the year's from `fund_execution`)."""

    tier: str
    label: str
    communities: int
    month_allocated: int = 0
    month_approved: int = 0
    month_paid: int = 0
    year: ExecutionRow | None = None


@dataclass
class ExecutionByTier:
    """区级首页 · 分类经费执行: per tier, this month's and this year's allocation, approvals and payments, the
    share executed and what is left; the month's figure for the whole district."""

    year: int
    month: date
    tiers: list[TierLine]
    total: TierLine
    figure: MonthlyFigure
    template: str = "funding/_panel_tiers.html"


def execution_by_tier_panel(*, actor: Any, now: datetime | None = None) -> ExecutionByTier:
    """The district home's panel: fund execution by tier this month and this year, in the actor's scope
    (`fund_execution` for the year, one grouped query for the month); constant queries."""
    today = (now or timezone.now()).astimezone(BEIJING).date()
    month = today.replace(day=1)
    start = datetime.combine(month, time.min, tzinfo=BEIJING)
    end = datetime.combine((month + timedelta(days=32)).replace(day=1), time.min, tzinfo=BEIJING)
    report = fund_execution(actor=actor, year=today.year)
    lines = {
        row.tier: TierLine(tier=row.tier, label=row.name, communities=row.communities, year=row) for row in report.tiers
    }
    rows = (
        LedgerEntry.objects.visible_to(actor)
        .filter(posted_at__gte=start, posted_at__lt=end, community__isnull=False)
        .values("community__tier")
        .annotate(
            allocated=Sum(SIGNED_INCOME, filter=INCOME),
            approved=Sum("amount_fen", filter=Q(kind=EntryKind.APPROVAL)),
            paid=Sum("amount_fen", filter=Q(kind=EntryKind.PAYMENT)),
        )
    )
    for row in rows:
        line = lines.get(row["community__tier"])
        if line is None:  # a tier with no community the actor sees today (cannot happen through visible_to)
            continue
        line.month_allocated = row["allocated"] or 0
        line.month_approved = row["approved"] or 0
        line.month_paid = row["paid"] or 0
    tiers = [lines[t] for t in Tier.values if t in lines]
    total = TierLine(tier="", label="合计", communities=report.total.communities, year=report.total)
    for line in tiers:
        total.month_allocated += line.month_allocated
        total.month_approved += line.month_approved
        total.month_paid += line.month_paid
    return ExecutionByTier(
        year=today.year,
        month=month,
        tiers=tiers,
        total=total,
        figure=monthly_figure(actor=actor, month=today),
    )
