"""Door-knocking visits (敲门行动): register households that need visits, log a visit in under a minute
(who, when, what was found; a work order in the same step when something needs doing), and tell grid
workers and cadres which visits are overdue."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from compounds.models import Building, Compound, Grid
from compounds.workcalendar import BEIJING
from staffing.models import MET, GridMember, GridSide, Household, Person, StationedCadre, Visit, VisitNeed, VisitOutcome
from staffing.models.visits import default_interval
from staffing.services.common import acting, actor_user, normalise_phone, reach, save_clean, see
from workorders import notifications
from workorders import services as work_orders
from workorders.selectors import filing_categories

BACKDATE_LIMIT = timedelta(days=30)
HOUSEHOLD_FIELDS = ("grid", "compound", "building", "address", "head_name", "phone", "needs", "visit_interval_days")


def _needs(needs: list[str] | None) -> list[str]:
    needs = list(dict.fromkeys(needs or []))
    unknown = [n for n in needs if n not in VisitNeed.values]
    if unknown:
        labels = gettext("、").join(str(label) for label in VisitNeed.labels)
        raise ValidationError({"needs": gettext("走访类别应为 %(labels)s 之一。") % {"labels": labels}})
    return needs


@transaction.atomic
def household_register(
    *,
    actor: Any,
    grid: Grid | int,
    compound: Compound | int,
    address: str,
    head_name: str,
    registered_on: date,
    building: Building | int | None = None,
    phone: str = "",
    needs: list[str] | None = None,
    visit_interval_days: int | None = None,
    note: str = "",
) -> Household:
    """登记 a household. Needs decide the default interval (独居老人 7 days, 残疾人 14, others 30)."""
    grid = see(actor, Grid, grid)
    compound = reach(actor, Compound, compound, action="view")
    acting(actor, "staffing.manage_households", compound)
    needs = _needs(needs)
    household = Household(
        district_id=compound.district_id,
        grid=grid,
        compound=compound,
        building=see(actor, Building, building) if building is not None else None,
        address=(address or "").strip(),
        head_name=(head_name or "").strip(),
        phone=normalise_phone(phone),
        needs=needs,
        visit_interval_days=(visit_interval_days or default_interval(needs)) if needs else None,
        registered_on=registered_on,
        note=note,
    )
    save_clean(household)
    reach(actor, Household, household.pk)  # inside the actor's change scope
    return household


@transaction.atomic
def household_update(*, actor: Any, household: Household | int, **values: Any) -> Household:
    household = reach(actor, Household, household, lock=True)
    acting(actor, "staffing.manage_households", household)
    unknown = set(values) - {*HOUSEHOLD_FIELDS, "is_active", "note"}
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    if "phone" in values:
        values["phone"] = normalise_phone(values["phone"])
    if "needs" in values:
        values["needs"] = _needs(values["needs"])
        if values["needs"] and not values.get("visit_interval_days") and not household.visit_interval_days:
            values["visit_interval_days"] = default_interval(values["needs"])
        if not values["needs"]:
            values["visit_interval_days"] = None
    for name, value in values.items():
        setattr(household, name, value)
    save_clean(household)
    reach(actor, Household, household.pk)
    household.refresh_from_db(fields=["next_visit_on"])
    return household


def _visible_household(actor: Any, household: Household | int) -> Household:
    """The household for a visit: another district's is a 404; one of the district that the actor does not
    serve (another grid, another community) is a clear refusal."""
    pk = getattr(household, "pk", household)
    try:
        return see(actor, Household, pk)
    except Http404:
        if Household.objects.filter(pk=pk, district_id=getattr(actor, "district_id", None)).exists():
            raise ValidationError({"household": gettext("该住户不在您负责的网格内，不能登记走访。")}) from None
        raise


@transaction.atomic
def visit_log(
    *,
    actor: Any,
    household: Household | int,
    outcome: str,
    findings: str = "",
    visited_at: datetime | None = None,
    raise_order: bool = False,
    category: Any = None,
    now: datetime | None = None,
) -> Visit:
    """Log a visit (走访登记): who (the actor), when (now unless told; at most 30 days back, never in the
    future), what was found. A visit that met the household restarts its visit clock. With `raise_order` the
    findings become a work order (格格发现) in the same step, filed through workorders.services."""
    now = now or timezone.now()
    household = _visible_household(actor, household)
    acting(actor, "staffing.log_visit", household)
    if outcome not in VisitOutcome.values:
        raise ValidationError({"outcome": gettext("请选择走访情况。")})
    visited_at = visited_at or now
    if visited_at > now + timedelta(minutes=5):
        raise ValidationError({"visited_at": gettext("走访时间不能晚于现在。")})
    if visited_at < now - BACKDATE_LIMIT:
        raise ValidationError({"visited_at": gettext("只能补登 30 天内的走访。")})
    findings = (findings or "").strip()
    if outcome == VisitOutcome.NEEDS_HELP and not findings:
        raise ValidationError({"findings": gettext("请写下需要帮助的事项。")})
    visitor = actor_user(actor)
    visit = Visit(
        district_id=household.district_id,
        household=household,
        visitor=visitor,
        visitor_person=Person.objects.filter(account=visitor).first() if visitor else None,
        visited_at=visited_at,
        outcome=outcome,
        findings=findings,
    )
    if raise_order:
        visit.work_order = _raise_order(actor=actor, household=household, findings=findings, category=category, now=now)
    save_clean(visit)
    day = visited_at.astimezone(BEIJING).date()
    if outcome in MET and (household.last_visited_on is None or household.last_visited_on < day):
        Household.objects.filter(pk=household.pk).update(last_visited_on=day)
    return visit


def _raise_order(*, actor: Any, household: Household, findings: str, category: Any, now: datetime) -> Any:
    if not findings:
        raise ValidationError({"findings": gettext("转为工单时请写下发现的问题。")})
    category_id = getattr(category, "pk", category)
    category = filing_categories(district_id=household.district_id).filter(pk=category_id).first()
    if category is None:
        raise ValidationError({"category": gettext("转为工单时请选择问题类别。")})
    place = f"{household.building.name} " if household.building_id else ""
    return work_orders.work_order_file(
        actor=actor,
        compound=household.compound,
        category=category,
        channel="grid",
        title=f"走访发现：{findings}"[:100],
        description=f"入户走访（{place}{household.address}）发现：{findings}",
        now=now,
    )


def overdue_households(*, actor: Any, today: date) -> Any:
    """Households the actor sees whose next visit was due before `today` (逾期未访)."""
    return (
        Household.objects.visible_to(actor)
        .filter(is_active=True, next_visit_on__lt=today)
        .exclude(needs=[])
        .select_related("grid", "compound", "building")
        .order_by("next_visit_on", "pk")
    )


@transaction.atomic
def visits_notify_overdue(*, actor: Any, today: date | None = None) -> int:
    """Tell each grid worker (the grid's accounts and its community member's account) and each cadre (the
    compound's stationed cadre, else the community's cadres) how many of their households are overdue — one
    inbox message per person per day (a second run tells nobody twice). Returns the messages written."""
    acting(actor, "staffing.manage_households")
    today = today or timezone.localdate()
    overdue = list(overdue_households(actor=actor, today=today))
    if not overdue:
        return 0
    by_user: dict[int, list[Household]] = defaultdict(list)
    grid_ids = {h.grid_id for h in overdue}
    grid_users = defaultdict(set)
    for user_id, grid_id in User.grids.through.objects.filter(grid_id__in=grid_ids).values_list("user_id", "grid_id"):
        grid_users[grid_id].add(user_id)
    for grid_id, account_id in (
        GridMember.objects.current(today)
        .filter(grid_id__in=grid_ids, side=GridSide.COMMUNITY, person__account__isnull=False)
        .values_list("grid_id", "person__account_id")
    ):
        grid_users[grid_id].add(account_id)
    stationed = dict(
        StationedCadre.objects.current(today)
        .filter(compound_id__in={h.compound_id for h in overdue}, person__account__isnull=False)
        .values_list("compound_id", "person__account_id")
    )
    community_cadres = defaultdict(set)
    for user_id, community_id in User.objects.filter(
        role=Role.COMMUNITY_CADRE, is_active=True, community_id__in={h.compound.community_id for h in overdue}
    ).values_list("pk", "community_id"):
        community_cadres[community_id].add(user_id)
    for household in overdue:
        recipients = set(grid_users[household.grid_id])
        cadre = stationed.get(household.compound_id)
        recipients |= {cadre} if cadre else community_cadres[household.compound.community_id]
        for user_id in recipients:
            by_user[user_id].append(household)
    users = {u.pk: u for u in User.objects.filter(pk__in=by_user, is_active=True, district_id=overdue[0].district_id)}
    written = 0
    for user_id, households in sorted(by_user.items()):
        if user_id not in users:
            continue
        first = "、".join(str(h) for h in households[:3])
        more = f"等 {len(households)} 户" if len(households) > 3 else f"共 {len(households)} 户"
        written += len(
            notifications.notify(
                actor=actor,
                recipients=[users[user_id]],
                order=None,
                kind="visit_overdue",
                message=f"走访逾期提醒：{first}{more}已超过走访周期，请尽快入户走访。",
                dedupe_key=f"visit-overdue:{today.isoformat()}",
            )
        )
    return written


def due_filter(today: date) -> Q:
    return Q(is_active=True, next_visit_on__lte=today) & ~Q(needs=[])
