"""Forms of the ratings pages: they parse and type the input; the rules live in ratings.services."""

from django import forms

from accounts.policy import restrict
from compounds.models import Compound, PropertyFirm
from ratings.models import Decision, FeeBasis, IntroductionStage, PanelParty, SatisfactionLevel


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class StepForm(forms.Form):
    stage = forms.TypedChoiceField(label="步骤", choices=IntroductionStage.choices, coerce=int)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    responsible = forms.CharField(label="责任人", max_length=50)
    decision = forms.ChoiceField(label="结论", choices=Decision.choices)
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents = MultipleFileField(label="材料", required=False)


class IntroductionStartForm(forms.Form):
    compound = forms.ModelChoiceField(label="“三无”小区", queryset=Compound.objects.none())
    firm = forms.ModelChoiceField(label="物业企业", queryset=PropertyFirm.objects.none())
    fee_basis = forms.ChoiceField(label="收费方式", choices=FeeBasis.choices)
    fee_yuan = forms.DecimalField(label="收费标准（元/月）", min_value=0, max_digits=8, decimal_places=2)
    contract_years = forms.IntegerField(label="合同年限", min_value=1, max_value=10, initial=3)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = restrict(Compound.objects.three_no(), actor, "change")
        self.fields["firm"].queryset = restrict(PropertyFirm.objects.all(), actor)


class PeriodOpenForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", choices=[(q, f"第{q}季度") for q in range(1, 5)], coerce=int)


class PanelScoreForm(forms.Form):
    firm = forms.ModelChoiceField(label="物业企业", queryset=PropertyFirm.objects.none())
    party = forms.ChoiceField(label="评审方", choices=PanelParty.choices)
    score = forms.DecimalField(label="得分", min_value=0, max_value=100, max_digits=5, decimal_places=2)
    note = forms.CharField(label="评语", max_length=500, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = restrict(PropertyFirm.objects.all(), actor)


class SurveyForm(forms.Form):
    building = forms.CharField(label="楼栋", max_length=30)
    room = forms.CharField(label="房号", max_length=20)
    level = forms.ChoiceField(
        label="您对本小区物业服务的总体评价", choices=SatisfactionLevel.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见建议（选填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, buildings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if buildings:
            self.fields["building"] = forms.ChoiceField(
                label="楼栋", choices=[("", "请选择")] + [(b, b) for b in buildings]
            )
