"""The order page offers only the moves its services accept: for each role and state of a small matrix, every
move the page offers goes through when posted (each on a fresh order), and the two moves users met refused —
the street's handler moves on an order it escalated to a department, 上报 at the top of the ladder — are not
offered at all."""

import re

import pytest
from django.urls import reverse

from tests.workorders.test_api import make_order
from workorders import services
from workorders.forms import allowed_actions, unit_suggestions
from workorders.models import Satisfaction, State, WorkOrder

pytestmark = pytest.mark.django_db

ROLES = ["official", "street_staff", "cadre", "firm_staff", "department_staff"]


def _at_the_department(tree):
    order = make_order(tree)  # with the compound's firm
    services.work_order_escalate(actor=tree.firm_staff, order=order, reason="物业无法处理")
    services.work_order_escalate(actor=tree.cadre, order=order, reason="社区协调不了")
    services.work_order_escalate(
        actor=tree.street_staff, order=order, reason="需要职能部门", departments=[tree.department]
    )
    return order


def _accepted_by_the_department(tree):
    order = _at_the_department(tree)
    services.work_order_accept(actor=tree.department_staff, order=order)
    return order


def _returned(tree):
    order = make_order(tree)
    services.work_order_return(actor=tree.firm_staff, order=order, reason="不属于物业服务范围")
    return order


def _resolved(tree):
    order = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=order)
    services.work_order_resolve(actor=tree.firm_staff, order=order, resolution="已清理楼道")
    return order


SETUPS = {
    "assigned_to_the_firm": make_order,
    "escalated_to_the_department": _at_the_department,
    "accepted_by_the_department": _accepted_by_the_department,
    "returned_to_the_street": _returned,
    "resolved": _resolved,
}


def _order(tree, setup):
    """A fresh order in the setup's state, as the page loads it (the services lock and change their own copy)."""
    return WorkOrder.objects.get(pk=SETUPS[setup](tree).pk)


def _post_data(tree, user, order, name):
    """What a user fills in for the move: a reason, a unit the picker suggests (not the current handler)."""
    data = {"action": name}
    if name in ("return", "reject", "transfer", "escalate"):
        data[f"{name}-reason"] = "测试原因"
    if name in ("assign", "transfer"):
        current = f"{order.handler_level}:{order.handler.pk}" if order.handler_level and order.handler else ""
        units = [option["value"] for option in unit_suggestions(user, order) if option["value"] != current]
        assert units, f"{name}: the picker suggests no unit"
        data[f"{name}-unit"] = units[0]
    if name == "escalate" and order.handler_level == "street":  # from the street: the department to call
        data["escalate-departments"] = [tree.department.pk]
    if name == "resolve":
        data["resolve-resolution"] = "已处理完毕"
    if name == "rate":
        data["rate-satisfaction"] = Satisfaction.SATISFIED
    if name == "merge":
        data["merge-into"] = make_order(tree, title="同一处楼道堆物").tracking_code
    return data


@pytest.mark.parametrize("setup", list(SETUPS))
@pytest.mark.parametrize("role", ROLES)
def test_every_offered_move_goes_through(client, tree, setup, role):
    user = getattr(tree, role)
    client.force_login(user)
    order = _order(tree, setup)
    offered = [action.name for action in allowed_actions(user, order)]
    page = client.get(reverse("workorders:detail", args=[order.pk]))
    if page.status_code == 404:  # out of the role's sight: nothing is offered
        assert offered == []
        return
    for name in offered:
        assert f'id="action-{name}"' in page.content.decode() or name in ("claim", "accept_start", "accept", "start")
        fresh = _order(tree, setup)
        before = fresh.state
        response = client.post(reverse("workorders:detail", args=[fresh.pk]), _post_data(tree, user, fresh, name))
        refused = re.findall(r'(?:field-error|alert-error)"[^>]*>(?:<p>)?([^<]*)', response.content.decode())
        assert response.status_code == 302, (setup, role, name, refused)
        fresh = WorkOrder.objects.get(pk=fresh.pk)
        assert fresh.state != before or name == "transfer", (setup, role, name)


def test_the_street_gets_no_handler_moves_on_an_order_it_escalated_to_a_department(tree):
    order = WorkOrder.objects.get(pk=_at_the_department(tree).pk)
    assert order.state == State.ESCALATED and order.handler_level == "department"
    offered = {action.name for action in allowed_actions(tree.street_staff, order)}
    assert not offered & {"accept", "return", "transfer", "escalate"}, offered
    department = {action.name for action in allowed_actions(tree.department_staff, order)}
    assert {"accept", "return"} <= department and "escalate" not in department  # the top of the ladder


def test_escalate_is_not_offered_at_the_top_of_the_ladder(tree):
    order = WorkOrder.objects.get(pk=_accepted_by_the_department(tree).pk)
    for role in ROLES:
        assert "escalate" not in {action.name for action in allowed_actions(getattr(tree, role), order)}, role
