"""What tests/test_tenancy_walk.py needs to aim at a district's work-order objects, and to fill the district
first: an order in every state (with its timeline, escalations and a photo), notifications for every user,
routing rules, a deliberation meeting and the privacy settings. In district B every text carries "乙区"."""

import contextlib
import datetime
import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable

from accounts.actors import SystemActor
from workorders import services
from workorders.models import (
    Category,
    Channel,
    DeliberationMeeting,
    HandlerLevel,
    IdempotencyKey,
    Notification,
    Photo,
    PrivacySettings,
    RoutingRule,
    Satisfaction,
    State,
    UrgencyClass,
    WorkOrder,
)

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


def response_text(response) -> str:
    """What a response says, for a leak check: a spreadsheet export (XLSX, zipped XML) is unpacked and a PDF is
    turned into its text first."""
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content_type.startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return " ".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    if content_type.startswith("application/pdf") or content[:5] == b"%PDF-":
        return pdf_text(content)
    if content_type.startswith("application/json"):
        # Django's JsonResponse escapes every Chinese character (\u4e59…): decoded, so that "乙区" can be seen
        with contextlib.suppress(ValueError):
            return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode("utf-8", "replace")


def pdf_text(content: bytes) -> str:
    """The text of a PDF (poppler's pdftotext, which the report tests use as well)."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed to read PDFs for leaks"
    done = subprocess.run([tool, "-", "-"], input=content, capture_output=True, check=False)
    # A file that only looks like a PDF (a test sample) has no text layer: read its bytes as they are.
    return done.stdout.decode() if done.returncode == 0 else content.decode("utf-8", "replace")


def _marker(t) -> str:
    return "乙区" if "乙区" in t.streets[0].name else ""


def _file(t, category, n: int, **extra) -> WorkOrder:
    m = _marker(t)
    return services.work_order_file(
        actor=t.official,
        compound=t.compounds[n % len(t.compounds)],
        category=category,
        channel=extra.pop("channel", Channel.PHONE),  # a call taken by the official (a channel officials file on)
        title=f"{m}楼道堆物{n}",
        description=f"{m}3号楼楼道堆满杂物，联系张先生 029-85551234",
        reporter_name=f"{m}王女士",
        reporter_phone=f"1381234{n:04d}",
        **extra,
    )


def orders_in_every_state(t, category) -> dict[str, WorkOrder]:
    """One order per state of workorders.statemachine, moved there through the services as the district
    official (the timeline, escalations and resolution texts come with them)."""
    who = t.official
    street = t.streets[0]
    orders: dict[str, WorkOrder] = {}
    counter = iter(range(1, 100))

    def assigned():
        order = _file(t, category, next(counter))
        return services.work_order_assign(actor=who, order=order, level=HandlerLevel.STREET, unit=street, note="派单")

    def accepted():
        return services.work_order_accept(actor=who, order=assigned(), note="受理")

    def resolved():
        order = services.work_order_start(actor=who, order=accepted(), note="处理中")
        return services.work_order_resolve(actor=who, order=order, resolution=f"{_marker(t)}已清理楼道")

    orders[State.SUBMITTED] = _file(t, category, next(counter))
    orders[State.ASSIGNED] = assigned()
    orders[State.ACCEPTED] = accepted()
    orders[State.IN_PROGRESS] = services.work_order_start(actor=who, order=accepted(), note="处理中")
    orders[State.RESOLVED] = resolved()
    orders[State.RATED] = services.work_order_rate(actor=who, order=resolved(), satisfaction=Satisfaction.SATISFIED)
    rated = services.work_order_rate(actor=who, order=resolved(), satisfaction=Satisfaction.VERY_SATISFIED)
    orders[State.CLOSED] = services.work_order_close(actor=who, order=rated, note="归档")
    orders[State.REOPENED] = services.work_order_rate(
        actor=who, order=resolved(), satisfaction=Satisfaction.POOR_SERVICE, comment=f"{_marker(t)}没有解决"
    )
    orders[State.RETURNED] = services.work_order_return(actor=who, order=assigned(), reason=f"{_marker(t)}不属本街道")
    orders[State.TRANSFERRED] = services.work_order_transfer(
        actor=who, order=assigned(), level=HandlerLevel.COMMUNITY, unit=t.communities[0], reason="转社区"
    )
    orders[State.ESCALATED] = services.work_order_escalate(
        actor=who, order=assigned(), reason=f"{_marker(t)}需部门协同", departments=[t.department]
    )
    orders[State.MERGED] = services.work_order_merge(actor=who, order=assigned(), into=orders[State.ASSIGNED])
    orders[State.REJECTED] = services.work_order_reject(actor=who, order=assigned(), reason=f"{_marker(t)}重复反映")
    for state, order in orders.items():
        order.refresh_from_db()
        assert order.state == state, f"the walk wanted an order in {state}, got {order.state}"
    return orders


def workorder_objects(t) -> dict:
    if getattr(t, "_workorders", None) is not None:
        return t._workorders
    from tests.workorders.test_photos import small_jpeg
    from workorders.intake.photos import photo_prepare, photo_store

    m = _marker(t)
    categories = services.categories_seed(actor=SYSTEM, district=t.district)
    t.orders = orders_in_every_state(t, categories[0])
    order = t.orders[State.ASSIGNED]
    # The resident's photo (reachable with the tracking code too) and one a member of staff added.
    photo = photo_store(order=order, prepared=photo_prepare(upload=small_jpeg()))
    photo_store(order=order, prepared=photo_prepare(upload=small_jpeg()), uploaded_by=t.official)
    rule = RoutingRule.objects.create(
        district=t.district, priority=1, name=f"{m}规则", category=categories[0], target_level=HandlerLevel.STREET
    )
    # The notification task runs after commit, which a test transaction never reaches: one row per user.
    for user in t.users:
        Notification.objects.create(
            district=t.district, recipient=user, order=order, kind="assigned", message=f"{m}新工单 {order.title}"
        )
    meeting = services.deliberation_meeting_record(
        actor=t.official,
        community=t.communities[0],
        topic=f"{m}停车议事",
        held_on=datetime.date(2026, 3, 1),
        attendees=f"{m}居民代表",
        orders=[order],
    )
    settings, _ = PrivacySettings.objects.get_or_create(district=t.district)
    # A filing's idempotency key, with the answer it keeps for a retry (bookkeeping: no URL reads it).
    IdempotencyKey.objects.create(
        district=t.district, scope=f"user:{t.official.pk}", key=f"walk-{t.district.code}", endpoint="walk",
        fingerprint="0" * 64, order=order, response_status=201, response_body={"title": order.title},
    )  # fmt: skip
    # A page form's one-time token with the record it made (accounts.onetime; bookkeeping: no URL reads it).
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import FormSubmission

    FormSubmission.objects.get_or_create(
        scope=f"user:{t.official.pk}", key=f"walk-{t.district.code}",
        defaults={
            "district": t.district, "endpoint": "walk", "fingerprint": "0" * 64,
            "content_type": ContentType.objects.get_for_model(meeting), "object_id": str(meeting.pk),
            "result_url": f"/workorders/{order.pk}/#meetings",
        },
    )  # fmt: skip
    t._workorders = {
        WorkOrder: order,
        Category: categories[0],
        UrgencyClass: categories[0].urgency,
        RoutingRule: rule,
        Notification: Notification.objects.filter(recipient=t.official).latest("pk"),
        DeliberationMeeting: meeting,
        Photo: photo,
        PrivacySettings: settings,
    }
    return t._workorders


def workorder_object_makers() -> dict[type, Callable]:
    return {model: (lambda t, model=model: workorder_objects(t)[model]) for model in workorder_objects_models()}


def workorder_objects_models() -> tuple[type, ...]:
    return (WorkOrder, Category, UrgencyClass, RoutingRule, Notification, DeliberationMeeting, Photo, PrivacySettings)
