"""The work order's states and every allowed move between them, in one table, and the one function that
changes the state (and so writes the timeline). The services in workorders.services decide who may make a
move and what else changes with it; they all end here.

    submitted ─route/assign→ assigned ─accept→ accepted ─start→ in_progress ─resolve→ resolved ─rate→ rated ─→ closed
       └─claim (pool)→ accepted                                                                        │
    assigned/transferred/escalated/reopened ─return→ returned ─assign→ assigned                        │
    … ─transfer→ transferred   … ─escalate→ escalated   … ─merge→ merged   … ─reject→ rejected          │
    rated (dissatisfied, within 7 days, once) ─→ reopened ─accept→ accepted …  ←───────────────────────┘

closed, merged and rejected are terminal. A merged order follows its main order (workorders.selectors).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.actors import is_system, require_actor
from workorders.models import HandlerLevel, State, TimelineEntry, TimelineKind

if TYPE_CHECKING:
    from workorders.models import WorkOrder

S = State

# Orders waiting for their current handler to accept them.
AWAITING_ACCEPTANCE = frozenset({S.ASSIGNED, S.TRANSFERRED, S.ESCALATED, S.REOPENED})
# Orders being worked on (accepted, not yet resolved).
IN_HAND = frozenset({S.ACCEPTED, S.IN_PROGRESS})
TERMINAL = frozenset({S.CLOSED, S.MERGED, S.REJECTED})
# States in which the order counts as resolved (resolved_at is set exactly in these).
RESOLVED_OR_LATER = frozenset({S.RESOLVED, S.RATED, S.CLOSED})
# Orders whose resolve-by time still runs (not resolved, not terminal).
UNRESOLVED = AWAITING_ACCEPTANCE | IN_HAND | {S.SUBMITTED, S.RETURNED}


def overdue_condition(now: datetime) -> Q:
    """超时, as a query: not yet accepted past the respond-by time, or not yet resolved past the resolve-by time."""
    return Q(state__in=AWAITING_ACCEPTANCE, respond_by__lt=now) | Q(state__in=UNRESOLVED, resolve_by__lt=now)


def to_dispatch_condition() -> Q:
    """待派单, as a query: waiting for a dispatcher — new, sent back by its handler, or escalated up to the street.
    The cockpit's figure and the queue's filter behind it (`to_dispatch=true`) both count these."""
    return Q(state__in=[S.SUBMITTED, S.RETURNED]) | Q(state=S.ESCALATED, handler_level=HandlerLevel.STREET)


def is_respond_late(order: WorkOrder, now: datetime) -> bool:
    return bool(order.state in AWAITING_ACCEPTANCE and order.respond_by and order.respond_by < now)


def is_overdue(order: WorkOrder, now: datetime) -> bool:
    """超时, for one loaded order: the same rule as overdue_condition."""
    return is_respond_late(order, now) or bool(
        order.state in UNRESOLVED and order.resolve_by and order.resolve_by < now
    )


TRANSITIONS: dict[State, frozenset[State]] = {
    S.SUBMITTED: frozenset({S.ASSIGNED, S.ACCEPTED, S.ESCALATED, S.MERGED, S.REJECTED}),
    S.ASSIGNED: frozenset({S.ACCEPTED, S.RETURNED, S.TRANSFERRED, S.ESCALATED, S.MERGED, S.REJECTED}),
    S.TRANSFERRED: frozenset({S.ACCEPTED, S.RETURNED, S.TRANSFERRED, S.ESCALATED, S.MERGED, S.REJECTED}),
    S.ESCALATED: frozenset({S.ACCEPTED, S.RETURNED, S.TRANSFERRED, S.ESCALATED, S.MERGED, S.REJECTED}),
    S.REOPENED: frozenset({S.ACCEPTED, S.RETURNED, S.TRANSFERRED, S.ESCALATED}),
    S.RETURNED: frozenset({S.ASSIGNED, S.ESCALATED, S.MERGED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.RESOLVED, S.RETURNED, S.TRANSFERRED, S.ESCALATED}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.TRANSFERRED, S.ESCALATED}),
    S.RESOLVED: frozenset({S.RATED, S.CLOSED}),
    S.RATED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset(),
    S.MERGED: frozenset(),
    S.REJECTED: frozenset(),
}


# Two moves made as one step (one button on the phone), each still its own transition and timeline entry:
# 受理并开始处理 is accept followed by start, offered where the table allows both in a row;
# 当场办结 is accept followed by resolve, by the grid worker who found it (the rule workorders.resolve_on_the_spot).
COMPOUND_MOVES: dict[str, tuple[State, ...]] = {
    "accept_start": (S.ACCEPTED, S.IN_PROGRESS),
    "resolve_on_the_spot": (S.ACCEPTED, S.RESOLVED),
}


def can_make_in_a_row(order: WorkOrder, name: str) -> bool:
    """The table allows each state of the compound move `name` after the one before, from the order's state."""
    state = State(order.state)
    for to_state in COMPOUND_MOVES[name]:
        if to_state not in TRANSITIONS[state]:
            return False
        state = to_state
    return True


class TransitionNotAllowed(ValidationError):
    """An illegal move; the message is for the user (Chinese)."""


def can_transition(order: WorkOrder, to_state: State | str) -> bool:
    return State(to_state) in TRANSITIONS[State(order.state)]


def work_order_transition(
    *,
    actor: Any,
    order: WorkOrder,
    to_state: State | str,
    note: str = "",
    kind: TimelineKind | str = TimelineKind.TRANSITION,
    now: datetime | None = None,
    **changes: Any,
) -> WorkOrder:
    """Move `order` to `to_state`, apply `changes` (other fields), keep the timestamps that follow from the
    state, save, and append one timeline entry. The caller holds the row lock (select_for_update) and has
    checked the actor's right to do it. `actor`: the person, or the SystemActor of a task or of the system's own
    step (routing, a reopening); None raises MissingActor."""
    require_actor(actor)
    now = now or timezone.now()
    from_state = State(order.state)
    to_state = State(to_state)
    if to_state not in TRANSITIONS[from_state]:
        raise TransitionNotAllowed(
            gettext("工单当前状态为“%(from)s”，不能变为“%(to)s”。") % {"from": from_state.label, "to": to_state.label},
            code="transition_not_allowed",
        )
    for field, value in changes.items():
        setattr(order, field, value)
    order.state = to_state
    if to_state == S.ACCEPTED and order.responded_at is None:
        order.responded_at = now
    if to_state == S.RESOLVED:
        order.resolved_at = now
    if to_state == S.RATED:
        order.rated_at = now
    if to_state == S.CLOSED:
        order.closed_at = now
    if to_state == S.REOPENED:
        order.resolved_at = None
        order.reopened_count += 1
    order.save()
    timeline_append(actor=actor, order=order, kind=kind, from_state=from_state, to_state=to_state, note=note, now=now)
    return order


def timeline_append(
    *,
    actor: Any,
    order: WorkOrder,
    kind: TimelineKind | str,
    note: str = "",
    from_state: str = "",
    to_state: str = "",
    now: datetime | None = None,
) -> TimelineEntry:
    """One entry of the order's timeline. A person's entry names them; a SystemActor's names nobody; None raises
    MissingActor (the system is said, never assumed)."""
    require_actor(actor)
    handler = order.handler
    return TimelineEntry.objects.create(
        district_id=order.district_id,
        order=order,
        at=now or timezone.now(),
        # A person's entry names them; the system's (a SystemActor, a resident's filing) names nobody — the
        # audit trail's context (pghistory) says which task or command it was.
        actor=None if is_system(actor) else actor,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        handler_label=str(handler)[:120] if handler is not None else "",
    )
