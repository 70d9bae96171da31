"""The report room's API: reports (with their latest finished version), builds (status and progress to
poll), a POST that asks for a new version, and downloads."""

from typing import Any

from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.viewsets import TenantReadOnlyViewSet
from reports import selectors, services, views
from reports.api import serializers as api
from reports.models import Report, ReportBuild


class ReportViewSet(TenantReadOnlyViewSet):
    """报告: the reports the caller may read."""

    queryset = Report.objects.all()
    serializer_class = api.RoomReportSerializer
    filterset_fields = ["kind", "key"]
    ordering_fields = ["kind", "key", "created_at"]

    def get_queryset(self) -> Any:
        ids = selectors.reports_for(self.request.user).values("pk")
        return (
            super()
            .get_queryset()
            .filter(pk__in=ids)
            .prefetch_related(
                Prefetch("builds", queryset=ReportBuild.objects.order_by("-version"), to_attr="all_builds")
            )
            .order_by("kind", "-key")
        )


class ReportBuildViewSet(mixins.CreateModelMixin, TenantReadOnlyViewSet):
    """报告生成记录: every version of every report the caller may read; POST asks for a new version."""

    queryset = ReportBuild.objects.select_related("report")
    serializer_class = api.RoomBuildSerializer
    filterset_fields = ["report", "status"]
    ordering_fields = ["version", "requested_at"]

    def get_queryset(self) -> Any:
        readable = selectors.reports_for(self.request.user).values("pk")
        return super().get_queryset().filter(report__in=readable).order_by("-requested_at")

    @extend_schema(request=api.BuildRequestSerializer, responses={201: api.RoomBuildSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = api.BuildRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        build = services.report_request(actor=request.user, **incoming.validated_data)
        return Response(
            api.RoomBuildSerializer(build, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: int | None = None, **kwargs: Any) -> FileResponse:
        return views._attachment(self.get_object())
