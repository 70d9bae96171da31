"""The role walk: inside ONE district, every role aimed at what another role or unit owns.

The tenancy walk (tests/test_tenancy_walk.py) proves that nothing crosses between districts. This walk stays in
district A (长安区) and aims each of its roles — the district official, street staff of street 1, a cadre of
community 1, the grid worker of grid 1, staff of firm 1, staff of department 1, and the two integration
accounts — at rows owned by ANOTHER unit of the same district: an order of street 2 handled by a second firm,
street 2's compound, community and fund request, grid 2's household and visit, the second firm's unpublished
score, another panel party's score, street 2's duty roster, and so on (`OTHERS`).

Every object URL of the site and the API whose model has such a row is asked with every method, and the answer
must be what the one policy says (accounts.policy's scope maps, asked through `can`), never a hand list:

- outside the role's view scope: 404, exactly what a missing id gets, for every method (or the 403 that a role
  gets for every id alike where its role may not use the page or write the model at all: it names no object);
- inside the view scope: a read is not a 404;
- inside the view scope but outside the change scope: every write is refused with a 403 (or 405);
- and no refused write changes a row of the district.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.db import models, transaction
from django.urls import reverse

from accounts.policy import CHANGE, VIEW, can
from compounds.models import Compound, Department, PropertyFirm
from tests import factories
from tests.conftest import build_tree
from tests.test_tenancy_walk import (
    OBJECT_MAKERS,
    ROLES,
    _api_keys,
    _methods,
    changed,
    fingerprint,
    object_routes,
    populate,
    url_for,
    view_model,
)

WRITES = ("post", "put", "patch", "delete")


def _second_firm(t) -> PropertyFirm:
    if getattr(t, "firm2", None) is None:
        t.firm2 = factories.PropertyFirmFactory(district=t.district, name="第二物业服务有限公司")
        # street 2's compounds are served by the second firm (set as the tree is built: not a contract change)
        Compound.objects.filter(pk__in=[c.pk for c in t.compounds[-2:]]).update(property_firm=t.firm2)
    return t.firm2


def _second_department(t) -> Department:
    if getattr(t, "department2", None) is None:
        t.department2 = factories.DepartmentFactory(district=t.district, name="城管局")
    return t.department2


def _order_of_another_firm(t):
    """An order of street 2's compound, dispatched to the second firm."""
    from workorders import services
    from workorders.models import Channel, HandlerLevel

    if getattr(t, "order2", None) is None:
        category = OBJECT_MAKERS[_model("workorders.Category")](t)
        order = services.work_order_file(
            actor=t.official, compound=t.compounds[-1], category=category, channel=Channel.PHONE,
            title="二街道楼道灯坏", description="二街道3号楼楼道灯坏了", reporter_name="李女士",
            reporter_phone="13812349999",
        )  # fmt: skip
        t.order2 = services.work_order_assign(
            actor=t.official, order=order, level=HandlerLevel.PROPERTY_FIRM, unit=_second_firm(t), note="派单"
        )
    return t.order2


def _household_of_another_grid(t):
    from tests.staffing.walk import household

    if getattr(t, "household2", None) is None:
        t.household2 = household(t, address="二网格1单元101", grid=t.grids[-1], compound=t.compounds[-1])
    return t.household2


def _visit_of_another_grid(t):
    from staffing.services import visits
    from tests.staffing.walk import system

    return visits.visit_log(actor=system(t), household=_household_of_another_grid(t), outcome="well", findings="正常")


def _fund_request_of_another_street(t):
    from funding.services import disbursements
    from tests.funding.walk import NOW, funded, system

    funded(t)
    return disbursements.disbursement_request(
        actor=system(t), community=t.communities[-1], purpose="二街道路灯维修", category="repair",
        amount_fen=500_00, now=NOW,
    )  # fmt: skip


def _clone(obj: models.Model, **changes) -> models.Model:
    """A copy of a row with some fields changed (a score of another firm, another party's panel score)."""
    obj = type(obj)._base_manager.get(pk=obj.pk)
    obj.pk = obj.id = None
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._state.adding = True
    obj.save()
    return obj


def _score_of_another_firm(t):
    from ratings.models import FirmScore

    return _clone(OBJECT_MAKERS[FirmScore](t), firm=_second_firm(t), published_firm=None)


def _panel_score_of_another_party(t):
    from ratings.models import PanelParty, PanelScore

    mine = OBJECT_MAKERS[PanelScore](t)
    party = PanelParty.THIRD_PARTY if mine.party != PanelParty.THIRD_PARTY else PanelParty.COMMITTEE
    return _clone(mine, party=party, score=Decimal("70"))


def _roster_of_another_street(t):
    from staffing.services import duty
    from tests.staffing.walk import system

    return duty.roster_create(actor=system(t), street=t.streets[1], name="二街道周末值班")


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


# Model label → a row of district A owned by a unit that none of A's walkers belongs to (built once per world).
OTHERS: dict[str, Callable] = {
    "compounds.Street": lambda t: t.streets[1],
    "compounds.Community": lambda t: t.communities[-1],
    "compounds.Compound": lambda t: t.compounds[-1],
    "compounds.Building": lambda t: t.buildings[-1],
    "compounds.Grid": lambda t: t.grids[-1],
    "compounds.PropertyFirm": _second_firm,
    "compounds.Department": _second_department,
    "workorders.WorkOrder": _order_of_another_firm,
    "staffing.Household": _household_of_another_grid,
    "staffing.Visit": _visit_of_another_grid,
    "staffing.DutyRoster": _roster_of_another_street,
    "funding.Disbursement": _fund_request_of_another_street,
    "ratings.FirmScore": _score_of_another_firm,
    "ratings.PanelScore": _panel_score_of_another_party,
}


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker) -> Iterator:
    """District A, fully populated as the tenancy walk populates it, with the other units' rows (`OTHERS`);
    built once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            a = build_tree("610116", "长安区")
            populate(a)
            a.others = {_model(label): make(a) for label, make in OTHERS.items()}
            yield a
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def a(district, db):
    return district


def test_the_other_rows_are_outside_the_walkers_units(a):
    """The walk's premise: street staff of street 1, the cadre of community 1, the grid worker of grid 1 and the
    staff of firm 1 and department 1 reach none of the other rows through their own unit."""
    from ratings.models import FirmScore
    from workorders.models import WorkOrder

    order = a.others[WorkOrder]
    assert order.street_id == a.streets[1].pk and order.handler_firm_id == a.firm2.pk
    assert a.others[Compound].community.street_id != a.street_staff.street_id
    assert not can(a.street_staff, a.others[Compound], VIEW), "street 1 must not see street 2's compound"
    assert not can(a.firm_staff, order, VIEW), "firm 1 must not see an order handled by firm 2"
    assert not can(a.firm_staff, a.others[FirmScore], VIEW), "firm 1 must not see firm 2's unpublished score"
    assert not can(a.grid_worker, a.others[_model("staffing.Visit")], VIEW), "grid 1 must not see grid 2's visits"


def _routes() -> list:
    labels = {_model(label) for label in OTHERS}
    return [route for route in object_routes() if view_model(route.callback) in labels]


def test_the_walk_reaches_the_other_rows_through_many_urls():
    assert len(_routes()) >= 30, [r.name for r in _routes()]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_policy_says_on_what_another_unit_owns(client, a, role):
    user = a.walkers[role]
    client.force_login(user)
    problems, asked = [], 0
    for route in _routes():
        obj = a.others[view_model(route.callback)]
        url, missing = url_for(route, obj), url_for(route, obj, missing=True)
        visible, changeable = can(user, obj, VIEW), can(user, obj, CHANGE)
        methods = _methods(route)
        sent_writes = False
        before = fingerprint(a.district), _api_keys(a)
        for method in methods:
            if method in WRITES and changeable:
                continue  # a write the role may make: the positive controls send it with a valid body
            sent_writes |= method in WRITES
            answer = getattr(client, method)(url, content_type="application/json", data={}).status_code
            asked += 1
            if answer == 405:
                continue
            where = f"{method.upper()} {url} ({type(obj).__name__} of another unit)"
            if not visible:
                control = getattr(client, method)(missing, content_type="application/json", data={}).status_code
                if answer != control or answer not in (403, 404):
                    problems.append(f"{where} → {answer} (outside the view scope: 404, as a missing id → {control})")
            elif method not in WRITES:
                if answer == 404 or answer >= 500:
                    problems.append(f"{where} → {answer} (inside the view scope)")
            elif answer != 403:
                problems.append(f"{where} → {answer} (visible, outside the change scope: 403)")
        if sent_writes:
            after = fingerprint(a.district), _api_keys(a)
            problems += [f"{route.name}: {label} changed by a refused write" for label in changed(before[0], after[0])]
            if before[1] != after[1]:
                problems.append(f"{route.name}: API keys changed by a refused write")
    assert asked, "the walk asked nothing"
    assert not problems, f"as A's {role}, on rows another unit owns:\n" + "\n".join(problems)


def test_panel_scores_are_entered_only_for_the_party_the_account_represents(client, a):
    """Street staff of street 1 enter the street's score of a firm serving street 1 — not another party's, and
    not for the second firm that serves only street 2 (a 403 either way, nothing stored)."""
    from ratings.models import PanelParty, PanelScore

    period = OBJECT_MAKERS[_model("ratings.RatingPeriod")](a)
    client.force_login(a.street_staff)
    url = reverse("ratings-api:panel-score-list")
    before = list(PanelScore.objects.filter(district=a.district).order_by("pk").values_list())
    refused = [
        client.post(url, {"period": period.pk, "firm": a.firm.pk, "party": PanelParty.THIRD_PARTY, "score": "60"},
                    content_type="application/json"),
        client.post(url, {"period": period.pk, "firm": a.firm2.pk, "party": PanelParty.STREET, "score": "60"},
                    content_type="application/json"),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [403, 403], [r.content[:200] for r in refused]
    assert list(PanelScore.objects.filter(district=a.district).order_by("pk").values_list()) == before
    done = client.post(
        url, {"period": period.pk, "firm": a.firm.pk, "party": PanelParty.STREET, "score": "81"},
        content_type="application/json",
    )  # fmt: skip
    assert done.status_code in (200, 201), done.content[:300]
    assert PanelScore.objects.filter(period=period, firm=a.firm, party=PanelParty.STREET, score=81).exists()
