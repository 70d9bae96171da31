"""manage.py load_demo (portal/demo.py) on committed data: a second run changes nothing, and --reset builds the
same district and the same work orders again. What the loaded demo holds is checked in tests/demo."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import User
from compounds.demo import DISTRICT_CODE
from compounds.models import (
    Community,
    Compound,
    District,
    Grid,
    PropertyFirm,
    Street,
    TierChange,
)
from tests.dbroles import as_owner
from workorders.demo import build_demo_work_orders
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


# One moment for every build of the test: the orders are filed at ages before it, so two builds a few minutes
# apart near midnight would date a 12345 number differently.
NOW = "2026-11-25T10:00:00+08:00"


def load_demo(*args) -> str:
    out = io.StringIO()
    started = time.perf_counter()
    call_command("load_demo", *args, f"--now={NOW}", stdout=out)
    print(f"load_demo {' '.join(args)}: {time.perf_counter() - started:.2f} s")  # shown with pytest -s
    return out.getvalue()


def demo_snapshot() -> dict:
    return {
        "streets": list(Street.objects.order_by("code").values_list("code", "name")),
        "communities": list(Community.objects.order_by("code").values_list("code", "name", "tier", "tier_since")),
        "tiers": list(
            TierChange.objects.order_by("community__code", "effective_year").values_list(
                "community__code", "tier", "effective_year"
            )
        ),
        "compounds": list(
            Compound.objects.order_by("code").values_list(
                "code",
                "name",
                "address",
                "built_year",
                "households",
                "building_count",
                "management_mode",
                "property_firm__credit_code",
                "has_owners_committee",
                "has_maintenance_fund",
            )
        ),
        "grids": list(Grid.objects.order_by("code").annotate(n=Count("buildings")).values_list("code", "name", "n")),
        "firms": list(
            PropertyFirm.objects.order_by("credit_code").values_list("credit_code", "name", "is_state_fallback")
        ),
        "users": list(User.objects.order_by("username").values_list("username", "full_name", "role")),
    }


def orders_snapshot() -> list[tuple]:
    return list(
        WorkOrder.objects.order_by("created_at", "pk").values_list(
            "compound__code", "category__code", "channel", "state", "title", "external_number", "satisfaction"
        )
    )


# Committed data (transaction=True): the reset deletes with triggers off, which only the owner may do, on the
# owner's own login (tests.dbroles.as_owner); the rest runs as the application role.
@pytest.mark.django_db(transaction=True)
def test_load_demo_is_idempotent_and_deterministic():
    load_demo()
    first, orders = demo_snapshot(), orders_snapshot()
    compound_pks = set(Compound.objects.values_list("pk", flat=True))
    district = District.objects.get(code=DISTRICT_CODE)
    # a second run, or the orders built again for a district that has them, leave the district as it is
    assert build_demo_work_orders(district=district).created is False
    assert "已存在，未改动" in load_demo()
    assert demo_snapshot() == first and orders_snapshot() == orders
    assert set(Compound.objects.values_list("pk", flat=True)) == compound_pks
    # --reset rebuilds it from scratch (its orders point at the demo users): the same codes, names, figures and
    # work orders
    with as_owner():
        output = load_demo("--reset")
    assert "已建成演示区" in output and "已生成演示工单" in output
    assert not set(Compound.objects.values_list("pk", flat=True)) & compound_pks
    assert demo_snapshot() == first
    assert orders_snapshot() == orders and WorkOrder.objects.count() == len(orders)


@pytest.mark.parametrize("value", ["2026-13-45T10:00+08:00", "2026-11-25T10:00", "明天"])
def test_an_impossible_or_naive_moment_is_refused_in_chinese(value):
    with pytest.raises(CommandError, match="--now"):
        call_command("load_demo", f"--now={value}", stdout=io.StringIO())
    assert not Compound.objects.exists()
