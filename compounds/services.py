"""Writes on the organisation tree that carry a rule."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.policy import CHANGE, access
from compounds.models import Community, Tier, TierChange


@transaction.atomic
def community_set_tier(
    *, actor: User | None, community: Community, tier: str, reason: str, effective_year: int
) -> TierChange:
    """Give a community a tier from `effective_year` on. The old tier stays in the history.

    `actor=None` is for trusted callers (import, demo data) that have already checked scope.
    """
    if actor is not None:
        community = access(actor, Community.objects.select_for_update(), CHANGE, pk=community.pk)
    if tier not in Tier.values:
        raise ValidationError({"tier": f"社区分类应为 A、B、C、D 之一，收到的是“{tier}”。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写分类依据。"})
    change = TierChange(
        district_id=community.district_id,
        community=community,
        tier=tier,
        reason=reason.strip(),
        effective_year=effective_year,
        recorded_by=actor,
    )
    change.full_clean()
    change.save()
    latest = community.tier_history.order_by("-effective_year", "-recorded_at", "-pk").first()
    if latest.pk == change.pk:
        community.tier, community.tier_reason, community.tier_since = tier, change.reason, effective_year
        community.save(update_fields=["tier", "tier_reason", "tier_since"])
    return change
