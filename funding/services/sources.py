"""The sources besides the tier allocation: district special funds for a named project of a community (its own
account, so what the project spent is the requests drawn from that account), and donations to a community's
foundation (the foundation account; each entry names its donation)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compounds.models import Community
from funding.models import AccountKind, Donation, EntryKind, FundAccount, SpecialProject
from funding.money import check_fen
from funding.services.common import acting, actor_user, reach
from funding.services.ledger import community_account, district_account, entry_post


@transaction.atomic
def special_project_create(
    *,
    actor: Any,
    community: Community | int,
    name: str,
    purpose: str,
    amount_fen: Any,
    year: int,
    now: datetime | None = None,
) -> SpecialProject:
    """专项经费: open the project's account and pay the amount into it from the district budget."""
    community = reach(actor, Community, community, action="view")
    acting(actor, "funding.special", community)
    amount = check_fen(amount_fen)
    project = SpecialProject(
        district_id=community.district_id,
        community=community,
        street_id=community.street_id,
        name=(name or "").strip(),
        purpose=(purpose or "").strip(),
        year=year,
        amount_fen=amount,
        created_by=actor_user(actor),
    )
    project.full_clean()
    project.save()
    account = FundAccount(
        district_id=community.district_id,
        kind=AccountKind.PROJECT,
        name=f"{community.name}专项：{project.name}"[:100],
        community=community,
        street_id=community.street_id,
        project=project,
    )
    account.full_clean()
    account.save()
    entry_post(
        actor=actor,
        kind=EntryKind.SPECIAL,
        from_account=district_account(community.district_id, AccountKind.BUDGET),
        to_account=account,
        amount_fen=amount,
        memo=f"专项经费：{project.name}",
        year=year,
        now=now,
    )
    return project


@transaction.atomic
def donation_receive(
    *,
    actor: Any,
    community: Community | int,
    donor: str,
    amount_fen: Any,
    received_on: date | None = None,
    purpose: str = "",
    now: datetime | None = None,
) -> Donation:
    """社会捐赠: received into the community foundation's account."""
    community = reach(actor, Community, community, action="view")
    acting(actor, "funding.donation", community)
    amount = check_fen(amount_fen)
    donor = (donor or "").strip()
    if not donor:
        raise ValidationError({"donor": gettext("请填写捐赠方。")})
    received_on = received_on or timezone.localdate(now)
    donation = Donation(
        district_id=community.district_id,
        community=community,
        street_id=community.street_id,
        donor=donor,
        purpose=(purpose or "").strip(),
        amount_fen=amount,
        received_on=received_on,
        created_by=actor_user(actor),
    )
    donation.full_clean()
    donation.save()
    entry_post(
        actor=actor,
        kind=EntryKind.DONATION,
        from_account=district_account(community.district_id, AccountKind.DONORS),
        to_account=community_account(community, AccountKind.FOUNDATION),
        amount_fen=amount,
        memo=f"{donor}捐赠" + (f"（{donation.purpose}）" if donation.purpose else ""),
        year=received_on.year,
        now=now,
        donation=donation,
    )
    return donation
