"""Writes on the organisation tree that carry a rule."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.actors import require_actor
from accounts.models import User
from accounts.policy import CHANGE, access
from compounds.models import Community, Compound, ManagementMode, Tier, TierChange
from compounds.models.tree import FIRM_MODES


@transaction.atomic
def community_set_tier(*, actor: Any, community: Community, tier: str, reason: str, effective_year: int) -> TierChange:
    """Give a community a tier from `effective_year` on. The old tier stays in the history.

    `actor`: a person who may change the community, or a SystemActor (an import, the demo); None raises.
    """
    require_actor(actor)
    community = access(actor, Community.objects.select_for_update(), CHANGE, pk=community.pk)
    if tier not in Tier.values:
        message = gettext("社区分类应为 A、B、C、D 之一，收到的是“%(tier)s”。")
        raise ValidationError({"tier": ValidationError(message, params={"tier": tier})})
    if not (reason or "").strip():
        raise ValidationError({"reason": gettext("请填写分类依据。")})
    change = TierChange(
        district_id=community.district_id,
        community=community,
        tier=tier,
        reason=reason.strip(),
        effective_year=effective_year,
        recorded_by=actor if isinstance(actor, User) else None,
    )
    change.full_clean()
    change.save()
    _community_apply_tier(community=community, year=timezone.localdate().year)
    return change


def _community_apply_tier(*, community: Community, year: int) -> bool:
    """Make the community's tier the newest change in effect in `year` (a change for a later year waits
    in the history). Returns whether the tier changed."""
    in_effect = community.tier_history.filter(effective_year__lte=year)
    current = in_effect.order_by("-effective_year", "-recorded_at", "-pk").first()
    if current is None:
        return False
    if (community.tier, community.tier_reason, community.tier_since) == (
        current.tier,
        current.reason,
        current.effective_year,
    ):
        return False
    community.tier, community.tier_reason, community.tier_since = current.tier, current.reason, current.effective_year
    community.save(update_fields=["tier", "tier_reason", "tier_since"])
    return True


@transaction.atomic
def communities_apply_due_tiers(*, actor: Any, year: int | None = None) -> int:
    """On New Year's Day (celery beat): tiers recorded in advance for this year take effect. Safe to run
    twice. Returns how many communities changed tier.

    `actor`: the beat task's SystemActor (every district when it names none, else its own district only), or a
    person, who reaches the communities they may change; None raises MissingActor."""
    require_actor(actor)
    year = year or timezone.localdate().year
    due_ids = TierChange.objects.visible_to(actor).filter(effective_year=year).values("community_id")
    due = Community.objects.visible_to(actor, CHANGE).filter(pk__in=due_ids).select_for_update()
    return sum(_community_apply_tier(community=community, year=year) for community in due)


@transaction.atomic
def compound_set_stationed_cadre(*, actor: Any, compound: Compound | int, cadre: User | None) -> Compound:
    """Station a community cadre in a compound (驻点“两委”干部), or nobody; routing sends orders of the
    STATIONED_CADRE level to them. The staffing app keeps the terms, office hours and history and calls this
    to keep the compound's one routing field in step. The cadre must be a cadre of the compound's community
    (Compound.clean); the actor must be able to change the compound."""
    require_actor(actor)
    compound = access(
        actor, Compound.objects.select_for_update(of=("self",)), CHANGE, pk=getattr(compound, "pk", compound)
    )
    if compound.stationed_cadre_id == (cadre.pk if cadre else None):
        return compound
    compound.stationed_cadre = cadre
    compound.full_clean()
    compound.save(update_fields=["stationed_cadre"])
    return compound


@transaction.atomic
def compound_set_property_firm(*, actor: Any, compound: Compound | int, firm: Any) -> Compound:
    """The compound's current property firm (or none): called by the service-contract services of ratings
    (a contract that starts or ends), never by a form or the API — the firm changes only through a contract.
    A firm brings a firm management mode (commercial, unless it was state fallback already). The actor is the
    one the contract service runs as; the change is in the compound's history (pghistory)."""
    require_actor(actor)
    compound = Compound.objects.select_for_update(of=("self",)).get(pk=getattr(compound, "pk", compound))
    firm_id = getattr(firm, "pk", firm)
    if compound.property_firm_id == firm_id:
        return compound
    compound.property_firm_id = firm_id
    fields = ["property_firm"]
    if firm_id is not None and compound.management_mode not in FIRM_MODES:
        compound.management_mode = ManagementMode.COMMERCIAL
        fields.append("management_mode")
    compound.full_clean()
    compound.save(update_fields=fields)
    return compound
