"""A model's check constraints asked in one query (compounds.models.base.failed_checks): the same errors, in the
same order, as Django's own one-query-and-savepoint-per-check, for rows that break any mix of them."""

import itertools
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from compounds.models import ManagementMode
from workorders.models import HandlerLevel

pytestmark = pytest.mark.django_db
SELF = ManagementMode.SELF_MANAGED  # a mode without a firm


def errors(validate) -> dict:
    try:
        validate()
    except ValidationError as error:
        return error.message_dict
    return {}


def same_as_django(instance, exclude=None) -> dict:
    """Ours and Django's errors for the instance; they must be equal (returned for the caller's own checks)."""
    ours = errors(lambda: instance.validate_constraints(exclude=exclude))
    django = errors(lambda: models.Model.validate_constraints(instance, exclude=exclude))
    assert ours == django, (ours, django)
    return ours


def test_a_compound_breaking_any_mix_of_its_four_checks_gets_djangos_errors(tree):
    compound = tree.compounds[0]
    values = itertools.product(
        [None, Decimal("34.1"), Decimal("91")],  # latitude
        [None, Decimal("108.9"), Decimal("-181")],  # longitude
        [None, 1800, 1998, 2200],  # built year
        ["610116001001001", "12", "６１０１１６００１００１００１"],  # code: full-width digits are not \d in PostgreSQL
        [(ManagementMode.COMMERCIAL, tree.firm), (SELF, tree.firm), (SELF, None)],
    )
    seen = set()
    for latitude, longitude, built_year, code, (mode, firm) in random.Random(7).sample(list(values), 90):
        compound.latitude, compound.longitude, compound.built_year = latitude, longitude, built_year
        compound.code, compound.management_mode, compound.property_firm = code, mode, firm
        seen.update(same_as_django(compound).get("__all__", []))
    # and the sample broke each of the four
    assert len(seen) == 4, seen


def test_a_work_order_breaking_its_checks_gets_djangos_errors_and_asks_once(file_order, tree):
    order = file_order()
    assert same_as_django(order) == {}
    handlers = {
        HandlerLevel.PROPERTY_FIRM: ("handler_firm", tree.firm),
        HandlerLevel.COMMUNITY: ("handler_community", tree.communities[0]),
        HandlerLevel.STREET: ("handler_street", tree.streets[0]),
        HandlerLevel.DEPARTMENT: ("handler_department", tree.department),
    }
    seen = set()
    rng = random.Random(11)
    for _ in range(60):
        for field, _row in handlers.values():
            setattr(order, field, None)
        order.handler_level = rng.choice([*handlers, ""])
        if order.handler_level and rng.random() < 0.8:
            field, row = handlers[order.handler_level]
            setattr(order, field, row)
        if rng.random() < 0.3:  # a second handler
            field, row = rng.choice(list(handlers.values()))
            setattr(order, field, row)
        order.latitude = rng.choice([None, Decimal("34.1"), Decimal("95")])
        order.longitude = rng.choice([None, Decimal("108.9")])
        order.satisfaction = rng.choice(["", "satisfied"])
        order.rated_at = rng.choice([None, order.created_at])
        seen.update(same_as_django(order).get("__all__", []))
    assert len(seen) >= 3, seen
    # and an excluded field's checks are not asked, as in Django
    order.handler_level, order.satisfaction, order.rated_at = "", "", None
    for field, _row in handlers.values():
        setattr(order, field, None)
    order.latitude, order.longitude = Decimal("95"), None
    assert same_as_django(order) == {"__all__": ["经纬度须同时填写且在有效范围内。"]}
    assert same_as_django(order, exclude={"latitude"}) == {}
    order.latitude = None

    # one query for the five checks (Django: five, each in a savepoint of its own)
    with CaptureQueriesContext(connection) as queries:
        order.validate_constraints(exclude={"tracking_code", "external_number"})
    checks = [q["sql"] for q in queries.captured_queries if "_check_" in q["sql"]]
    savepoints = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(checks) == 1 and checks[0].count("COALESCE") == 5
    assert len(savepoints) == 1


def test_rating_rules_whose_weights_must_add_up_get_djangos_errors(tree):
    # a check written as an expression (F + F + F = 100) beside ordinary lookups and an F() comparison
    from tests.ratings.helpers import rules

    settings = rules(tree, weight_satisfaction=50, weight_panel=30, weight_work_orders=20)
    assert same_as_django(settings) == {}
    seen = set()
    rng = random.Random(3)
    for _ in range(40):
        settings.weight_satisfaction, settings.weight_panel = rng.choice([50, 60, -10]), rng.choice([30, 40])
        settings.black_below_score, settings.red_min_score = rng.choice([(60, 90), (95, 90)])
        settings.red_top_percent = rng.choice([40, 140])
        seen.update(same_as_django(settings).get("__all__", []))
    assert len(seen) == 2, seen  # both of its checks were broken, alone and together


def test_a_database_error_in_one_check_passes_only_that_check_as_in_django(tree, caplog):
    # a NUL byte cannot be sent to PostgreSQL: the code's check meets a database error (it passes, logged, as in
    # Django), and the coordinates' check, asked in the same query, must still be asked and still fail
    compound = tree.compounds[0]
    compound.code, compound.latitude, compound.longitude = "6101\x00", Decimal("91"), Decimal("108.9")
    assert same_as_django(compound) == {"__all__": ["坐标应同时填写纬度和经度，且在有效范围内。"]}
    assert "database error" in caplog.text
