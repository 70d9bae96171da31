"""The `Idempotency-Key` header on the API's filing endpoints (see workorders.idempotency).

The same key with the same request answers the first answer again — same status, same body, plus the header
`Idempotent-Replayed: true`; the same key with another request is a 422 in the API's error shape. Without the
header an endpoint files as before."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from workorders import idempotency
from workorders.models import WorkOrder

HEADER = "Idempotency-Key"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="幂等键：同一账号以同一键重发同一请求，只登记一张工单，并原样返回首次的应答（状态码与内容相同，"
    "附 Idempotent-Replayed: true）；同一键用于内容不同的请求返回 422。1 至 200 个可见 ASCII 字符，如 UUID。",
)


class IdempotencyKeyReused(APIException):
    status_code = 422
    default_detail = idempotency.KEY_REUSED_MESSAGE
    default_code = "idempotency_key_reused"


def file_once(
    request: Request, *, endpoint: str, district_id: int, file: Callable[[], tuple[WorkOrder, Response]]
) -> Response:
    """Run `file` (which files one order and builds its answer) at most once per (account, key)."""
    key = request.headers.get(HEADER)
    if key is None:
        _, response = file()
        return response
    key = key.strip()
    if not idempotency.valid_key(key):
        raise serializers.ValidationError({HEADER: [idempotency.BAD_KEY_MESSAGE]})
    digest = idempotency.fingerprint(endpoint, request.data)
    with transaction.atomic():
        try:
            row = idempotency.claim(
                district_id=district_id, scope=f"user:{request.user.pk}", key=key, endpoint=endpoint, fingerprint=digest
            )
        except idempotency.KeyReused as error:
            raise IdempotencyKeyReused() from error
        if row.order_id is not None:
            response = Response(row.response_body, status=row.response_status)
            response["Idempotent-Replayed"] = "true"
            return response
        order, response = file()
        idempotency.record(row, order=order, status=response.status_code, body=response.data)
    return response
