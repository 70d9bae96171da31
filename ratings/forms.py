"""Forms of the ratings pages: they parse and type the input; the rules live in ratings.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import CleanForm
from accounts.onetime import OneTimeTokenForm
from accounts.policy import restrict
from accounts.uploads import DocumentsField
from compounds.models import Compound, PropertyFirm
from ratings.models import Decision, FeeBasis, IntroductionStage, PanelParty, SatisfactionLevel
from ratings.rules import represented_parties

QUARTERS = [_("第1季度"), _("第2季度"), _("第3季度"), _("第4季度")]


def translated(choices: list[tuple]) -> list[tuple]:
    """Model choices with their Chinese labels looked up in the catalogue (the labels are the msgids)."""
    return [(value, _(label)) for value, label in choices]


class StepForm(CleanForm):
    stage = forms.TypedChoiceField(label=_("步骤"), choices=translated(IntroductionStage.choices), coerce=int)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    responsible = forms.CharField(label=_("责任人"), max_length=50)
    decision = forms.ChoiceField(label=_("结论"), choices=translated(Decision.choices))
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents = DocumentsField(
        label=_("材料"),
        required=False,
        help_text=_("PDF、图片或 Office/WPS 文档，每个不超过 20 MB，最多 10 个（按文件内容识别类型）"),
    )


class IntroductionStartForm(OneTimeTokenForm):
    compound = forms.ModelChoiceField(label=_("“三无”小区"), queryset=Compound.objects.none())
    firm = forms.ModelChoiceField(label=_("物业企业"), queryset=PropertyFirm.objects.none())
    fee_basis = forms.ChoiceField(label=_("收费方式"), choices=translated(FeeBasis.choices))
    fee_yuan = forms.DecimalField(label=_("收费标准（元/月）"), min_value=0, max_digits=8, decimal_places=2)
    contract_years = forms.IntegerField(label=_("合同年限"), min_value=1, max_value=10, initial=3)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = restrict(Compound.objects.three_no(), actor, "change")
        self.fields["firm"].queryset = restrict(PropertyFirm.objects.all(), actor)


class PeriodOpenForm(OneTimeTokenForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=list(enumerate(QUARTERS, start=1)), coerce=int)


class PanelScoreForm(OneTimeTokenForm):
    firm = forms.ModelChoiceField(label=_("物业企业"), queryset=PropertyFirm.objects.none())
    party = forms.ChoiceField(label=_("评审方"), choices=translated(PanelParty.choices))
    score = forms.DecimalField(label=_("得分"), min_value=0, max_value=100, max_digits=5, decimal_places=2)
    note = forms.CharField(label=_("评语"), max_length=500, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = restrict(PropertyFirm.objects.all(), actor)
        # Only the parties the account represents (ratings.rules); the service asks the rule again per firm.
        parties = set(represented_parties(actor))
        self.fields["party"].choices = [(v, label) for v, label in self.fields["party"].choices if v in parties]


class SurveyForm(OneTimeTokenForm):
    """A resident's answer on the compound's public page; a one-time token, so that a double tap is one answer."""

    building = forms.CharField(label=_("楼栋"), max_length=30)
    room = forms.CharField(label=_("房号"), max_length=20)
    level = forms.ChoiceField(
        label=_("您对本小区物业服务的总体评价"), choices=translated(SatisfactionLevel.choices), widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见建议（选填）"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, buildings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if buildings:
            self.fields["building"] = forms.ChoiceField(
                label=_("楼栋"), choices=[("", _("请选择"))] + [(b, b) for b in buildings]
            )


class ContractForm(OneTimeTokenForm):
    """A new service contract; the fee is typed in yuan and stored in fen."""

    compound = forms.ModelChoiceField(label=_("小区"), queryset=Compound.objects.none())
    firm = forms.ModelChoiceField(label=_("物业企业"), queryset=PropertyFirm.objects.none())
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("结束日期（不含当日，可不填）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fee_basis = forms.ChoiceField(label=_("收费方式"), choices=translated(FeeBasis.choices))
    fee_yuan = forms.DecimalField(
        label=_("收费标准（元/月）"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("按户：每户每月；按面积：每平方米每月。保留两位小数，例如 1.20"),
    )
    signed_at = forms.DateField(label=_("签订日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = restrict(Compound.objects.order_by("code"), actor)
        self.fields["firm"].queryset = restrict(PropertyFirm.objects.order_by("name"), actor)

    @property
    def fee_fen(self) -> int:
        return int(self.cleaned_data["fee_yuan"] * 100)


class ContractEndForm(CleanForm):
    end = forms.DateField(label=_("结束日期（不含当日）"), widget=forms.DateInput(attrs={"type": "date"}))


class RatingSettingsForm(CleanForm):
    """The district's rules: weights (summing to 100), list thresholds, the minimum sample."""

    weight_satisfaction = forms.DecimalField(
        label=_("业主满意度权重（%）"), min_value=0, max_digits=5, decimal_places=2
    )
    weight_panel = forms.DecimalField(label=_("评审团评分权重（%）"), min_value=0, max_digits=5, decimal_places=2)
    weight_work_orders = forms.DecimalField(label=_("工单记录权重（%）"), min_value=0, max_digits=5, decimal_places=2)
    red_min_score = forms.DecimalField(
        label=_("红榜最低分"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    red_top_percent = forms.DecimalField(
        label=_("红榜名额（前百分比）"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    black_below_score = forms.DecimalField(
        label=_("黑榜分数线（低于）"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    black_bottom_percent = forms.DecimalField(
        label=_("黑榜名额（后百分比）"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    min_answers = forms.IntegerField(label=_("最少有效问卷数"), min_value=0)
    complaint_penalty = forms.DecimalField(label=_("每百户投诉扣分"), min_value=0, max_digits=5, decimal_places=2)

    WEIGHTS = ("weight_satisfaction", "weight_panel", "weight_work_orders")

    def clean(self):
        data = super().clean()
        weights = [data.get(name) for name in self.WEIGHTS]
        if all(w is not None for w in weights) and sum(weights) != 100:
            total = f"{sum(weights).normalize():f}"
            raise forms.ValidationError(_("三项权重合计应为 100，现为 %(total)s。") % {"total": total})
        return data
