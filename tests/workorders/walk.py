"""What tests/test_tenancy_walk.py needs to aim at district B's work-order objects."""

import datetime
import io
import zipfile
from collections.abc import Callable

from accounts.actors import SystemActor
from workorders import services
from workorders.models import (
    Category,
    Channel,
    DeliberationMeeting,
    HandlerLevel,
    Notification,
    RoutingRule,
    UrgencyClass,
    WorkOrder,
)

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


def response_text(response) -> str:
    """What a response says, for a leak check: a spreadsheet export (XLSX, zipped XML) is unpacked first."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return " ".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    return response.content.decode("utf-8", "replace")


def workorder_objects(t) -> dict:
    if getattr(t, "_workorders", None) is not None:
        return t._workorders
    categories = services.categories_seed(district=t.district)
    order = services.work_order_file(
        actor=SYSTEM,
        compound=t.compounds[0],
        category=categories[0],
        channel=Channel.RESIDENT_QR,
        title="乙区楼道堆物",
        description="乙区3号楼楼道堆满杂物",
        reporter_phone="13812341234",
    )
    order = services.work_order_route(actor=SYSTEM, order_id=order.pk)
    rule = RoutingRule.objects.create(
        district=t.district, priority=1, name="乙区规则", category=categories[0], target_level=HandlerLevel.STREET
    )
    notification = Notification.objects.create(
        district=t.district, recipient=t.official, order=order, kind="assigned", message="乙区新工单"
    )
    meeting = services.deliberation_meeting_record(
        actor=t.official,
        community=t.communities[0],
        topic="乙区停车议事",
        held_on=datetime.date(2026, 3, 1),
        attendees="居民代表",
        orders=[order],
    )
    t._workorders = {
        WorkOrder: order,
        Category: categories[0],
        UrgencyClass: categories[0].urgency,
        RoutingRule: rule,
        Notification: notification,
        DeliberationMeeting: meeting,
    }
    return t._workorders


def workorder_object_makers() -> dict[type, Callable]:
    return {model: (lambda t, model=model: workorder_objects(t)[model]) for model in workorder_objects_models()}


def workorder_objects_models() -> tuple[type, ...]:
    return (WorkOrder, Category, UrgencyClass, RoutingRule, Notification, DeliberationMeeting)
