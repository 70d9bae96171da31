"""Forms of the funding pages: amounts are typed in yuan (funding.money turns them into fen, with a Chinese
message for a negative amount or a fraction of a fen)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import CleanForm
from accounts.onetime import OneTimeTokenForm
from accounts.uploads import DocumentsField
from compounds.models import Tier
from funding.models import CarryRule, Category, DocumentKind
from funding.money import yuan_to_fen

YEAR = {"min_value": 2000, "max_value": 2100}


class YuanField(forms.CharField):
    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        value = super().clean(value)
        from django.core.exceptions import ValidationError

        if value in self.empty_values:  # not required and left empty (a required one is refused above)
            return None
        try:
            return yuan_to_fen(value, allow_zero=self.allow_zero)
        except ValidationError as error:
            raise ValidationError(error.message_dict["amount"]) from error


class PolicyForm(OneTimeTokenForm):
    year = forms.IntegerField(label=_("年度"), **YEAR)
    tier_a_fen = YuanField(label=_("A类（元/年）"), allow_zero=True)
    tier_b_fen = YuanField(label=_("B类（元/年）"), allow_zero=True)
    tier_c_fen = YuanField(label=_("C类（元/年）"), allow_zero=True)
    tier_d_fen = YuanField(label=_("D类（元/年）"), allow_zero=True)
    second_approval_fen = YuanField(label=_("二次审批门槛（元）"), allow_zero=True)
    carry_rule = forms.ChoiceField(label=_("年末结余处理"), choices=CarryRule.choices)
    carry_cap_fen = YuanField(label=_("结转上限（元）"), allow_zero=True, required=False)

    def clean_carry_cap_fen(self) -> int:
        return self.cleaned_data.get("carry_cap_fen") or 0


class OverrideForm(OneTimeTokenForm):
    community = forms.IntegerField(label=_("社区"), widget=forms.Select)
    year = forms.IntegerField(label=_("年度"), **YEAR)
    amount_fen = YuanField(label=_("核定金额（元/年）"), allow_zero=True)
    reason = forms.CharField(label=_("核定理由"), max_length=200)


class TierChangeForm(OneTimeTokenForm):
    community = forms.IntegerField(label=_("社区"), widget=forms.Select)
    tier = forms.ChoiceField(label=_("新分类"), choices=Tier.choices)
    year = forms.IntegerField(label=_("年度"), **YEAR)
    from_month = forms.IntegerField(label=_("起始月份"), min_value=1, max_value=12)
    reason = forms.CharField(label=_("调整理由"), max_length=200)


class RequestForm(OneTimeTokenForm):
    """A community's disbursement request; a one-time token, so that a double tap files one request."""

    account = forms.IntegerField(label=_("支出账户"), widget=forms.Select)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    amount_fen = YuanField(label=_("金额（元）"))
    documents = DocumentsField(label=_("报价单等附件（PDF、图片或 Office 文档）"))


class ReasonForm(CleanForm):
    reason = forms.CharField(label=_("理由"), max_length=200)


class VoucherForm(CleanForm):
    voucher_no = forms.CharField(label=_("凭证号"), max_length=40)


class AttachForm(OneTimeTokenForm):
    kind = forms.ChoiceField(label=_("类型"), choices=DocumentKind.choices, initial=DocumentKind.RECEIPT)
    documents = DocumentsField(label=_("文件"), required=True)


class SpecialForm(OneTimeTokenForm):
    community = forms.IntegerField(label=_("社区"), widget=forms.Select)
    name = forms.CharField(label=_("项目名称"), max_length=100)
    purpose = forms.CharField(label=_("用途说明"), max_length=300)
    year = forms.IntegerField(label=_("年度"), **YEAR)
    amount_fen = YuanField(label=_("拨付金额（元）"))


class DonationForm(OneTimeTokenForm):
    community = forms.IntegerField(label=_("社区"), widget=forms.Select)
    donor = forms.CharField(label=_("捐赠方"), max_length=100)
    purpose = forms.CharField(label=_("指定用途"), max_length=200, required=False)
    amount_fen = YuanField(label=_("金额（元）"))
    received_on = forms.DateField(label=_("到账日期"), widget=forms.DateInput(attrs={"type": "date"}))


class YearForm(CleanForm):
    year = forms.IntegerField(label=_("年度"), **YEAR)


class PoolForm(OneTimeTokenForm):
    year = forms.IntegerField(label=_("年度"), **YEAR)
    total_fen = YuanField(label=_("年度资金池（元）"))
    points_1 = forms.IntegerField(label=_("★ 分值"), min_value=1, max_value=1000)
    points_2 = forms.IntegerField(label=_("★★ 分值"), min_value=1, max_value=1000)
    points_3 = forms.IntegerField(label=_("★★★ 分值"), min_value=1, max_value=1000)
    points_4 = forms.IntegerField(label=_("★★★★ 分值"), min_value=1, max_value=1000)
    points_5 = forms.IntegerField(label=_("★★★★★ 分值"), min_value=1, max_value=1000)
    cap_yuan = forms.IntegerField(label=_("个人上限（元）"), min_value=1, max_value=1_000_000)
    floor_yuan = forms.IntegerField(label=_("个人保底（元）"), min_value=0, max_value=1_000_000)
    qualifying_score = forms.DecimalField(label=_("合格分数线"), min_value=0, max_value=100, decimal_places=2)


class QuarterForm(CleanForm):
    quarter = forms.IntegerField(label=_("季度"), min_value=1, max_value=4)


class CorrectForm(CleanForm):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("更正理由"), max_length=200)
