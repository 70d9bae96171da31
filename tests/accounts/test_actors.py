"""Services take an explicit actor (issue 7): forgetting it is an error, never the system's privilege; the
system is a SystemActor that names itself."""

import datetime

import pytest

from accounts.actors import MissingActor, SystemActor
from compounds.importing import org_import
from compounds.services import communities_apply_due_tiers, community_set_tier
from ratings import selectors as ratings_selectors
from ratings import services as ratings
from ratings.reports import monthly, quarterly
from tests.factories import SYSTEM
from workorders import notifications
from workorders import services as wo
from workorders.statemachine import timeline_append, work_order_transition


def calls(tree):
    period = ratings.period_open(actor=SystemActor(name="tests"), district=tree.district, year=2026, quarter=1)
    category = wo.categories_seed(actor=SYSTEM, district=tree.district)[0]
    return {
        "work_order_file": lambda: wo.work_order_file(
            actor=None, compound=tree.compounds[0], category=category, channel="phone", title="t", description="d"
        ),
        "work_order_route": lambda: wo.work_order_route(actor=None, order_id=1),
        "categories_seed": lambda: wo.categories_seed(actor=None, district=tree.district),
        "urgency_classes_seed": lambda: wo.urgency_classes_seed(actor=None, district=tree.district),
        "sla_sweep": lambda: wo.sla_sweep(actor=None),
        "reroute": lambda: wo.work_orders_reroute_unrouted(actor=None),
        "notify": lambda: notifications.notify(actor=None, recipients=[], order=None, kind="x", message="m"),
        "panel_score_record": lambda: ratings.panel_score_record(
            actor=None, period=period, firm=tree.firm, party="street", score=1
        ),
        "period_open": lambda: ratings.period_open(actor=None, district=tree.district, year=2026, quarter=2),
        "contract_create": lambda: ratings.contract_create(
            actor=None, firm=tree.firm, compound=tree.compounds[0], start=datetime.date(2026, 1, 1), fee_fen=1
        ),
        "community_set_tier": lambda: community_set_tier(
            actor=None, community=tree.communities[0], tier="A", reason="r", effective_year=2026
        ),
        "org_import": lambda: org_import(actor=None, district=tree.district, sheets=[]),
        "apply_due_tiers": lambda: communities_apply_due_tiers(actor=None, year=2027),
        "work_order_records_capture": lambda: ratings.work_order_records_capture(actor=None, period=period),
        "report_save": lambda: ratings.report_save(
            actor=None, district_id=tree.district.pk, kind="x", title="t", pdf=b"%PDF", seconds=0, period=period
        ),
        "quarterly_build": lambda: quarterly.build(actor=None, period=period),
        "monthly_build": lambda: monthly.build(actor=None, district=tree.district, month=datetime.date(2026, 3, 1)),
        # the figures of the period page, the API and the PDF: computed within someone's scope, never nobody's
        "list_summary": lambda: ratings_selectors.list_summary(period, actor=None),
        "street_breakdown": lambda: ratings_selectors.street_breakdown(period, actor=None),
        # the state machine's own steps: "None means the system" is gone, the system is a SystemActor
        "timeline_append": lambda: timeline_append(actor=None, order=_order(tree, category), kind="note"),
        "work_order_transition": lambda: work_order_transition(
            actor=None, order=_order(tree, category), to_state="assigned"
        ),
    }


def _order(tree, category):
    actor = SystemActor(name="tests", district_id=tree.district.pk)
    return wo.work_order_file(
        actor=actor, compound=tree.compounds[0], category=category, channel="phone", title="t", description="楼道灯坏"
    )


NAMES = [
    "work_order_file",
    "work_order_route",
    "categories_seed",
    "urgency_classes_seed",
    "sla_sweep",
    "reroute",
    "notify",
    "panel_score_record",
    "period_open",
    "contract_create",
    "community_set_tier",
    "org_import",
    "apply_due_tiers",
    "work_order_records_capture",
    "report_save",
    "quarterly_build",
    "monthly_build",
    "list_summary",
    "street_breakdown",
    "timeline_append",
    "work_order_transition",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_writing_service_called_without_an_actor_raises(tree, name):
    with pytest.raises(MissingActor):
        calls(tree)[name]()


def test_the_system_names_itself_and_stays_in_its_district(tree, other_tree):
    actor = SystemActor(name="task:workorders.sla_sweep_task", district_id=tree.district.pk)
    assert actor.display_name == "系统（task:workorders.sla_sweep_task）" and not actor.is_platform_admin
    from compounds.models import Compound

    assert set(Compound.objects.visible_to(actor)) == set(tree.compounds)
    assert SystemActor(name="beat").is_platform_admin  # a sweep across districts names none


def test_the_catalogue_seed_names_who_seeded_it_and_no_one_else_may(tree, other_tree):
    """The seeds take an actor like every service: the system acting for a command is named in each seeded row's
    history, so is a person; another district's official is refused, and nothing is seeded."""
    from django.core.exceptions import PermissionDenied

    from accounts.history import object_history
    from workorders.models import Category, UrgencyClass

    with pytest.raises(PermissionDenied):
        wo.categories_seed(actor=other_tree.official, district=tree.district)
    assert not Category.objects.filter(district=tree.district).exists()

    seeded = wo.categories_seed(
        actor=SystemActor(name="command:open_district", district_id=tree.district.pk), district=tree.district
    )
    assert object_history(actor=tree.official, obj=seeded[0])[0].who == "system:command:open_district"
    urgency = UrgencyClass.objects.filter(district=other_tree.district)
    wo.urgency_classes_seed(actor=other_tree.official, district=other_tree.district)
    who = object_history(actor=other_tree.official, obj=urgency.first())[0].who
    assert who == (other_tree.official.full_name or other_tree.official.username)
