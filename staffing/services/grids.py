"""Grid staffing: paired grid members, building heads, party-member households."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from compounds.models import Building, Grid
from staffing.models import PARTY_HOUSEHOLD_LINKS, BuildingHead, GridMember, GridSide, Household, PartyHousehold, Person
from staffing.services.common import acting, actor_user, reach, refusal, save_clean, see


def _end_current(queryset, start: date, successor: Person) -> None:
    for current in queryset.select_for_update().current(start):
        if current.start >= start:
            message = gettext("现任“%(person)s”自 %(day)s 起任职，接任日期应晚于该日。")
            raise refusal("start", message, person=current.person.name, day=current.start)
        current.end, current.end_reason = start, f"由{successor}接任"
        save_clean(current)


@transaction.atomic
def grid_member_assign(
    *, actor: Any, grid: Grid | int, side: str, person: Person | int, start: date, replace_current: bool = True
) -> GridMember:
    """A grid's community worker or property staff member from `start` (社区和物业各一名). The previous one
    of the same side leaves that day unless `replace_current` is False (then an occupied side is refused)."""
    grid = reach(actor, Grid, grid, lock=True)
    acting(actor, "staffing.manage_grid", grid)
    person = see(actor, Person, person)
    if side not in GridSide.values:
        raise ValidationError({"side": gettext("请选择社区网格员或物业网格员。")})
    if replace_current:
        _end_current(GridMember.objects.filter(grid=grid, side=side), start, person)
    member = GridMember(
        district_id=grid.district_id, grid=grid, side=side, person=person, start=start, recorded_by=actor_user(actor)
    )
    return save_clean(member)


@transaction.atomic
def grid_member_end(*, actor: Any, member: GridMember | int, end: date, reason: str) -> GridMember:
    member = reach(actor, GridMember, member, lock=True)
    acting(actor, "staffing.manage_grid", member)
    if member.end is not None:
        raise refusal("end", gettext("已于 %(day)s 结束。"), day=member.end)
    member.end, member.end_reason = end, (reason or "").strip() or "离任"
    return save_clean(member)


@transaction.atomic
def building_head_assign(
    *, actor: Any, building: Building | int, person: Person | int, start: date, replace_current: bool = True
) -> BuildingHead:
    building = reach(actor, Building, building, lock=True)
    acting(actor, "staffing.manage_grid", building)
    person = see(actor, Person, person)
    if replace_current:
        _end_current(BuildingHead.objects.filter(building=building), start, person)
    head = BuildingHead(
        district_id=building.district_id, building=building, person=person, start=start, recorded_by=actor_user(actor)
    )
    return save_clean(head)


@transaction.atomic
def building_head_end(*, actor: Any, head: BuildingHead | int, end: date, reason: str) -> BuildingHead:
    head = reach(actor, BuildingHead, head, lock=True)
    acting(actor, "staffing.manage_grid", head)
    if head.end is not None:
        raise refusal("end", gettext("已于 %(day)s 结束。"), day=head.end)
    head.end, head.end_reason = end, (reason or "").strip() or "离任"
    return save_clean(head)


def _link(actor: Any, party_household: PartyHousehold, households: list[Household | int]) -> None:
    low, high = PARTY_HOUSEHOLD_LINKS
    chosen = [see(actor, Household, h) for h in households]
    ids = {h.pk for h in chosen}
    if not low <= len(ids) <= high:
        message = gettext("每个党员中心户联系 %(low)s 至 %(high)s 户，当前选择了 %(n)s 户。")
        raise ValidationError({"households": message % {"low": low, "high": high, "n": len(ids)}})
    foreign = [h for h in chosen if h.grid_id != party_household.grid_id]
    if foreign:
        raise ValidationError(
            {"households": gettext("“%(household)s”不在党员中心户所在网格。") % {"household": foreign[0]}}
        )
    taken = [
        h for h in chosen if h.party_household_id not in (None, party_household.pk) and h.party_household.is_active
    ]
    if taken:
        message = gettext("“%(household)s”已由党员中心户“%(person)s”联系。")
        raise ValidationError(
            {"households": message % {"household": taken[0], "person": taken[0].party_household.person}}
        )
    Household.objects.filter(party_household=party_household).exclude(pk__in=ids).update(party_household=None)
    Household.objects.filter(pk__in=ids).update(party_household=party_household)


@transaction.atomic
def party_household_create(
    *,
    actor: Any,
    person: Person | int,
    grid: Grid | int,
    since: date,
    households: list[Household | int],
    building: Building | int | None = None,
    note: str = "",
) -> PartyHousehold:
    """党员中心户 with the 5–15 households it keeps in touch with, in one step."""
    grid = reach(actor, Grid, grid)
    acting(actor, "staffing.manage_grid", grid)
    person = see(actor, Person, person)
    building = see(actor, Building, building) if building is not None else None
    party_household = save_clean(
        PartyHousehold(
            district_id=grid.district_id, person=person, grid=grid, building=building, since=since, note=note
        )
    )
    _link(actor, party_household, households)
    return party_household


@transaction.atomic
def party_household_link(
    *, actor: Any, party_household: PartyHousehold | int, households: list[Household | int]
) -> PartyHousehold:
    """Replace the households a party-member household keeps in touch with (5–15)."""
    party_household = reach(actor, PartyHousehold, party_household, lock=True)
    acting(actor, "staffing.manage_grid", party_household)
    _link(actor, party_household, households)
    return party_household
