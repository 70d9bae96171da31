from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.actors import SystemActor
from compounds.models import ManagementMode, Tier
from tests import factories
from workorders import services
from workorders.models import HandlerLevel, OutboxMessage, RoutingMode, RoutingRule, State, WorkOrder
from workorders.tasks import route_work_order_task

from .conftest import MONDAY_9AM

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


def rule(tree, priority, **fields) -> RoutingRule:
    return RoutingRule.objects.create(district=tree.district, priority=priority, **fields)


def test_without_rules_the_category_default_level_applies(tree, file_order):
    order = file_order(category="neighbour-dispute")
    assert (order.handler_level, order.handler_community) == (HandlerLevel.COMMUNITY, tree.communities[0])


def test_first_matching_rule_by_priority_wins(tree, categories, file_order):
    # given two matching rules; the lower priority number wins
    rule(tree, 20, category=categories["corridor-clutter"], target_level=HandlerLevel.COMMUNITY)
    rule(tree, 10, category=categories["corridor-clutter"], target_level=HandlerLevel.STREET)
    # when
    order = file_order()
    # then
    assert (order.handler_level, order.handler_street) == (HandlerLevel.STREET, tree.streets[0])
    assert "规则" in order.timeline.get(kind="routed").note


def test_rule_conditions_on_tier_and_management_mode(tree, categories, file_order):
    # given a rule only for B-tier communities, and one for any category to the department
    rule(tree, 10, tier=Tier.B, target_level=HandlerLevel.STREET)
    rule(
        tree,
        20,
        management_mode=ManagementMode.COMMERCIAL,
        category=categories["noise"],
        target_level=HandlerLevel.DEPARTMENT,
        target_department=tree.department,
    )
    # when an A-tier commercial compound files noise
    noise = file_order(category="noise")
    # then the second rule applies
    assert (noise.handler_level, noise.handler_department) == (HandlerLevel.DEPARTMENT, tree.department)
    assert list(noise.departments.all()) == [tree.department]
    # and when the community is B tier, the first rule applies to everything
    tree.communities[1].tier = Tier.B
    tree.communities[1].save()
    other = file_order(compound=tree.compounds[2], category="noise")
    assert other.handler_level == HandlerLevel.STREET


def test_a_rule_on_a_parent_category_covers_its_children(tree, categories, file_order):
    child = categories["corridor-clutter"]
    child.parent = categories["safety-hazard"]
    child.save()
    rule(tree, 10, category=categories["safety-hazard"], target_level=HandlerLevel.STREET)
    assert file_order().handler_level == HandlerLevel.STREET


def test_three_no_compound_falls_back_to_the_community(tree, categories, file_order):
    # given a three-no compound (no firm, no committee, no fund) and a firm-level category
    compound = factories.CompoundFactory(
        community=tree.communities[0],
        management_mode=ManagementMode.SELF_MANAGED,
        property_firm=None,
        has_owners_committee=False,
        has_maintenance_fund=False,
    )
    compound.refresh_from_db()
    assert compound.is_three_no
    # when
    order = file_order(compound=compound)
    # then
    assert (order.handler_level, order.handler_community) == (HandlerLevel.COMMUNITY, tree.communities[0])
    assert order.property_firm is None


def test_three_no_rule(tree, file_order):
    compound = factories.CompoundFactory(
        community=tree.communities[0],
        management_mode=ManagementMode.SELF_MANAGED,
        property_firm=None,
        has_owners_committee=False,
        has_maintenance_fund=False,
    )
    rule(tree, 10, three_no=True, target_level=HandlerLevel.STREET)
    assert file_order(compound=compound).handler_level == HandlerLevel.STREET
    assert file_order().handler_level == HandlerLevel.PROPERTY_FIRM


def test_pool_rule_leaves_the_order_to_be_claimed(tree, file_order):
    # given a pool rule to the community
    rule(tree, 10, target_level=HandlerLevel.COMMUNITY, mode=RoutingMode.POOL)
    order = file_order()
    assert order.state == State.SUBMITTED and order.is_pooled
    # when a cadre of another community tries to claim: refused
    other_cadre = factories.user_for(factories.Role.COMMUNITY_CADRE, tree.communities[1])
    with pytest.raises(Http404):
        services.work_order_claim(actor=other_cadre, order=order, now=MONDAY_9AM)
    # and firm staff (who cannot see a community pool) neither
    with pytest.raises(Http404):
        services.work_order_claim(actor=tree.firm_staff, order=order, now=MONDAY_9AM)
    # and street staff see it but are not the pool's unit
    with pytest.raises(PermissionDenied):
        services.work_order_claim(actor=tree.street_staff, order=order, now=MONDAY_9AM)
    # and when the community's own cadre claims
    claimed = services.work_order_claim(actor=tree.cadre, order=order, now=MONDAY_9AM + timedelta(minutes=5))
    # then
    assert claimed.state == State.ACCEPTED and not claimed.is_pooled
    assert claimed.first_receiver == tree.cadre
    assert claimed.responded_at == MONDAY_9AM + timedelta(minutes=5)


def test_routing_twice_changes_nothing(tree, file_order):
    order = file_order()
    again = services.work_order_route(actor=SYSTEM, order_id=order.pk, now=MONDAY_9AM + timedelta(hours=1))
    assert again.routed_at == order.routed_at
    assert order.timeline.filter(kind="routed").count() == 1


def test_filing_enqueues_routing_on_commit(tree, categories, django_capture_on_commit_callbacks):
    # when an order is filed (Celery eager): routing runs once the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        order = services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[0],
            category=categories["street-lamp"],
            channel="resident_qr",
            title="路灯不亮",
            description="小区东门路灯坏了一周",
        )
    order.refresh_from_db()
    assert order.state == State.ASSIGNED and order.handler_firm == tree.firm


def test_sweep_re_enqueues_orders_never_routed(tree, file_order, django_capture_on_commit_callbacks):
    # given an order saved but never routed, whose routing still waits in the outbox
    order = file_order(route=False)
    assert order.routed_at is None
    waiting = OutboxMessage.objects.get(order=order, done_at__isnull=True)
    later = MONDAY_9AM + timedelta(minutes=5)
    # then the sweep leaves it to the outbox's own sweep (no second message)
    assert services.work_orders_reroute_unrouted(actor=SYSTEM, now=later) == 0
    # given its outbox row lost too (or an order from before the outbox)
    waiting.delete()
    # when the sweep runs 5 minutes later
    with django_capture_on_commit_callbacks(execute=True):
        count = services.work_orders_reroute_unrouted(actor=SYSTEM, now=later)
    # then it was routed, through a new outbox row (done)
    assert count == 1
    assert OutboxMessage.objects.get(order=order).done_at is not None
    order.refresh_from_db()
    assert order.state == State.ASSIGNED
    # and the task itself is idempotent
    route_work_order_task(order.pk)
    assert WorkOrder.objects.get(pk=order.pk).timeline.filter(kind="routed").count() == 1
