"""POST /api/v1/hotline/orders/ (one order, JSON or form) and POST /api/v1/hotline/orders/import/ (a CSV
export, multipart). Token or session authentication.

Who may push one order: the district's 12345 integration account (Role.INTEGRATION, Integration.HOTLINE_12345),
into its own district, and platform administrators, who name the district — workorders.rules ("workorders.file"
on the hotline channel): 12345 numbers belong to the integration, no staff member files one. Answers 201 with
the new order, 200 with the order already filed under that number (a repeat: same compound, category and text),
or 409 when the number was filed with other content: the new order is kept beside the first and the answer
names both (`existing_order`, `new_order`).

Who may import an exported CSV: the same, and the district's officials ("workorders.import_hotline"); the
import runs as the system (a SystemActor naming the import and who uploaded it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actors import SystemActor
from accounts.api.exceptions import conflict_response
from accounts.api.parsers import FormParser, JSONParser, MultiPartParser
from accounts.api.serializers import drf_validation_errors
from accounts.errors import Conflict
from accounts.permissions import Forbidden, require
from accounts.phones import PhoneSerializerField
from compounds.models import District
from workorders.api.idempotency import IDEMPOTENCY_PARAMETER, file_once
from workorders.hotline.csvfile import HotlineFileError
from workorders.hotline.services import HotlineRow, hotline_file_import, hotline_order_receive
from workorders.models import Channel, WorkOrder
from workorders.services import raise_if_clash


def sender_district(user: Any, code: str | None, *, rule: str = "workorders.file") -> District:
    """The district a hotline order lands in: the sender's own; a platform administrator names it. The sender
    must pass `rule` (pushing one order: "workorders.file" on the hotline channel)."""
    if not (user and user.is_authenticated and user.is_active):
        raise NotAuthenticated()
    require(user, rule, Channel.HOTLINE_12345 if rule == "workorders.file" else None)
    code = (code or "").strip()
    if user.is_platform_admin:
        if not code:
            raise serializers.ValidationError({"district": ["平台管理员提交时须填写区划代码（district）。"]})
        district = District.objects.filter(code=code).first()
        if district is None:
            raise serializers.ValidationError({"district": [f"区划代码“{code}”的区不存在。"]})
        return district
    if user.district_id is None:
        raise Forbidden()
    if code and code != user.district.code:
        # Same answer as an unknown code: says nothing about another district.
        raise serializers.ValidationError({"district": [f"区划代码“{code}”的区不存在。"]})
    return user.district


class HotlineOrderInSerializer(serializers.Serializer):
    external_number = serializers.CharField(label="12345 工单编号", max_length=64)
    accepted_at = serializers.CharField(label="受理时间", required=False, allow_blank=True, max_length=50)
    category = serializers.CharField(label="诉求类别（名称或编码）", max_length=100)
    compound = serializers.CharField(label="小区（名称、15 位编码，或以小区名称开头的地址）", max_length=200)
    description = serializers.CharField(label="诉求内容", max_length=4000)
    title = serializers.CharField(label="标题", required=False, allow_blank=True, max_length=100)
    reporter_name = serializers.CharField(label="联系人", required=False, allow_blank=True, max_length=50)
    reporter_phone = PhoneSerializerField(label="联系电话")
    deadline = serializers.CharField(
        label="办理时限",
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="如 2026-11-27 18:00（只写日期即当天 24 时前）或 5个工作日、3天、24小时（自受理时间起）；"
        "给出时即为工单的办结时限，不给则按诉求类别的时限。",
    )
    district = serializers.CharField(label="区划代码（仅平台管理员）", required=False, allow_blank=True, max_length=6)


class HotlineOrderOutSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    compound_code = serializers.CharField(source="compound.code", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)
    district_code = serializers.CharField(source="district.code", read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "external_number",
            "tracking_code",
            "district_code",
            "compound",
            "compound_code",
            "category",
            "category_code",
            "channel",
            "channel_label",
            "title",
            "state",
            "state_label",
            "created_at",
            "respond_by",
            "resolve_by",
        ]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)
    existing_order = serializers.IntegerField()
    new_order = serializers.IntegerField()


class HotlineImportInSerializer(serializers.Serializer):
    file = serializers.FileField(label="12345 导出的 CSV 文件")
    district = serializers.CharField(label="区划代码（仅平台管理员）", required=False, allow_blank=True, max_length=6)
    dry_run = serializers.BooleanField(label="仅检查不保存", required=False, default=False)


class HotlineImportOutSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class HotlineOrderView(APIView):
    """平台转办: receive one 12345 order."""

    tenancy_model = WorkOrder
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    serializer_class = HotlineOrderInSerializer

    @extend_schema(
        request=HotlineOrderInSerializer,
        responses={201: HotlineOrderOutSerializer, 200: HotlineOrderOutSerializer, 409: ConflictSerializer},
        summary="接收 12345 平台转办工单（同一工单编号只建一张工单）",
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request) -> Response:
        incoming = HotlineOrderInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        district = sender_district(request.user, data.pop("district", ""))

        def file() -> tuple[WorkOrder, Response]:
            try:
                received = hotline_order_receive(actor=request.user, district=district, row=HotlineRow(**data))
            except DjangoValidationError as error:
                raise serializers.ValidationError(drf_validation_errors(error)) from error
            try:
                raise_if_clash(received.order)  # kept beside the first filing of its number: a 409 naming both
            except Conflict as clash:
                return received.order, conflict_response(clash)
            order = WorkOrder.objects.select_related("district", "compound", "category").get(pk=received.order.pk)
            return order, Response(
                HotlineOrderOutSerializer(order).data,
                status=status.HTTP_201_CREATED if received.created else status.HTTP_200_OK,
            )

        # The 12345 number already makes a repeat one order; the header also catches a retried request whose
        # number was mistyped the first time round (a different body under the same key: 422).
        return file_once(request, endpoint="api:hotline-orders", district_id=district.pk, file=file)


class HotlineImportView(APIView):
    """平台转办: import a 12345 CSV export, every row or none."""

    tenancy_model = WorkOrder
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = HotlineImportInSerializer

    @extend_schema(
        request={"multipart/form-data": HotlineImportInSerializer},
        responses={200: HotlineImportOutSerializer, 400: HotlineImportOutSerializer},
        summary="导入 12345 平台导出的 CSV（全部成功才保存）",
    )
    def post(self, request: Request) -> Response:
        incoming = HotlineImportInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        district = sender_district(
            request.user, incoming.validated_data.get("district"), rule="workorders.import_hotline"
        )
        try:
            report = hotline_file_import(
                actor=SystemActor(name=f"import:hotline_csv ({request.user.username})", district_id=district.pk),
                district=district,
                data=incoming.validated_data["file"].read(),
                dry_run=incoming.validated_data["dry_run"],
            )
        except HotlineFileError as error:
            raise serializers.ValidationError({"file": [str(error)]}) from error
        body = {
            "saved": report.saved,
            "created": len(report.created),
            "existing": len(report.existing),
            "errors": [{"row": e.row, "message": e.message} for e in report.errors],
        }
        return Response(body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)
