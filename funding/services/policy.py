"""The fund policy: the annual amount per tier, applied to every community in one action; a community's own
amount with a reason (override); a tier change during the year, settled pro rata by month.

The year's entitlement of a community is what has flowed from the budget account into its service account for
that year (allocation, adjustments, reversals): an override or a tier change posts the difference, so the
ledger always says how the figure came about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from compounds.models import Community, District, Tier
from funding.models import AccountKind, EntryKind, FundOverride, FundPolicy, LedgerEntry, TierProration
from funding.money import check_fen, fen_text, prorate_fen
from funding.services.common import acting, actor_user, reach
from funding.services.ledger import accounts_open, community_account, district_account, entry_post

PRORATION_RULE = (
    "年中调整分类按月折算：调整当月起按新分类标准计算，此前月份按调整前执行的年度金额计算"
    "（原分类标准；单独核定过的社区为核定金额）。"
    "差额 = （新分类年度经费 − 调整前年度金额）× 剩余月数 ÷ 12，四舍五入到分；"
    "增加的由区级经费专户拨付，减少的从社区服务经费收回（余额不足时不能调减）。"
    "经费已下达的，差额当即记账；尚未下达的，先登记调整，下达时按调整前金额下达并同时记入差额。"
    "调整后单独核定的，以新核定金额为准。"
)

POLICY_FIELDS = ("tier_a_fen", "tier_b_fen", "tier_c_fen", "tier_d_fen", "second_approval_fen", "carry_cap_fen")


def policy_for(district_id: int, year: int) -> FundPolicy | None:
    return FundPolicy.objects.filter(district_id=district_id, year=year).first()


@transaction.atomic
def policy_set(
    *, actor: Any, district: District | int, year: int, carry_rule: str = "carry", **amounts: Any
) -> FundPolicy:
    """Set (or change) a year's policy. Amounts in fen. Changing the tier amounts after the year's funds were
    applied changes nothing already posted: apply posts only to communities not yet allocated."""
    acting(actor, "funding.set_policy")
    district_id = getattr(district, "pk", district)
    if getattr(actor, "district_id", None) not in (None, district_id) and not getattr(
        actor, "is_platform_admin", False
    ):
        raise ValidationError(gettext("不能为其他区设置经费标准。"))
    unknown = set(amounts) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown policy fields {sorted(unknown)}")
    policy = FundPolicy.objects.select_for_update().filter(district_id=district_id, year=year).first() or FundPolicy(
        district_id=district_id, year=year, tier_a_fen=0, tier_b_fen=0, tier_c_fen=0, tier_d_fen=0
    )
    for name, value in amounts.items():
        setattr(policy, name, check_fen(value, field=name, allow_zero=True))
    policy.carry_rule = carry_rule
    policy.full_clean()
    policy.save()
    return policy


def entitlement_fen(community: Community, year: int) -> int:
    """Net money from the budget into the community's service account for `year`."""
    budget = district_account(community.district_id, AccountKind.BUDGET)
    service = community_account(community, AccountKind.SERVICE)
    kinds = [EntryKind.ALLOCATION, EntryKind.ADJUSTMENT, EntryKind.REVERSAL]
    entries = LedgerEntry.objects.filter(year=year, kind__in=kinds)
    given = entries.filter(from_account=budget, to_account=service).aggregate(s=Sum("amount_fen"))["s"] or 0
    taken = entries.filter(from_account=service, to_account=budget).aggregate(s=Sum("amount_fen"))["s"] or 0
    return given - taken


def override_for(community: Community, year: int) -> FundOverride | None:
    return FundOverride.objects.filter(community=community, year=year).order_by("-recorded_at", "-pk").first()


def annual_amount(community: Community, policy: FundPolicy) -> int:
    """The year's amount in force today (its tier's, its own, or the last tier change's new rate)."""
    return rate_in_force(community, policy)


def events_of(community: Community, year: int) -> list[FundOverride | TierProration]:
    """The year's overrides and tier changes of the community, in the order they were recorded."""
    rows: list[FundOverride | TierProration] = [
        *FundOverride.objects.filter(community=community, year=year),
        *TierProration.objects.filter(community=community, year=year),
    ]
    return sorted(rows, key=lambda r: (r.recorded_at, isinstance(r, TierProration), r.pk))


def rate_in_force(community: Community, policy: FundPolicy) -> int:
    """The annual amount a tier change starts from: the newest of the year's override (its amount) and tier
    change (its new tier's amount); without either, the community's tier's amount."""
    events = events_of(community, policy.year)
    if not events:
        return policy.amount_for(community.tier)
    last = events[-1]
    return last.amount_fen if isinstance(last, FundOverride) else last.new_annual_fen


def allocation_plan(community: Community, policy: FundPolicy) -> list[tuple[str, int, str]]:
    """How the year's fund is posted when it is allocated: [(kind, signed fen, memo)] — the allocation at the
    amount in force on 1 January (its tier's, or its own when the first event is an override), then each tier
    change recorded before the allocation as an adjustment of its pro-rata difference, and an override recorded
    after a tier change as the adjustment to its amount."""
    year, tier_label = policy.year, f"{community.tier}类"
    events = events_of(community, year)
    if not events:
        return [(EntryKind.ALLOCATION, policy.amount_for(community.tier), f"{year}年社区服务经费（{tier_label}标准）")]
    first = events[0]
    if isinstance(first, FundOverride):
        plan = [(EntryKind.ALLOCATION, first.amount_fen, f"{year}年社区服务经费（单独核定：{first.reason}）")]
        rest = events[1:]
    else:
        plan = [(EntryKind.ALLOCATION, first.old_annual_fen, f"{year}年社区服务经费（{first.old_tier}类标准）")]
        rest = events
    total = plan[0][1]
    for event in rest:
        if isinstance(event, TierProration):
            delta, memo = event.delta_fen, proration_memo(event)
        else:
            delta = event.amount_fen - total
            memo = f"{year}年单独核定为 {fen_text(event.amount_fen)}（{event.reason}）"
        total += delta
        if delta:
            plan.append((EntryKind.ADJUSTMENT, delta, memo))
    return plan


def proration_memo(row: TierProration) -> str:
    return (
        f"{row.year}年{row.from_month}月起由{row.old_tier}类调整为{row.new_tier}类，按 {13 - row.from_month} 个月折算"
    )


def is_allocated(community: Community, year: int) -> bool:
    return LedgerEntry.objects.filter(
        kind=EntryKind.ALLOCATION, year=year, to_account__community=community, to_account__kind=AccountKind.SERVICE
    ).exists()


@transaction.atomic
def policy_apply(*, actor: Any, district: District | int, year: int, now: datetime | None = None) -> int:
    """下达: allocate the year's fund to every community of the district not yet allocated (its override, or
    its tier's amount). Safe to run twice. Returns the communities allocated now."""
    acting(actor, "funding.set_policy")
    district_id = getattr(district, "pk", district)
    policy = FundPolicy.objects.select_for_update().filter(district_id=district_id, year=year).first()
    if policy is None:
        raise ValidationError(gettext("%(year)s年尚未设置经费标准，请先设置各类社区的年度经费。") % {"year": year})
    accounts_open(district=district_id)
    budget = district_account(district_id, AccountKind.BUDGET)
    done = 0
    for community in Community.objects.filter(district_id=district_id).order_by("code"):
        if is_allocated(community, year):
            continue
        plan = allocation_plan(community, policy)
        if plan[0][1] <= 0:  # nothing on 1 January (an own amount of zero): the year's net as one allocation
            net = sum(amount for _, amount, _ in plan)
            if net <= 0:
                continue
            plan = [(EntryKind.ALLOCATION, net, "；".join(memo for _, _, memo in plan))]
        service = community_account(community, AccountKind.SERVICE)
        for kind, amount, memo in plan:
            if amount == 0:
                continue
            source, target = (budget, service) if amount > 0 else (service, budget)
            entry_post(
                actor=actor,
                kind=kind,
                from_account=source,
                to_account=target,
                amount_fen=abs(amount),
                memo=memo,
                year=year,
                now=now,
            )
        done += 1
    policy.applied_at = policy.applied_at or now or timezone.now()
    policy.save(update_fields=["applied_at", "updated_at"])
    return done


def _settle(*, actor: Any, community: Community, year: int, delta: int, memo: str, now: datetime | None = None) -> None:
    if delta == 0:
        return
    budget = district_account(community.district_id, AccountKind.BUDGET)
    service = community_account(community, AccountKind.SERVICE)
    source, target = (budget, service) if delta > 0 else (service, budget)
    entry_post(
        actor=actor,
        kind=EntryKind.ADJUSTMENT,
        from_account=source,
        to_account=target,
        amount_fen=abs(delta),
        memo=memo,
        year=year,
        now=now,
    )


@transaction.atomic
def override_set(
    *, actor: Any, community: Community | int, year: int, amount_fen: Any, reason: str, now: datetime | None = None
) -> FundOverride:
    """单独核定: the community's amount for the year, with the reason (kept; the newest counts). When the year is
    already allocated, the difference is posted at once (a reduction only as far as the balance allows)."""
    community = reach(actor, Community, community, action="view", lock=True)
    acting(actor, "funding.override", community)
    amount = check_fen(amount_fen, allow_zero=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("请填写单独核定的理由。")})
    override = FundOverride(
        district_id=community.district_id,
        community=community,
        year=year,
        amount_fen=amount,
        reason=reason,
        recorded_by=actor_user(actor),
    )
    override.full_clean()
    override.save()
    if is_allocated(community, year):
        delta = amount - entitlement_fen(community, year)
        _settle(
            actor=actor,
            community=community,
            year=year,
            delta=delta,
            memo=f"{year}年单独核定为 {fen_text(amount)}（{reason}）",
            now=now,
        )
    return override


@transaction.atomic
def tier_change(
    *,
    actor: Any,
    community: Community | int,
    tier: str,
    year: int,
    from_month: int,
    reason: str,
    now: datetime | None = None,
) -> TierProration:
    """年中调整分类: the community takes `tier` from `from_month` of `year`; the year's fund is settled pro rata by
    month (PRORATION_RULE) from the amount in force (its tier's, or its own after an override) to the new
    tier's. Allocated already: the difference is posted now. Not yet: the change is recorded and the
    allocation posts it (allocation_plan). Needs the year's policy (its tier amounts)."""
    community = reach(actor, Community, community, action="view", lock=True)
    acting(actor, "funding.override", community)
    if tier not in Tier.values:
        raise ValidationError({"tier": gettext("社区分类应为 A、B、C、D 之一。")})
    if not isinstance(from_month, int) or not 1 <= from_month <= 12:
        raise ValidationError({"from_month": gettext("起始月份应为 1 至 12。")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("请填写调整理由。")})
    if tier == community.tier:
        raise ValidationError({"tier": gettext("该社区已是%(tier)s。") % {"tier": community.get_tier_display()}})
    policy = policy_for(community.district_id, year)
    if policy is None:
        raise ValidationError(
            gettext("%(year)s年尚未设置经费标准：请先设置各类社区的年度经费，再调整分类。") % {"year": year}
        )
    old_annual, new_annual = rate_in_force(community, policy), policy.amount_for(tier)
    months = 13 - from_month
    delta = (
        prorate_fen(new_annual - old_annual, months)
        if new_annual >= old_annual
        else -prorate_fen(old_annual - new_annual, months)
    )
    proration = TierProration(
        district_id=community.district_id,
        community=community,
        year=year,
        from_month=from_month,
        old_tier=community.tier,
        new_tier=tier,
        old_annual_fen=old_annual,
        new_annual_fen=new_annual,
        delta_fen=delta,
        reason=reason,
    )
    proration.full_clean()
    proration.save()
    if is_allocated(community, year):  # otherwise the allocation posts it (allocation_plan)
        _settle(actor=actor, community=community, year=year, delta=delta, memo=proration_memo(proration), now=now)
    from compounds.services import community_set_tier

    community_set_tier(actor=actor, community=community, tier=tier, reason=reason, effective_year=year)
    return proration


def overrides_history(community: Community) -> Any:
    return FundOverride.objects.filter(community=community).order_by("-year", "-recorded_at", "-pk")


def communities_of(district_id: int) -> Any:
    return Community.objects.filter(Q(district_id=district_id)).select_related("street").order_by("code")
