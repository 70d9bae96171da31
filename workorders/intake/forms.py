"""Intake forms: the resident's QR report (码上反馈), the grid worker's 格格发现 and the staff entry of phone
calls, walk-ins and orders from above. Every choice list is scoped: residents see the categories of the
compound's district; staff see the compounds the policy lets them see, and a posted id outside that list is
refused like any invalid choice (nothing is filed)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.forms import CleanForm
from accounts.onetime import OneTimeTokenForm, new_form_token  # noqa: F401 (the token field lives in accounts)
from accounts.phones import PhoneField, normalise_phone
from compounds.models import Compound
from workorders.intake.photos import MAX_PHOTOS, PreparedPhoto, photo_prepare
from workorders.models import Category, Channel, Satisfaction

DESCRIPTION_MAX = 1000
# A mainland mobile number, or a landline with its area code (029-88886666, 02988886666).
TITLE_LENGTH = 30


def title_from(description: str) -> str:
    """The order's title: the first line of the description, shortened to TITLE_LENGTH characters."""
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


def filled(message: Any, **params: Any) -> Any:
    """A message marked for translation with its numbers filled in when it is shown (a form's label or error
    message is made once, at import, but read in the language of each page)."""
    return lazy(lambda: str(message) % params, str)()


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True
    template_name = "django/forms/widgets/file.html"  # a plain file input, no "clear" checkbox


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images in one input. Cleans to a list of PreparedPhoto (checked by content,
    re-encoded, metadata stripped); every refused file gets its own Chinese message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", filled(_("照片（选填，最多 %(n)s 张）"), n=MAX_PHOTOS))
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("error_messages", {"empty": _("上传的文件是空的。"), "invalid": _("上传的文件无法读取。")})
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[PreparedPhoto]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("最多上传 %(max)s 张照片，您选择了 %(n)s 张。"),
                code="photo_too_many",
                params={"max": MAX_PHOTOS, "n": len(files)},
            )
        prepared, errors = [], []
        for upload in files:
            try:
                super().clean(upload, initial)
                prepared.append(photo_prepare(upload=upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return prepared


def _phone_field(label: Any) -> forms.CharField:
    return PhoneField(label=label)


def _clean_phone(value: str) -> str:
    return normalise_phone(value)


def _description_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("问题描述"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("请写明具体位置（几号楼几单元）和情况")}),
        error_messages={
            "required": _("请描述您遇到的问题。"),
            "max_length": _("问题描述不能超过 %(limit_value)d 字（当前 %(show_value)d 字）。"),
        },
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        # the seeded categories' names are in the catalogue (as on the resident's page and the order page); a
        # district's own names pass through as typed
        return gettext(obj.name) if obj.name else obj.name


def _category_field(queryset: QuerySet[Category], widget: forms.Widget | None = None) -> CategoryChoiceField:
    return CategoryChoiceField(
        label=_("问题类别"),
        queryset=queryset,
        widget=widget or forms.Select,
        empty_label=None if widget is not None else _("请选择问题类别"),
        error_messages={
            "required": _("请选择问题类别。"),
            "invalid_choice": _("所选问题类别不存在或已停用，请重新选择。"),
        },
    )


def _compound_field(queryset: QuerySet[Compound]) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("小区"),
        queryset=queryset,
        empty_label=_("请选择小区"),
        error_messages={"required": _("请选择小区。"), "invalid_choice": _("所选小区不在您的工作范围内，请重新选择。")},
    )


def district_categories(district_id: int) -> QuerySet[Category]:
    """The active categories of one district, as residents and staff pick them."""
    # with the urgency class: filing reads it for the SLA deadlines (one query, not one more per filing)
    return (
        Category.objects.filter(district_id=district_id, is_active=True)
        .select_related("urgency")
        .order_by("sort_order", "code")
    )


class ResidentReportForm(OneTimeTokenForm):
    """码上反馈: what a resident fills in after scanning the compound's QR code."""

    category = forms.Field()  # replaced in __init__ with the district's categories
    description = _description_field()
    reporter_phone = _phone_field(_("联系电话（选填，方便工作人员回访）"))
    photos = PhotosField()

    def __init__(self, *args, categories: QuerySet[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = _category_field(categories, widget=forms.RadioSelect)
        self.order_fields(["category", "description", "photos", "reporter_phone"])

    def clean_reporter_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("reporter_phone", ""))

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise ValidationError(_("请描述您遇到的问题。"), code="required")
        return description


class GridReportForm(OneTimeTokenForm):
    """格格发现: a grid worker reports what they found in one of their grids' compounds."""

    compound = forms.Field()
    category = forms.Field()
    description = _description_field(_("发现的问题"))
    photos = PhotosField()
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180, widget=forms.HiddenInput
    )

    def __init__(self, *args, compounds: QuerySet[Compound], categories: QuerySet[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"] = _compound_field(compounds)
        self.fields["category"] = _category_field(categories)
        self.order_fields(["compound", "category", "description", "photos", "latitude", "longitude"])

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        return None if value is None else round(value, 6)

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        return None if value is None else round(value, 6)

    def clean(self):
        cleaned = super().clean()
        # The position is the phone's, in hidden fields the worker cannot correct: one that is half-filled or not a
        # position (not a number, off the globe) is dropped rather than blocking the report.
        unusable = [name for name in ("latitude", "longitude") if name in self._errors]
        for name in unusable:
            del self._errors[name]
        if unusable or (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            cleaned["latitude"] = cleaned["longitude"] = None
        return cleaned


STAFF_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.WALK_IN.value, Channel.WALK_IN.label),
    (Channel.ASSIGNED_FROM_ABOVE.value, Channel.ASSIGNED_FROM_ABOVE.label),
]


class StaffEntryForm(OneTimeTokenForm):
    """Street staff and community cadres enter phone calls, walk-ins and orders assigned from above."""

    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=STAFF_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择来源渠道。"), "invalid_choice": _("请选择电话来访、来访或上级下派。")},
    )
    compound = forms.Field()
    category = forms.Field()
    description = _description_field(_("诉求内容"))
    reporter_phone = _phone_field(_("来电/来访人电话（选填）"))
    external_number = forms.CharField(
        label=_("上级交办编号（选填，仅上级下派）"),
        required=False,
        max_length=64,
        error_messages={"max_length": _("交办编号不能超过 64 个字符。")},
    )
    photos = PhotosField()

    def __init__(
        self,
        *args,
        compounds: QuerySet[Compound],
        categories: QuerySet[Category],
        channels: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["compound"] = _compound_field(compounds)
        self.fields["category"] = _category_field(categories)
        if channels is not None:
            # Only the channels the actor may file on (workorders.rules.FILING_CHANNELS).
            self.fields["channel"].choices = channels
        self.order_fields(
            ["channel", "compound", "category", "description", "reporter_phone", "external_number", "photos"]
        )

    def clean_reporter_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("reporter_phone", ""))

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("external_number") or "").strip()
        if number and cleaned.get("channel") != Channel.ASSIGNED_FROM_ABOVE:
            self.add_error("external_number", _("只有上级下派的工单才填写交办编号。"))
        cleaned["external_number"] = number
        return cleaned


class RatingForm(CleanForm):
    """The resident's six-level rating of a resolved order."""

    satisfaction = forms.ChoiceField(
        label=_("您对办理结果是否满意？"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择一项评价。"), "invalid_choice": _("请选择一项评价。")},
    )
    comment = forms.CharField(
        label=_("意见建议（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("意见建议不能超过 500 字（当前 %(show_value)d 字）。")},
    )


class TrackLookupForm(CleanForm):
    code = forms.CharField(
        label=_("查询码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("请输入查询码。")},
    )

    def clean_code(self) -> str:
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).upper()
