"""The "2+4" teams: appoint a seat's holder, end a term (the vacancy keeps its date), departments that
包抓 compounds, and the daily check that a property manager still comes from the compound's firm."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compounds.models import Compound, Department
from staffing.models import Person, SeatKind, SeatTerm, ServiceTeam, Sponsorship
from staffing.services.common import acting, actor_user, reach, refusal, save_clean, see


def _end_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"end_reason": gettext("请填写离任原因（如 调离、退休、物业合同到期）。")})
    return reason


@transaction.atomic
def team_form(*, actor: Any, compound: Compound | int, formed_on: date, note: str = "") -> ServiceTeam:
    """组建 a compound's team (idempotent: an existing team is returned, its formation date kept)."""
    compound = reach(actor, Compound, compound)
    acting(actor, "staffing.manage_team", compound)
    team = ServiceTeam.objects.filter(compound=compound).first()
    if team is not None:
        return team
    return save_clean(ServiceTeam(district_id=compound.district_id, compound=compound, formed_on=formed_on, note=note))


@transaction.atomic
def seat_appoint(
    *,
    actor: Any,
    compound: Compound | int,
    seat: str,
    person: Person | int,
    start: date,
    replace_current: bool = False,
) -> SeatTerm:
    """Appoint `person` to `seat` of the compound's team from `start` (任命). The seat's rules are the
    model's (SeatTerm.clean): a service chief from the department that 包抓 the compound, a property manager
    from the compound's current firm, … Terms of a seat never overlap; with `replace_current` the current
    holder's term ends on `start` (接任), otherwise an occupied seat is refused."""
    compound = reach(actor, Compound, compound, lock=True)
    acting(actor, "staffing.manage_team", compound)
    person = see(actor, Person, person)
    if seat not in SeatKind.values:
        raise ValidationError({"seat": gettext("请选择岗位。")})
    team = ServiceTeam.objects.filter(compound=compound).first() or save_clean(
        ServiceTeam(district_id=compound.district_id, compound=compound, formed_on=start)
    )
    if start < team.formed_on:
        team.formed_on = start
        team.save(update_fields=["formed_on"])
    if replace_current:
        for current in SeatTerm.objects.select_for_update().current(start).filter(team=team, seat=seat):
            if current.start >= start:
                message = gettext("现任“%(person)s”自 %(day)s 起任职，接任日期应晚于该日。")
                raise refusal("start", message, person=current.person.name, day=current.start)
            current.end, current.end_reason = start, f"由{person}接任"
            save_clean(current)
    term = SeatTerm(
        district_id=compound.district_id,
        team=team,
        seat=seat,
        person=person,
        start=start,
        recorded_by=actor_user(actor),
    )
    return save_clean(term)


@transaction.atomic
def seat_end(*, actor: Any, term: SeatTerm | int, end: date, reason: str) -> SeatTerm:
    """离任: the term ends on `end` (the seat is vacant from that day); the row stays as history."""
    term = reach(actor, SeatTerm, term, lock=True)
    acting(actor, "staffing.manage_team", term)
    if term.end is not None:
        raise refusal("end", gettext("该任期已于 %(day)s 结束。"), day=term.end)
    term.end, term.end_reason = end, _end_reason(reason)
    return save_clean(term)


@transaction.atomic
def sponsorship_set(*, actor: Any, department: Department | int, compound: Compound | int, start: date) -> Sponsorship:
    """部门包抓: `department` takes charge of the compound from `start`; a previous department's charge ends
    that day (its service chief keeps the seat until replaced)."""
    acting(actor, "staffing.manage_sponsorship")
    compound = reach(actor, Compound, compound, lock=True)
    department = see(actor, Department, department)
    for current in Sponsorship.objects.select_for_update().current(start).filter(compound=compound):
        if current.department_id == department.pk:
            return current
        if current.start >= start:
            message = gettext("“%(department)s”自 %(day)s 起包抓，变更日期应晚于该日。")
            raise refusal("start", message, department=current.department.name, day=current.start)
        current.end, current.end_reason = start, f"改由{department}包抓"
        save_clean(current)
    return save_clean(
        Sponsorship(
            district_id=compound.district_id,
            department=department,
            compound=compound,
            start=start,
            recorded_by=actor_user(actor),
        )
    )


@transaction.atomic
def sponsorship_end(*, actor: Any, sponsorship: Sponsorship | int, end: date, reason: str) -> Sponsorship:
    acting(actor, "staffing.manage_sponsorship")
    sponsorship = reach(actor, Sponsorship, sponsorship, lock=True)
    if sponsorship.end is not None:
        raise refusal("end", gettext("该包抓关系已于 %(day)s 结束。"), day=sponsorship.end)
    sponsorship.end, sponsorship.end_reason = end, _end_reason(reason)
    return save_clean(sponsorship)


@transaction.atomic
def teams_end_stale_property_managers(*, actor: Any, on: date | None = None) -> int:
    """The property manager comes from the compound's current firm, so the seat changes with the contract:
    a manager whose firm no longer serves the compound leaves the seat today (a vacancy with a date).
    Daily (celery beat), for the actor's district. Safe to run twice. Returns the terms ended."""
    acting(actor, "staffing.manage_team")
    on = on or timezone.localdate()
    stale = [
        term
        for term in SeatTerm.objects.visible_to(actor, "change")
        .select_for_update(of=("self",))
        .current(on)
        .filter(seat=SeatKind.PROPERTY_MANAGER)
        .select_related("team__compound")
        if term.property_firm_id != term.team.compound.property_firm_id
    ]
    for term in stale:
        term.end = max(on, term.start + timedelta(days=1))
        term.end_reason = "物业企业已更换，原物业经理离任"
        save_clean(term)
    return len(stale)
