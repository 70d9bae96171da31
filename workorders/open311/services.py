"""Writes through Open311: filing a service request, and applying a status update sent by a platform that
syncs with us (FixMyStreet's `servicerequestupdates`). Both end in workorders.services.

The caller (workorders.open311.views) has checked the api_key: `actor` is the Open311 integration account of
`district`. An integration account is in no scope map (it must not read the REST API's orders), so the
work-order services below run as the platform on its behalf, inside `district`: a SystemActor naming the
integration (filing runs as the integration account itself, the owner of the Open311 channel).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.models import User
from accounts.phones import normalise_phone
from accounts.text import TEXT_MAX
from compounds.models import Compound, District
from workorders import services as wo
from workorders.hotline.lookups import CompoundIndex
from workorders.models import Category, Channel, State, TimelineEntry, TimelineKind, WorkOrder
from workorders.open311.markers import update_marker
from workorders.privacy import privacy_settings
from workorders.statemachine import AWAITING_ACCEPTANCE, RESOLVED_OR_LATER, TRANSITIONS
from workorders.worktime import BEIJING

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
    media_url: str = ""


def _coordinate(text: str, label: str, bound: int) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValidationError({label: f"{label} 应为数字（WGS84 经纬度）。"}, code="coordinate_invalid") from error
    if not value.is_finite() or abs(value) > bound:
        raise ValidationError({label: f"{label} 超出有效范围。"}, code="coordinate_invalid")
    return value.quantize(Decimal("0.000001"))


EARTH_RADIUS_M = 6_371_000
# What a phone number may carry besides digits in the formats people write (+44 20 7946 0958, (029) 8888-6666).
PHONE_PUNCTUATION = re.compile(r"[\s().·]")
MEDIA_URL_MAX = 1000


def distance_m(lat1: Decimal, long1: Decimal, lat2: Decimal, long2: Decimal) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine; plenty for a few hundred metres)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def nearest_compound(*, district: District, latitude: Decimal, longitude: Decimal) -> tuple[Compound, float] | None:
    """The district's compound nearest to the point (compounds have one point each: the nearest is the one
    whose location holds the point), with its distance in metres; None when no compound has coordinates."""
    located = Compound.objects.filter(district=district, latitude__isnull=False, longitude__isnull=False)
    best = None
    for compound in located.select_related("community__street"):
        meters = distance_m(latitude, longitude, compound.latitude, compound.longitude)
        if best is None or meters < best[1]:
            best = (compound, meters)
    return best


def _compound(district: District, data: RequestIn, point: tuple[Decimal, Decimal] | None) -> Compound:
    """The compound of a request: attribute[compound_code], address_id, address_string (tolerant: a compound's
    code or name anywhere in it, so our own `address` output is accepted), and failing those the compound
    nearest to lat/long within the district's match distance."""
    index = CompoundIndex(district)
    for field, text in (("attribute[compound_code]", data.compound_code), ("address_id", data.address_id)):
        if text:
            return index.find(text, field=field)
    refusal = None
    if data.address_string:
        try:
            return index.find(data.address_string, field="address_string")
        except ValidationError as error:
            refusal = error
            found = index.find_in_text(data.address_string)
            if found is not None:
                return found
    if point is not None:
        limit = privacy_settings(district_id=district.pk).open311_match_distance_m
        nearest = nearest_compound(district=district, latitude=point[0], longitude=point[1])
        if nearest is not None and nearest[1] <= limit:
            return nearest[0]
        if refusal is None:
            raise ValidationError(
                {
                    "lat": f"{limit} 米内没有本区的小区：请提供 attribute[compound_code]、address_id（小区编码）"
                    "或 address_string（小区名称）。"
                },
                code="compound_not_near",
            )
    if refusal is not None:
        raise refusal
    raise ValidationError(
        {
            "address_string": "无法确定问题所在的小区：请提供 attribute[compound_code] 或 address_id（小区编码），"
            "address_string（小区名称），或小区附近的 lat/long。"
        },
        code="compound_required",
    )


def _phone(text: str) -> str:
    """A phone number as people write it, in any country's format: spaces, brackets and dots dropped."""
    return PHONE_PUNCTUATION.sub("", text)


def _media_url(text: str) -> str:
    """The URL as given (http or https), kept and shown back; the platform never fetches it."""
    if not text:
        return ""
    if len(text) > MEDIA_URL_MAX:
        raise ValidationError({"media_url": f"media_url 不能超过 {MEDIA_URL_MAX} 个字符。"}, code="media_url_long")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError({"media_url": "media_url 应为 http 或 https 网址。"}, code="media_url_invalid")
    return text


def open311_request_create(*, actor: User, district: District, category: Category, data: RequestIn) -> WorkOrder:
    """File a request from an Open311 client (channel 平台转办). Raises ValidationError with Chinese messages.
    As lenient as GeoReport v2 asks: a description is optional (the category's name stands in), lat/long alone
    find the nearest compound, phone numbers in any format, email and media_url kept."""
    errors: dict[str, list[str]] = {}
    compound = latitude = longitude = None
    if data.lat or data.long:
        try:
            if not (data.lat and data.long):
                raise ValidationError({"lat": "lat 与 long 须同时提供。"}, code="coordinate_pair")
            latitude = _coordinate(data.lat, "lat", 90)
            longitude = _coordinate(data.long, "long", 180)
        except ValidationError as error:
            errors.update(error.message_dict)
    point = (latitude, longitude) if latitude is not None and longitude is not None else None
    try:
        compound = _compound(district, data, point)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    description = data.description.strip() or category.name
    if len(description) > TEXT_MAX:
        errors.setdefault("description", []).append(f"description 不能超过 {TEXT_MAX} 字。")
    try:
        phone = normalise_phone(_phone(data.phone), international=True)
    except ValidationError:
        phone = ""
        errors.setdefault("phone", []).append(
            "phone 格式不正确：应为电话号码，外国号码带国家代码，如 +44 20 7946 0958。"
        )
    email = data.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append("email 格式不正确。")
    try:
        media_url = _media_url(data.media_url.strip())
    except ValidationError as error:
        errors.update(error.message_dict)
        media_url = ""
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
        reporter_phone=phone,
        reporter_email=email,
        media_url=media_url,
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


@transaction.atomic
def open311_update_apply(
    *,
    actor: User,
    district: District,
    service_request_id: str,
    update_id: str,
    status: str,
    updated_datetime: datetime,
    description: str = "",
) -> TimelineEntry:
    """Apply a platform's update to our order, once per `update_id` (FixMyStreet's `update_id_ext`; a replay
    answers with the first answer). The update is recorded as a timeline note (its id is our update_id); then
    CLOSED/FIXED resolves the order (accepting it first if needed), IN_PROGRESS-like statuses accept/start it,
    and NOT_COUNCILS_RESPONSIBILITY/NO_FURTHER_ACTION reject it — each only where the state machine allows;
    otherwise the note is all that changes. Another district's order is a 404."""
    status = (status or "").strip().upper()
    update_id = (update_id or "").strip()
    errors = {}
    if not update_id:
        errors["update_id_ext"] = "请提供 update_id_ext（或 update_id）。"
    elif len(update_id) > 64:
        errors["update_id_ext"] = "update_id_ext 不能超过 64 个字符。"
    if status not in UPDATE_STATUSES:
        errors["status"] = f"status“{status}”无效：应为 OPEN、CLOSED 等。"
    if errors:
        raise ValidationError(errors)
    try:
        pk = int(service_request_id) if service_request_id.isascii() else None
    except (TypeError, ValueError):
        pk = None
    order = WorkOrder.objects.filter(district=district, pk=pk).first() if pk is not None else None
    if order is None:
        raise Http404("未找到该工单")
    # The platform on behalf of the integration account (module docstring), named for the audit trail.
    system = SystemActor(name=f"open311:update ({getattr(actor, 'username', '')})", district_id=district.pk)
    text = (description or "").strip()
    when = f"（{timezone.localtime(updated_datetime, BEIJING):%Y-%m-%d %H:%M}）"
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
