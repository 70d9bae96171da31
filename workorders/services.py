"""Writes with rules on work orders. Every function is keyword-only, atomic, checks the actor through
accounts.policy (another district's order is a 404), changes the state only through
workorders.statemachine.work_order_transition (which writes the timeline), and enqueues tasks on commit.

Every service takes an explicit actor: a person, or a SystemActor naming the task, command, import, public
page or demo that acts (a resident without an account files and rates through a "public:…" SystemActor; the
rating then needs the order's tracking code). `actor=None` raises MissingActor. `now` can be passed to control time
(tests, sweeps); it defaults to the current time.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pghistory
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from accounts.actors import SystemActor, is_system, require_actor
from accounts.errors import Conflict
from accounts.models import User
from accounts.permissions import has, require
from accounts.phones import normalise_phone
from accounts.policy import CHANGE, access, restrict
from accounts.roles import STAFF_ROLES, Role
from compounds.models import Community, Compound, Department, District, PropertyFirm, Street
from config.locale import of_record
from config.prepared import prepared, set_local
from workorders import worktime
from workorders.models import (
    Category,
    Channel,
    DeliberationMeeting,
    Escalation,
    HandlerLevel,
    RoutingMode,
    Satisfaction,
    State,
    TimelineEntry,
    TimelineKind,
    UrgencyClass,
    WorkOrder,
)
from workorders.models.orders import HANDLER_COLUMNS, SATISFIED_LEVELS
from workorders.routing import category_lineage_sql, district_rules, next_rung, route_for, rules_version
from workorders.rules import EXTERNAL_NUMBER_CHANNELS
from workorders.statemachine import (
    AWAITING_ACCEPTANCE,
    IN_HAND,
    TERMINAL,
    timeline_append,
    work_order_transition,
)

logger = logging.getLogger(__name__)
S = State
L = HandlerLevel

DUPLICATE_WINDOW = timedelta(hours=72)
DUPLICATE_SIMILARITY = 0.3
REOPEN_WINDOW = timedelta(days=7)
# Unambiguous upper-case letters and digits: 12 characters ≈ 60 bits, unguessable, easy to read aloud.
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

UNIT_TYPES = {
    L.PROPERTY_FIRM: PropertyFirm,
    L.COMMUNITY: Community,
    L.STREET: Street,
    L.DEPARTMENT: Department,
    L.USER: User,
}


# ---------------------------------------------------------------------------------------------------- helpers


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _lock(actor: Any, order: WorkOrder | int) -> WorkOrder:
    """The order, locked for update, if the actor may change it (404 otherwise). The system is a SystemActor
    (its district, or every district for a platform-wide sweep); None is an error (MissingActor)."""
    require_actor(actor)
    pk = order.pk if isinstance(order, WorkOrder) else order
    queryset = WorkOrder.objects.select_for_update(of=("self",)).select_related(
        "category__urgency", "compound__community__street", "compound__property_firm", "compound__stationed_cadre"
    )
    # The scope check (one query, may join) and then the lock on the plain row, its six joins as written.
    access(actor, WorkOrder, CHANGE, pk=pk)
    with _joins_as_written():
        return queryset.get(pk=pk)


def work_order_may_dispatch(actor: Any, order: WorkOrder | None) -> bool:
    """District officials, the order's street staff and community cadres dispatch, merge, reject and close
    (the rule "workorders.dispatch", workorders.rules)."""
    return has(require_actor(actor), "workorders.dispatch", order)


def work_order_may_handle(actor: Any, order: WorkOrder) -> bool:
    """The order's current handler unit's own staff (the rule "workorders.claim"); acting on the order as
    handler *or* dispatcher is "workorders.handle"."""
    return has(require_actor(actor), "workorders.claim", order)


def _require_dispatcher(actor: Any, order: WorkOrder) -> None:
    require(require_actor(actor), "workorders.dispatch", order)


def _require_handler(actor: Any, order: WorkOrder) -> None:
    require(require_actor(actor), "workorders.handle", order)


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("%(what)s须填写原因。") % {"what": pgettext("action", what)}}, code="reason_required"
        )
    return reason


def _check_unit(order: WorkOrder, level: HandlerLevel | str, unit: models.Model) -> HandlerLevel:
    level = HandlerLevel(level)
    if not isinstance(unit, UNIT_TYPES[level]):
        raise ValidationError(
            {"unit": gettext("承办单位应为%(level)s。") % {"level": level.label}}, code="unit_mismatch"
        )
    if getattr(unit, "district_id", None) != order.district_id:
        raise ValidationError({"unit": gettext("所选承办单位不属于本区。")}, code="unit_other_district")
    if level == L.USER and unit.role in (Role.PLATFORM_ADMIN,):
        raise ValidationError({"unit": gettext("不能指派给平台管理员。")}, code="unit_mismatch")
    return level


def _set_handler(order: WorkOrder, level: HandlerLevel | str | None, unit: models.Model | None) -> None:
    """Point the order at one handler (clears the others). Departments also join `departments`."""
    for column in HANDLER_COLUMNS.values():
        setattr(order, column, None)
    order.handler_level = HandlerLevel(level) if level else ""
    if level:
        setattr(order, HANDLER_COLUMNS[HandlerLevel(level)], unit)


def _after_save_departments(order: WorkOrder, extra: Sequence[Department] = ()) -> None:
    ids = [d.pk for d in extra]
    if order.handler_department_id:
        ids.append(order.handler_department_id)
    if ids:
        order.departments.add(*ids)


def _deadlines(urgency: UrgencyClass, start: datetime) -> tuple[datetime, datetime]:
    return (
        worktime.add_hours(start, urgency.respond_hours, calendar_time=urgency.calendar_time),
        worktime.add_hours(start, urgency.resolve_hours, calendar_time=urgency.calendar_time),
    )


# Set by a task that sends its notifications itself (workorders.tasks.route_work_order_task): the services
# append the notify_handler_task arguments here instead of enqueueing a second task.
PENDING_NOTIFICATIONS: ContextVar[list[tuple] | None] = ContextVar("pending_notifications", default=None)


def _enqueue_notify(order: WorkOrder, kind: str, key: str, departments: Sequence[Department] = ()) -> None:
    """Tell the handler the order has *now* (the task may run after further changes)."""
    from workorders.outbox import outbox_enqueue
    from workorders.tasks import notify_handler_task

    level = order.handler_level
    unit_ids = [getattr(order, f"{HANDLER_COLUMNS[level]}_id")] if level else []
    unit_ids += [d.pk for d in departments if d.pk not in unit_ids]
    pending = PENDING_NOTIFICATIONS.get()
    if pending is not None:
        pending.append((order.pk, kind, key, level, unit_ids))
        return
    # Through the outbox: a notification decided in this transaction survives a broker that is down at commit.
    outbox_enqueue(
        task=notify_handler_task,
        args=[order.pk, kind, key, level, unit_ids],
        district_id=order.district_id,
        order=order,
    )


# ---------------------------------------------------------------------------------------------------- catalogue

URGENCY_SEED = [
    # code, name, respond h, resolve h, calendar time, description
    ("emergency", "紧急", 1, 2, True, "危及生命财产安全的突发事项（按自然时间计）"),
    ("utility", "水电气暖", 2, 24, False, "停水、停电、停气、停暖等基本生活保障"),
    ("general", "一般", 24, 7 * 24, False, "一般性诉求，7 个工作日办结"),
    ("complex", "复杂", 24, 15 * 24, False, "涉及多部门或需议事协商的复杂事项，15 个工作日办结"),
]

# code, name, first handler level, urgency code
CATEGORY_SEED = [
    ("corridor-clutter", "楼道堆物", L.PROPERTY_FIRM, "general"),
    ("sanitation", "环境卫生/垃圾清运", L.PROPERTY_FIRM, "general"),
    ("parking", "停车管理", L.PROPERTY_FIRM, "general"),
    ("ebike-wire-charging", "飞线充电", L.PROPERTY_FIRM, "emergency"),
    ("illegal-construction", "违章搭建", L.COMMUNITY, "complex"),
    ("leak", "管道/屋面渗漏", L.PROPERTY_FIRM, "general"),
    ("street-lamp", "路灯照明", L.PROPERTY_FIRM, "general"),
    ("manhole-cover", "井盖", L.PROPERTY_FIRM, "emergency"),
    ("thrown-from-height", "高空抛物", L.COMMUNITY, "emergency"),
    ("noise", "噪音扰民", L.COMMUNITY, "general"),
    ("neighbour-dispute", "邻里纠纷", L.COMMUNITY, "general"),
    ("property-fee", "物业收费", L.COMMUNITY, "complex"),
    ("facility-repair", "设施维修", L.PROPERTY_FIRM, "general"),
    ("safety-hazard", "安全隐患", L.COMMUNITY, "emergency"),
    ("greenery", "绿化养护", L.PROPERTY_FIRM, "general"),
    ("rental-registration", "出租房屋/流动人口登记", L.COMMUNITY, "general"),
    ("utility-outage", "水电气暖", L.PROPERTY_FIRM, "utility"),
    ("other", "其他", L.COMMUNITY, "general"),
]


@contextlib.contextmanager
def _seeding(actor: Any, district: District) -> Any:
    """The seeds' check and audit context: a district authority (the platform administrator opening the district,
    its official, or the system acting in it: a command, a task, the tests), named in the history of every row
    the seed writes (a person by `user`, the system by `actor`, as the middleware and the tasks name them)."""
    require(require_actor(actor), "workorders.seed_catalogue", district)
    if is_system(actor):
        who = {"actor": f"system:{actor.name}"}
    else:
        who = {"user": actor.pk, "actor": str(getattr(actor, "display_name", "") or actor)[:100]}
    with pghistory.context(service="workorders.catalogue_seed", **who):
        yield


@transaction.atomic
def urgency_classes_seed(*, actor: Any, district: District) -> dict[str, UrgencyClass]:
    """The four usual SLA classes (idempotent; an edited class keeps its edits). Respond/resolve hours:
    紧急 1 h / 2 h wall clock; 水电气暖 2 h / 24 h, 一般 24 h / 7 working days, 复杂 24 h / 15 working days."""
    with _seeding(actor, district):
        return _urgency_classes(district)


def _urgency_classes(district: District) -> dict[str, UrgencyClass]:
    classes = {}
    for code, name, respond, resolve, calendar_time, description in URGENCY_SEED:
        classes[code], _ = UrgencyClass.objects.get_or_create(
            district=district,
            code=code,
            defaults={
                "name": name,
                "respond_hours": respond,
                "resolve_hours": resolve,
                "calendar_time": calendar_time,
                "description": description,
            },
        )
    return classes


@transaction.atomic
def categories_seed(*, actor: Any, district: District) -> list[Category]:
    """The field reports' categories for a district, with their first handler level and urgency class.
    Idempotent: existing categories (by code) are left as the district edited them."""
    with _seeding(actor, district):
        return _categories(district)


def _categories(district: District) -> list[Category]:
    classes = _urgency_classes(district)
    categories = []
    for position, (code, name, level, urgency) in enumerate(CATEGORY_SEED):
        category, _ = Category.objects.get_or_create(
            district=district,
            code=code,
            defaults={
                "name": name,
                "default_handler_level": level,
                "urgency": classes[urgency],
                "sort_order": position * 10,
            },
        )
        categories.append(category)
    return categories


# ---------------------------------------------------------------------------------------------------- intake


def work_order_file(
    *,
    actor: User | None,
    compound: Compound,
    category: Category,
    channel: Channel | str,
    title: str,
    description: str,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    media_url: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    external_number: str = "",
    resolve_by: datetime | None = None,
    now: datetime | None = None,
    checked_by_form: bool = False,
) -> WorkOrder:
    """File a new order (any channel). `actor` is the staff member or grid worker who enters it (they must see
    the compound), or None for a resident's QR report / an authenticated platform import that has already
    checked the compound. The SLA clock starts at `now`; routing runs in a task after commit.

    `resolve_by` (optional) is a deadline set by the platform the order comes from (12345's 办理时限): it
    replaces the category's resolve-by as given — earlier or later than the category's SLA, the platform's
    word is the commitment — and becomes the committed resolve-by that the KPIs measure. The respond-by stays
    the category's, but never later than that deadline. It must be later than `now`.

    Idempotent on `external_number` (per district and channel): filing the same 12345 number again returns
    the existing order unchanged; use `work_order_file_external` to learn whether the order was created.
    `checked_by_form`: the caller's form has already applied the model's rules to the free text it passes (the
    QR page's ResidentReportForm: the text rule, the lengths, the phone number normalised): the order's
    `full_clean` and the second phone normalisation are skipped. The service's own rules (category, compound,
    actor, deadlines) and the database's constraints still apply.

    Atomic (work_order_file_external is). The check for a possible duplicate waits for the routing task."""
    order, _ = work_order_file_external(
        actor=actor,
        compound=compound,
        category=category,
        channel=channel,
        title=title,
        description=description,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        media_url=media_url,
        latitude=latitude,
        longitude=longitude,
        external_number=external_number,
        resolve_by=resolve_by,
        now=now,
        checked_by_form=checked_by_form,
    )
    return order


def work_order_file_external(
    *,
    actor: User | None,
    compound: Compound,
    category: Category,
    channel: Channel | str,
    title: str,
    description: str,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    media_url: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    external_number: str = "",
    resolve_by: datetime | None = None,
    now: datetime | None = None,
    checked_by_form: bool = False,
) -> tuple[WorkOrder, bool]:
    """`work_order_file` for callers that must tell a new order from one already filed under the same
    external number (the 12345 hotline answers 201 or 200): returns (order, created). `created` is False when
    the number was filed before, or when a concurrent call with the same number won the race; the existing
    order is then returned unchanged. Arguments as for `work_order_file`.

    Atomic without a savepoint of its own (issue 12: two statements less inside a request's transaction): every
    check that can refuse the filing runs before the first write, and an error after it (a database error) marks
    the caller's whole transaction for rollback, so an order never commits without its timeline and outbox rows."""
    now = _now(now)
    require_actor(actor)
    channel = Channel(channel)
    require(actor, "workorders.file", channel)
    compound = _filing_compound(actor, compound)
    errors = {}
    if category.district_id != compound.district_id or not category.is_active:
        errors["category"] = gettext("所选诉求类别不存在或已停用。")
    if not (title or "").strip():
        errors["title"] = gettext("请填写标题。")
    if not (description or "").strip():
        errors["description"] = gettext("请填写诉求内容。")
    if not checked_by_form:
        try:
            reporter_phone = normalise_phone(reporter_phone, international=channel == Channel.OPEN311)
        except ValidationError as error:
            errors["reporter_phone"] = error.messages[0]
    if (latitude is None) != (longitude is None):
        errors["latitude"] = gettext("经纬度须同时填写。")
    if external_number and channel not in EXTERNAL_NUMBER_CHANNELS:
        errors["external_number"] = gettext("只有平台转办或上级下派的工单才有外部工单号。")
    if resolve_by is not None and (timezone.is_naive(resolve_by) or resolve_by <= now):
        errors["resolve_by"] = gettext("办结时限应晚于提交时间。")
    if errors:
        raise ValidationError(errors)
    external_number = (external_number or "").strip()
    clash_of = None
    if external_number:
        existing = work_order_find_external(district=compound.district, channel=channel, number=external_number)
        if existing is not None:
            same = _same_filing(existing, compound=compound, category=category, description=description)
            if same is not None:
                return same, False
            clash_of = existing
    urgency = category.urgency
    respond_by, category_resolve_by = _deadlines(urgency, now)
    note = of_record(channel.label)
    if resolve_by is None:
        resolve_by = category_resolve_by
    else:
        respond_by = min(respond_by, resolve_by)
        note += f"；办结时限按来源平台：{resolve_by.astimezone(worktime.BEIJING):%Y-%m-%d %H:%M}"
    order = WorkOrder(
        district_id=compound.district_id,
        compound=compound,
        # by id: the compound's community is loaded, its street and firm need not be (_filing_compound)
        community=compound.community,
        street_id=compound.community.street_id,
        property_firm_id=compound.property_firm_id if compound.has_property_service else None,
        category=category,
        channel=channel,
        title=title.strip()[:100],
        description=description.strip(),
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        reporter_email=(reporter_email or "").strip(),
        media_url=(media_url or "").strip(),
        reported_by=actor if _is_person(actor) else None,
        first_receiver=actor if _is_person(actor) and actor.role != Role.GRID_WORKER else None,
        latitude=latitude,
        longitude=longitude,
        external_number=external_number,
        external_clash_of=clash_of,
        tracking_code=new_tracking_code(),
        created_at=now,
        respond_by=respond_by,
        resolve_by=resolve_by,
        committed_respond_by=respond_by,
        committed_resolve_by=resolve_by,
    )
    # The related rows were loaded (and scope-checked) above, or are the compound's own (by id): skip full_clean's
    # one query per foreign key.
    loaded = [
        "district",
        "compound",
        "community",
        "street",
        "property_firm",
        "category",
        "reported_by",
        "first_receiver",
    ]
    if not checked_by_form:
        order.full_clean(
            exclude=["tracking_code", "external_clash_of", *loaded], validate_unique=False, validate_constraints=False
        )
    # The first write: from here on, an error rolls back the caller's whole transaction (no savepoint of ours).
    with transaction.atomic(savepoint=False):
        return _file_write(order, actor=actor, note=note, clash_of=clash_of, now=now)


def _file_write(
    order: WorkOrder, *, actor: Any, note: str, clash_of: WorkOrder | None, now: datetime
) -> tuple[WorkOrder, bool]:
    """work_order_file_external's writes, once every check has passed: the order, its timeline, its outbox row."""
    compound, channel, external_number = order.compound, Channel(order.channel), order.external_number
    try:
        # a savepoint only where a clash can happen (an external number filed twice at once)
        with transaction.atomic() if external_number else contextlib.nullcontext():
            order.save()
    except IntegrityError:
        # Two posts of the same external number at once: the other one won.
        existing = work_order_find_external(district=compound.district, channel=channel, number=external_number)
        if existing is None:
            raise
        return existing, False
    # The filing names the staff member who filed; an integration's or a resident's filing names nobody.
    entry_actor = actor if _is_person(actor) else SystemActor(name="intake", district_id=compound.district_id)
    timeline_append(actor=entry_actor, order=order, kind=TimelineKind.FILED, to_state=S.SUBMITTED, note=note, now=now)
    if clash_of is not None:
        clash = (
            f"外部工单号 {external_number} 冲突：工单 {clash_of.tracking_code} 与工单 {order.tracking_code}"
            "内容不同，两张工单均已保留，请核对"
        )
        for each in (clash_of, order):
            timeline_append(actor=entry_actor, order=each, kind=TimelineKind.NOTE, note=clash, now=now)
    from workorders.outbox import outbox_enqueue
    from workorders.tasks import route_work_order_task

    # A row in this transaction, a message after the commit: a broker that is down loses nothing (outbox_sweep).
    outbox_enqueue(
        task=route_work_order_task, args=[order.pk, order.district_id], district_id=order.district_id, order=order
    )
    logger.info("work order filed: %s (#%s, %s)", order.tracking_code, order.pk, channel.value)
    return order, True


def work_order_find_external(*, district: District, channel: Channel | str, number: str) -> WorkOrder | None:
    """The order first filed under `number` (not a clashing later filing kept beside it)."""
    return (
        WorkOrder.objects.filter(district=district, channel=channel, external_number=number)
        .filter(external_clash_of__isnull=True)
        .first()
    )


def raise_if_clash(order: WorkOrder) -> WorkOrder:
    """For callers (API, pages) once the filing is committed: an order kept beside another filing of its external
    number is a Conflict (409) naming both; otherwise the order."""
    first = order.external_clash_of
    if first is None:
        return order
    raise Conflict(
        f"外部工单号“{order.external_number}”已有内容不同的工单（查询码 {first.tracking_code}）；"
        f"本次提交已另存为工单 {order.tracking_code}，两张工单均已保留，请核对。",
        code="external_number_clash",
        objects={"existing_order": first.pk, "new_order": order.pk},
    )


def _is_person(actor: Any) -> bool:
    """A district's staff member (not the system, not an integration account, not a resident)."""
    return isinstance(actor, User) and actor.role in STAFF_ROLES


def _filing_compound(actor: Any, compound: Compound) -> Compound:
    """The compound, loaded, if the actor may file into it: a person within their scope (else 404), the system
    or an integration account within its district."""
    if _is_person(actor):
        access(actor, Compound, pk=compound.pk)
    elif not actor.is_platform_admin and compound.district_id != actor.district_id:
        raise Http404("未找到该小区。")
    if _loaded(compound, "community"):
        return compound  # the caller loaded it with what filing reads (the QR page does): no second query
    return Compound.objects.select_related("community").get(pk=compound.pk)


def _loaded(instance: models.Model, relation: str) -> bool:
    """The foreign key `relation` of `instance` is loaded (select_related, or assigned) or empty."""
    field = instance._meta.get_field(relation)
    return field.is_cached(instance) or getattr(instance, field.attname) is None


def _normal(text: str) -> str:
    return " ".join((text or "").split())


def _same_filing(existing: WorkOrder, *, compound: Compound, category: Category, description: str) -> WorkOrder | None:
    """A repeat of `existing` (same compound, category and text): `existing` itself, or the clashing filing kept
    beside it that this repeats; None for a new clash."""
    for order in (existing, *existing.external_clashes.all()):
        if (
            order.compound_id == compound.pk
            and order.category_id == category.pk
            and _normal(order.description) == _normal(description)
        ):
            return order
    return None


def possible_duplicate(*, order: WorkOrder, now: datetime | None = None) -> WorkOrder | None:
    """The most similar earlier order of the same compound and category filed within DUPLICATE_WINDOW
    (pg_trgm similarity of title + description ≥ DUPLICATE_SIMILARITY), not merged or rejected itself."""
    now = _now(now)
    return _duplicates(
        ref=partial(getattr, order),
        text=f"{order.title} {order.description}",
        since=now - DUPLICATE_WINDOW,
        until=order.created_at,
    ).first()


def _title_and_description(ref: Callable[[str], Any]) -> models.Func:
    """title ' ' description, the text the duplicate search compares: concat_ws, which PostgreSQL reads as Concat
    would, but which Django builds in a fraction of the time (Concat's coalesce of each part is copied expression by
    expression, every time: it was the largest single cost of the routing task's Python)."""
    return models.Func(
        ref("title"),
        ref("description"),
        function="concat_ws",
        template="%(function)s(' ', %(expressions)s)",
        output_field=models.TextField(),
    )


def _duplicates(*, ref: Callable[[str], Any], text: Any, since: Any, until: Any) -> models.QuerySet:
    """possible_duplicate's candidates, best first; `ref(field)` gives the order's value of a field (getattr of a
    loaded order, or OuterRef in a subquery of the order's own query)."""
    return (
        WorkOrder.objects.filter(
            district_id=ref("district_id"),
            compound_id=ref("compound_id"),
            category_id=ref("category_id"),
            created_at__gte=since,
            created_at__lte=until,
        )
        .exclude(pk=ref("pk"))
        .exclude(state__in=[S.MERGED, S.REJECTED])
        .annotate(similarity=TrigramSimilarity(_title_and_description(models.F), text))
        .filter(similarity__gte=DUPLICATE_SIMILARITY)
        .order_by("-similarity", "created_at")
    )


# ---------------------------------------------------------------------------------------------------- routing


@transaction.atomic
def work_order_route(*, actor: Any, order_id: int, now: datetime | None = None) -> WorkOrder:
    """Route a filed order by the district's rules (workorders.routing): dispatch it to its first handler,
    or put it in that unit's claim pool. Idempotent: an order already routed (or moved on by hand) is
    returned unchanged."""
    return _route_locked(actor, _lock_for_routing(actor, order_id), _now(now))


def work_orders_route(
    *,
    actor: Any,
    order_ids: Sequence[int],
    each: Callable[[int], contextlib.AbstractContextManager] | None = None,
) -> list[WorkOrder]:
    """Route several filed orders of the actor's district as work_order_route routes one (the router's batch,
    workorders.tasks.route_batch; issue 12): the orders are read and locked in one statement, in the order of
    their ids, then routed one after another, each at its own moment; `each(order_id)`, when given, is a context
    around each order's routing (the router logs each as its own filing's request). An order gone or out of the
    actor's scope is left out. The caller holds the transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("work_orders_route needs the caller's transaction")
    with prepared(join_collapse_limit=1):  # as the one order's read: planned once per connection and batch size
        orders = list(_routing_read(actor).filter(pk__in=order_ids).order_by("pk"))
    routed = []
    for order in orders:
        with each(order.pk) if each is not None else contextlib.nullcontext():
            routed.append(_route_locked(actor, order, timezone.now()))
    return routed


def _route_locked(actor: Any, order: WorkOrder, now: datetime) -> WorkOrder:
    """Route an order read and locked by _routing_read (see work_order_route)."""
    if order.routed_at is not None or order.state != S.SUBMITTED:
        return order
    _flag_duplicate(order, order.duplicate_found)
    route = route_for(
        order, rules=district_rules(order.district_id, order.rules_version), lineage=order.category_lineage
    )
    _set_handler(order, route.level, route.unit)
    order.routed_at = now
    if route.mode == RoutingMode.POOL:
        order.is_pooled = True
        order.save()
        timeline_append(actor=actor, order=order, kind=TimelineKind.ROUTED, note=route.description, now=now)
        _enqueue_notify(order, "pooled", f"pooled:{order.pk}")
    else:
        work_order_transition(
            actor=actor, order=order, to_state=S.ASSIGNED, kind=TimelineKind.ROUTED, note=route.description, now=now
        )
        _enqueue_notify(order, "assigned", f"assigned:{order.pk}:{now.isoformat()}")
    _after_save_departments(order)
    logger.info("work order routed: %s (#%s) → %s", order.tracking_code, order.pk, route.description)
    return order


def _lock_for_routing(actor: Any, order_id: int) -> WorkOrder:
    """The order as routing needs it, in one statement (issue 12: the worker's cost per order): _routing_read.
    Outside the scope: 404 (or 403 where the actor only sees it), as _lock."""
    with prepared(join_collapse_limit=1):  # planned once per connection, its joins as written (below)
        try:
            return _routing_read(actor).get(pk=order_id)
        except WorkOrder.DoesNotExist:
            pass
    access(actor, WorkOrder, CHANGE, pk=order_id)  # says why: 404, or 403 for an order only seen
    raise WorkOrder.DoesNotExist  # in scope now, not a moment ago: the task's retry routes it


def _routing_read(actor: Any) -> models.QuerySet[WorkOrder]:
    """Orders in the actor's change scope, to be locked, with their category (and department) and compound
    (community, street, firm, stationed cadre), and annotated with what routing reads besides — `duplicate_found`
    (possible_duplicate as of its filing: the id, tracking code and title of the best candidate, or None),
    `rules_version` and `category_lineage` (workorders.routing)."""
    require_actor(actor)
    created_at = models.OuterRef("created_at")
    duplicate = _duplicates(
        ref=models.OuterRef,
        text=_title_and_description(models.OuterRef),
        since=created_at - DUPLICATE_WINDOW,
        until=created_at,
    ).values(found=JSONObject(id="pk", tracking_code="tracking_code", title="title"))[:1]
    return (
        restrict(WorkOrder.objects.all(), actor, CHANGE)
        .select_for_update(of=("self",))
        .select_related(
            "category__department",
            "compound__community__street",
            "compound__property_firm",
            "compound__stationed_cadre",
        )
        .annotate(
            duplicate_found=models.Subquery(duplicate, output_field=models.JSONField()),
            rules_version=rules_version(),
            category_lineage=category_lineage_sql(),
        )
    )


def _joins_as_written():
    """PostgreSQL joins the statement's tables in the order they are written (`join_collapse_limit` 1 for the
    statement, then its default again). The routing's locked read joins nine tables, each with its row-level
    security condition, starting from one order by its key: the written order is the only sensible one, and
    searching the others was ~80 % of the statement's database time (planning 4.2 ms, execution 0.75 ms on the
    100 k city; 1.9 ms planning as written). The lock of every other change to an order (_lock: accept, resolve,
    return, …) joins six: planning 2.8 ms, as written 1.3 ms (execution 0.5 ms)."""
    return set_local(join_collapse_limit=1)


def _flag_duplicate(order: WorkOrder, duplicate: dict | None) -> None:
    """Mark a possible duplicate (`duplicate`: possible_duplicate as of the order's filing, read with the order),
    before routing: work that can wait for the worker, off the filing request. The timeline entry is dated at the
    filing."""
    if duplicate is None:
        return
    order.possible_duplicate_of_id = duplicate["id"]
    timeline_append(
        actor=SystemActor(name="routing", district_id=order.district_id),
        order=order,
        kind=TimelineKind.DUPLICATE_FLAGGED,
        note=f"与工单 {duplicate['tracking_code']}“{duplicate['title']}”相似，可能重复",
        now=order.created_at,
    )


@transaction.atomic
def work_orders_reroute_unrouted(
    *, actor: Any, older_than: timedelta = timedelta(minutes=2), now: datetime | None = None
) -> int:
    """Enqueue routing again for orders saved but never routed (the broker may lose a message), of the
    actor's district (a platform-wide SystemActor: of every district). Through the outbox, like every enqueue:
    an order whose routing already waits there (not done) is left to the outbox sweep."""
    from workorders.models import OutboxMessage
    from workorders.outbox import outbox_enqueue
    from workorders.tasks import route_work_order_task

    now = _now(now)
    waiting = OutboxMessage.objects.filter(task=route_work_order_task.name, done_at__isnull=True).values("order_id")
    orders = list(
        restrict(WorkOrder.objects.unrouted(), require_actor(actor))
        .filter(created_at__lte=now - older_than)
        .exclude(pk__in=waiting)
        .values_list("pk", "district_id")
    )
    for pk, district_id in orders:
        outbox_enqueue(task=route_work_order_task, args=[pk], district_id=district_id, order_id=pk)
    return len(orders)


# ---------------------------------------------------------------------------------------------------- handling


@transaction.atomic
def work_order_assign(
    *,
    actor: User | None,
    order: WorkOrder,
    level: HandlerLevel | str,
    unit: models.Model,
    note: str = "",
    now: datetime | None = None,
) -> WorkOrder:
    """派单: a dispatcher sends a new, pooled or returned order to a handler (firm, community, street,
    department or a named user)."""
    now = _now(now)
    order = _lock(actor, order)
    _require_dispatcher(actor, order)
    level = _check_unit(order, level, unit)
    _set_handler(order, level, unit)
    if order.first_receiver_id is None and _is_person(actor):
        order.first_receiver = actor
    work_order_transition(
        actor=actor,
        order=order,
        to_state=S.ASSIGNED,
        note=note or f"派单至{of_record(level.label)}“{unit}”",
        now=now,
        is_pooled=False,
        routed_at=order.routed_at or now,
    )
    _after_save_departments(order)
    _enqueue_notify(order, "assigned", f"assigned:{order.pk}:{now.isoformat()}")
    return order


@transaction.atomic
def work_order_claim(*, actor: User, order: WorkOrder, now: datetime | None = None) -> WorkOrder:
    """认领: a member of the pool's unit takes a pooled order; it is accepted at once, by their unit."""
    now = _now(now)
    order = _lock(actor, order)
    if not order.is_pooled:
        raise ValidationError(gettext("该工单不在认领池中。"), code="not_pooled")
    require(actor, "workorders.claim", order)
    if order.first_receiver_id is None and _is_person(actor):
        order.first_receiver = actor
    return work_order_transition(actor=actor, order=order, to_state=S.ACCEPTED, note="认领", now=now, is_pooled=False)


@transaction.atomic
def work_order_accept(
    *, actor: User | None, order: WorkOrder, note: str = "", now: datetime | None = None
) -> WorkOrder:
    """受理: the handler takes the order on (this is the response that the respond SLA measures)."""
    now = _now(now)
    order = _lock(actor, order)
    _require_handler(actor, order)
    if order.first_receiver_id is None and _is_person(actor):
        order.first_receiver = actor
    return work_order_transition(actor=actor, order=order, to_state=S.ACCEPTED, note=note, now=now)


@transaction.atomic
def work_order_accept_and_start(
    *, actor: User | None, order: WorkOrder, note: str = "", now: datetime | None = None
) -> WorkOrder:
    """受理并开始处理 in one step (the rule "workorders.accept_and_start"): two transitions, two timeline
    entries, at the same moment — the response the respond SLA measures, then the work begins."""
    now = _now(now)
    order = _lock(actor, order)
    require(require_actor(actor), "workorders.accept_and_start", order)
    if order.first_receiver_id is None and _is_person(actor):
        order.first_receiver = actor
    work_order_transition(actor=actor, order=order, to_state=S.ACCEPTED, note=note, now=now)
    return work_order_transition(actor=actor, order=order, to_state=S.IN_PROGRESS, note="受理后随即开始处理", now=now)


@transaction.atomic
def work_order_start(*, actor: User | None, order: WorkOrder, note: str = "", now: datetime | None = None) -> WorkOrder:
    """开始处理."""
    now = _now(now)
    order = _lock(actor, order)
    _require_handler(actor, order)
    return work_order_transition(actor=actor, order=order, to_state=S.IN_PROGRESS, note=note, now=now)


@transaction.atomic
def work_order_return(*, actor: User | None, order: WorkOrder, reason: str, now: datetime | None = None) -> WorkOrder:
    """退回: the handler sends the order back (with a reason) to the street desk, which dispatches again.
    Counts in the unit's send-back rate (回退率)."""
    now = _now(now)
    reason = _require_reason(reason, "退回")
    order = _lock(actor, order)
    _require_handler(actor, order)
    from_label = str(order.handler or "")
    _set_handler(order, L.STREET, order.street)
    order.returned_count += 1
    work_order_transition(
        actor=actor, order=order, to_state=S.RETURNED, note=f"{from_label}退回：{reason}", now=now, is_pooled=False
    )
    return order


@transaction.atomic
def work_order_transfer(
    *,
    actor: User | None,
    order: WorkOrder,
    level: HandlerLevel | str,
    unit: models.Model,
    reason: str,
    now: datetime | None = None,
) -> WorkOrder:
    """转办: hand the order to another unit (with a reason). The deadlines do not restart."""
    now = _now(now)
    reason = _require_reason(reason, "转办")
    order = _lock(actor, order)
    _require_handler(actor, order)
    level = _check_unit(order, level, unit)
    _set_handler(order, level, unit)
    order.transferred_count += 1
    work_order_transition(
        actor=actor,
        order=order,
        to_state=S.TRANSFERRED,
        note=f"转办至{of_record(level.label)}“{unit}”：{reason}",
        now=now,
        is_pooled=False,
    )
    _after_save_departments(order)
    _enqueue_notify(order, "transferred", f"transferred:{order.pk}:{now.isoformat()}")
    return order


@transaction.atomic
def work_order_escalate(
    *,
    actor: User | None,
    order: WorkOrder,
    reason: str,
    departments: Sequence[Department] = (),
    now: datetime | None = None,
) -> WorkOrder:
    """上报: move the order one rung up the ladder (firm → community → street → department). From the street,
    `departments` calls one or more departments (街道吹哨、部门报到; the first leads, the others join the
    joint remediation); without them the category's department is called. The new handler gets fresh
    deadlines; the committed ones (KPIs) stay."""
    now = _now(now)
    reason = _require_reason(reason, "上报")
    order = _lock(actor, order)
    _require_handler(actor, order)
    return _escalate(actor=actor, order=order, reason=reason, departments=departments, now=now, deadline=None)


def _escalate(
    *,
    actor: User | None,
    order: WorkOrder,
    reason: str,
    departments: Sequence[Department],
    now: datetime,
    deadline: datetime | None,
    sweep_reason: str = Escalation.Reason.MANUAL,
) -> WorkOrder:
    rung = next_rung(order)
    if rung is None:
        raise ValidationError(gettext("工单已在最高层级（职能部门），无法继续上报。"), code="top_of_ladder")
    level, unit = rung
    departments = list(departments)
    if departments:
        if level != L.DEPARTMENT:
            raise ValidationError(
                {"departments": gettext("只有从街道上报时才能呼叫职能部门。")}, code="departments_not_here"
            )
        for department in departments:
            _check_unit(order, L.DEPARTMENT, department)
        unit = departments[0]
    if unit is None:
        raise ValidationError({"departments": gettext("请选择要呼叫的职能部门。")}, code="department_required")
    from_level = order.handler_level
    _set_handler(order, level, unit)
    respond_by, resolve_by = _deadlines(order.category.urgency, now)
    order.escalated_count += 1
    joint = "、".join(str(d) for d in departments[1:])
    note = f"上报至{of_record(level.label)}“{unit}”" + (f"，协同：{joint}" if joint else "") + f"：{reason}"
    work_order_transition(
        actor=actor,
        order=order,
        to_state=S.ESCALATED,
        note=note,
        kind=TimelineKind.TRANSITION if _is_person(actor) else TimelineKind.SLA_ESCALATION,
        now=now,
        is_pooled=False,
        respond_by=respond_by,
        resolve_by=resolve_by,
    )
    _after_save_departments(order, departments)
    Escalation.objects.create(
        district_id=order.district_id,
        order=order,
        from_level=from_level,
        to_level=level,
        reason=sweep_reason,
        deadline=deadline,
        at=now,
        actor=actor if isinstance(actor, User) else None,
    )
    _enqueue_notify(order, "escalated", f"escalated:{order.pk}:{level}:{now.isoformat()}", departments)
    return order


@transaction.atomic
def work_order_resolve(
    *,
    actor: User | None,
    order: WorkOrder,
    resolution: str,
    photos_before: Sequence[Any] = (),
    photos_after: Sequence[Any] = (),
    now: datetime | None = None,
) -> WorkOrder:
    """办结: the handler records what was done, with photos before and after the work (prepared by
    workorders.intake.photos.photo_prepare). Merged orders show this outcome to their residents."""
    now = _now(now)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": gettext("请填写办理结果。")}, code="resolution_required")
    order = _lock(actor, order)
    _require_handler(actor, order)
    order = work_order_transition(
        actor=actor, order=order, to_state=S.RESOLVED, note=resolution, now=now, resolution=resolution
    )
    _resolution_photos(actor, order, photos_before, photos_after)
    return order


def _resolution_photos(actor: Any, order: WorkOrder, before: Sequence[Any], after: Sequence[Any]) -> None:
    from workorders.intake.photos import photos_attach  # the upload rules of the whole site

    uploaded_by = actor if _is_person(actor) else None
    photos_attach(order=order, prepared=list(before), uploaded_by=uploaded_by, stage="before")
    photos_attach(order=order, prepared=list(after), uploaded_by=uploaded_by, stage="after")


@transaction.atomic
def work_order_resolve_on_the_spot(
    *,
    actor: User,
    order: WorkOrder,
    resolution: str,
    photos_before: Sequence[Any] = (),
    photos_after: Sequence[Any] = (),
    now: datetime | None = None,
) -> WorkOrder:
    """当场办结: the grid worker who reported a small problem solved it there and then, where the district
    allows it for the category (the rule "workorders.resolve_on_the_spot"). The order becomes theirs (a named
    handler), accepted and resolved at once: two transitions, two timeline entries."""
    now = _now(now)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": gettext("请填写办理结果。")}, code="resolution_required")
    order = _lock(actor, order)
    require(require_actor(actor), "workorders.resolve_on_the_spot", order)
    _set_handler(order, L.USER, actor)
    if order.first_receiver_id is None:
        order.first_receiver = actor
    work_order_transition(
        actor=actor, order=order, to_state=S.ACCEPTED, note="网格员当场处置", now=now, routed_at=order.routed_at or now
    )
    order = work_order_transition(
        actor=actor, order=order, to_state=S.RESOLVED, note=resolution, now=now, resolution=resolution
    )
    _resolution_photos(actor, order, photos_before, photos_after)
    return order


@transaction.atomic
def work_order_rate(
    *,
    actor: User | None,
    order: WorkOrder,
    satisfaction: Satisfaction | str,
    comment: str = "",
    tracking_code: str | None = None,
    now: datetime | None = None,
) -> WorkOrder:
    """评价 on six levels. A resident rates with the tracking code (the public page passes a SystemActor
    "public:…" of the order's district); staff may record a rating
    taken by phone (回访). A dissatisfied rating (一般, 时间长, 态度差, 业务差) within REOPEN_WINDOW of the
    resolution re-opens the order once (重办), back to the same handler with fresh deadlines."""
    now = _now(now)
    try:
        satisfaction = Satisfaction(satisfaction)
    except ValueError as error:
        raise ValidationError({"satisfaction": gettext("请选择满意度。")}, code="satisfaction_invalid") from error
    require_actor(actor)
    if not _is_person(actor):
        # A resident (the public tracking page acts as the system, named) proves it with the tracking code.
        if not tracking_code or not secrets.compare_digest(str(tracking_code), order.tracking_code):
            raise PermissionDenied(gettext("查询码不正确。"))
        order = WorkOrder.objects.select_for_update(of=("self",)).select_related("category__urgency").get(pk=order.pk)
    else:
        order = _lock(actor, order)
        _require_dispatcher(actor, order)
    resolved_at = order.resolved_at
    work_order_transition(
        actor=actor,
        order=order,
        to_state=S.RATED,
        note=of_record(satisfaction.label) + (f"：{comment.strip()}" if comment.strip() else ""),
        now=now,
        satisfaction=satisfaction,
        rating_comment=(comment or "").strip()[:500],
    )
    if (
        satisfaction not in SATISFIED_LEVELS
        and order.reopened_count == 0
        and resolved_at is not None
        and now - resolved_at <= REOPEN_WINDOW
    ):
        respond_by, resolve_by = _deadlines(order.category.urgency, now)
        work_order_transition(
            actor=SystemActor(name="reopen-on-rating", district_id=order.district_id),  # the rule, not the resident
            order=order,
            to_state=S.REOPENED,
            note="居民不满意，工单重办",
            now=now,
            respond_by=respond_by,
            resolve_by=resolve_by,
        )
        _enqueue_notify(order, "reopened", f"reopened:{order.pk}")
    return order


@transaction.atomic
def work_order_close(*, actor: User | None, order: WorkOrder, note: str = "", now: datetime | None = None) -> WorkOrder:
    """归档 a resolved or rated order."""
    now = _now(now)
    order = _lock(actor, order)
    _require_dispatcher(actor, order)
    return work_order_transition(actor=actor, order=order, to_state=S.CLOSED, note=note, now=now)


@transaction.atomic
def work_order_reject(*, actor: User | None, order: WorkOrder, reason: str, now: datetime | None = None) -> WorkOrder:
    """不予受理 (with a reason): not a matter for the platform, or invalid."""
    now = _now(now)
    reason = _require_reason(reason, "不予受理")
    order = _lock(actor, order)
    _require_dispatcher(actor, order)
    return work_order_transition(
        actor=actor, order=order, to_state=S.REJECTED, note=reason, now=now, reject_reason=reason, is_pooled=False
    )


@transaction.atomic
def work_order_merge(
    *, actor: User | None, order: WorkOrder, into: WorkOrder, note: str = "", now: datetime | None = None
) -> WorkOrder:
    """合并: `order` is a duplicate of `into` (same district, not itself merged/rejected). The merged order
    stops here; its resident follows the main order's progress and outcome (selectors.public_status)."""
    now = _now(now)
    order = _lock(actor, order)
    _require_dispatcher(actor, order)
    main = _lock(actor, into)
    while main.duplicate_of_id is not None:
        main = _lock(actor, main.duplicate_of_id)
    if main.pk == order.pk:
        raise ValidationError({"into": gettext("工单不能合并到自身。")}, code="merge_self")
    if main.state in (S.REJECTED,) or main.district_id != order.district_id:
        raise ValidationError({"into": gettext("主工单已不予受理，不能合并到该工单。")}, code="merge_target_invalid")
    work_order_transition(
        actor=actor,
        order=order,
        to_state=S.MERGED,
        note=note or f"合并至工单 {main.tracking_code}",
        now=now,
        duplicate_of=main,
        is_pooled=False,
    )
    timeline_append(
        actor=actor, order=main, kind=TimelineKind.NOTE, note=f"工单 {order.tracking_code} 已合并至本工单", now=now
    )
    return order


# ---------------------------------------------------------------------------------------------------- notes

NOTE_KINDS = (TimelineKind.NOTE, TimelineKind.MEETING)
NOTE_MAX = 2000


@transaction.atomic
def work_order_note(
    *,
    actor: User | None,
    order: WorkOrder,
    note: str,
    kind: TimelineKind | str = TimelineKind.NOTE,
    now: datetime | None = None,
) -> TimelineEntry:
    """添加备注: a timeline entry without a state change (kind 备注 or 议事会), in any state, closed orders
    included. Whoever may change the order (its change scope: handlers, dispatchers, the reporting grid
    worker) may add one; another district's order is a 404. `actor` None is the system."""
    entry, _ = work_order_note_once(actor=actor, order=order, note=note, kind=kind, key="", now=now)
    return entry


@transaction.atomic
def work_order_note_once(
    *,
    actor: User | None,
    order: WorkOrder,
    note: str,
    key: str,
    kind: TimelineKind | str = TimelineKind.NOTE,
    now: datetime | None = None,
) -> tuple[TimelineEntry, bool]:
    """`work_order_note` keyed for a caller that may deliver the same note twice (an external platform's
    update): the key is written at the end of the note, and a second call with the same key on the same
    order returns the first entry — checked under the order's row lock, so two deliveries at once write one
    note. Returns (entry, created). An empty key adds the note unconditionally."""
    now = _now(now)
    try:
        kind = TimelineKind(kind)
    except ValueError as error:
        raise ValidationError({"kind": gettext("备注类型无效。")}, code="note_kind_invalid") from error
    if kind not in NOTE_KINDS:
        raise ValidationError(
            {"kind": gettext("备注只能是“备注”或“议事会”，状态变更请使用相应的办理操作。")}, code="note_kind"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": gettext("请填写备注内容。")}, code="note_required")
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": gettext("备注不能超过 %(n)s 字。") % {"n": NOTE_MAX}}, code="note_too_long")
    order = _lock(actor, order)
    if key:
        existing = TimelineEntry.objects.filter(order=order, kind=kind, note__endswith=key).first()
        if existing is not None:
            return existing, False
        if not note.endswith(key):
            note += key
    return timeline_append(actor=actor, order=order, kind=kind, note=note, now=now), True


# ---------------------------------------------------------------------------------------------------- SLA sweep


def _overdue(now: datetime) -> models.QuerySet:
    respond_overdue = models.Q(state__in=AWAITING_ACCEPTANCE, respond_by__lt=now) | models.Q(
        state=S.SUBMITTED, is_pooled=True, respond_by__lt=now
    )
    resolve_overdue = models.Q(
        state__in=AWAITING_ACCEPTANCE | IN_HAND | {S.SUBMITTED}, routed_at__isnull=False, resolve_by__lt=now
    )
    return WorkOrder.objects.filter(respond_overdue | resolve_overdue)


def sla_sweep(*, actor: Any, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Escalate every routed order past its respond_by (not yet accepted) or resolve_by (not yet resolved)
    one rung up, and notify the new handler; at the top of the ladder (a department, or a street whose
    category names no department), notify the district officials once per breach instead. Each order is
    handled in its own transaction, locked with SKIP LOCKED, re-checked, and keyed by (order, level,
    breached deadline), so that two sweeps at once or one after the other escalate an order once per breach.
    `actor`: the beat task's platform-wide SystemActor, or one district's. Returns the ids escalated."""
    now = _now(now)
    escalated = []
    for pk in restrict(_overdue(now), require_actor(actor)).order_by("resolve_by").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            order = (
                _overdue(now)
                .select_for_update(of=("self",), skip_locked=True)
                .select_related("category__urgency", "compound__community__street", "compound__property_firm")
                .filter(pk=pk)
                .first()
            )
            if order is None:
                continue
            rung = next_rung(order)
            to_level = rung[0] if rung and rung[1] is not None else "district"
            breaches = []
            if (order.state in AWAITING_ACCEPTANCE or order.state == S.SUBMITTED) and order.respond_by < now:
                breaches.append((Escalation.Reason.RESPOND_OVERDUE, order.respond_by))
            if order.routed_at is not None and order.resolve_by < now:
                breaches.append((Escalation.Reason.RESOLVE_OVERDUE, order.resolve_by))
            recorded = set(Escalation.objects.filter(order=order, to_level=to_level).values_list("deadline", flat=True))
            breaches = [(reason, deadline) for reason, deadline in breaches if deadline not in recorded]
            if not breaches:
                continue
            reason, deadline = breaches[0]
            if to_level == "district":
                Escalation.objects.create(
                    district_id=order.district_id,
                    order=order,
                    from_level=order.handler_level,
                    to_level="district",
                    reason=reason,
                    deadline=deadline,
                    at=now,
                )
                timeline_append(
                    actor=actor,
                    order=order,
                    kind=TimelineKind.SLA_ESCALATION,
                    note=f"{of_record(Escalation.Reason(reason).label)}，已在最高层级，通报区级",
                    now=now,
                )
                _enqueue_notify(order, "overdue_top", f"overdue_top:{order.pk}:{deadline.isoformat()}")
                continue
            _escalate(
                actor=actor,
                order=order,
                reason=of_record(Escalation.Reason(reason).label),
                departments=(),
                now=now,
                deadline=deadline,
                sweep_reason=reason,
            )
            escalated.append(order.pk)
    return escalated


# ---------------------------------------------------------------------------------------------------- meetings


@transaction.atomic
def deliberation_meeting_record(
    *,
    actor: User,
    community: Community,
    topic: str,
    held_on,
    attendees: str,
    decision: str = "",
    follow_up: str = "",
    compound: Compound | None = None,
    orders: Sequence[WorkOrder] = (),
) -> DeliberationMeeting:
    """记录议事会 and link the orders it settles (each gets a timeline note)."""
    community = access(actor, Community, pk=community.pk)
    require(actor, "workorders.record_meeting", community)
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError({"compound": gettext("所选小区不属于该社区。")})
    if not (topic or "").strip():
        raise ValidationError({"topic": gettext("请填写议题。")})
    lines = [line for line in (attendees or "").splitlines() if line.strip()]
    meeting = DeliberationMeeting.objects.create(
        district_id=community.district_id,
        community=community,
        compound=compound,
        topic=topic.strip(),
        held_on=held_on,
        attendees="\n".join(lines),
        attendee_count=len(lines),
        decision=decision,
        follow_up=follow_up,
        recorded_by=actor,
    )
    for order in orders:
        locked = _lock(actor, order)
        locked.meeting = meeting
        locked.save(update_fields=["meeting", "updated_at"])
        timeline_append(actor=actor, order=locked, kind=TimelineKind.MEETING, note=f"提交议事会：{meeting.topic}")
    return meeting


@transaction.atomic
def notification_mark_read(*, actor: User, notification_ids: Sequence[int], now: datetime | None = None) -> int:
    """Mark the actor's own notifications read; others' ids are ignored."""
    from workorders.models import Notification

    return Notification.objects.filter(recipient=actor, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=_now(now)
    )


__all__ = [
    "TERMINAL",
    "categories_seed",
    "deliberation_meeting_record",
    "notification_mark_read",
    "possible_duplicate",
    "sla_sweep",
    "urgency_classes_seed",
    "work_order_accept",
    "work_order_assign",
    "work_order_claim",
    "work_order_close",
    "work_order_escalate",
    "work_order_file",
    "work_order_file_external",
    "work_order_find_external",
    "work_order_merge",
    "work_order_note",
    "work_order_note_once",
    "work_order_rate",
    "work_order_reject",
    "work_order_resolve",
    "work_order_return",
    "work_order_route",
    "work_order_start",
    "work_order_transfer",
    "work_orders_reroute_unrouted",
]
