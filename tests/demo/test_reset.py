"""manage.py load_demo (portal/demo.py) on the committed demo district of the package (tests/demo/conftest.py): a
second run changes nothing, and --reset builds the same district and the same work orders again. It runs last in
the package (its conftest orders it so): the reset replaces the district the package's checks read."""

import io
import time

import pytest
from django.core.management import call_command
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
from tests.demo.conftest import NOW
from workorders.demo import build_demo_work_orders
from workorders.models import WorkOrder


def load_demo(*args) -> str:
    """The command at the package's moment (tests.demo.conftest.NOW): the orders are filed at ages before it, so
    builds a few minutes apart near midnight would date a 12345 number differently."""
    out = io.StringIO()
    started = time.perf_counter()
    call_command("load_demo", *args, f"--now={NOW.isoformat()}", stdout=out)
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
def test_load_demo_is_idempotent_and_deterministic(demo):
    first, orders = demo_snapshot(), orders_snapshot()
    assert first["compounds"] and orders
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
