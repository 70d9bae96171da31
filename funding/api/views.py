"""REST endpoints of funding (/api/v1/funding/…). Querysets are restricted through accounts.policy by the shared
base viewsets (another district's row is a 404); every write validates with its own input serializer and calls
a funding service, whose Chinese errors come back as 400 and refusals as 403. Ledger entries are read-only:
an attempt to change or delete one is a 400 that says how to correct it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.parsers import FormParser, JSONParser, MultiPartParser
from accounts.api.viewsets import TenantReadOnlyViewSet
from accounts.permissions import MESSAGES, has
from accounts.uploads import attachment_response, stored_file
from funding import filtersets, selectors
from funding.api import serializers as api
from funding.models import (
    IMMUTABLE_MESSAGE,
    BonusAward,
    BonusPool,
    BonusQuarter,
    CarryOver,
    Disbursement,
    DisbursementDocument,
    Donation,
    FundAccount,
    FundOverride,
    FundPolicy,
    LedgerEntry,
    SpecialProject,
    TierProration,
    YearEnd,
)
from funding.services import bonus, disbursements, ledger, policy, sources, yearend


def validated(serializer_class: type, request: Request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RulePermission(BasePermission):
    """A write on a collection is asked of the rule registry before any body is read (403 with the rule's
    Chinese message); the object itself is checked again by the service."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "detail", False):
            # an action on one object: the object is looked up in scope first (another district's is a 404),
            # then the service asks the rule of that object
            return True
        rules = getattr(view, "write_rules", {})
        rule = rules.get(getattr(view, "action", None) or "", rules.get("*"))
        if rule is None:
            return True
        if not has(request.user, rule):
            self.message = MESSAGES.get(rule, "您无权执行此操作。")
            return False
        return True


class ServiceViewSet(TenantReadOnlyViewSet):
    permission_classes = [IsAuthenticated, RulePermission]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    create_serializer: type | None = None
    write_rules: dict[str, str] = {}

    def create_service(self, request: Request, data: dict) -> Any:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.create_service(request, validated(self.create_serializer, request))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


class FundPolicyViewSet(ServiceViewSet):
    """经费标准: a year's amounts per tier, the second-approval threshold and the year-end rule; `apply` 下达."""

    queryset = FundPolicy.objects.all()
    serializer_class = api.FundPolicySerializer
    filterset_class = filtersets.FundPolicyFilterSet
    create_serializer = api.FundPolicyInputSerializer
    write_rules = {"*": "funding.set_policy"}

    @extend_schema(request=api.FundPolicyInputSerializer, responses={201: api.FundPolicySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Set (or change) the policy of a year."""
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        year, rule = data.pop("year"), data.pop("carry_rule")
        return policy.policy_set(
            actor=request.user, district=request.user.district_id, year=year, carry_rule=rule, **data
        )

    @extend_schema(request=None, responses=api.AppliedSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """下达: allocate the year's fund to every community not yet allocated (safe to repeat)."""
        target = self.get_object()
        done = policy.policy_apply(actor=request.user, district=target.district_id, year=target.year)
        return Response({"allocated": done})


class FundOverrideViewSet(ServiceViewSet):
    """单独核定: a community's own amount for a year, with the reason (history kept)."""

    queryset = FundOverride.objects.select_related("community")
    serializer_class = api.FundOverrideSerializer
    filterset_class = filtersets.FundOverrideFilterSet
    create_serializer = api.FundOverrideInputSerializer
    write_rules = {"*": "funding.override"}

    @extend_schema(request=api.FundOverrideInputSerializer, responses={201: api.FundOverrideSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        return policy.override_set(actor=request.user, **data)


class TierProrationViewSet(ServiceViewSet):
    """年中调整分类 (pro rata by month): create one to change a community's tier during the year."""

    queryset = TierProration.objects.select_related("community")
    serializer_class = api.TierProrationSerializer
    filterset_class = filtersets.TierProrationFilterSet
    create_serializer = api.TierChangeInputSerializer
    write_rules = {"*": "funding.override"}

    @extend_schema(request=api.TierChangeInputSerializer, responses={201: api.TierProrationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        return policy.tier_change(actor=request.user, **data)


class FundAccountViewSet(TenantReadOnlyViewSet):
    """经费账户 with their balances (derived from the entries)."""

    queryset = FundAccount.objects.all()
    serializer_class = api.FundAccountSerializer
    filterset_class = filtersets.FundAccountFilterSet

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["balances"] = selectors.balances(self.request.user)
        return context


class LedgerEntryViewSet(ServiceViewSet):
    """记账分录: read-only; `correct` posts a reversing entry (区级). Changing or deleting one is refused."""

    queryset = LedgerEntry.objects.all()
    serializer_class = api.LedgerEntrySerializer
    filterset_class = filtersets.LedgerEntryFilterSet
    write_rules = {"correct": "funding.correct"}
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(request=api.FundingReasonSerializer, responses={201: api.LedgerEntrySerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """更正: a new entry moving the amount back, with the reason."""
        target = self.get_object()
        data = validated(api.FundingReasonSerializer, request)
        entry = ledger.entry_reverse(actor=request.user, entry=target, reason=data["reason"])
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"detail": "分录由业务操作（下达、审批、支付、更正）自动生成，不能直接录入。"}, status=400)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()
        return Response({"detail": IMMUTABLE_MESSAGE}, status=status.HTTP_400_BAD_REQUEST)

    @extend_schema(exclude=True)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)


class SpecialProjectViewSet(ServiceViewSet):
    """专项经费 for a named project of a community (its own account)."""

    queryset = SpecialProject.objects.all()
    serializer_class = api.SpecialProjectSerializer
    filterset_class = filtersets.SpecialProjectFilterSet
    create_serializer = api.SpecialProjectInputSerializer
    write_rules = {"*": "funding.special"}

    @extend_schema(request=api.SpecialProjectInputSerializer, responses={201: api.SpecialProjectSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        return sources.special_project_create(actor=request.user, **data)


class DonationViewSet(ServiceViewSet):
    """社会捐赠 to a community foundation."""

    queryset = Donation.objects.all()
    serializer_class = api.DonationSerializer
    filterset_class = filtersets.DonationFilterSet
    create_serializer = api.DonationInputSerializer
    write_rules = {"*": "funding.donation"}

    @extend_schema(request=api.DonationInputSerializer, responses={201: api.DonationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        return sources.donation_receive(actor=request.user, **data)


class DisbursementViewSet(ServiceViewSet):
    """支出申请: request (community), approve / reject (street), second-approve (district, above the threshold),
    pay (voucher number), documents (quotes and receipts)."""

    queryset = Disbursement.objects.select_related("community")
    serializer_class = api.DisbursementSerializer
    filterset_class = filtersets.DisbursementFilterSet
    create_serializer = api.DisbursementInputSerializer
    write_rules = {
        "create": "funding.request",
        "approve": "funding.approve",
        "second_approve": "funding.second_approve",
        "pay": "funding.pay",
        "documents": "funding.attach",
    }
    ordering_fields = ["requested_at", "amount_fen"]

    @extend_schema(request=api.DisbursementInputSerializer, responses={201: api.DisbursementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        return disbursements.disbursement_request(actor=request.user, **data)

    @extend_schema(request=None, responses=api.DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = disbursements.disbursement_approve(actor=request.user, disbursement=self.get_object())
        return Response(self.get_serializer(target).data)

    @extend_schema(request=None, responses=api.DisbursementSerializer)
    @action(detail=True, methods=["post"], url_path="second-approve")
    def second_approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = disbursements.disbursement_second_approve(actor=request.user, disbursement=self.get_object())
        return Response(self.get_serializer(target).data)

    @extend_schema(request=api.FundingReasonSerializer, responses=api.DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.FundingReasonSerializer, request)
        target = disbursements.disbursement_reject(actor=request.user, disbursement=target, reason=data["reason"])
        return Response(self.get_serializer(target).data)

    @extend_schema(request=api.VoucherSerializer, responses=api.DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.VoucherSerializer, request)
        target = disbursements.disbursement_pay(actor=request.user, disbursement=target, voucher_no=data["voucher_no"])
        return Response(self.get_serializer(target).data)

    @extend_schema(
        request={"multipart/form-data": api.DocumentInputSerializer},
        responses={201: api.DisbursementDocumentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def documents(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Attach a quote or receipt (checked by content: PDF, images, Office documents)."""
        target = self.get_object()
        data = validated(api.DocumentInputSerializer, request)
        document = disbursements.disbursement_attach(
            actor=request.user, disbursement=target, upload=data["file"], kind=data["kind"]
        )
        return Response(api.DisbursementDocumentSerializer(document, context={"request": request}).data, status=201)


class DisbursementDocumentViewSet(TenantReadOnlyViewSet):
    """报价单、发票 attached to requests; `download` serves one as an attachment."""

    queryset = DisbursementDocument.objects.all()
    serializer_class = api.DisbursementDocumentSerializer
    filterset_class = filtersets.DisbursementDocumentFilterSet

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        document = self.get_object()
        return attachment_response(
            stored_file(document.file), filename=document.name, content_type=document.content_type
        )


class YearEndViewSet(ServiceViewSet):
    """年末结转 of a year (also run by beat on 1 January); running a year again changes nothing."""

    queryset = YearEnd.objects.all()
    serializer_class = api.YearEndSerializer
    filterset_class = filtersets.YearEndFilterSet
    create_serializer = api.YearInputSerializer
    write_rules = {"*": "funding.year_end"}

    @extend_schema(request=api.YearInputSerializer, responses={201: api.YearEndSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        return yearend.year_end_run(actor=request.user, district=request.user.district_id, year=data["year"])[0]


class CarryOverViewSet(TenantReadOnlyViewSet):
    queryset = CarryOver.objects.select_related("community")
    serializer_class = api.CarryOverSerializer
    filterset_class = filtersets.CarryOverFilterSet


class BonusPoolViewSet(ServiceViewSet):
    """绩效奖励资金池: the year's pool and formula; `compute` a quarter from the approved staff stars."""

    queryset = BonusPool.objects.all()
    serializer_class = api.BonusPoolSerializer
    filterset_class = filtersets.BonusPoolFilterSet
    create_serializer = api.BonusPoolInputSerializer
    write_rules = {"*": "funding.manage_bonus"}

    @extend_schema(request=api.BonusPoolInputSerializer, responses={201: api.BonusPoolSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def create_service(self, request: Request, data: dict) -> Any:
        return bonus.pool_set(actor=request.user, district=request.user.district_id, **data)

    @extend_schema(request=api.QuarterInputSerializer, responses=api.BonusQuarterSerializer)
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.QuarterInputSerializer, request)
        row = bonus.quarter_compute(actor=request.user, pool=target, quarter=data["quarter"])
        return Response(api.BonusQuarterSerializer(row, context={"request": request}).data)


class BonusQuarterViewSet(ServiceViewSet):
    """季度绩效奖励: `approve` (区级), then `payroll` (the XLSX built by a Celery task)."""

    queryset = BonusQuarter.objects.all()
    serializer_class = api.BonusQuarterSerializer
    filterset_class = filtersets.BonusQuarterFilterSet
    write_rules = {"*": "funding.approve_bonus"}

    @extend_schema(exclude=True)  # a quarter is computed from its pool (BonusPoolViewSet), never posted
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise MethodNotAllowed("POST", detail="季度绩效奖励由奖励池计算产生，不能直接创建。")

    @extend_schema(request=None, responses=api.BonusQuarterSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = bonus.quarter_approve(actor=request.user, bonus_quarter=self.get_object())
        return Response(self.get_serializer(row).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def payroll(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        row = self.get_object()
        if not has(request.user, "funding.approve_bonus", row):
            return Response({"detail": MESSAGES["funding.approve_bonus"]}, status=403)
        if not row.payroll:
            return Response({"detail": "发放表尚未生成：季度审定后由后台任务生成，请稍后刷新。"}, status=409)
        name = f"{row.year}年第{row.quarter}季度绩效奖励发放表.xlsx"
        return attachment_response(stored_file(row.payroll), filename=name, content_type=api_xlsx())


def api_xlsx() -> str:
    from accounts.exports import XLSX_TYPE

    return XLSX_TYPE


class BonusAwardViewSet(TenantReadOnlyViewSet):
    queryset = BonusAward.objects.all()
    serializer_class = api.BonusAwardSerializer
    filterset_class = filtersets.BonusAwardFilterSet


class ExecutionView(APIView):
    """经费执行情况 of a year: per tier, street and community (allocated, requested, approved, paid, % executed,
    balance, carry-over in), in the actor's scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度（默认今年）")], responses=api.ExecutionSerializer
    )
    def get(self, request: Request) -> Response:
        try:
            year = int(request.query_params.get("year") or timezone.localdate().year)
        except ValueError:
            return Response({"year": ["年度应为 2000 至 2100 之间的整数。"]}, status=400)
        if not 2000 <= year <= 2100:
            return Response({"year": ["年度应为 2000 至 2100 之间的整数。"]}, status=400)
        execution = selectors.fund_execution(actor=request.user, year=year)
        data = {
            "year": year,
            "total": _row(execution.total),
            "tiers": [_row(r) for r in execution.tiers],
            "streets": [_row(r) for r in execution.streets],
            "communities": [_row(r) for r in execution.communities],
        }
        return Response(api.ExecutionSerializer(data).data)


def _row(row: selectors.ExecutionRow) -> dict:
    return {**row.__dict__, "executed": row.executed}
