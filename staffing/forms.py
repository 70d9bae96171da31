"""Forms of the staffing pages. Every choice of a related row is the actor's view scope, so a posted id of
another district is refused like one that does not exist; the rules are the services'. Labels and messages are
Chinese msgids (gettext_lazy), in English on an English page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import CleanForm, SearchSelect
from accounts.onetime import OneTimeTokenForm
from compounds.models import Building, Community, Compound, Department, Grid, Street
from staffing.importing.reading import Kind as ImportKind
from staffing.models import (
    WEEKDAYS,
    CadrePost,
    GridSide,
    LeaveKind,
    Person,
    PersonRole,
    ReceptionHost,
    SeatKind,
    ShiftKind,
    SinkDownTaskType,
    VisitNeed,
    VisitOutcome,
)
from staffing.models.people import DEPARTMENT_ROLES
from staffing.selectors import reception_hosts
from staffing.wording import interpolate

NOT_IN_SCOPE = _("所选对象不存在或不在您的管辖范围内。")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the value an <input type=date> reads
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of people, each option naming where the person works (Person.organisation_label). Whatever queryset a
    form gives it, the firm, department, community and street are read with the people: one query for the options,
    not one or two per person."""

    def _set_queryset(self, queryset: Any) -> None:
        if queryset is not None:
            queryset = queryset.select_related("property_firm", "department", "community__street", "street")
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj: Person) -> str:
        return person_label(obj)


def person_label(person: Person) -> str:
    """How a choice of people names each: 张三（社区两委干部，东兴社区）."""
    organisation = person.organisation_label
    values = {"name": person.name, "role": person.get_role_display(), "organisation": organisation}
    if organisation:
        return gettext("%(name)s（%(role)s，%(organisation)s）") % values
    return gettext("%(name)s（%(role)s）") % values


class PersonSearchSelect(SearchSelect):
    """The person picker for a choice among all of a district's people (a district has thousands: the volunteers
    page listed 3,011 in the demo, 287 KB and 0.8 s): a search box (static/js/picker.js asks
    `staffing:person-search` as one types and fills the select's results group) above a select that holds only the
    empty choice and the person already chosen. The field still accepts any person of its queryset."""

    template_name = "staffing/widgets/person_picker.html"

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        # Only the chosen person (a refused form comes back with it), read by key: not the whole queryset.
        every = self.choices
        narrowed: list = [("", every.field.empty_label)] if every.field.empty_label is not None else []
        keys = [v for v in value if str(v).isdigit()]
        if keys:
            narrowed += [every.choice(person) for person in every.queryset.filter(pk__in=keys)]
        self.choices = narrowed
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every


# The people a person picker chooses among, by name (the search's `?among=`): each kind's condition, on top of the
# active people the user may view. The form's field has the same queryset, so whoever the search finds is accepted.
PICKER_KINDS: dict[str, Q] = {
    "": Q(),
    "party": Q(is_party_member=True),
    "department": Q(role__in=DEPARTMENT_ROLES),
}


def person_picker(field: PersonChoiceField, actor: Any, among: str = "") -> None:
    """Make `field` a person picker over the active people of `among` (PICKER_KINDS) that `actor` may view."""
    url = reverse("staffing:person-search") + (f"?among={among}" if among else "")
    field.widget = PersonSearchSelect(search_url=url)
    field.widget.is_required = field.required
    field.queryset = Person.objects.visible_to(actor).filter(PICKER_KINDS[among], is_active=True).order_by("name")


PERSON = _("人员")


def person_field(queryset: Any, label: Any = PERSON, required: bool = True) -> PersonChoiceField:
    return PersonChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        empty_label=_("请选择"),
        error_messages={
            "required": interpolate(_("请选择%(label)s。"), {"label": label}),
            "invalid_choice": NOT_IN_SCOPE,
        },
    )


def choice(queryset: Any, label: str, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        empty_label=_("请选择") if required else _("（不填）"),
        error_messages={
            "required": interpolate(_("请选择%(label)s。"), {"label": label}),
            "invalid_choice": NOT_IN_SCOPE,
        },
    )


def date_field(label: str, required: bool = True, initial: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        initial=initial,
        error_messages={
            "required": interpolate(_("请填写%(label)s。"), {"label": label}),
            "invalid": interpolate(_("%(label)s格式不对（如 2026-03-07）。"), {"label": label}),
        },
    )


def short_text(label: str, max_length: int, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": interpolate(_("请填写%(label)s。"), {"label": label}),
            "max_length": interpolate(_("%(label)s不能超过 %(n)s 字。"), {"label": label, "n": max_length}),
        },
    )


# ---------------------------------------------------------------------------------------------------- people


class PersonForm(OneTimeTokenForm):
    name = short_text(_("姓名"), 50, required=True)
    phone = short_text(_("手机号"), 20)
    role = forms.ChoiceField(label=_("身份"), choices=PersonRole.choices)
    street = choice(Street.objects.none(), _("所属街道"), required=False)
    community = choice(Community.objects.none(), _("所属社区"), required=False)
    department = choice(Department.objects.none(), _("所属部门"), required=False)
    property_firm = choice(Department.objects.none(), _("所属物业企业"), required=False)
    organisation_name = short_text(_("工作单位"), 100)
    title = short_text(_("职务"), 50)
    is_party_member = forms.BooleanField(label=_("中共党员"), required=False)
    is_active = forms.BooleanField(label=_("在岗"), required=False, initial=True)
    note = short_text(_("备注"), 200)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from compounds.models import PropertyFirm

        self.fields["street"].queryset = Street.objects.visible_to(actor).order_by("code")
        self.fields["community"].queryset = Community.objects.visible_to(actor).order_by("code")
        self.fields["department"].queryset = Department.objects.visible_to(actor).order_by("name")
        self.fields["property_firm"].queryset = PropertyFirm.objects.visible_to(actor).order_by("name")


class VolunteerServiceForm(OneTimeTokenForm):
    person = person_field(Person.objects.none())
    community = choice(Community.objects.none(), _("服务社区"))
    served_on = date_field(_("服务日期"), initial=timezone.localdate)
    hours = forms.DecimalField(label=_("服务时长（小时）"), max_digits=4, decimal_places=1, min_value=0.5, max_value=24)
    activity = short_text(_("服务内容"), 200, required=True)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_picker(self.fields["person"], actor)  # every active person may volunteer: searched, not listed
        self.fields["community"].queryset = Community.objects.visible_to(actor).order_by("code")


# ---------------------------------------------------------------------------------------------------- teams


class SeatAppointForm(OneTimeTokenForm):
    seat = forms.ChoiceField(label=_("岗位"), choices=SeatKind.choices)
    person = person_field(Person.objects.none())
    start = date_field(_("任职日期"), initial=timezone.localdate)
    replace_current = forms.BooleanField(label=_("接任（现任于任职日期离任）"), required=False)

    def __init__(self, *args: Any, actor: Any, compound: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        # Only people who could hold one of the seats of this compound (the service checks which seat).
        could = (
            Q(role=PersonRole.STREET_OFFICER, street_id=compound.community.street_id)
            | Q(role__in=(PersonRole.DEPARTMENT_STAFF, PersonRole.POLICE_OFFICER, PersonRole.LEGAL_ADVISER))
            | Q(role=PersonRole.PROPERTY_STAFF, property_firm_id=compound.property_firm_id)
            | Q(role=PersonRole.RESIDENT, community_id=compound.community_id)
        )
        self.fields["person"].queryset = (
            Person.objects.visible_to(actor).filter(could, is_active=True).select_related(
                "street", "community__street", "department", "property_firm"
            ).order_by("role", "name")
        )  # fmt: skip


class EndForm(CleanForm):
    term = forms.IntegerField(widget=forms.HiddenInput)
    end = date_field(_("结束日期"), initial=timezone.localdate)
    reason = short_text(_("原因"), 100, required=True)


class SponsorshipForm(OneTimeTokenForm):
    compound = choice(Community.objects.none(), _("小区"))
    start = date_field(_("开始日期"), initial=timezone.localdate)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from compounds.models import Compound

        self.fields["compound"].queryset = Compound.objects.visible_to(actor).order_by("code")


# ---------------------------------------------------------------------------------------------------- grids


class GridMemberForm(OneTimeTokenForm):
    side = forms.ChoiceField(label=_("类别"), choices=GridSide.choices)
    person = person_field(Person.objects.none())
    start = date_field(_("开始日期"), initial=timezone.localdate)

    def __init__(self, *args: Any, actor: Any, grid: Grid, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        firms = grid.buildings.values("compound__property_firm")
        self.fields["person"].queryset = (
            Person.objects.visible_to(actor)
            .filter(is_active=True)
            .filter(Q(community=grid.community) | Q(property_firm__in=firms))
            .select_related("community__street", "property_firm")
            .order_by("role", "name")
        )


class BuildingHeadForm(OneTimeTokenForm):
    building = choice(Building.objects.none(), _("楼栋"))
    person = person_field(Person.objects.none())
    start = date_field(_("开始日期"), initial=timezone.localdate)

    def __init__(self, *args: Any, actor: Any, grid: Grid, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = grid.buildings.select_related("compound").order_by("compound__code", "name")
        self.fields["person"].queryset = (
            Person.objects.visible_to(actor).filter(is_active=True, community=grid.community).order_by("name")
        )


class PartyHouseholdForm(OneTimeTokenForm):
    person = person_field(Person.objects.none(), label=_("党员"))
    since = date_field(_("设立日期"), initial=timezone.localdate)
    households = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("联系住户（5–15 户）"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择联系住户。"), "invalid_choice": NOT_IN_SCOPE},
    )

    def __init__(self, *args: Any, actor: Any, grid: Grid, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_picker(self.fields["person"], actor, among="party")  # the district's party members: searched
        self.fields["households"].queryset = households
        self.fields["households"].label_from_instance = lambda h: str(h)


# ---------------------------------------------------------------------------------------------------- visits


class HouseholdForm(OneTimeTokenForm):
    grid = choice(Grid.objects.none(), _("网格"))
    building = choice(Building.objects.none(), _("楼栋"))
    address = short_text(_("门牌"), 50, required=True)
    head_name = short_text(_("户主姓名"), 50, required=True)
    phone = short_text(_("联系电话"), 20)
    needs = forms.MultipleChoiceField(
        label=_("走访类别"), choices=VisitNeed.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    visit_interval_days = forms.IntegerField(
        label=_("走访周期（天，留空按类别）"), min_value=1, max_value=365, required=False
    )
    registered_on = date_field(_("登记日期"), initial=timezone.localdate)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grids = Grid.objects.visible_to(actor).order_by("code")
        self.fields["grid"].queryset = grids
        self.fields["building"].queryset = (
            Building.objects.visible_to(actor).filter(grids__in=grids).distinct().select_related("compound")
            .order_by("compound__code", "name")
        )  # fmt: skip


class VisitForm(OneTimeTokenForm):
    """Under a minute on a phone: three big choices, an optional note, a work order in one tap. A one-time token:
    a double tap on a weak network logs one visit (and files one order)."""

    outcome = forms.ChoiceField(
        label=_("走访情况"),
        choices=VisitOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择走访情况。")},
    )
    findings = forms.CharField(
        label=_("发现的问题（选填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：厨房燃气灶漏气；老人行动不便需要助餐")}),
        error_messages={"max_length": _("不能超过 500 字。")},
    )
    raise_order = forms.BooleanField(label=_("需要处理：同时提交工单"), required=False)
    category = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("问题类别"),
        required=False,
        error_messages={"invalid_choice": _("请选择有效的问题类别。")},
    )

    def __init__(self, *args: Any, categories: Any, may_raise_order: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_raise_order:
            # Roles that may not file on the grid channel (officials, street staff) are not offered the switch
            # that the service would refuse with a 403 after the visit was typed.
            del self.fields["raise_order"], self.fields["category"]
            return
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = _("请选择（转工单时必选）")
        self.fields["category"].label_from_instance = lambda c: c.name


# ---------------------------------------------------------------------------------------------------- stationed


class StationedForm(OneTimeTokenForm):
    person = person_field(Person.objects.none(), label=_("驻点干部"))
    post = forms.ChoiceField(label=_("职务"), choices=CadrePost.choices)
    start = date_field(_("开始日期"), initial=timezone.localdate)
    office_hours = short_text(_("驻点时间"), 100)

    def __init__(self, *args: Any, actor: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.visible_to(actor)
            .filter(is_active=True, community=community, account__isnull=False, role=PersonRole.COMMUNITY_CADRE)
            .order_by("name")
        )
        self.fields["office_hours"].widget.attrs["placeholder"] = _("如 周一至周五 9:00–17:00")


class ReceptionForm(OneTimeTokenForm):
    host = forms.ChoiceField(label=_("接待类型"), choices=ReceptionHost.choices)
    person = person_field(Person.objects.none(), label=_("接待人"), required=False)
    weekday = forms.TypedChoiceField(label=_("星期"), coerce=int, choices=list(enumerate(WEEKDAYS)))
    starts_at = forms.TimeField(
        label=pgettext_lazy("time of day", "开始时间"),
        widget=TIME,
        error_messages={"invalid": _("时间格式不对（如 09:00）。")},
    )
    ends_at = forms.TimeField(
        label=pgettext_lazy("time of day", "结束时间"),
        widget=TIME,
        error_messages={"invalid": _("时间格式不对（如 11:30）。")},
    )
    place = short_text(_("地点"), 100, required=True)

    def __init__(self, *args: Any, actor: Any, compound: Compound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = reception_hosts(actor=actor, compound=compound)


# ---------------------------------------------------------------------------------------------------- sink-down


class SinkDownTeamForm(OneTimeTokenForm):
    name = short_text(_("队名"), 100, required=True)
    department = choice(Department.objects.none(), _("牵头部门"))
    formed_on = date_field(_("组建日期"), initial=timezone.localdate)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.visible_to(actor).order_by("name")


class SinkDownMemberForm(OneTimeTokenForm):
    person = person_field(Person.objects.none(), label=_("队员"))
    start = date_field(_("入队日期"), initial=timezone.localdate)
    is_leader = forms.BooleanField(label=_("队长"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_picker(self.fields["person"], actor, among="department")  # every department's officers: searched


class SinkDownPostForm(OneTimeTokenForm):
    community = choice(Community.objects.none(), _("下沉社区"))
    start = date_field(_("下沉日期"), initial=timezone.localdate)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.visible_to(actor).order_by("code")


class SinkDownTaskForm(OneTimeTokenForm):
    community = choice(Community.objects.none(), _("社区"))
    task_type = forms.ChoiceField(label=_("任务类型"), choices=SinkDownTaskType.choices)
    done_on = date_field(_("日期"), initial=timezone.localdate)
    title = short_text(_("事项"), 100, required=True)
    description = forms.CharField(
        label=_("情况说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    participants = forms.IntegerField(label=_("参与队员数"), min_value=1, max_value=500, initial=1)
    residents_served = forms.IntegerField(label=_("服务群众人次"), min_value=0, max_value=100_000, initial=0)

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


# ---------------------------------------------------------------------------------------------------- duty


class RosterForm(OneTimeTokenForm):
    street = choice(Street.objects.none(), _("街道"))
    community = choice(Community.objects.none(), _("社区（留空为街道值班表）"), required=False)
    name = short_text(_("名称"), 100, required=True)
    duty_phone = short_text(_("值班电话"), 20)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Street.objects.visible_to(actor).order_by("code")
        self.fields["community"].queryset = Community.objects.visible_to(actor).order_by("code")


class ShiftForm(OneTimeTokenForm):
    person = person_field(Person.objects.none(), label=_("值班人员"))
    day = date_field(_("值班日期"))
    kind = forms.ChoiceField(label=_("类型"), choices=ShiftKind.choices)
    starts = forms.TimeField(
        label=_("开始"), required=False, widget=TIME, error_messages={"invalid": _("时间格式不对。")}
    )
    ends = forms.TimeField(
        label=_("结束"), required=False, widget=TIME, error_messages={"invalid": _("时间格式不对。")}
    )
    compensatory_day = date_field(_("调休日期（周中）"), required=False)

    def __init__(self, *args: Any, actor: Any, roster: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["person"].queryset = (
            Person.objects.visible_to(actor)
            .filter(Q(street=roster.street) | Q(community__street=roster.street), is_active=True)
            .order_by("name")
        )


class LeaveForm(OneTimeTokenForm):
    person = person_field(Person.objects.none())
    day = date_field(_("日期"))
    kind = forms.ChoiceField(label=_("类型"), choices=[c for c in LeaveKind.choices if c[0] != LeaveKind.COMPENSATORY])

    def __init__(self, *args: Any, actor: Any, roster: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = ShiftForm(actor=actor, roster=roster).fields["person"].queryset


# ---------------------------------------------------------------------------------------------------- stars


class GradeForm(CleanForm):
    assessment = forms.IntegerField(widget=forms.HiddenInput)
    proficiency = forms.DecimalField(label=_("业务能力"), min_value=0, max_value=100, decimal_places=2, max_digits=5)
    attitude = forms.DecimalField(label=_("服务态度"), min_value=0, max_value=100, decimal_places=2, max_digits=5)
    note = short_text(_("评语"), 200)


def quarter_of(today: date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


# ---------------------------------------------------------------------------------------------------- import


class ImportForm(CleanForm):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel 工作簿（.xlsx，工作表名为 2+4团队、网格人员、楼栋长、走访对象、值班表）或一个 .csv 文件"),
    )
    kind = forms.ChoiceField(
        label=_("CSV 内容"), choices=[("", _("按表头自动识别")), *ImportKind.choices], required=False
    )
    dry_run = forms.BooleanField(label=_("只检查，不保存"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(gettext("文件超过 10 MB，请拆分后再导入。"))
        return upload
