"""Reads that compute: the KPIs (三率 and friends), the monthly street ranking, firm figures for the
ratings, a handler's queue, the inbox and what a resident sees of an order.

KPI definitions (every figure over the orders *filed* in [start, end), Beijing time):
- orders (工单量): orders filed, except those merged into another order (they count once, under the main
  order) and those rejected (不予受理).
- response rate (响应率) = orders first accepted or claimed by their committed respond-by time / orders.
- resolution rate (解决率) = orders resolved now (resolved, rated or closed) / orders.
- on-time rate (按时办结率) = resolved orders whose resolution came by the committed resolve-by time /
  resolved orders. (The committed times are those set when the order was filed; escalation gives the
  new handler fresh deadlines but does not move these.)
- satisfaction rate (满意率) = orders rated 很满意 or 满意 / orders rated (latest rating).
- send-back rate (回退率) = orders returned at least once / orders.
- re-handling rate (重办率) = orders re-opened at least once / orders ever resolved (resolved now or reopened).
A rate with an empty denominator is None (shown "—"), never 0.

Units: compound, community and street are the order's own (denormalised); property firm is the compound's
firm when the order was filed (WorkOrder.property_firm); department counts every order a department
handled or joined (WorkOrder.departments), so a joint order counts for each department.
Each figure set is one aggregate query (GROUP BY unit [, month]).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from accounts.policy import whole_units
from accounts.privacy import mask_text
from compounds.models import Compound, District, PropertyFirm, Street
from workorders.models import (
    Category,
    DeliberationMeeting,
    HandlerLevel,
    KpiCommunityMonth,
    KpiCounter,
    KpiMonth,
    Notification,
    Satisfaction,
    State,
    StateCounter,
    TimelineEntry,
    TimelineKind,
    WorkOrder,
)
from workorders.models.orders import SATISFIED_LEVELS
from workorders.worktime import BEIJING

GROUPS = {
    "compound": ("compound", "compound__name"),
    "community": ("community", "community__name"),
    "street": ("street", "street__name"),
    "property_firm": ("property_firm", "property_firm__name"),
    "department": ("departments", "departments__name"),
}

RESOLVED_STATES = [State.RESOLVED, State.RATED, State.CLOSED]

# The months the KPIs can be asked for (a year outside is refused: "月份应在 2000 年至 2100 年之间").
MONTH_YEARS = (2000, 2100)


def month_bounds(month: date) -> tuple[date, date]:
    """The first day of `month` and the first day of the next month: the half-open range [start, end)."""
    start = date(month.year, month.month, 1)
    end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, end


COUNTS = {
    "orders": Count("pk", distinct=True),
    "responded_on_time": Count(
        "pk", filter=Q(responded_at__isnull=False, responded_at__lte=F("committed_respond_by")), distinct=True
    ),
    "resolved": Count("pk", filter=Q(state__in=RESOLVED_STATES), distinct=True),
    "resolved_on_time": Count(
        "pk", filter=Q(state__in=RESOLVED_STATES, resolved_at__lte=F("committed_resolve_by")), distinct=True
    ),
    "rated": Count("pk", filter=~Q(satisfaction=""), distinct=True),
    "satisfied": Count("pk", filter=Q(satisfaction__in=SATISFIED_LEVELS), distinct=True),
    "returned": Count("pk", filter=Q(returned_count__gt=0), distinct=True),
    "ever_resolved": Count("pk", filter=Q(state__in=RESOLVED_STATES) | Q(reopened_count__gt=0), distinct=True),
    "reopened": Count("pk", filter=Q(reopened_count__gt=0), distinct=True),
}


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A rate as a Decimal fraction with 4 places (0.9231), or None when nothing was counted."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row["response_rate"] = rate(row["responded_on_time"], row["orders"])
    row["resolution_rate"] = rate(row["resolved"], row["orders"])
    row["on_time_rate"] = rate(row["resolved_on_time"], row["resolved"])
    row["satisfaction_rate"] = rate(row["satisfied"], row["rated"])
    row["send_back_rate"] = rate(row["returned"], row["orders"])
    row["rehandling_rate"] = rate(row["reopened"], row["ever_resolved"])
    return row


def _bounds(start: date | datetime, end: date | datetime) -> tuple[datetime, datetime]:
    def as_dt(value):
        if isinstance(value, datetime):
            return value
        return datetime(value.year, value.month, value.day, tzinfo=BEIJING)

    return as_dt(start), as_dt(end)


def counted_orders(*, district: District, start: date | datetime, end: date | datetime, queryset=None) -> QuerySet:
    """The orders the KPIs count (see the module docstring). Pass `queryset` already restricted by the policy
    (WorkOrder.objects.visible_to(actor)) to count only what an actor may see."""
    start, end = _bounds(start, end)
    queryset = WorkOrder.objects.all() if queryset is None else queryset
    return queryset.filter(district=district, created_at__gte=start, created_at__lt=end).exclude(
        state__in=[State.MERGED, State.REJECTED]
    )


def _days(start: date | datetime, end: date | datetime) -> tuple[date, date] | None:
    """The Beijing days [first, last) of the bounds, or None when a bound falls inside a day."""
    days = []
    for value in (start, end):
        if isinstance(value, datetime):
            local = value.astimezone(BEIJING) if value.tzinfo else value.replace(tzinfo=BEIJING)
            if local.timetz().replace(tzinfo=None) != time(0):
                return None
            value = local.date()
        days.append(value)
    return days[0], days[1]


# Whose figures the rollup can answer, by the unit the actor sees whole (accounts.policy.whole_units).
ROLLUP_UNITS = (("street", "street"), ("community", "community"), ("departments", "department"))


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _spans(first: date, last: date, months: type, tomorrow: date) -> list[tuple[type, date, date, int]]:
    """[first, last) as signed spans (model, since, until, +1 or -1) whose sum is the range: whole months from the
    month rollup `months`, the rest from the day rollup (KpiCounter). A month the range cuts is read either as
    its days inside the range or as the month's row less its days outside it, whichever spans fewer days that can
    hold orders (none from `tomorrow` on): "the last 365 days" reads this month as its row less today's days,
    not as the sum of every day so far (the day rollup holds about one row per order: at 10 M orders 0.45 s of
    a 0.5 s KPI API call). Adjacent spans of one kind are merged: at most three queries."""

    def live(since: date, until: date) -> int:
        return max(0, (min(until, tomorrow) - since).days)

    spans: dict[tuple[type, int], list[list[date]]] = {}

    def add(model: type, since: date, until: date, sign: int) -> None:
        if since >= until:
            return
        runs = spans.setdefault((model, sign), [])
        if runs and runs[-1][1] == since:
            runs[-1][1] = until
        else:
            runs.append([since, until])

    day = first
    while day < last:
        month_from, month_to = day.replace(day=1), _next_month(day)
        until = min(last, month_to)
        inside, outside = live(day, until), live(month_from, day) + live(until, month_to)
        if (day, until) == (month_from, month_to) or outside < inside:
            add(months, month_from, month_to, 1)
            add(KpiCounter, month_from, day, -1)
            add(KpiCounter, until, month_to, -1)
        else:
            add(KpiCounter, day, until, 1)
        day = until
    return sorted(
        ((model, since, until, sign) for (model, sign), runs in spans.items() for since, until in runs),
        key=lambda span: (span[1], -span[3]),
    )


def _rollup(
    *,
    district: District,
    start: date | datetime,
    end: date | datetime,
    actor: Any,
    queryset: QuerySet | None,
    by_compound: bool = False,
) -> tuple[list[tuple[QuerySet, int]], bool] | None:
    """The rollup's rows for these bounds and this reader, each queryset with its sign (_spans: a month rollup's
    rows for whole months — KpiMonth's when the rows are wanted `by_compound` or firm, else KpiCommunityMonth's,
    several times fewer — and the day rollup's for days added or taken away at the edges), and whether they are
    department rows already (a department's staff see that department's orders); None when only the orders can
    answer: bounds inside a day, an arbitrary queryset, or a reader who sees part of a unit (a grid worker, a
    property firm)."""
    if queryset is not None:
        return None
    days = _days(start, end)
    if days is None:
        return None
    months = KpiMonth if by_compound else KpiCommunityMonth
    tomorrow = timezone.now().astimezone(BEIJING).date() + timedelta(days=1)
    parts = [
        (model.objects.filter(district=district, day__gte=since, day__lt=until), sign)
        for model, since, until, sign in _spans(days[0], days[1], months, tomorrow)
    ]
    if actor is None:
        return parts, False
    for path, column in ROLLUP_UNITS:
        units = whole_units(actor, WorkOrder, path)
        if units is None:
            return parts, False
        if units:
            return [(rows.filter(**{f"{column}__in": units}), sign) for rows, sign in parts], column == "department"
    return None


def _merged(parts: list[tuple[list[dict[str, Any]], int]]) -> list[dict[str, Any]]:
    """Rows of several signed spans summed by unit (and month), in the order of the month, then the name; a unit
    whose orders all fell in the days taken away is left out, as a count of the orders would leave it."""
    if len(parts) == 1 and parts[0][1] == 1:
        return parts[0][0]
    merged: dict[tuple, dict[str, Any]] = {}
    for rows, sign in parts:
        for row in rows:
            key = (row.get("month"), row["unit_id"])
            if key not in merged:
                merged[key] = dict(row) | {name: 0 for name in COUNTS}
            for name in COUNTS:
                merged[key][name] += sign * row[name]
    found = [row for row in merged.values() if row["orders"]]
    return sorted(found, key=lambda row: (row.get("month") or date.min, row["unit_name"] or ""))


def _summed(rows: QuerySet) -> QuerySet:
    return rows.annotate(**{f"n_{name}": Sum(name) for name in COUNTS}).filter(n_orders__gt=0)


def _unsummed(row: dict[str, Any]) -> dict[str, Any]:
    for name in COUNTS:
        row[name] = row.pop(f"n_{name}") or 0
    return row


def work_order_kpis(
    *,
    district: District,
    group_by: str,
    start: date | datetime,
    end: date | datetime,
    by_month: bool = False,
    actor: Any = None,
    queryset: QuerySet | None = None,
) -> list[dict[str, Any]]:
    """KPIs per unit (`group_by` one of compound, community, street, property_firm, department), optionally
    per month too. One query (up to three from the rollups: the whole months from a month rollup, the days at
    either edge added from the day rollup, or taken from the month's row: _spans). Each row: id, name, [month],
    the counts and the rates (module docstring).

    `actor`: count only the orders the actor may see (the whole district without). Read from the rollup
    (workorders.models.rollup) for whole days and readers who see whole units; otherwise counted from the
    orders, as is an explicit `queryset` (already restricted by the policy)."""
    key, name = GROUPS[group_by]
    rollup = _rollup(
        district=district,
        start=start,
        end=end,
        actor=actor,
        queryset=queryset,
        by_compound=group_by in ("compound", "property_firm"),
    )
    if rollup is not None:
        parts, of_departments = rollup
        key = "department" if group_by == "department" else key
        name = "department__name" if group_by == "department" else name
        fields = {"unit_id": F(key), "unit_name": F(name)}
        if by_month:
            fields["month"] = TruncMonth("day")
        found_parts = []
        for rows, sign in parts:
            rows = rows.filter(**{f"{key}__isnull": False})
            if not of_departments and group_by != "department":
                rows = rows.filter(department__isnull=True)
            summed = _summed(rows.values(**fields)).order_by(*(["month"] if by_month else []), "unit_name")
            found_parts.append(([_unsummed(dict(row)) for row in summed], sign))
        found = _merged(found_parts)
    else:
        if actor is not None and queryset is None:
            queryset = WorkOrder.objects.visible_to(actor)
        orders = counted_orders(district=district, start=start, end=end, queryset=queryset).filter(
            **{f"{key}__isnull": False}
        )
        fields = {"unit_id": F(key), "unit_name": F(name)}
        if by_month:
            fields["month"] = TruncMonth("created_at", tzinfo=BEIJING)
        found = orders.values(**fields).annotate(**COUNTS).order_by(*(["month"] if by_month else []), "unit_name")
    result = []
    for row in found:
        row["id"], row["name"] = row.pop("unit_id"), row.pop("unit_name")
        if by_month and isinstance(row["month"], datetime):
            row["month"] = row["month"].date()
        result.append(_with_rates(dict(row)))
    return result


def work_order_totals(
    *,
    district: District,
    start: date | datetime,
    end: date | datetime,
    actor: Any = None,
    queryset: QuerySet | None = None,
) -> dict[str, Any]:
    """The same figures for the whole district (or what `actor` may see, or the restricted queryset). One query
    (up to three from the rollups, as work_order_kpis)."""
    rollup = _rollup(district=district, start=start, end=end, actor=actor, queryset=queryset)
    if rollup is not None:
        parts, of_departments = rollup
        totals = dict.fromkeys(COUNTS, 0)
        for rows, sign in parts:
            if not of_departments:
                rows = rows.filter(department__isnull=True)
            row = rows.aggregate(**{name: Sum(name) for name in COUNTS})
            for name in COUNTS:
                totals[name] += sign * (row[name] or 0)
        return _with_rates(totals)
    if actor is not None and queryset is None:
        queryset = WorkOrder.objects.visible_to(actor)
    row = counted_orders(district=district, start=start, end=end, queryset=queryset).aggregate(**COUNTS)
    return _with_rates(row)


@dataclass(frozen=True)
class RankedStreet:
    rank: int | None
    street: Street
    score: Decimal | None
    figures: dict[str, Any]


def street_ranking(*, district: District, month: date) -> list[RankedStreet]:
    """Monthly ranking of the district's streets (街道月度排名) on the three rates: score = the mean of
    response rate, resolution rate and satisfaction rate, × 100 (a missing rate counts as 0 once the street
    has orders). Ties: more orders first, then the street code. Streets with no orders that month come
    last, unranked. Two queries (the figures, the streets)."""
    start, end = month_bounds(month)
    figures = {row["id"]: row for row in work_order_kpis(district=district, group_by="street", start=start, end=end)}
    ranked, idle = [], []
    for street in Street.objects.filter(district=district).order_by("code"):
        row = figures.get(street.pk)
        if row is None:
            idle.append(RankedStreet(None, street, None, {}))
            continue
        parts = [row["response_rate"], row["resolution_rate"], row["satisfaction_rate"]]
        score = (sum((p or Decimal(0)) for p in parts) / 3 * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        ranked.append((score, row["orders"], street, row))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2].code))
    return [RankedStreet(i + 1, street, score, row) for i, (score, _, street, row) in enumerate(ranked)] + idle


def street_ranking_seen_by(*, actor: Any, district: District, month: date) -> list[RankedStreet]:
    """The ranking as `actor` may read it: each street's line is computed from all of the street's orders, so
    it is shown only to those who see all of them (accounts.policy.whole_units): the district's officials the
    whole ranking, a street's staff their own street's line (with its district rank), nobody else a line —
    a property firm or a grid worker sees only its own orders and reads none."""
    units = whole_units(actor, WorkOrder, "street")
    ranking = street_ranking(district=district, month=month)
    return ranking if units is None else [line for line in ranking if line.street.pk in units]


def firm_kpis(*, district: District, start: date | datetime, end: date | datetime) -> list[dict[str, Any]]:
    """Per property firm of the district (every firm, with or without orders), for the quarterly ratings:
    - orders: orders filed in [start, end) in compounds the firm managed when they were filed,
    - households: households of the compounds the firm manages now,
    - complaints_per_100_households = orders / households × 100 (None without households),
    - on_time_rate, satisfaction_rate: as in the module docstring.
    Three queries (orders by firm, households by firm, the firms)."""
    figures = {
        row["id"]: row for row in work_order_kpis(district=district, group_by="property_firm", start=start, end=end)
    }
    households = dict(
        Compound.objects.filter(district=district, property_firm__isnull=False)
        .values_list("property_firm")
        .annotate(total=Sum("households"))
        .values_list("property_firm", "total")
    )
    result = []
    for firm in PropertyFirm.objects.filter(district=district).order_by("name"):
        row = figures.get(firm.pk) or _with_rates({key: 0 for key in COUNTS})
        homes = households.get(firm.pk) or 0
        per_100 = (
            (Decimal(row["orders"]) * 100 / Decimal(homes)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if homes
            else None
        )
        result.append(
            {
                "firm": firm,
                "orders": row["orders"],
                "households": homes,
                "complaints_per_100_households": per_100,
                "on_time_rate": row["on_time_rate"],
                "satisfaction_rate": row["satisfaction_rate"],
            }
        )
    return result


def work_orders_for_handler(*, actor: User) -> QuerySet:
    """A handler's queue ("my orders"): open orders whose current handler is the actor's unit or the actor."""
    own = Q(handler_user=actor)
    if actor.property_firm_id:
        own |= Q(handler_level=HandlerLevel.PROPERTY_FIRM, handler_firm_id=actor.property_firm_id)
    if actor.community_id:
        own |= Q(handler_level=HandlerLevel.COMMUNITY, handler_community_id=actor.community_id)
    if actor.street_id:
        own |= Q(handler_level=HandlerLevel.STREET, handler_street_id=actor.street_id)
    if actor.department_id:
        own |= Q(handler_level=HandlerLevel.DEPARTMENT, handler_department_id=actor.department_id)
    return (
        WorkOrder.objects.visible_to(actor)
        .open()
        .filter(own)
        .select_related("compound", "category__urgency")
        .order_by("resolve_by", "pk")
    )


def order_meetings(
    *, actor: User, order: WorkOrder, merged: list[WorkOrder] | None = None
) -> list[DeliberationMeeting]:
    """The deliberation meetings (议事会) linked to an order — its own and those of the orders merged into it —
    that the actor may see (firms and departments see none: accounts.policy), most recent first. An order links
    one meeting at a time; recording another moves the link, and the timeline keeps a note of each."""
    ids = {order.meeting_id} if order.meeting_id else set()
    if merged is None:
        merged = list(WorkOrder.objects.visible_to(actor).filter(duplicate_of=order).only("pk", "meeting"))
    ids |= {m.meeting_id for m in merged if m.meeting_id}
    if not ids:
        return []
    return list(
        DeliberationMeeting.objects.visible_to(actor)
        .filter(pk__in=ids)
        .select_related("recorded_by")
        .order_by("-held_on", "-pk")
    )


def inbox(*, actor: User, unread_only: bool = False) -> QuerySet:
    notifications = Notification.objects.visible_to(actor).filter(recipient=actor).select_related("order")
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def public_status(*, order: WorkOrder) -> dict[str, Any]:
    """What a resident sees with the tracking code: no personal data (the title and the handler's resolution
    through accounts.privacy.mask_text: anyone holding the link reads them). A merged order shows its main
    order's progress and outcome (合并工单随主工单办理)."""
    main = order
    seen = {order.pk}
    while main.duplicate_of_id is not None and main.duplicate_of_id not in seen:
        main = WorkOrder.objects.select_related("category").get(pk=main.duplicate_of_id)
        seen.add(main.pk)
    return {
        "tracking_code": order.tracking_code,
        "title": mask_text(order.title),
        "category": str(order.category),
        "filed_at": order.created_at,
        "merged_into": main.tracking_code if main.pk != order.pk else None,
        "state": main.state,
        "state_label": State(main.state).label,
        "resolve_by": main.resolve_by,
        "resolution": mask_text(main.resolution),
        "resolved_at": main.resolved_at,
        "can_rate": order.state == State.RESOLVED and main.pk == order.pk,
        # Finished, one way or the other: the page shows no deadline; a rejected order says why (不予受理原因).
        "finished": main.state in (*RESOLVED_STATES, State.REJECTED),
        "rejected": main.state == State.REJECTED,
        "reject_reason": mask_text(main.reject_reason) if main.state == State.REJECTED else "",
        "rating": Satisfaction(order.satisfaction).label if order.satisfaction else "",
        "rating_comment": mask_text(order.rating_comment) if order.satisfaction else "",
        "timeline": [
            {"at": e.at, "kind": e.get_kind_display(), "state": e.get_to_state_display() if e.to_state else ""}
            for e in main.timeline.all()
        ],
    }


# ---------------------------------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class CaseFigures:
    """One staff member's cases in a period (staff stars, 星级评定)."""

    accepted: int = 0
    completed: int = 0
    rated: int = 0
    satisfied: int = 0


def staff_case_figures(
    *, district_id: int, user_ids: list[int], start: date | datetime, end: date | datetime
) -> dict[int, CaseFigures]:
    """Cases per staff member (user) in [start, end), Beijing time — what the staff stars read (staffing reads
    work orders through this selector only):
    - accepted (受理): distinct orders the person took on — filed by them (格格发现, phone, walk-in: `reported_by`)
      in the period, except rejected and merged ones, or accepted or claimed by them (a timeline move to 已受理
      made by them) in the period;
    - completed (办结): distinct orders they resolved (a timeline move to 已办结 made by them) in the period, or
      that they filed and that were resolved (by anyone) in the period — a grid worker follows what they found
      to its end;
    - rated / satisfied: of those completed orders, the ones rated, and rated 很满意 or 满意 (latest rating).
    Every user of `user_ids` gets a row (zeros when they did nothing). Five queries."""
    start, end = _bounds(start, end)
    user_ids = [pk for pk in user_ids if pk is not None]
    if not user_ids:
        return {}
    accepted: dict[int, set[int]] = {pk: set() for pk in user_ids}
    completed: dict[int, set[int]] = {pk: set() for pk in user_ids}
    orders = WorkOrder.objects.filter(district_id=district_id, reported_by_id__in=user_ids)
    timeline = TimelineEntry.objects.filter(
        district_id=district_id, actor_id__in=user_ids, kind=TimelineKind.TRANSITION, at__gte=start, at__lt=end
    )
    filed = (
        orders.filter(created_at__gte=start, created_at__lt=end)
        .exclude(state__in=[State.MERGED, State.REJECTED])
        .values_list("reported_by_id", "pk")
    )
    taken = timeline.filter(to_state=State.ACCEPTED).values_list("actor_id", "order_id")
    for user_id, order_id in [*filed, *taken]:
        accepted[user_id].add(order_id)
    resolved_by_them = timeline.filter(to_state=State.RESOLVED).values_list("actor_id", "order_id")
    theirs_resolved = orders.filter(resolved_at__gte=start, resolved_at__lt=end).values_list("reported_by_id", "pk")
    for user_id, order_id in [*resolved_by_them, *theirs_resolved]:
        completed[user_id].add(order_id)
    done = set().union(*completed.values())
    satisfaction = dict(WorkOrder.objects.filter(pk__in=done).values_list("pk", "satisfaction")) if done else {}
    result = {}
    for user_id in user_ids:
        rated = [satisfaction.get(pk, "") for pk in completed[user_id] if satisfaction.get(pk, "")]
        result[user_id] = CaseFigures(
            accepted=len(accepted[user_id]),
            completed=len(completed[user_id]),
            rated=len(rated),
            satisfied=sum(1 for level in rated if level in SATISFIED_LEVELS),
        )
    return result


def filing_categories(*, district_id: int) -> QuerySet:
    """The categories an order can be filed under in a district (for forms of other apps that file orders,
    e.g. a door-knocking visit that raises a work order)."""
    return (
        Category.objects.filter(district_id=district_id, is_active=True)
        .select_related("urgency")
        .order_by("sort_order", "code")
    )


# ---------------------------------------------------------------------------------------------------- desks


@dataclass(frozen=True)
class DeskFigures:
    """What a dispatcher's desk counts now, over the orders the actor may see (the queue's rows)."""

    open: int
    to_dispatch: int  # waiting for a dispatcher: new, sent back, or escalated up to the street
    overdue: int  # the queue's 超时 (statemachine.overdue_condition)
    due_today: int  # not overdue yet, resolve-by before the end of today (Beijing)
    escalated: int  # open orders escalated at least once
    by_state: dict[str, int]


# Whose state counts the counters can answer, by the unit the actor sees whole (accounts.policy.whole_units).
STATE_UNITS = (("street", "street"), ("community", "community"), ("handler_firm", "handler_firm"))


def _state_counters(actor: User) -> QuerySet | None:
    """The state counter rows of the orders the actor sees, or None when the actor sees part of a unit (a grid
    worker's grids, a department's joint orders) and only the orders can answer."""
    for path, column in STATE_UNITS:
        units = whole_units(actor, WorkOrder, path)
        if units is None:
            return StateCounter.objects.visible_to(actor)
        if units:
            return StateCounter.objects.visible_to(actor).filter(**{f"{column}__in": units})
    return None


def state_counts(*, actor: User) -> dict[str, int]:
    """{state: orders} over the orders the actor sees, in the state machine's order. One query: over the state
    counters (workorders.models.rollup.StateCounter, a few rows per compound whatever the years of orders) for
    readers of whole units, over the orders for the others (whose orders are few)."""
    counters = _state_counters(actor)
    if counters is None:
        rows = WorkOrder.objects.visible_to(actor).order_by().values_list("state").annotate(n=Count("pk"))
    else:
        rows = counters.order_by().values_list("state").annotate(n=Sum("orders"))
    counts = dict(rows)
    return {state.value: counts[state.value] for state in State if counts.get(state.value)}


def desk_figures(*, actor: User, now: datetime) -> DeskFigures:
    """The street cockpit's counts, from the same rows as the queue and the API (WorkOrder.visible_to).
    Two queries, whatever the number of orders."""
    from workorders.statemachine import overdue_condition, to_dispatch_condition

    visible = WorkOrder.objects.visible_to(actor)
    open_orders = visible.open()
    today = now.astimezone(BEIJING).date()
    today_end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=BEIJING)
    overdue = overdue_condition(now)
    counts = open_orders.aggregate(
        open=Count("pk"),
        to_dispatch=Count("pk", filter=to_dispatch_condition()),
        overdue=Count("pk", filter=overdue),
        due_today=Count("pk", filter=Q(resolve_by__gte=now, resolve_by__lt=today_end) & ~overdue),
        escalated=Count("pk", filter=Q(escalated_count__gt=0)),
    )
    return DeskFigures(by_state=state_counts(actor=actor), **counts)


def reported_by(*, actor: User, limit: int = 20) -> list[WorkOrder]:
    """我上报的: the orders the actor filed (格格发现, phone, walk-in), newest first, with their state. One query."""
    return list(
        WorkOrder.objects.visible_to(actor)
        .filter(reported_by=actor)
        .select_related("compound", "category")
        .order_by("-created_at", "-pk")[:limit]
    )


def compound_month_counts(*, compound_id: int, month: date) -> dict[str, int]:
    """For the compound's public page: orders resolved this month and orders open now. One query; no text."""
    start, end = _bounds(*month_bounds(month))
    return WorkOrder.objects.filter(compound_id=compound_id).aggregate(
        resolved=Count("pk", filter=Q(state__in=RESOLVED_STATES, resolved_at__gte=start, resolved_at__lt=end)),
        open=Count(
            "pk", filter=~Q(state__in=[State.CLOSED, State.MERGED, State.REJECTED, State.RESOLVED, State.RATED])
        ),
    )


def compound_order_counts(*, actor: User, now: datetime) -> dict[int, tuple[int, int]]:
    """{compound id: (open orders, overdue orders)} over the orders the actor sees (the map's colours). One
    query, grouped by compound."""
    from workorders.statemachine import overdue_condition

    rows = (
        WorkOrder.objects.visible_to(actor)
        .open()
        .order_by()
        .values("compound_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_condition(now)))
    )
    return {row["compound_id"]: (row["open"], row["overdue"]) for row in rows}
