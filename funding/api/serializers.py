"""Serializers of the funding API. Money is integer fen (`*_fen`), with a `*_text` twin in ¥1,234.56 for
display; an input amount must be a whole number of fen (a fraction or a negative is a Chinese 400)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.api.serializers import ReadOnlyModelSerializer
from accounts.uploads import DocumentUploadField
from compounds.models import Tier
from funding.models import (
    BonusAward,
    BonusPool,
    BonusQuarter,
    CarryOver,
    CarryRule,
    Category,
    Disbursement,
    DisbursementDocument,
    DocumentKind,
    Donation,
    FundAccount,
    FundOverride,
    FundPolicy,
    LedgerEntry,
    SpecialProject,
    TierProration,
    YearEnd,
)
from funding.money import MAX_FEN, fen_text


def text(label: str, max_length: int, **extra: Any) -> serializers.CharField:
    extra.setdefault("required", False)
    extra.setdefault("allow_blank", True)
    return serializers.CharField(max_length=max_length, label=label, **extra)


class FenField(serializers.IntegerField):
    """An amount in fen: an integer, never negative (zero only where allowed), no fractions."""

    default_error_messages = {
        "invalid": "金额应为整数分（例如 123456 表示 ¥1,234.56），不能有小数。",
        "min_value": "金额不能为负数。",
        "max_value": "金额过大，请核对。",
        "max_string_length": "金额过大，请核对。",
    }

    def __init__(self, *, positive: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1 if positive else 0)
        kwargs.setdefault("max_value", MAX_FEN)
        if positive:
            kwargs.setdefault("error_messages", {"min_value": "金额必须大于 0（不能为负数或零）。"})
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid")
        if isinstance(data, str) and "." in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class FundPolicySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = FundPolicy
        fields = [
            "id", "display", "district", "year", "tier_a_fen", "tier_b_fen", "tier_c_fen", "tier_d_fen",
            "second_approval_fen", "carry_rule", "carry_cap_fen", "applied_at", "updated_at",
        ]  # fmt: skip


class FundPolicyInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    tier_a_fen = FenField(positive=False, label="A类社区年度经费（分）")
    tier_b_fen = FenField(positive=False, label="B类社区年度经费（分）")
    tier_c_fen = FenField(positive=False, label="C类社区年度经费（分）")
    tier_d_fen = FenField(positive=False, label="D类社区年度经费（分）")
    second_approval_fen = FenField(positive=False, label="二次审批门槛（分）")
    carry_rule = serializers.ChoiceField(choices=CarryRule.choices, label="年末结余处理")
    carry_cap_fen = FenField(positive=False, required=False, default=0, label="结转上限（分）")


class AppliedSerializer(serializers.Serializer):
    allocated = serializers.IntegerField(label="本次下达社区数")


class FundOverrideSerializer(ReadOnlyModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True, label="社区名称")

    class Meta:
        model = FundOverride
        fields = [
            "id",
            "display",
            "district",
            "community",
            "community_name",
            "year",
            "amount_fen",
            "reason",
            "recorded_at",
        ]


class FundOverrideInputSerializer(serializers.Serializer):
    community = serializers.IntegerField(label="社区")
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    amount_fen = FenField(positive=False, label="核定金额（分）")
    reason = text("核定理由", 200, required=True, allow_blank=False)


class TierProrationSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = TierProration
        fields = [
            "id", "display", "district", "community", "year", "from_month", "old_tier", "new_tier",
            "old_annual_fen", "new_annual_fen", "delta_fen", "reason", "recorded_at",
        ]  # fmt: skip


class TierChangeInputSerializer(serializers.Serializer):
    community = serializers.IntegerField(label="社区")
    tier = serializers.ChoiceField(choices=Tier.choices, label="新分类")
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    from_month = serializers.IntegerField(min_value=1, max_value=12, label="起始月份")
    reason = text("调整理由", 200, required=True, allow_blank=False)


class FundAccountSerializer(ReadOnlyModelSerializer):
    balance_fen = serializers.SerializerMethodField(label="余额（分）")
    balance_text = serializers.SerializerMethodField(label="余额")

    class Meta:
        model = FundAccount
        fields = [
            "id",
            "display",
            "district",
            "kind",
            "name",
            "street",
            "community",
            "project",
            "balance_fen",
            "balance_text",
        ]

    def get_balance_fen(self, obj: FundAccount) -> int:
        balances = self.context.get("balances")
        if balances is not None and obj.pk in balances:
            return balances[obj.pk]
        from funding.services.ledger import balance

        return balance(obj)

    def get_balance_text(self, obj: FundAccount) -> str:
        return fen_text(self.get_balance_fen(obj))


class LedgerEntrySerializer(ReadOnlyModelSerializer):
    amount_text = serializers.SerializerMethodField(label="金额")

    class Meta:
        model = LedgerEntry
        fields = [
            "id", "display", "district", "posted_at", "year", "kind", "from_account", "to_account", "amount_fen",
            "amount_text", "memo", "community", "street", "disbursement", "donation", "reverses", "posted_by_name",
        ]  # fmt: skip

    def get_amount_text(self, obj: LedgerEntry) -> str:
        return fen_text(obj.amount_fen)


class FundingReasonSerializer(serializers.Serializer):
    reason = text("理由", 200, required=True, allow_blank=False)


class SpecialProjectSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = SpecialProject
        fields = [
            "id",
            "display",
            "district",
            "community",
            "street",
            "name",
            "purpose",
            "year",
            "amount_fen",
            "created_at",
        ]


class SpecialProjectInputSerializer(serializers.Serializer):
    community = serializers.IntegerField(label="社区")
    name = text("项目名称", 100, required=True, allow_blank=False)
    purpose = text("用途说明", 300, required=True, allow_blank=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    amount_fen = FenField(label="拨付金额（分）")


class DonationSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Donation
        fields = ["id", "display", "district", "community", "street", "donor", "purpose", "amount_fen", "received_on"]


class DonationInputSerializer(serializers.Serializer):
    community = serializers.IntegerField(label="社区")
    donor = text("捐赠方", 100, required=True, allow_blank=False)
    purpose = text("指定用途", 200)
    amount_fen = FenField(label="金额（分）")
    received_on = serializers.DateField(required=False, label="到账日期")


class DisbursementSerializer(ReadOnlyModelSerializer):
    amount_text = serializers.SerializerMethodField(label="金额")
    community_name = serializers.CharField(source="community.name", read_only=True, label="社区名称")

    class Meta:
        model = Disbursement
        fields = [
            "id", "display", "district", "community", "community_name", "street", "account", "year", "purpose",
            "category", "amount_fen", "amount_text", "status", "needs_second", "requested_at", "approved_at",
            "second_at", "rejected_at", "reject_reason", "paid_at", "voucher_no",
        ]  # fmt: skip

    def get_amount_text(self, obj: Disbursement) -> str:
        return fen_text(obj.amount_fen)


class DisbursementInputSerializer(serializers.Serializer):
    community = serializers.IntegerField(label="社区")
    account = serializers.IntegerField(required=False, label="支出账户（默认社区服务经费）")
    purpose = text("用途", 200, required=True, allow_blank=False)
    category = serializers.ChoiceField(choices=Category.choices, label="类别")
    amount_fen = FenField(label="金额（分）")


class VoucherSerializer(serializers.Serializer):
    voucher_no = text("凭证号", 40, required=True, allow_blank=False)


class DocumentInputSerializer(serializers.Serializer):
    file = DocumentUploadField(label="文件（PDF、图片或 Office 文档）")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.RECEIPT, label="类型")


class DisbursementDocumentSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = DisbursementDocument
        fields = ["id", "display", "district", "disbursement", "kind", "name", "content_type", "uploaded_at"]


class YearEndSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = YearEnd
        fields = [
            "id",
            "display",
            "district",
            "year",
            "rule",
            "cap_fen",
            "carried_fen",
            "returned_fen",
            "run_at",
            "run_by_name",
        ]


class YearInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")


class CarryOverSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = CarryOver
        fields = [
            "id",
            "display",
            "district",
            "year_end",
            "community",
            "street",
            "year",
            "balance_fen",
            "carried_fen",
            "returned_fen",
        ]


class BonusPoolSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = BonusPool
        fields = [
            "id", "display", "district", "year", "total_fen", "points_1", "points_2", "points_3", "points_4",
            "points_5", "cap_yuan", "floor_yuan", "qualifying_score",
        ]  # fmt: skip


class BonusPoolInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    total_fen = FenField(label="年度资金池（分，整元）")
    points_1 = serializers.IntegerField(min_value=1, max_value=1000, label="一星分值")
    points_2 = serializers.IntegerField(min_value=1, max_value=1000, label="二星分值")
    points_3 = serializers.IntegerField(min_value=1, max_value=1000, label="三星分值")
    points_4 = serializers.IntegerField(min_value=1, max_value=1000, label="四星分值")
    points_5 = serializers.IntegerField(min_value=1, max_value=1000, label="五星分值")
    cap_yuan = serializers.IntegerField(min_value=1, max_value=1_000_000, label="个人上限（元）")
    floor_yuan = serializers.IntegerField(min_value=0, max_value=1_000_000, label="个人保底（元）")
    qualifying_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, label="合格分数线"
    )


class QuarterInputSerializer(serializers.Serializer):
    quarter = serializers.IntegerField(min_value=1, max_value=4, label="季度")


class BonusQuarterSerializer(ReadOnlyModelSerializer):
    has_payroll = serializers.SerializerMethodField(label="发放表已生成")

    class Meta:
        model = BonusQuarter
        fields = [
            "id",
            "display",
            "district",
            "pool",
            "year",
            "quarter",
            "pool_yuan",
            "status",
            "computed_at",
            "approved_at",
            "has_payroll",
        ]

    def get_has_payroll(self, obj: BonusQuarter) -> bool:
        return bool(obj.payroll)


class BonusAwardSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = BonusAward
        fields = [
            "id", "display", "district", "bonus_quarter", "person", "person_name", "role", "community", "street",
            "stars", "score", "points", "amount_yuan",
        ]  # fmt: skip


class ExecutionRowSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, read_only=True, label="名称")
    street_name = serializers.CharField(max_length=100, read_only=True, label="街道")
    tier = serializers.CharField(max_length=40, read_only=True, label="分类")
    communities = serializers.IntegerField(label="社区数")
    allocated = serializers.IntegerField(label="下达（分）")
    requested = serializers.IntegerField(label="申请（分）")
    approved = serializers.IntegerField(label="批准（分）")
    paid = serializers.IntegerField(label="支付（分）")
    balance = serializers.IntegerField(label="余额（分）")
    carried_in = serializers.IntegerField(label="上年结转（分）")
    executed = serializers.FloatField(allow_null=True, label="执行率（0–1）")


class ExecutionSerializer(serializers.Serializer):
    year = serializers.IntegerField(label="年度")
    total = ExecutionRowSerializer(label="合计")
    tiers = ExecutionRowSerializer(many=True, label="分类")
    streets = ExecutionRowSerializer(many=True, label="街道")
    communities = ExecutionRowSerializer(many=True, label="社区")
