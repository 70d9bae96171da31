"""Forms of the staff pages (the queue's bulk assignment and the order page's actions), and the lookup of a
handler unit shared with the API. Every choice is the actor's view scope (accounts.policy): a posted id from
another district is refused like an id that does not exist. Messages are Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.forms import CleanForm
from accounts.onetime import OneTimeTokenForm
from compounds.models import Community, Department, PropertyFirm, Street
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
UNIT_MISSING = "承办单位不存在或不在您的管辖范围内。"


def unit_lookup(actor: Any, level: HandlerLevel | str, pk: Any) -> models.Model:
    """The unit of `level` with id `pk` among those `actor` may view, or a ValidationError on `unit`."""
    try:
        model = UNIT_MODELS[HandlerLevel(level)]
    except (KeyError, ValueError) as error:
        raise ValidationError({"level": "承办层级无效。"}) from error
    unit = model.objects.visible_to(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if unit is None:
        raise ValidationError({"unit": UNIT_MISSING})
    return unit


def unit_choices(actor: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices "level:id" → name of every unit the actor may view (4 queries)."""
    groups = []
    for level, model in UNIT_MODELS.items():
        queryset = model.objects.visible_to(actor).order_by("name")
        options = [(f"{level.value}:{unit.pk}", unit.name) for unit in queryset]
        if options:
            groups.append((_(level.label), options))
    return groups


class UnitChoiceField(forms.ChoiceField):
    """One select of every unit, grouped by level; cleans to (level, unit)."""

    def __init__(self, *, actor: Any, **kwargs: Any) -> None:
        self.actor = actor
        kwargs.setdefault("label", "承办单位")
        kwargs.setdefault("error_messages", {"required": "请选择承办单位。", "invalid_choice": UNIT_MISSING})
        super().__init__(choices=[("", _("请选择承办单位")), *unit_choices(actor)], **kwargs)

    def clean(self, value: Any) -> tuple[HandlerLevel, models.Model] | None:
        value = super().clean(value)
        if not value:
            return None
        level, _, pk = value.partition(":")
        try:
            unit = unit_lookup(self.actor, level, pk)
        except ValidationError as error:
            raise ValidationError(UNIT_MISSING, code="invalid_choice") from error
        return HandlerLevel(level), unit


def _text(label: str, *, required: bool = False, rows: int = 2, message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"请填写{label}。", "max_length": f"{label}不能超过 500 字。"},
    )


class AssignForm(CleanForm):
    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(actor=actor)
        self.fields["note"] = _text("派单说明")


class BulkAssignForm(AssignForm):
    """The queue's bulk assignment: the ticked orders (in the actor's change scope) to one handler."""

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["orders"] = forms.ModelMultipleChoiceField(
            queryset=WorkOrder.objects.visible_to(actor, "change"),
            label="工单",
            error_messages={
                "required": "请先勾选要派单的工单。",
                "invalid_choice": "所选工单不存在或不在您的管辖范围内。",
                "invalid_pk_value": "工单编号无效。",
            },
        )


class NoteForm(CleanForm):
    note = _text("说明")


class ReasonForm(CleanForm):
    reason = _text("原因", required=True, rows=3)


class TransferForm(CleanForm):
    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(actor=actor, label="转办至")
        self.fields["reason"] = _text("转办原因", required=True, rows=3)


class EscalateForm(CleanForm):
    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _text("上报原因", required=True, rows=3)
        self.fields["departments"] = forms.ModelMultipleChoiceField(
            queryset=Department.objects.visible_to(actor).order_by("name"),
            required=False,
            label="呼叫职能部门（从街道上报时，首个为主办）",
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "所选部门不存在或不在您的管辖范围内。"},
        )


class ResolveForm(CleanForm):
    resolution = forms.CharField(
        label="办理结果",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写办理结果。", "max_length": "办理结果不能超过 4000 字。"},
    )


class MergeForm(CleanForm):
    into = forms.CharField(
        label="主工单查询码",
        max_length=16,
        error_messages={"required": "请填写主工单的查询码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    note = _text("说明")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_into(self) -> WorkOrder:
        code = self.cleaned_data["into"].strip().upper()
        order = WorkOrder.objects.visible_to(self.actor).filter(tracking_code=code).first()
        if order is None:
            raise ValidationError("查询码为“%(code)s”的工单不存在或不在您的管辖范围内。", params={"code": code})
        return order


class RateForm(CleanForm):
    satisfaction = forms.ChoiceField(
        label="满意度（电话回访）",
        choices=[("", "请选择"), *Satisfaction.choices],
        error_messages={"required": "请选择满意度。", "invalid_choice": "请选择满意度。"},
    )
    comment = _text("评价意见")


class EmptyForm(CleanForm):
    pass


class OrderNoteForm(CleanForm):
    """添加备注 on the order page (workorders.services.work_order_note)."""

    note = forms.CharField(
        label="备注",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写备注内容。", "max_length": "备注不能超过 2000 字。"},
    )


class MeetingForm(OneTimeTokenForm):
    """记录议事会 linked to the order (workorders.services.deliberation_meeting_record); a one-time token, so that a
    double tap records one meeting."""

    topic = forms.CharField(
        label="议题",
        max_length=200,
        error_messages={"required": "请填写议题。", "max_length": "议题不能超过 200 字。"},
    )
    held_on = forms.DateField(
        label="召开日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写召开日期。", "invalid": "召开日期格式不正确，应如 2026-11-23。"},
    )
    attendees = forms.CharField(
        label="参会人员（每行一人：姓名（身份））",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写参会人员。", "max_length": "参会人员不能超过 4000 字。"},
    )
    decision = forms.CharField(
        label="议定事项",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "议定事项不能超过 4000 字。"},
    )
    follow_up = forms.CharField(
        label="后续落实",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "后续落实不能超过 4000 字。"},
    )


class PrivacySettingsForm(CleanForm):
    """隐私与开放设置 of the official's district (workorders.privacy.privacy_settings_update)."""

    open311_public_reads = forms.BooleanField(label="开放 Open311 公开查询", required=False)
    public_categories = forms.ModelMultipleChoiceField(
        label="公开的诉求类别",
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选诉求类别不存在或不属于本区。", "invalid_pk_value": "诉求类别编号无效。"},
    )
    open311_match_distance_m = forms.IntegerField(
        label="Open311 坐标匹配距离（米）",
        required=False,
        min_value=OPEN311_MATCH_DISTANCE[0],
        max_value=OPEN311_MATCH_DISTANCE[1],
        error_messages={
            "invalid": "Open311 坐标匹配距离应为整数（米）。",
            "min_value": f"Open311 坐标匹配距离应为 {OPEN311_MATCH_DISTANCE[0]} 至 {OPEN311_MATCH_DISTANCE[1]} 米。",
            "max_value": f"Open311 坐标匹配距离应为 {OPEN311_MATCH_DISTANCE[0]} 至 {OPEN311_MATCH_DISTANCE[1]} 米。",
        },
    )
    retention_years = forms.IntegerField(
        label="个人信息保存年限（年）",
        min_value=RETENTION_YEARS[0],
        max_value=RETENTION_YEARS[1],
        error_messages={
            "required": "请填写个人信息保存年限。",
            "invalid": "个人信息保存年限应为整数（年）。",
            "min_value": f"个人信息保存年限应为 {RETENTION_YEARS[0]} 至 {RETENTION_YEARS[1]} 年。",
            "max_value": f"个人信息保存年限应为 {RETENTION_YEARS[0]} 至 {RETENTION_YEARS[1]} 年。",
        },
    )

    open311_dedupe_minutes = forms.IntegerField(
        label="Open311 重复提交合并时限（分钟）",
        required=False,
        min_value=OPEN311_DEDUPE_MINUTES[0],
        max_value=OPEN311_DEDUPE_MINUTES[1],
        error_messages={
            "invalid": "合并时限应为整数（分钟）。",
            "min_value": f"合并时限应为 {OPEN311_DEDUPE_MINUTES[0]} 至 {OPEN311_DEDUPE_MINUTES[1]} 分钟。",
            "max_value": f"合并时限应为 {OPEN311_DEDUPE_MINUTES[0]} 至 {OPEN311_DEDUPE_MINUTES[1]} 分钟。",
        },
    )

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(district_id=district_id, is_active=True).order_by("sort_order", "code")
        self.fields["public_categories"].queryset = categories
        self.fields["public_categories"].label_from_instance = lambda category: category.name


# ---------------------------------------------------------------------------------------------------- actions


class Action:
    """One move on an order as the pages and the API offer it: its label, the state it leads to, who may make
    it (the services check again) and the service call. `data` holds the cleaned input: level, unit, note,
    reason, resolution, departments, into, satisfaction, comment."""

    def __init__(self, name: str, label: str, to_state: str, who: str, form: type[forms.Form], run: Any) -> None:
        self.name, self.label, self.to_state, self.who, self.form, self.run = name, label, to_state, who, form, run

    def form_for(self, actor: Any, data: Any = None, prefix: bool = True) -> forms.Form:
        kwargs = {"prefix": self.name} if prefix else {}
        if self.form in (AssignForm, TransferForm, EscalateForm, MergeForm):
            kwargs["actor"] = actor
        return self.form(data, **kwargs)


def _actions() -> dict[str, Action]:
    from workorders import services as s
    from workorders.models import State

    def unit_kwargs(d: dict) -> dict:
        level, unit = d["unit"] if isinstance(d.get("unit"), tuple) else (d["level"], d["unit"])
        return {"level": level, "unit": unit}

    table = [
        ("assign", "派单", State.ASSIGNED, "dispatcher", AssignForm,
         lambda a, o, d: s.work_order_assign(actor=a, order=o, note=d.get("note", ""), **unit_kwargs(d))),
        ("claim", "认领", State.ACCEPTED, "pool", EmptyForm, lambda a, o, d: s.work_order_claim(actor=a, order=o)),
        ("accept", "受理", State.ACCEPTED, "handler", NoteForm,
         lambda a, o, d: s.work_order_accept(actor=a, order=o, note=d.get("note", ""))),
        ("start", "开始处理", State.IN_PROGRESS, "handler", NoteForm,
         lambda a, o, d: s.work_order_start(actor=a, order=o, note=d.get("note", ""))),
        ("resolve", "办结", State.RESOLVED, "handler", ResolveForm,
         lambda a, o, d: s.work_order_resolve(actor=a, order=o, resolution=d.get("resolution", ""))),
        ("return", "退回", State.RETURNED, "handler", ReasonForm,
         lambda a, o, d: s.work_order_return(actor=a, order=o, reason=d.get("reason", ""))),
        ("transfer", "转办", State.TRANSFERRED, "handler", TransferForm,
         lambda a, o, d: s.work_order_transfer(actor=a, order=o, reason=d.get("reason", ""), **unit_kwargs(d))),
        ("escalate", "上报", State.ESCALATED, "handler", EscalateForm,
         lambda a, o, d: s.work_order_escalate(
             actor=a, order=o, reason=d.get("reason", ""), departments=list(d.get("departments") or []))),
        ("merge", "合并", State.MERGED, "dispatcher", MergeForm,
         lambda a, o, d: s.work_order_merge(actor=a, order=o, into=d["into"], note=d.get("note", ""))),
        ("reject", "不予受理", State.REJECTED, "dispatcher", ReasonForm,
         lambda a, o, d: s.work_order_reject(actor=a, order=o, reason=d.get("reason", ""))),
        ("rate", "录入回访评价", State.RATED, "dispatcher", RateForm,
         lambda a, o, d: s.work_order_rate(
             actor=a, order=o, satisfaction=d["satisfaction"], comment=d.get("comment", ""))),
        ("close", "归档", State.CLOSED, "dispatcher", NoteForm,
         lambda a, o, d: s.work_order_close(actor=a, order=o, note=d.get("note", ""))),
    ]  # fmt: skip
    return {name: Action(name, *rest) for name, *rest in table}


ACTIONS = _actions()


def allowed_actions(actor: Any, order: WorkOrder) -> list[Action]:
    """The moves the order's state allows and the actor may make (the services check both again)."""
    from workorders.services import work_order_may_dispatch, work_order_may_handle  # the services' own rules
    from workorders.statemachine import can_transition

    dispatcher, handler = work_order_may_dispatch(actor, order), work_order_may_handle(actor, order)
    result = []
    for action in ACTIONS.values():
        if not can_transition(order, action.to_state):
            continue
        if action.name == "claim":
            allowed = order.is_pooled and handler
        elif action.name == "accept":
            allowed = not order.is_pooled and (handler or dispatcher) and bool(order.handler_level)
        elif action.who == "dispatcher":
            allowed = dispatcher
        else:
            allowed = (handler or dispatcher) and bool(order.handler_level)
        if allowed:
            result.append(action)
    return result
