"""驻点"两委"干部: a compound's stationed cadre as a first handler of routed orders."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.actors import SystemActor
from accounts.roles import Role
from compounds.models import Compound
from tests import factories
from workorders import selectors, services
from workorders.models import Channel, HandlerLevel, Notification, RoutingMode, RoutingRule, State

from .conftest import MONDAY_9AM

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


def station(compound, cadre):
    compound.stationed_cadre = cadre
    compound.full_clean()
    compound.save()
    return compound


def cadre_rule(tree, categories, **fields):
    return RoutingRule.objects.create(
        district=tree.district,
        priority=10,
        category=categories["noise"],
        target_level=HandlerLevel.STATIONED_CADRE,
        **fields,
    )


def test_a_stationed_cadre_must_be_a_cadre_of_the_compounds_community(tree):
    # given a cadre of another community, and a grid worker
    compound = tree.compounds[0]
    elsewhere = factories.user_for(Role.COMMUNITY_CADRE, tree.communities[1], username="cadre-elsewhere")
    for wrong in (elsewhere, tree.grid_worker):
        # when stationed at the compound
        compound.stationed_cadre = wrong
        # then clean() refuses with a Chinese message on the field, and nothing is saved
        with pytest.raises(ValidationError) as error:
            compound.full_clean()
        assert "驻点干部须为本小区所在社区的社区干部。" in error.value.message_dict["stationed_cadre"]
    assert Compound.objects.get(pk=compound.pk).stationed_cadre is None
    # and the community's own cadre is accepted
    station(compound, tree.cadre)
    assert Compound.objects.get(pk=compound.pk).stationed_cadre == tree.cadre


def test_a_rule_sends_the_order_to_the_stationed_cadre_who_sees_and_handles_it(tree, categories, file_order):
    # given a compound with a stationed cadre and a rule sending noise to the stationed cadre
    station(tree.compounds[0], tree.cadre)
    cadre_rule(tree, categories)
    # when a resident files noise there
    order = file_order(category="noise")
    # then the cadre is the named handler, and the timeline says so
    assert (order.state, order.handler_level, order.handler_user) == (State.ASSIGNED, HandlerLevel.USER, tree.cadre)
    assert "驻点干部" in order.timeline.get(kind="routed").note
    # and the order is in the cadre's "my orders" (selector and page)
    assert list(selectors.work_orders_for_handler(actor=tree.cadre)) == [order]
    # and the cadre accepts and resolves it
    services.work_order_accept(actor=tree.cadre, order=order, now=MONDAY_9AM)
    services.work_order_resolve(actor=tree.cadre, order=order, resolution="已上门调解", now=MONDAY_9AM)
    order.refresh_from_db()
    assert order.state == State.RESOLVED


def test_my_orders_page_lists_the_stationed_cadres_order(client, tree, categories, file_order):
    station(tree.compounds[0], tree.cadre)
    cadre_rule(tree, categories)
    order = file_order(category="noise", title="广场舞噪音扰民")
    client.force_login(tree.cadre)
    page = client.get(reverse("workorders:mine")).content.decode()
    assert "广场舞噪音扰民" in page
    detail = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert "受理" in detail and tree.cadre.display_name in detail


def test_the_stationed_cadre_is_notified_in_the_inbox(tree, categories, django_capture_on_commit_callbacks):
    # given
    station(tree.compounds[0], tree.cadre)
    cadre_rule(tree, categories)
    # when a resident files noise and the routing task runs after commit
    with django_capture_on_commit_callbacks(execute=True):
        order = services.work_order_file(
            actor=SYSTEM,
            compound=tree.compounds[0],
            category=categories["noise"],
            channel=Channel.RESIDENT_QR,
            title="夜间噪音",
            description="楼下商铺夜间施工噪音很大",
        )
    # then the order is the cadre's and their inbox tells them
    order.refresh_from_db()
    assert order.handler_user == tree.cadre
    assert Notification.objects.filter(recipient=tree.cadre, order=order).exists()
    assert not Notification.objects.filter(recipient=tree.street_staff, order=order).exists()


def test_without_a_stationed_cadre_the_rule_falls_back_to_the_community(tree, categories, file_order):
    # given the rule, and a compound without a stationed cadre
    cadre_rule(tree, categories, mode=RoutingMode.POOL)
    # when
    order = file_order(category="noise")
    # then the community gets it (in its pool, as the rule says)
    assert (order.handler_level, order.handler_community, order.is_pooled) == (
        HandlerLevel.COMMUNITY,
        tree.communities[0],
        True,
    )


def test_a_cadre_moved_to_another_community_is_no_longer_routed_to(tree, categories, file_order):
    station(tree.compounds[0], tree.cadre)
    cadre_rule(tree, categories)
    tree.cadre.community = tree.communities[1]
    tree.cadre.save()
    order = file_order(category="noise")
    assert (order.handler_level, order.handler_community) == (HandlerLevel.COMMUNITY, tree.communities[0])


def test_a_category_default_level_can_be_the_stationed_cadre(tree, categories, file_order):
    station(tree.compounds[0], tree.cadre)
    category = categories["neighbour-dispute"]
    category.default_handler_level = HandlerLevel.STATIONED_CADRE
    category.full_clean()
    category.save()
    order = file_order(category="neighbour-dispute")
    assert (order.handler_level, order.handler_user) == (HandlerLevel.USER, tree.cadre)


def test_the_routing_rule_api_accepts_the_stationed_cadre_level(client, tree, categories):
    client.force_login(tree.official)
    response = client.post(
        reverse("workorders-api:routing-rule-list"),
        {"priority": 5, "target_level": "stationed_cadre", "category": categories["noise"].pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert RoutingRule.objects.get(pk=response.json()["id"]).target_level == HandlerLevel.STATIONED_CADRE


def test_compound_api_and_page_show_the_stationed_cadre(client, tree):
    station(tree.compounds[0], tree.cadre)
    client.force_login(tree.street_staff)
    rows = client.get(reverse("compounds-api:compound-list")).json()
    rows = rows.get("results", rows)
    row = next(r for r in rows if r["id"] == tree.compounds[0].pk)
    assert (row["stationed_cadre"], row["stationed_cadre_name"]) == (tree.cadre.pk, tree.cadre.display_name)
    other = next(r for r in rows if r["id"] == tree.compounds[1].pk)
    assert other["stationed_cadre"] is None
    page = client.get(reverse("compound-detail", args=[tree.compounds[0].pk])).content.decode()
    assert "驻点干部" in page and tree.cadre.display_name in page
