"""Writes through Open311: filing a service request, and applying a status update sent by a platform that
syncs with us (FixMyStreet's `servicerequestupdates`). Both end in workorders.services.

The caller (workorders.open311.views) has checked the api_key: `actor` is the Open311 integration account of
`district`. An integration account is in no scope map (it must not read the REST API's orders), so the
work-order services below run as the platform on its behalf, inside `district`: a SystemActor naming the
integration (filing runs as the integration account itself, the owner of the Open311 channel).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from accounts.actors import SystemActor
from accounts.models import User
from compounds.models import Compound, District
from workorders import services as wo
from workorders.hotline.lookups import CompoundIndex
from workorders.models import Category, Channel, State, TimelineEntry, TimelineKind, WorkOrder
from workorders.statemachine import AWAITING_ACCEPTANCE, RESOLVED_OR_LATER, TRANSITIONS

S = State


@dataclass(frozen=True)
class RequestIn:
    """The form fields of POST requests (already stripped; empty means not sent)."""

    service_code: str
    description: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    compound_code: str = ""  # attribute[compound_code]
    title: str = ""  # attribute[title]
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""


def _coordinate(text: str, label: str, bound: int) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValidationError({label: f"{label} 应为数字（WGS84 经纬度）。"}, code="coordinate_invalid") from error
    if not value.is_finite() or abs(value) > bound:
        raise ValidationError({label: f"{label} 超出有效范围。"}, code="coordinate_invalid")
    return value.quantize(Decimal("0.000001"))


def _compound(district: District, data: RequestIn) -> Compound:
    index = CompoundIndex(district)
    for field, text in (
        ("attribute[compound_code]", data.compound_code),
        ("address_id", data.address_id),
        ("address_string", data.address_string),
    ):
        if text:
            return index.find(text, field=field)
    raise ValidationError(
        {
            "address_string": "无法确定问题所在的小区：请提供 attribute[compound_code] 或 address_id（小区编码），"
            "或 address_string（小区名称）。"
        },
        code="compound_required",
    )


def open311_request_create(*, actor: User, district: District, category: Category, data: RequestIn) -> WorkOrder:
    """File a request from an Open311 client (channel 平台转办). Raises ValidationError with Chinese messages."""
    errors: dict[str, list[str]] = {}
    compound = latitude = longitude = None
    try:
        compound = _compound(district, data)
    except ValidationError as error:
        errors.update(error.message_dict)
    if data.lat or data.long:
        try:
            if not (data.lat and data.long):
                raise ValidationError({"lat": "lat 与 long 须同时提供。"}, code="coordinate_pair")
            latitude = _coordinate(data.lat, "lat", 90)
            longitude = _coordinate(data.long, "long", 180)
        except ValidationError as error:
            errors.update(error.message_dict)
    description = data.description.strip()
    if not description:
        errors.setdefault("description", []).append("请填写 description（诉求内容）。")
    elif len(description) > 4000:
        errors.setdefault("description", []).append("description 不能超过 4000 字。")
    if errors:
        raise ValidationError(errors)
    first_line = next(line.strip() for line in description.splitlines() if line.strip())
    return wo.work_order_file(
        # Open311 clients file on behalf of residents, as the district's Open311 integration account (the
        # channel's owner; it is not the order's first receiver).
        actor=actor,
        compound=compound,
        category=category,
        channel=Channel.OPEN311,
        title=(data.title or first_line)[:100],
        description=description,
        reporter_name=f"{data.last_name}{data.first_name}".strip()[:50],
        reporter_phone=data.phone,
        latitude=latitude,
        longitude=longitude,
    )


# ---------------------------------------------------------------------------------------------------- updates

# FixMyStreet's statuses (plain: OPEN/CLOSED; extended ones too), upper case.
RESOLVING = {"CLOSED", "FIXED"}
REJECTING = {"NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION"}
WORKING = {"IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING"}
NOTING = {"OPEN", "REOPEN", "DUPLICATE", "INTERNAL_REFERRAL", "FOR_TRIAGE"}
UPDATE_STATUSES = RESOLVING | REJECTING | WORKING | NOTING


def update_marker(update_id: str) -> str:
    """Written into the note that records an external update: the key that makes a replay a no-op."""
    return f"〔外部更新号 {update_id}〕"


@transaction.atomic
def open311_update_apply(
    *,
    actor: User,
    district: District,
    service_request_id: str,
    update_id: str,
    status: str,
    description: str = "",
    updated_datetime: str = "",
) -> TimelineEntry:
    """Apply a platform's update to our order, once per `update_id` (a replay answers with the first
    answer). The update is recorded as a timeline note (its id is our update_id); then CLOSED/FIXED resolves
    the order (accepting it first if needed), IN_PROGRESS-like statuses accept/start it, and
    NOT_COUNCILS_RESPONSIBILITY/NO_FURTHER_ACTION reject it — each only where the state machine allows;
    otherwise the note is all that changes. Another district's order is a 404."""
    status = (status or "").strip().upper()
    update_id = (update_id or "").strip()
    errors = {}
    if not update_id:
        errors["update_id"] = "请提供 update_id。"
    elif len(update_id) > 64:
        errors["update_id"] = "update_id 不能超过 64 个字符。"
    if status not in UPDATE_STATUSES:
        errors["status"] = f"status“{status}”无效：应为 OPEN、CLOSED 等。"
    if errors:
        raise ValidationError(errors)
    try:
        pk = int(service_request_id)
    except (TypeError, ValueError) as error:
        raise Http404("未找到该工单") from error
    order = WorkOrder.objects.filter(district=district, pk=pk).first()
    if order is None:
        raise Http404("未找到该工单")
    # The platform on behalf of the integration account (module docstring), named for the audit trail.
    system = SystemActor(name=f"open311:update ({getattr(actor, 'username', '')})", district_id=district.pk)
    text = (description or "").strip()
    when = f"（{updated_datetime.strip()}）" if updated_datetime.strip() else ""
    # work_order_note_once locks the order: a second delivery of the update waits, finds the first one's note
    # and changes nothing.
    entry, created = wo.work_order_note_once(
        actor=system,
        order=order,
        note=f"外部平台更新 {status}{when}：{text[:1500] or '无说明'}",
        key=update_marker(update_id),
        kind=TimelineKind.NOTE,
    )
    if not created:
        return entry
    order.refresh_from_db()
    state = S(order.state)
    if status in RESOLVING and state not in RESOLVED_OR_LATER:
        if state in AWAITING_ACCEPTANCE or state == S.SUBMITTED:
            order = wo.work_order_accept(actor=system, order=order, note="外部平台已处理")
            state = S(order.state)
        if S.RESOLVED in TRANSITIONS[state]:
            wo.work_order_resolve(actor=system, order=order, resolution=text or "外部平台已办结")
    elif status in WORKING:
        if state in AWAITING_ACCEPTANCE or state == S.SUBMITTED:
            order = wo.work_order_accept(actor=system, order=order, note=text)
            state = S(order.state)
        if state == S.ACCEPTED:
            wo.work_order_start(actor=system, order=order, note=text)
    elif status in REJECTING and S.REJECTED in TRANSITIONS[state]:
        wo.work_order_reject(actor=system, order=order, reason=text or "外部平台：不属本单位职责")
    return entry
