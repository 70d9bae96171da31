"""What Open311 shows. Every read takes the district named by `jurisdiction_id` (or the key's) and filters by it
in the query: an Open311 client has no user for accounts.policy to scope by, so the district *is* the scope,
and nothing of another district can come out. Within it, a caller without the district's key reads only the
categories the district marked public (`public_only`; the read policy is in workorders.open311.views).
Nothing personal is shown: no reporter name or phone, no named handler, and descriptions and notes go through
accounts.privacy.mask_text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.privacy import mask_text
from compounds.models import Compound, District
from config.locale import of_record
from workorders.models import Category, HandlerLevel, State, TimelineEntry, TimelineKind, WorkOrder
from workorders.open311.formats import Nested
from workorders.open311.markers import without_marker

S = State
MAX_ROWS = 1000

# 已办结、已评价、已归档、已合并、不予受理 are closed for Open311; every other state is open.
CLOSED_STATES = frozenset({S.RESOLVED, S.RATED, S.CLOSED, S.MERGED, S.REJECTED})
# Timeline entries that a platform syncing with us sees as updates (filing and duplicate flags are internal).
UPDATE_KINDS = (TimelineKind.TRANSITION, TimelineKind.ROUTED, TimelineKind.SLA_ESCALATION, TimelineKind.NOTE)


def open311_status(state: str) -> str:
    return "closed" if state in CLOSED_STATES else "open"


def states_for(statuses: Iterable[str]) -> set[str]:
    wanted = set(statuses)
    return {s for s in S.values if open311_status(s) in wanted}


# ---------------------------------------------------------------------------------------------------- services


def services(*, district: District) -> QuerySet:
    return (
        Category.objects.filter(district=district, is_active=True)
        .select_related("urgency", "parent")
        .order_by("sort_order", "code")
    )


def service_row(category: Category) -> dict[str, Any]:
    urgency = category.urgency
    level = HandlerLevel(category.default_handler_level)
    keywords = [category.name, category.code, urgency.name, of_record(level.label)]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.name}（{urgency.name}：{urgency.description or '按本区时限办理'}）",
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys(k for k in keywords if k)),
        "group": category.parent.name if category.parent_id else of_record(level.label),
    }


COMPOUND_ATTRIBUTE = "compound_code"
TITLE_ATTRIBUTE = "title"


def service_definition(*, category: Category) -> dict[str, Any]:
    compounds = Compound.objects.filter(district_id=category.district_id).order_by("code").values_list("code", "name")
    return {
        "service_code": category.code,
        "attributes": Nested(
            "attribute",
            [
                {
                    "variable": True,
                    "code": COMPOUND_ATTRIBUTE,
                    "datatype": "singlevaluelist",
                    "required": False,
                    "datatype_description": "小区编码；也可用 address_id 传小区编码，或用 address_string 传小区名称",
                    "order": 1,
                    "description": "问题所在的小区",
                    "values": Nested("value", [{"key": code, "name": name} for code, name in compounds]),
                },
                {
                    "variable": True,
                    "code": TITLE_ATTRIBUTE,
                    "datatype": "string",
                    "required": False,
                    "datatype_description": "不超过 100 字；不填则取诉求内容的第一行",
                    "order": 2,
                    "description": "标题",
                },
            ],
        ),
    }


# ---------------------------------------------------------------------------------------------------- requests


def readable_requests(*, district: District, public_only: bool) -> QuerySet:
    """The district's requests a caller may read: all of them with the district's key, only those of the
    categories the district marked public otherwise (workorders.open311.views decides which applies)."""
    queryset = WorkOrder.objects.filter(district=district)
    if public_only:
        queryset = queryset.filter(category__open311_public=True)
    return queryset


def requests(
    *,
    district: District,
    public_only: bool,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
) -> QuerySet:
    """The district's requests, newest first, at most MAX_ROWS. `ids` overrides every other filter (spec)."""
    queryset = readable_requests(district=district, public_only=public_only).select_related(
        "category__urgency",
        "compound",
        "community",
        "handler_firm",
        "handler_community",
        "handler_street",
        "handler_department",
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    else:
        if service_codes:
            queryset = queryset.filter(category__code__in=service_codes)
        if start is not None:
            queryset = queryset.filter(created_at__gte=start)
        if end is not None:
            queryset = queryset.filter(created_at__lte=end)
        if statuses:
            queryset = queryset.filter(state__in=states_for(statuses))
    return queryset.order_by("-created_at", "-pk")[:MAX_ROWS]


def agency_responsible(order: WorkOrder) -> str:
    """The unit that holds the order; a named person is shown as their community (no personal data)."""
    if order.handler_level == HandlerLevel.USER:
        return order.community.name
    handler = order.handler
    return str(handler) if handler is not None else ""


def request_row(order: WorkOrder) -> dict[str, Any]:
    state = State(order.state)
    closed_at = order.closed_at or order.resolved_at if state in CLOSED_STATES else None
    notes = of_record(state.label)
    if state == S.MERGED:
        notes = f"{of_record(state.label)}：与工单 {order.duplicate_of_id} 合并办理"
    compound = order.compound
    return {
        "service_request_id": str(order.pk),
        "status": open311_status(state),
        "status_notes": notes,
        "service_name": order.category.name,
        "service_code": order.category.code,
        "description": mask_text(order.description),
        "agency_responsible": agency_responsible(order),
        "service_notice": f"{order.category.urgency.name}：{order.category.urgency.description}".rstrip("："),
        "requested_datetime": order.created_at,
        "updated_datetime": closed_at or order.updated_at,
        "expected_datetime": order.resolve_by,
        "address": " ".join(p for p in (compound.address, compound.name, order.community.name) if p),
        "address_id": compound.code,
        "zipcode": None,
        "lat": order.latitude,
        "long": order.longitude,
        "media_url": order.media_url or None,
    }


# ---------------------------------------------------------------------------------------------------- updates


def updates(*, district: District, public_only: bool, start: datetime, end: datetime) -> QuerySet:
    """The district's timeline entries that are updates of requests the caller may read, oldest first, at most
    MAX_ROWS. Each carries `state_then`: the order's state right after the entry (the last state change at or
    before it), so that a later change never rewrites what an earlier update said."""
    entries = TimelineEntry.objects.filter(district=district, kind__in=UPDATE_KINDS, at__gte=start, at__lte=end)
    if public_only:
        entries = entries.filter(order__category__open311_public=True)
    state_then = (
        TimelineEntry.objects.filter(order_id=OuterRef("order_id"))
        .exclude(to_state="")
        .filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lte=OuterRef("pk")))
        .order_by("-at", "-pk")
        .values("to_state")[:1]
    )
    return entries.annotate(state_then=Subquery(state_then)).order_by("at", "pk")[:MAX_ROWS]


def update_row(entry: TimelineEntry) -> dict[str, Any]:
    """One update as FixMyStreet reads it: status in upper case (OPEN/CLOSED), as it was at the time."""
    state = entry.to_state or getattr(entry, "state_then", None) or S.SUBMITTED
    return {
        "update_id": str(entry.pk),
        "service_request_id": str(entry.order_id),
        "status": open311_status(state).upper(),
        "external_status_code": state,
        "updated_datetime": entry.at,
        "description": mask_text(without_marker(entry.note)) or of_record(State(state).label),
        "media_url": None,
    }
