from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from reports import registry
from reports.models import Report, ReportBuild


class RoomBuildSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("状态"))
    download_url = serializers.SerializerMethodField(label=_("下载地址"))

    class Meta:
        model = ReportBuild
        fields = [
            "id",
            "report",
            "version",
            "status",
            "status_label",
            "progress",
            "message",
            "requested_by_name",
            "requested_at",
            "started_at",
            "finished_at",
            "build_seconds",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, build: ReportBuild) -> str | None:
        if build.status != "done":
            return None
        return reverse("reports-api:report-build-download", args=[build.pk], request=self.context.get("request"))


class RoomReportSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField(label=_("报告类型名称"))
    latest = serializers.SerializerMethodField(label=_("最新完成版本"))

    class Meta:
        model = Report
        fields = ["id", "kind", "kind_label", "key", "title", "created_at", "latest"]
        read_only_fields = fields

    def get_kind_label(self, report: Report) -> str:
        kind = registry.KINDS.get(report.kind)
        return kind.shown_label() if kind else report.kind

    @extend_schema_field(RoomBuildSerializer(allow_null=True))
    def get_latest(self, report: Report) -> dict | None:
        done = [b for b in report.all_builds if b.status == "done"] if hasattr(report, "all_builds") else []
        return RoomBuildSerializer(done[0], context=self.context).data if done else None


class BuildRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(label=_("报告类型"), max_length=60)
    key = serializers.CharField(label=_("期间"), max_length=20, help_text=_("2026-Q3、2026-10、2026 或 2026-11-25"))
    district_id = serializers.IntegerField(label=_("区"), required=False, help_text=_("平台管理员指定区"))


class QueuedBuildSerializer(RoomBuildSerializer):
    """A build just asked for (202 Accepted): the build as the room lists it, and where to follow it."""

    status_url = serializers.SerializerMethodField(
        label=_("状态地址"), help_text=_("GET 此地址查看进度，完成后含下载地址")
    )
    page_url = serializers.SerializerMethodField(label=_("页面地址"), help_text=_("报告室中该版本的页面"))

    class Meta(RoomBuildSerializer.Meta):
        fields = [*RoomBuildSerializer.Meta.fields, "status_url", "page_url"]
        read_only_fields = fields

    def get_status_url(self, build: ReportBuild) -> str:
        return reverse("reports-api:report-build-detail", args=[build.pk], request=self.context.get("request"))

    def get_page_url(self, build: ReportBuild) -> str:
        return reverse("reports:build", args=[build.pk], request=self.context.get("request"))
