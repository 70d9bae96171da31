"""Property-based: any sequence of user actions keeps the state machine's invariants."""

import contextlib
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.actors import SystemActor
from workorders import services
from workorders.models import State, WorkOrder
from workorders.statemachine import RESOLVED_OR_LATER, TERMINAL, TRANSITIONS

from .conftest import MONDAY_9AM

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

ACTIONS = [
    "route",
    "assign",
    "accept",
    "start",
    "return",
    "transfer",
    "escalate",
    "resolve",
    "rate_happy",
    "rate_unhappy",
    "close",
    "reject",
    "merge",
    "sweep",
]
# The forward path is drawn more often, so that sequences reach resolved, rated, re-opened and closed.
WEIGHTED = ACTIONS + ["route", "accept", "start", "resolve", "rate_happy", "rate_unhappy", "close"] * 3


def act(name, tree, order, main, now):
    official = tree.official
    match name:
        case "route":
            services.work_order_route(actor=SYSTEM, order_id=order.pk, now=now)
        case "assign":
            services.work_order_assign(
                actor=official, order=order, level="community", unit=tree.communities[0], now=now
            )
        case "accept":
            services.work_order_accept(actor=official, order=order, now=now)
        case "start":
            services.work_order_start(actor=official, order=order, now=now)
        case "return":
            services.work_order_return(actor=official, order=order, reason="不属本单位", now=now)
        case "transfer":
            services.work_order_transfer(
                actor=official, order=order, level="street", unit=tree.streets[0], reason="需街道", now=now
            )
        case "escalate":
            services.work_order_escalate(
                actor=official, order=order, reason="上报", departments=[tree.department], now=now
            ) if order.handler_level == "street" else services.work_order_escalate(
                actor=official, order=order, reason="上报", now=now
            )
        case "resolve":
            services.work_order_resolve(actor=official, order=order, resolution="已处理", now=now)
        case "rate_happy" | "rate_unhappy":
            level = "satisfied" if name == "rate_happy" else "poor_service"
            services.work_order_rate(
                actor=SYSTEM,
                order=order,
                satisfaction=level,
                tracking_code=order.tracking_code,
                now=now,
            )
        case "close":
            services.work_order_close(actor=official, order=order, now=now)
        case "reject":
            services.work_order_reject(actor=official, order=order, reason="无效", now=now)
        case "merge":
            services.work_order_merge(actor=official, order=order, into=main, now=now)
        case "sweep":
            services.sla_sweep(actor=SYSTEM, now=now)


def transitions(order) -> int:
    return order.timeline.exclude(from_state="").count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.integers(min_value=0, max_value=5),
    rating=st.sampled_from(["rate_happy", "rate_unhappy"]),
    steps=st.lists(st.tuples(st.sampled_from(WEIGHTED), st.integers(min_value=1, max_value=200)), max_size=12),
)
def test_any_sequence_of_actions_keeps_the_invariants(tree, categories, file_order, prefix, rating, steps):
    # given a fresh order (and another one to merge into)
    main = file_order(title="主工单", description="另一件事情完全不同")
    order = file_order(route=False, title="楼道堆物", description="楼道里堆了东西")
    # a random part of the happy path first, so that sequences also start from resolved, rated or re-opened
    happy = ["route", "accept", "start", "resolve", rating][:prefix]
    steps = [(name, 1) for name in happy] + steps
    now = MONDAY_9AM
    successes = 0
    was_terminal = None
    for name, hours in steps:
        now += timedelta(hours=hours)
        before = WorkOrder.objects.get(pk=order.pk)
        before_transitions = transitions(before)
        with contextlib.suppress(ValidationError, PermissionDenied):
            act(name, tree, before, main, now)
        order = WorkOrder.objects.get(pk=order.pk)
        moved = transitions(order) - before_transitions
        successes += moved
        # then: the state is one of the table's, every change is a legal move with one timeline entry each
        assert State(order.state) in TRANSITIONS
        entries = list(order.timeline.exclude(from_state="").order_by("at", "pk"))
        for entry in entries[len(entries) - moved :]:
            assert State(entry.to_state) in TRANSITIONS[State(entry.from_state)]
        assert transitions(order) == successes
        last = order.timeline.exclude(to_state="").order_by("at", "pk").last()
        assert last.to_state == order.state
        # terminal states stay terminal and nothing changes after them
        if was_terminal is not None:
            assert order.state == was_terminal and moved == 0
        if order.state in TERMINAL:
            was_terminal = order.state
        # resolved_at is set exactly when resolved or later
        assert (order.resolved_at is not None) == (order.state in RESOLVED_OR_LATER)
        assert order.reopened_count <= 1
        assert (order.state == State.MERGED) == (order.duplicate_of_id is not None)
        assert order.state != State.ACCEPTED or order.responded_at is not None
        event(f"reached {order.state}")
