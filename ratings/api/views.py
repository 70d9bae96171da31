"""REST endpoints of the ratings app. Querysets are restricted through accounts.policy by the shared
base viewsets (another district's object is a 404); every write is a domain action that validates with
its own serializer and calls ratings.services (Chinese errors come back as 400)."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.parsers import FormParser, JSONParser, MultiPartParser
from accounts.api.serializers import drf_validation_errors
from accounts.api.viewsets import TenantReadOnlyViewSet
from accounts.permissions import require
from ratings import filtersets, selectors, services
from ratings.api import serializers as api
from ratings.models import (
    FirmScore,
    Introduction,
    PanelScore,
    RatingPeriod,
    RatingSettings,
    Report,
    SeriousIncident,
    ServiceContract,
    SurveyResponse,
    WorkOrderRecord,
)
from reports.api.serializers import QueuedBuildSerializer


def call(service: Callable, **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise serializers.ValidationError(drf_validation_errors(error)) from error


def validated(serializer_class: type, request: Request) -> dict:
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class ServiceContractViewSet(TenantReadOnlyViewSet):
    """物业服务合同, with their history."""

    queryset = ServiceContract.objects.select_related("firm", "compound")
    serializer_class = api.ServiceContractSerializer
    filterset_class = filtersets.ServiceContractFilterSet
    ordering_fields = ["start", "end"]

    @extend_schema(request=api.ContractCreateSerializer, responses={201: api.ServiceContractSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contract = call(
            services.contract_create, actor=request.user, **validated(api.ContractCreateSerializer, request)
        )
        return Response(api.ServiceContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=api.ContractEndSerializer, responses=api.ServiceContractSerializer)
    @action(detail=True, methods=["post"], serializer_class=api.ContractEndSerializer)
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contract = self.get_object()
        data = validated(api.ContractEndSerializer, request)
        contract = call(services.contract_end, actor=request.user, contract=contract, **data)
        return Response(api.ServiceContractSerializer(contract).data)


class IntroductionViewSet(TenantReadOnlyViewSet):
    """The six-step introduction of a firm into a "三无" compound."""

    queryset = Introduction.objects.select_related("compound", "firm").prefetch_related("steps__documents")
    serializer_class = api.IntroductionSerializer
    filterset_class = filtersets.IntroductionFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=api.IntroductionStartSerializer, responses={201: api.IntroductionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(api.IntroductionStartSerializer, request)
        introduction = call(services.introduction_start, actor=request.user, **data)
        return Response(api.IntroductionSerializer(introduction).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=api.StepRecordSerializer, responses={201: api.IntroductionSerializer})
    @action(detail=True, methods=["post"], url_path="record-step", serializer_class=api.StepRecordSerializer)
    def record_step(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        introduction = self.get_object()
        data = validated(api.StepRecordSerializer, request)
        data["documents"] = data.get("documents") or request.FILES.getlist("documents")
        call(services.introduction_record_step, actor=request.user, introduction=introduction, **data)
        introduction = self.get_queryset().get(pk=introduction.pk)
        return Response(api.IntroductionSerializer(introduction).data, status=status.HTTP_201_CREATED)


class FirmListsSerializer(serializers.Serializer):
    """The quarter's lists (documentation only: the answer is built in `RatingPeriodViewSet.lists`)."""

    red = api.FirmScoreSerializer(many=True, label="红榜")
    grey = api.FirmScoreSerializer(many=True, label="灰榜")
    black = api.FirmScoreSerializer(many=True, label="黑榜")
    insufficient = api.FirmScoreSerializer(many=True, label="样本不足")


class RatingPeriodViewSet(TenantReadOnlyViewSet):
    """考评季度: open → scoring → computed → published."""

    queryset = RatingPeriod.objects.all()
    serializer_class = api.RatingPeriodSerializer
    filterset_class = filtersets.RatingPeriodFilterSet

    @extend_schema(request=api.PeriodOpenSerializer, responses={201: api.RatingPeriodSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(api.PeriodOpenSerializer, request)
        if request.user.district is None:
            raise serializers.ValidationError({"district": "平台管理员请在管理后台为指定区建立考评季度。"})
        period = call(services.period_open, actor=request.user, district=request.user.district, **data)
        return Response(api.RatingPeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    def _transition(self, request: Request, service: Callable) -> Response:
        period = call(service, actor=request.user, period=self.get_object())
        return Response(api.RatingPeriodSerializer(period).data)

    @extend_schema(request=None, responses=api.RatingPeriodSerializer)
    @action(detail=True, methods=["post"], url_path="start-scoring")
    def start_scoring(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._transition(request, services.period_start_scoring)

    @extend_schema(request=None, responses=api.RatingPeriodSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._transition(request, services.period_publish)

    @extend_schema(request=None, responses={202: QueuedBuildSerializer})
    @action(detail=True, methods=["post"])
    def build(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Ask the report room for the quarter's lists (scores, lists, PDF), built on the reports queue: 202 with
        the build's id and its status URL (GET it to follow the progress; done, it carries the download URL)."""
        build = call(services.quarter_build_enqueue, actor=request.user, period=self.get_object())
        return Response(
            QueuedBuildSerializer(build, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(responses=FirmListsSerializer, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def lists(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The red, grey and black lists (and the firms with too few answers)."""
        period = self.get_object()
        scores = FirmScore.objects.visible_to(request.user).filter(period=period).select_related("firm")
        grouped: dict[str, list] = {"red": [], "grey": [], "black": [], "insufficient": []}
        for score in scores.order_by("rank", "firm__credit_code"):
            grouped[score.list_kind].append(api.FirmScoreSerializer(score).data)
        return Response(grouped)


class RatingSettingsViewSet(TenantReadOnlyViewSet):
    """考评规则 of the district (weights, thresholds, minimum answers)."""

    queryset = RatingSettings.objects.order_by("district_id")
    serializer_class = api.RatingSettingsSerializer

    @extend_schema(request=api.RatingSettingsUpdateSerializer, responses=api.RatingSettingsSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        current = self.get_object()
        data = validated(api.RatingSettingsUpdateSerializer, request)
        rules = call(services.rating_settings_update, actor=request.user, district=current.district, **data)
        return Response(api.RatingSettingsSerializer(rules).data)


class _InputViewSet(TenantReadOnlyViewSet):
    input_serializer: type
    service: Callable
    # The registry's rule asked before the body is read (a role that may never do this gets 403, not a 400
    # about fields it cannot see); the service asks it again with the object.
    rule: str = ""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.rule:
            require(request.user, self.rule)
        data = validated(self.input_serializer, request)
        row = call(type(self).service, actor=request.user, **data)
        return Response(self.get_serializer_class()(row).data, status=status.HTTP_201_CREATED)


class PanelScoreViewSet(_InputViewSet):
    """评审团评分 by party; POST records or corrects one party's score."""

    queryset = PanelScore.objects.select_related("firm", "period")
    serializer_class = api.PanelScoreSerializer
    input_serializer = api.PanelScoreRecordSerializer
    service = services.panel_score_record
    rule = "ratings.enter_panel_score"
    filterset_class = filtersets.PanelScoreFilterSet

    @extend_schema(request=api.PanelScoreRecordSerializer, responses={201: api.PanelScoreSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


class WorkOrderRecordViewSet(_InputViewSet):
    """工单记录 per firm and quarter (captured from the work-order app, or entered by hand)."""

    queryset = WorkOrderRecord.objects.select_related("firm", "period")
    serializer_class = api.WorkOrderRecordSerializer
    input_serializer = api.WorkOrderRecordSetSerializer
    service = services.work_order_record_set
    filterset_class = filtersets.WorkOrderRecordFilterSet

    @extend_schema(request=api.WorkOrderRecordSetSerializer, responses={201: api.WorkOrderRecordSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


class SeriousIncidentViewSet(_InputViewSet):
    """重大事件: caps a firm to the black list for the quarter."""

    queryset = SeriousIncident.objects.select_related("firm", "period")
    serializer_class = api.SeriousIncidentSerializer
    input_serializer = api.IncidentRecordSerializer
    service = services.incident_record
    filterset_class = filtersets.SeriousIncidentFilterSet

    @extend_schema(request=api.IncidentRecordSerializer, responses={201: api.SeriousIncidentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


class SurveyResponseViewSet(TenantReadOnlyViewSet):
    """业主满意度问卷 answers (read only; residents answer on the public page)."""

    queryset = SurveyResponse.objects.select_related("compound", "firm")
    serializer_class = api.SurveyResponseSerializer
    filterset_class = filtersets.SurveyResponseFilterSet


class FirmScoreViewSet(TenantReadOnlyViewSet):
    """企业得分 per quarter; `breakdown` explains one score input by input."""

    queryset = FirmScore.objects.select_related("firm", "period")
    serializer_class = api.FirmScoreSerializer
    filterset_class = filtersets.FirmScoreFilterSet
    ordering_fields = ["rank", "total"]

    @extend_schema(responses={200: None})
    @action(detail=True, methods=["get"])
    def breakdown(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = selectors.score_breakdown(self.get_object())
        lines = [
            {
                "name": line.name,
                "value": line.value,
                "detail": line.detail,
                "weight": line.weight,
                "effective_weight": line.effective_weight,
                "contribution": line.contribution,
            }
            for line in data["lines"]
        ]
        score = data["score"]
        return Response(
            {
                "score": api.FirmScoreSerializer(score).data,
                "lines": lines,
                "incidents": [i.description for i in data["incidents"]],
                "tie_rule": data["tie_rule"],
                "missing_note": data["missing_note"],
            }
        )


class ReportViewSet(TenantReadOnlyViewSet):
    """Built PDF reports (district officials); the file downloads through the web page's policy check."""

    queryset = Report.objects.select_related("period")
    serializer_class = api.ReportSerializer
    filterset_class = filtersets.ReportFilterSet
