"""Serializers of the ratings API: read serializers for the stored rows, input serializers for the
domain actions (which call ratings.services)."""

from rest_framework import serializers

from accounts.api.fields import ScopedPrimaryKeyRelatedField
from accounts.api.serializers import ReadOnlyModelSerializer
from accounts.privacy import mask_fields
from accounts.uploads import MAX_FILES, DocumentUploadField
from compounds.models import Compound, PropertyFirm
from ratings.models import (
    Decision,
    FeeBasis,
    FirmScore,
    Introduction,
    IntroductionStage,
    IntroductionStep,
    PanelParty,
    PanelScore,
    RatingPeriod,
    RatingSettings,
    Report,
    SeriousIncident,
    ServiceContract,
    StepDocument,
    SurveyResponse,
    WorkOrderRecord,
)


class ServiceContractSerializer(ReadOnlyModelSerializer):
    firm_name = serializers.CharField(source="firm.name", read_only=True, label="物业企业名称")
    compound_name = serializers.CharField(source="compound.name", read_only=True, label="小区名称")

    class Meta:
        model = ServiceContract
        fields = [
            "id", "display", "district", "firm", "firm_name", "compound", "compound_name", "start", "end",
            "fee_basis", "fee_fen", "signed_at", "note", "created_at",
        ]  # fmt: skip


class ContractCreateSerializer(serializers.Serializer):
    firm = ScopedPrimaryKeyRelatedField(queryset=PropertyFirm.objects.all(), label="物业企业")
    compound = ScopedPrimaryKeyRelatedField(queryset=Compound.objects.all(), label="小区")
    start = serializers.DateField(label="开始日期")
    end = serializers.DateField(label="结束日期", required=False, allow_null=True)
    fee_basis = serializers.ChoiceField(choices=FeeBasis.choices, label="收费方式")
    fee_fen = serializers.IntegerField(min_value=0, label="收费标准（分/月）")
    signed_at = serializers.DateField(label="签订日期", required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, label="备注")


class ContractEndSerializer(serializers.Serializer):
    end = serializers.DateField(label="结束日期（不含当日）")


class StepDocumentSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = StepDocument
        fields = ["id", "name", "content_type", "size", "uploaded_at"]


class IntroductionStepSerializer(ReadOnlyModelSerializer):
    documents = StepDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = IntroductionStep
        fields = ["id", "stage", "date", "responsible", "decision", "note", "recorded_at", "documents"]


class IntroductionSerializer(ReadOnlyModelSerializer):
    steps = IntroductionStepSerializer(many=True, read_only=True)
    next_stage = serializers.SerializerMethodField(label="下一步")

    class Meta:
        model = Introduction
        fields = [
            "id", "display", "district", "compound", "firm", "status", "fee_basis", "fee_fen", "contract_years",
            "started_at", "contract", "next_stage", "steps",
        ]  # fmt: skip

    def get_next_stage(self, obj: Introduction) -> int | None:
        stage = obj.next_stage
        return stage.value if stage is not None else None


class IntroductionStartSerializer(serializers.Serializer):
    compound = ScopedPrimaryKeyRelatedField(queryset=Compound.objects.all(), label="小区")
    firm = ScopedPrimaryKeyRelatedField(queryset=PropertyFirm.objects.all(), label="物业企业")
    fee_basis = serializers.ChoiceField(choices=FeeBasis.choices, label="收费方式")
    fee_fen = serializers.IntegerField(min_value=0, label="收费标准（分/月）")
    contract_years = serializers.IntegerField(min_value=1, max_value=10, default=3, label="合同年限")


class StepRecordSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=IntroductionStage.choices, label="步骤")
    date = serializers.DateField(label="日期")
    responsible = serializers.CharField(max_length=50, label="责任人")
    decision = serializers.ChoiceField(choices=Decision.choices, label="结论")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, label="说明")
    documents = serializers.ListField(
        child=DocumentUploadField(),
        required=False,
        max_length=MAX_FILES,
        label="材料（PDF、图片或 Office/WPS 文档，每个不超过 20 MB，按内容识别类型）",
    )


class RatingPeriodSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = RatingPeriod
        fields = ["id", "display", "district", "year", "quarter", "status", "computed_at", "published_at"]


class PeriodOpenSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    quarter = serializers.IntegerField(min_value=1, max_value=4, label="季度")


class RatingSettingsSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = RatingSettings
        fields = [
            "id", "district", "weight_satisfaction", "weight_panel", "weight_work_orders", "red_min_score",
            "red_top_percent", "black_below_score", "black_bottom_percent", "min_answers", "complaint_penalty",
        ]  # fmt: skip


class RatingSettingsUpdateSerializer(serializers.Serializer):
    weight_satisfaction = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    weight_panel = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    weight_work_orders = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    red_min_score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    red_top_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    black_below_score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    black_bottom_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    min_answers = serializers.IntegerField(min_value=0, required=False)
    complaint_penalty = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


class PanelScoreSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = PanelScore
        fields = ["id", "period", "firm", "party", "score", "note", "recorded_at"]


class PanelScoreRecordSerializer(serializers.Serializer):
    period = ScopedPrimaryKeyRelatedField(queryset=RatingPeriod.objects.all(), label="考评季度")
    firm = ScopedPrimaryKeyRelatedField(queryset=PropertyFirm.objects.all(), label="物业企业")
    party = serializers.ChoiceField(choices=PanelParty.choices, label="评审方")
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, label="得分")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, label="评语")


class WorkOrderRecordSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = WorkOrderRecord
        fields = [
            "id", "period", "firm", "orders", "complaints_per_100_households", "on_time_rate", "satisfaction_rate",
            "source", "captured_at",
        ]  # fmt: skip


class WorkOrderRecordSetSerializer(serializers.Serializer):
    period = ScopedPrimaryKeyRelatedField(queryset=RatingPeriod.objects.all(), label="考评季度")
    firm = ScopedPrimaryKeyRelatedField(queryset=PropertyFirm.objects.all(), label="物业企业")
    orders = serializers.IntegerField(min_value=0, label="工单数")
    complaints_per_100_households = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    satisfaction_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class SeriousIncidentSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = SeriousIncident
        fields = ["id", "period", "firm", "date", "description", "recorded_at"]


class IncidentRecordSerializer(serializers.Serializer):
    period = ScopedPrimaryKeyRelatedField(queryset=RatingPeriod.objects.all(), label="考评季度")
    firm = ScopedPrimaryKeyRelatedField(queryset=PropertyFirm.objects.all(), label="物业企业")
    date = serializers.DateField(label="发生日期")
    description = serializers.CharField(max_length=500, label="事件说明")


class SurveyResponseSerializer(ReadOnlyModelSerializer):
    """A survey answer as lists show it: the building but not the room, the comment masked (accounts.privacy):
    nobody reading the answers needs to know which household gave which one."""

    class Meta:
        model = SurveyResponse
        fields = ["id", "period", "compound", "firm", "household_key", "level", "points", "comment", "answered_at"]

    def to_representation(self, instance: SurveyResponse) -> dict:
        return mask_fields(SurveyResponse, super().to_representation(instance))


class FirmScoreSerializer(ReadOnlyModelSerializer):
    firm_name = serializers.CharField(source="firm.name", read_only=True, label="物业企业名称")
    credit_code = serializers.CharField(source="firm.credit_code", read_only=True, label="统一社会信用代码")

    class Meta:
        model = FirmScore
        fields = [
            "id", "period", "firm", "firm_name", "credit_code", "answers", "compounds", "households", "satisfaction",
            "panel", "panel_parties", "work_orders", "complaints_per_100_households", "weight_satisfaction",
            "weight_panel", "weight_work_orders", "total", "rank", "list_kind", "capped_by_incident", "reason",
        ]  # fmt: skip


class ReportSerializer(ReadOnlyModelSerializer):
    download_url = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = Report
        fields = ["id", "kind", "title", "period", "month", "built_at", "build_seconds", "download_url"]

    def get_download_url(self, obj: Report) -> str:
        from django.urls import reverse

        return reverse("ratings:report-download", kwargs={"pk": obj.pk})
