"""Forms of the staff pages (the queue's bulk assignment and the order page's actions), and the lookup of a
handler unit shared with the API. Every choice is the actor's view scope (accounts.policy): a posted id from
another district is refused like an id that does not exist. Messages are Chinese, marked for the English
catalogue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import CleanForm, SearchSelect
from accounts.onetime import OneTimeTokenForm
from compounds.models import Community, Compound, Department, PropertyFirm, Street
from workorders.intake.forms import PhotosField, filled
from workorders.intake.photos import MAX_PHOTOS
from workorders.models import Category, HandlerLevel, Satisfaction, WorkOrder
from workorders.models.settings import OPEN311_DEDUPE_MINUTES, OPEN311_MATCH_DISTANCE, RETENTION_YEARS

L = HandlerLevel

# The units an order can be sent to from the pages and the API (a named user only through the API).
UNIT_MODELS: dict[HandlerLevel, type[models.Model]] = {
    L.PROPERTY_FIRM: PropertyFirm,
    L.COMMUNITY: Community,
    L.STREET: Street,
    L.DEPARTMENT: Department,
}
UNIT_LEVELS = list(UNIT_MODELS)
UNIT_MISSING = _("承办单位不存在或不在您的管辖范围内。")


def unit_lookup(actor: Any, level: HandlerLevel | str, pk: Any) -> models.Model:
    """The unit of `level` with id `pk` among those `actor` may view, or a ValidationError on `unit`."""
    try:
        model = UNIT_MODELS[HandlerLevel(level)]
    except (KeyError, ValueError) as error:
        raise ValidationError({"level": _("承办层级无效。")}) from error
    unit = model.objects.visible_to(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if unit is None:
        raise ValidationError({"unit": UNIT_MISSING})
    return unit


UNIT_SEARCH_LIMIT = 20


def _unit_option(level: HandlerLevel, unit: models.Model, note: Any = "") -> dict[str, str]:
    label = f"{unit}（{note}）" if note else str(unit)
    return {"value": f"{level.value}:{unit.pk}", "label": label, "group": str(_(level.label))}


def unit_suggestions(actor: Any, order: WorkOrder | None = None) -> list[dict[str, str]]:
    """The units a dispatcher most likely wants, first: for an order, its compound's own property firm,
    community, stationed cadre (a named user, 驻点干部) and street; without one (the queue's bulk
    assignment), the actor's streets and departments. Only what the actor may view (a few queries)."""
    from workorders.routing import stationed_cadre  # routing imports the models this module sits beside

    options: list[dict[str, str]] = []
    if order is not None:
        compound = order.compound
        firm = compound.property_firm if compound.has_property_service else None
        candidates = [
            (L.PROPERTY_FIRM, firm, _("本小区物业")),
            (L.COMMUNITY, compound.community, _("本社区")),
            (L.STREET, order.street, _("本街道")),
        ]
        for level, unit, note in candidates:
            if unit is not None and UNIT_MODELS[level].objects.visible_to(actor).filter(pk=unit.pk).exists():
                options.append(_unit_option(level, unit, note))
        cadre = stationed_cadre(compound)
        if cadre is not None:
            options.insert(
                2, _unit_option(L.USER, cadre, gettext("驻点干部 · %(community)s") % {"community": compound.community})
            )
        return options
    for level in (L.STREET, L.DEPARTMENT):
        for unit in UNIT_MODELS[level].objects.visible_to(actor).order_by("name")[:UNIT_SEARCH_LIMIT]:
            options.append(_unit_option(level, unit))
    return options


def unit_search(actor: Any, query: str, limit: int = UNIT_SEARCH_LIMIT) -> list[dict[str, str]]:
    """Units whose name (or code) contains `query`, among those the actor may view, by level then name."""
    query = query.strip()[:50]
    if not query:
        return []
    options: list[dict[str, str]] = []
    for level, model in UNIT_MODELS.items():
        condition = models.Q(name__icontains=query)
        if any(field.name == "code" for field in model._meta.fields):
            condition |= models.Q(code__startswith=query)
        for unit in model.objects.visible_to(actor).filter(condition).order_by("name")[: limit - len(options)]:
            options.append(_unit_option(level, unit))
        if len(options) >= limit:
            break
    return options


def stationed_cadre_lookup(actor: Any, pk: Any) -> models.Model:
    """A named user the pages may send an order to: the stationed cadre of a compound the actor may view."""
    from workorders.routing import stationed_cadre

    compound = (
        Compound.objects.visible_to(actor).filter(stationed_cadre_id=pk).select_related("stationed_cadre").first()
        if str(pk).isdigit()
        else None
    )
    cadre = stationed_cadre(compound) if compound is not None else None
    if cadre is None:
        raise ValidationError({"unit": UNIT_MISSING})
    return cadre


class UnitSearchSelect(SearchSelect):
    """The unit picker: a search box (static/js/picker.js asks `workorders:unit-search` as one
    types and fills the select's results group) above a select holding only the suggested units — a select of
    all 140 units of a district cost most of the queue's and the order page's render."""

    template_name = "workorders/widgets/unit_picker.html"


class UnitChoiceField(forms.ChoiceField):
    """The unit picker (suggestions, then search); cleans "level:id" to (level, unit) within the actor's view
    scope — any unit the actor may view is accepted, not only the ones the select was rendered with."""

    def __init__(self, *, actor: Any, order: WorkOrder | None = None, **kwargs: Any) -> None:
        from django.urls import reverse

        self.actor = actor
        kwargs.setdefault("label", _("承办单位"))
        kwargs.setdefault("error_messages", {"required": _("请选择承办单位。"), "invalid_choice": UNIT_MISSING})
        url = reverse("workorders:unit-search")
        kwargs.setdefault("widget", UnitSearchSelect(search_url=url))
        suggested = [(option["value"], option["label"]) for option in unit_suggestions(actor, order)]
        choices: list[Any] = [("", _("请选择承办单位"))]
        if suggested:
            choices.append((_("建议"), suggested))
        super().__init__(choices=choices, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return True  # clean() looks the unit up in the actor's scope

    def clean(self, value: Any) -> tuple[HandlerLevel, models.Model] | None:
        value = super().clean(value)
        if not value:
            return None
        level, _sep, pk = value.partition(":")
        try:
            unit = stationed_cadre_lookup(self.actor, pk) if level == L.USER else unit_lookup(self.actor, level, pk)
        except ValidationError as error:
            raise ValidationError(UNIT_MISSING, code="invalid_choice") from error
        offered = {key for _group, options in self.choices if isinstance(options, list) for key, _label in options}
        if value not in offered:
            # found by the search: keep it in the select when the form comes back with another field's error
            self.choices = [*self.choices, (_("已选"), [(value, str(unit))])]
        return HandlerLevel(level), unit


def _text(label: Any, *, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": filled(_("请填写%(field)s。"), field=label),
            "max_length": filled(_("%(field)s不能超过 %(limit)s 字。"), field=label, limit=500),
        },
    )


class AssignForm(CleanForm):
    def __init__(self, *args: Any, actor: Any, order: WorkOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(actor=actor, order=order)
        self.fields["note"] = _text(_("派单说明"))


class BulkAssignForm(AssignForm):
    """The queue's bulk assignment: the ticked orders (in the actor's change scope) to one handler."""

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["orders"] = forms.ModelMultipleChoiceField(
            queryset=WorkOrder.objects.visible_to(actor, "change"),
            label=_("工单"),
            error_messages={
                "required": _("请先勾选要派单的工单。"),
                "invalid_choice": _("所选工单不存在或不在您的管辖范围内。"),
                "invalid_pk_value": _("工单编号无效。"),
            },
        )


class NoteForm(CleanForm):
    note = _text(_("说明"))


class ReasonForm(CleanForm):
    reason = _text(_("原因"), required=True, rows=3)


class TransferForm(CleanForm):
    def __init__(self, *args: Any, actor: Any, order: WorkOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(actor=actor, order=order, label=_("转办至"))
        self.fields["reason"] = _text(_("转办原因"), required=True, rows=3)


class EscalateForm(CleanForm):
    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _text(_("上报原因"), required=True, rows=3)
        self.fields["departments"] = forms.ModelMultipleChoiceField(
            queryset=Department.objects.visible_to(actor).order_by("name"),
            required=False,
            label=_("呼叫职能部门（从街道上报时，首个为主办）"),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("所选部门不存在或不在您的管辖范围内。")},
        )


class ResolveForm(OneTimeTokenForm):
    """Its one-time token ties photos kept after an error to this form (workorders.intake.pending); the resolution
    itself is not filed once by it. A token the page never gave is said and renewed as on every token form."""

    resolution = forms.CharField(
        label=_("办理结果"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写办理结果。"), "max_length": _("办理结果不能超过 4000 字。")},
    )
    photos_before = PhotosField(label=filled(_("处理前照片（选填，最多 %(n)s 张）"), n=MAX_PHOTOS))
    photos_after = PhotosField(label=filled(_("处理后照片（选填，最多 %(n)s 张）"), n=MAX_PHOTOS))


class MergeForm(CleanForm):
    into = forms.CharField(
        label=_("主工单查询码"),
        max_length=16,
        error_messages={"required": _("请填写主工单的查询码。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    note = _text(_("说明"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_into(self) -> WorkOrder:
        code = self.cleaned_data["into"].strip().upper()
        order = WorkOrder.objects.visible_to(self.actor).filter(tracking_code=code).first()
        if order is None:
            raise ValidationError(_("查询码为“%(code)s”的工单不存在或不在您的管辖范围内。"), params={"code": code})
        return order


class RateForm(CleanForm):
    satisfaction = forms.ChoiceField(
        label=_("满意度（电话回访）"),
        choices=[("", _("请选择")), *Satisfaction.choices],
        error_messages={"required": _("请选择满意度。"), "invalid_choice": _("请选择满意度。")},
    )
    comment = _text(_("评价意见"))


class EmptyForm(CleanForm):
    pass


class OrderNoteForm(OneTimeTokenForm):
    """添加备注 on the order page (workorders.services.work_order_note); a one-time token, so that a double tap adds
    one note."""

    note = forms.CharField(
        label=_("备注"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写备注内容。"), "max_length": _("备注不能超过 2000 字。")},
    )


class MeetingForm(OneTimeTokenForm):
    """记录议事会 linked to the order (workorders.services.deliberation_meeting_record); a one-time token, so that a
    double tap records one meeting."""

    topic = forms.CharField(
        label=_("议题"),
        max_length=200,
        error_messages={"required": _("请填写议题。"), "max_length": _("议题不能超过 200 字。")},
    )
    held_on = forms.DateField(
        label=_("召开日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写召开日期。"), "invalid": _("召开日期格式不正确，应如 2026-11-23。")},
    )
    attendees = forms.CharField(
        label=_("参会人员（每行一人：姓名（身份））"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写参会人员。"), "max_length": _("参会人员不能超过 4000 字。")},
    )
    decision = forms.CharField(
        label=_("议定事项"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("议定事项不能超过 4000 字。")},
    )
    follow_up = forms.CharField(
        label=_("后续落实"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("后续落实不能超过 4000 字。")},
    )


def bounded_integer(label: Any, bounds: tuple[int, int], *, invalid: Any, out_of_range: Any, required: Any = None):
    """An integer setting within `bounds`, refused in one sentence whichever end it passes; optional unless
    `required` gives the message for an empty one."""
    low, high = bounds
    range_message = filled(out_of_range, low=low, high=high)
    messages = {"invalid": invalid, "min_value": range_message, "max_value": range_message}
    if required is not None:
        messages["required"] = required
    return forms.IntegerField(
        label=label, required=required is not None, min_value=low, max_value=high, error_messages=messages
    )


class PrivacySettingsForm(CleanForm):
    """隐私与开放设置 of the official's district (workorders.privacy.privacy_settings_update)."""

    open311_public_reads = forms.BooleanField(label=_("开放 Open311 公开查询"), required=False)
    public_categories = forms.ModelMultipleChoiceField(
        label=_("公开的诉求类别"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("所选诉求类别不存在或不属于本区。"),
            "invalid_pk_value": _("诉求类别编号无效。"),
        },
    )
    on_the_spot_categories = forms.ModelMultipleChoiceField(
        label=_("网格员可当场办结的类别"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("所选诉求类别不存在或不属于本区。"),
            "invalid_pk_value": _("诉求类别编号无效。"),
        },
    )
    open311_match_distance_m = bounded_integer(
        _("Open311 坐标匹配距离（米）"),
        OPEN311_MATCH_DISTANCE,
        invalid=_("Open311 坐标匹配距离应为整数（米）。"),
        out_of_range=_("Open311 坐标匹配距离应为 %(low)s 至 %(high)s 米。"),
    )
    retention_years = bounded_integer(
        _("个人信息保存年限（年）"),
        RETENTION_YEARS,
        invalid=_("个人信息保存年限应为整数（年）。"),
        out_of_range=_("个人信息保存年限应为 %(low)s 至 %(high)s 年。"),
        required=_("请填写个人信息保存年限。"),
    )

    open311_dedupe_minutes = bounded_integer(
        _("Open311 重复提交合并时限（分钟）"),
        OPEN311_DEDUPE_MINUTES,
        invalid=_("合并时限应为整数（分钟）。"),
        out_of_range=_("合并时限应为 %(low)s 至 %(high)s 分钟。"),
    )

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(district_id=district_id, is_active=True).order_by("sort_order", "code")
        self.fields["public_categories"].queryset = categories
        self.fields["public_categories"].label_from_instance = lambda category: category.name
        self.fields["on_the_spot_categories"].queryset = categories
        self.fields["on_the_spot_categories"].label_from_instance = lambda category: category.name


# ---------------------------------------------------------------------------------------------------- actions


class Action:
    """One move on an order as the pages and the API offer it: its label, the state it leads to, who may make
    it (the services check again) and the service call. `data` holds the cleaned input: level, unit, note,
    reason, resolution, departments, into, satisfaction, comment."""

    def __init__(self, name: str, label: str, to_state: str, who: str, form: type[forms.Form], run: Any) -> None:
        self.name, self.label, self.to_state, self.who, self.form, self.run = name, label, to_state, who, form, run

    def form_for(
        self, actor: Any, data: Any = None, prefix: bool = True, order: Any = None, files: Any = None
    ) -> forms.Form:
        kwargs: dict[str, Any] = {"prefix": self.name} if prefix else {}
        if files is not None:
            kwargs["files"] = files
        if self.form in (AssignForm, TransferForm, EscalateForm, MergeForm):
            kwargs["actor"] = actor
        if self.form in (AssignForm, TransferForm):
            kwargs["order"] = order  # the unit picker suggests the order's own firm, community and cadre
        return self.form(data, **kwargs)


def _actions() -> dict[str, Action]:
    from workorders import services as s
    from workorders.models import State

    def unit_kwargs(d: dict) -> dict:
        level, unit = d["unit"] if isinstance(d.get("unit"), tuple) else (d["level"], d["unit"])
        return {"level": level, "unit": unit}

    table = [
        ("assign", _("派单"), State.ASSIGNED, "dispatcher", AssignForm,
         lambda a, o, d: s.work_order_assign(actor=a, order=o, note=d.get("note", ""), **unit_kwargs(d))),
        ("claim", _("认领"), State.ACCEPTED, "pool", EmptyForm, lambda a, o, d: s.work_order_claim(actor=a, order=o)),
        ("accept_start", _("受理并开始处理"), State.IN_PROGRESS, "handler", NoteForm,
         lambda a, o, d: s.work_order_accept_and_start(actor=a, order=o, note=d.get("note", ""))),
        ("accept", _("受理"), State.ACCEPTED, "handler", NoteForm,
         lambda a, o, d: s.work_order_accept(actor=a, order=o, note=d.get("note", ""))),
        ("start", _("开始处理"), State.IN_PROGRESS, "handler", NoteForm,
         lambda a, o, d: s.work_order_start(actor=a, order=o, note=d.get("note", ""))),
        ("resolve", _("办结"), State.RESOLVED, "handler", ResolveForm,
         lambda a, o, d: s.work_order_resolve(actor=a, order=o, resolution=d.get("resolution", ""),
                                              photos_before=d.get("photos_before") or (),
                                              photos_after=d.get("photos_after") or ())),
        ("resolve_on_the_spot", _("当场办结"), State.RESOLVED, "reporter", ResolveForm,
         lambda a, o, d: s.work_order_resolve_on_the_spot(actor=a, order=o, resolution=d.get("resolution", ""),
                                                          photos_before=d.get("photos_before") or (),
                                                          photos_after=d.get("photos_after") or ())),
        ("return", _("退回"), State.RETURNED, "handler", ReasonForm,
         lambda a, o, d: s.work_order_return(actor=a, order=o, reason=d.get("reason", ""))),
        ("transfer", _("转办"), State.TRANSFERRED, "handler", TransferForm,
         lambda a, o, d: s.work_order_transfer(actor=a, order=o, reason=d.get("reason", ""), **unit_kwargs(d))),
        ("escalate", _("上报"), State.ESCALATED, "handler", EscalateForm,
         lambda a, o, d: s.work_order_escalate(
             actor=a, order=o, reason=d.get("reason", ""), departments=list(d.get("departments") or []))),
        ("merge", _("合并"), State.MERGED, "dispatcher", MergeForm,
         lambda a, o, d: s.work_order_merge(actor=a, order=o, into=d["into"], note=d.get("note", ""))),
        ("reject", pgettext_lazy("action", "不予受理"), State.REJECTED, "dispatcher", ReasonForm,
         lambda a, o, d: s.work_order_reject(actor=a, order=o, reason=d.get("reason", ""))),
        ("rate", _("录入回访评价"), State.RATED, "dispatcher", RateForm,
         lambda a, o, d: s.work_order_rate(
             actor=a, order=o, satisfaction=d["satisfaction"], comment=d.get("comment", ""))),
        ("close", _("归档"), State.CLOSED, "dispatcher", NoteForm,
         lambda a, o, d: s.work_order_close(actor=a, order=o, note=d.get("note", ""))),
    ]  # fmt: skip
    return {name: Action(name, *rest) for name, *rest in table}


ACTIONS = _actions()
ONE_STEP_RULES = {
    "accept_start": "workorders.accept_and_start",
    "resolve_on_the_spot": "workorders.resolve_on_the_spot",
}
# The rule each move's service requires: by who makes it, and the moves with a rule of their own.
WHO_RULES = {"dispatcher": "workorders.dispatch", "handler": "workorders.handle"}
MOVE_RULES = {"claim": "workorders.claim", "escalate": "workorders.escalate"}


def allowed_actions(actor: Any, order: WorkOrder) -> list[Action]:
    """The moves the order's state allows and the actor may make: the state machine's check and the rule each
    move's service requires (accounts.permissions' registry, workorders.rules), so that no page offers a move
    its service refuses."""
    from accounts.permissions import has
    from workorders.statemachine import can_transition

    result = []
    for action in ACTIONS.values():
        if action.name in ONE_STEP_RULES:  # two moves in one step: the rule asks the state machine itself
            if has(actor, ONE_STEP_RULES[action.name], order):
                result.append(action)
            continue
        if not can_transition(order, action.to_state):
            continue
        rule = MOVE_RULES.get(action.name) or WHO_RULES[action.who]
        if action.name == "claim":
            allowed = order.is_pooled
        elif action.who == "dispatcher":
            allowed = True
        else:  # a handler's move: the order has a handler (a pooled order is claimed, not accepted)
            allowed = bool(order.handler_level) and not (action.name == "accept" and order.is_pooled)
        if allowed and has(actor, rule, order):
            result.append(action)
    return result
