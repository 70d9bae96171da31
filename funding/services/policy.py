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

from compounds.models import Community, District, Tier
from funding.models import AccountKind, EntryKind, FundOverride, FundPolicy, LedgerEntry, TierProration
from funding.money import check_fen, fen_text, prorate_fen
from funding.services.common import acting, actor_user, reach
from funding.services.ledger import accounts_open, community_account, district_account, entry_post

PRORATION_RULE = (
    "年中调整分类按月折算：调整当月起按新分类标准计算，此前月份按原分类标准计算。"
    "差额 = （新分类年度经费 − 原分类年度经费）× 剩余月数 ÷ 12，四舍五入到分；"
    "增加的由区级经费专户拨付，减少的从社区服务经费收回（余额不足时不能调减）。"
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
        raise ValidationError("不能为其他区设置经费标准。")
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
    override = override_for(community, policy.year)
    return override.amount_fen if override is not None else policy.amount_for(community.tier)


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
        raise ValidationError(f"{year}年尚未设置经费标准，请先设置各类社区的年度经费。")
    accounts_open(district=district_id)
    budget = district_account(district_id, AccountKind.BUDGET)
    done = 0
    for community in Community.objects.filter(district_id=district_id).order_by("code"):
        if is_allocated(community, year):
            continue
        amount = annual_amount(community, policy)
        if amount <= 0:
            continue
        override = override_for(community, year)
        why = f"单独核定：{override.reason}" if override else f"{community.get_tier_display()[:2]}标准"
        entry_post(
            actor=actor,
            kind=EntryKind.ALLOCATION,
            from_account=budget,
            to_account=community_account(community, AccountKind.SERVICE),
            amount_fen=amount,
            memo=f"{year}年社区服务经费（{why}）",
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
        raise ValidationError({"reason": "请填写单独核定的理由。"})
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
    month (PRORATION_RULE) and the difference posted. Needs the year's allocation made (before it, the new
    tier simply counts for the whole year: change the tier on the community's page)."""
    community = reach(actor, Community, community, action="view", lock=True)
    acting(actor, "funding.override", community)
    if tier not in Tier.values:
        raise ValidationError({"tier": "社区分类应为 A、B、C、D 之一。"})
    if not isinstance(from_month, int) or not 1 <= from_month <= 12:
        raise ValidationError({"from_month": "起始月份应为 1 至 12。"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写调整理由。"})
    if tier == community.tier:
        raise ValidationError({"tier": f"该社区已是{community.get_tier_display()}。"})
    policy = policy_for(community.district_id, year)
    if policy is None or not is_allocated(community, year):
        raise ValidationError(f"{community.name}{year}年经费尚未下达：下达前调整分类，按新分类全年计算，无须折算。")
    if override_for(community, year) is not None:
        raise ValidationError("该社区本年度经费为单独核定，分类调整不改变核定金额；如需调整请重新单独核定。")
    old_annual, new_annual = policy.amount_for(community.tier), policy.amount_for(tier)
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
    _settle(
        actor=actor,
        community=community,
        year=year,
        delta=delta,
        memo=f"{year}年{from_month}月起由{community.tier}类调整为{tier}类，按 {months} 个月折算",
        now=now,
    )
    from compounds.services import community_set_tier

    community_set_tier(actor=actor, community=community, tier=tier, reason=reason, effective_year=year)
    return proration


def overrides_history(community: Community) -> Any:
    return FundOverride.objects.filter(community=community).order_by("-year", "-recorded_at", "-pk")


def communities_of(district_id: int) -> Any:
    return Community.objects.filter(Q(district_id=district_id)).select_related("street").order_by("code")
