"""Year end 年末结转 (celery beat on 1 January): each community's unspent service fund of the year that ended
follows the rule of that year's policy — carried over (stays in the account), returned to the district, or
carried up to the cap with the rest returned. Special projects, foundation money and approved-but-unpaid
reservations are not touched. One YearEnd per district and year: running it again does nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compounds.models import Community, District
from funding.models import AccountKind, CarryOver, CarryRule, EntryKind, FundPolicy, YearEnd
from funding.services.common import acting, actor_name
from funding.services.ledger import accounts_open, balance, community_account, district_account, entry_post

RULE_TEXT = {
    CarryRule.CARRY: "年末结余全部结转下年继续使用。",
    CarryRule.RETURN: "年末结余全部收回区级经费专户。",
    CarryRule.CAP: "年末结余不超过上限的部分结转下年，超出上限的部分收回区级经费专户。",
}


def year_end_run(
    *, actor: Any, district: District | int, year: int, now: datetime | None = None
) -> tuple[YearEnd, bool]:
    """Settle `year` for the district. Returns (the year end, whether it ran now)."""
    acting(actor, "funding.year_end")
    district_id = getattr(district, "pk", district)
    with transaction.atomic():
        # One at a time per district: a second run waits here, then finds the first one's row.
        District.objects.select_for_update().filter(pk=district_id).first()
        existing = YearEnd.objects.filter(district_id=district_id, year=year).first()
        if existing is not None:
            return existing, False
        now = now or timezone.now()
        if year >= timezone.localdate(now).year:
            raise ValidationError({"year": gettext("%(year)s年尚未结束，不能执行年末结转。") % {"year": year}})
        policy = FundPolicy.objects.filter(district_id=district_id, year=year).first()
        rule = policy.carry_rule if policy else CarryRule.CARRY
        cap = policy.carry_cap_fen if policy else 0
        year_end = YearEnd.objects.create(
            district_id=district_id, year=year, rule=rule, cap_fen=cap, run_at=now, run_by_name=actor_name(actor)
        )
        accounts_open(district=district_id)
        budget = district_account(district_id, AccountKind.BUDGET)
        lines = []
        for community in Community.objects.filter(district_id=district_id).order_by("code"):
            account = community_account(community, AccountKind.SERVICE)
            left = balance(account)
            returned = {CarryRule.CARRY: 0, CarryRule.RETURN: left, CarryRule.CAP: max(0, left - cap)}[rule]
            if returned > 0:
                entry_post(
                    actor=actor,
                    kind=EntryKind.RETURN,
                    from_account=account,
                    to_account=budget,
                    amount_fen=returned,
                    memo=f"{year}年末结余收回",
                    year=year,
                    now=now,
                )
            lines.append(
                CarryOver(
                    district_id=district_id,
                    year_end=year_end,
                    community=community,
                    street_id=community.street_id,
                    year=year,
                    balance_fen=left,
                    carried_fen=left - returned,
                    returned_fen=returned,
                )
            )
        CarryOver.objects.bulk_create(lines)
        year_end.carried_fen = sum(line.carried_fen for line in lines)
        year_end.returned_fen = sum(line.returned_fen for line in lines)
        year_end.save(update_fields=["carried_fen", "returned_fen"])
    return year_end, True
