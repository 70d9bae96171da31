"""Serializers of the staffing API. Output serializers are read-only views of the rows (personal data
masked: a person's phone, a household's head and phone); every write goes through an input serializer and
a service, so the rules and their Chinese messages are the pages' too."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers

from accounts.api.fields import ScopedPrimaryKeyRelatedField
from accounts.api.serializers import ReadOnlyModelSerializer
from accounts.privacy import mask_text
from compounds.models import Building, Community, Compound, Department, Grid, PropertyFirm, Street
from staffing.importing.reading import Kind as ImportKind
from staffing.models import (
    BuildingHead,
    CadrePost,
    DutyRoster,
    DutyShift,
    GridMember,
    GridSide,
    Household,
    Leave,
    LeaveKind,
    PartyHousehold,
    Person,
    PersonRole,
    ReceptionDay,
    ReceptionHost,
    SeatKind,
    SeatTerm,
    ServiceTeam,
    ShiftKind,
    SinkDownMember,
    SinkDownPost,
    SinkDownTask,
    SinkDownTaskType,
    SinkDownTeam,
    Sponsorship,
    StaffingImport,
    StarAssessment,
    StationedCadre,
    Visit,
    VisitNeed,
    VisitOutcome,
    VolunteerService,
)

TERM_FIELDS = ["start", "end", "end_reason", "created_at"]


def scoped(model: type, label: str, **extra: Any) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=model.objects.all(), label=label, **extra)


def text(label: str, max_length: int, **extra: Any) -> serializers.CharField:
    extra.setdefault("required", False)
    extra.setdefault("allow_blank", True)
    return serializers.CharField(max_length=max_length, label=label, **extra)


class EndSerializer(serializers.Serializer):
    end = serializers.DateField(label="结束日期")
    reason = text("结束原因", 100)


# ---------------------------------------------------------------------------------------------------- people


class PersonSerializer(ReadOnlyModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True, label="手机号（脱敏）")
    role_label = serializers.CharField(source="get_role_display", read_only=True, label="身份")
    organisation = serializers.CharField(source="organisation_label", read_only=True, label="工作单位")
    has_account = serializers.SerializerMethodField(label="有登录账号")

    class Meta:
        model = Person
        fields = [
            "id", "display", "district", "name", "phone", "role", "role_label", "street", "community", "department",
            "property_firm", "organisation", "organisation_name", "title", "has_account", "is_party_member",
            "is_active", "note", "created_at",
        ]  # fmt: skip

    def get_has_account(self, obj: Person) -> bool:
        return obj.account_id is not None


class PersonWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, label="姓名")
    phone = text("手机号", 20)
    role = serializers.ChoiceField(choices=PersonRole.choices, label="身份")
    street = scoped(Street, "所属街道", required=False, allow_null=True)
    community = scoped(Community, "所属社区", required=False, allow_null=True)
    department = scoped(Department, "所属部门", required=False, allow_null=True)
    property_firm = scoped(PropertyFirm, "所属物业企业", required=False, allow_null=True)
    organisation_name = text("工作单位", 100)
    title = text("职务", 50)
    is_party_member = serializers.BooleanField(required=False, label="中共党员")
    is_active = serializers.BooleanField(required=False, label="在岗")
    note = text("备注", 200)


class RevealedPhoneSerializer(serializers.Serializer):
    phone = serializers.CharField(read_only=True, label="手机号")


class VolunteerServiceSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")

    class Meta:
        model = VolunteerService
        fields = ["id", "display", "person", "person_name", "community", "served_on", "hours", "activity", "created_at"]


class VolunteerServiceWriteSerializer(serializers.Serializer):
    person = scoped(Person, "人员")
    community = scoped(Community, "服务社区")
    served_on = serializers.DateField(label="服务日期")
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=24, label="服务时长（小时）"
    )
    activity = serializers.CharField(max_length=200, label="服务内容")


# ---------------------------------------------------------------------------------------------------- teams


class ServiceTeamSerializer(ReadOnlyModelSerializer):
    compound_name = serializers.CharField(source="compound.name", read_only=True, label="小区")

    class Meta:
        model = ServiceTeam
        fields = ["id", "display", "district", "compound", "compound_name", "formed_on", "note"]


class SeatTermSerializer(ReadOnlyModelSerializer):
    compound = serializers.IntegerField(source="team.compound_id", read_only=True, label="小区")
    seat_label = serializers.CharField(source="get_seat_display", read_only=True, label="岗位")
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")

    class Meta:
        model = SeatTerm
        fields = [
            "id", "display", "district", "team", "compound", "seat", "seat_label", "person", "person_name",
            "department", "property_firm", *TERM_FIELDS,
        ]  # fmt: skip


class SeatAppointSerializer(serializers.Serializer):
    compound = scoped(Compound, "小区")
    seat = serializers.ChoiceField(choices=SeatKind.choices, label="岗位")
    person = scoped(Person, "人员")
    start = serializers.DateField(label="任职日期")
    replace_current = serializers.BooleanField(default=False, label="接任（结束现任）")


class SponsorshipSerializer(ReadOnlyModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True, label="包抓部门")
    compound_name = serializers.CharField(source="compound.name", read_only=True, label="小区")

    class Meta:
        model = Sponsorship
        fields = [
            "id",
            "display",
            "district",
            "department",
            "department_name",
            "compound",
            "compound_name",
            *TERM_FIELDS,
        ]


class SponsorshipSetSerializer(serializers.Serializer):
    department = scoped(Department, "包抓部门")
    compound = scoped(Compound, "小区")
    start = serializers.DateField(label="开始日期")


class CoverageQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, label="统计日期（默认今天）")
    street_id = serializers.IntegerField(required=False, min_value=1, label="街道")


class UnitCoverageSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(allow_null=True, label="编号")
    name = serializers.CharField(read_only=True, label="名称")
    compounds = serializers.IntegerField(label="小区数")
    teams = serializers.IntegerField(label="已组建团队")
    full = serializers.IntegerField(label="六岗配齐")
    with_vacancy = serializers.IntegerField(label="有空缺的小区")
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True, label="配齐率")
    vacant_seats = serializers.IntegerField(label="空缺岗位")
    by_seat = serializers.DictField(child=serializers.IntegerField(), label="各岗位空缺数")
    longest_days = serializers.IntegerField(allow_null=True, label="最长空缺（天）")


class VacancySerializer(serializers.Serializer):
    compound_id = serializers.IntegerField()
    compound_name = serializers.CharField(read_only=True)
    compound_code = serializers.CharField(read_only=True)
    community_name = serializers.CharField(read_only=True)
    street_id = serializers.IntegerField()
    street_name = serializers.CharField(read_only=True)
    seat = serializers.ChoiceField(choices=SeatKind.choices)
    seat_label = serializers.CharField(read_only=True)
    since = serializers.DateField(allow_null=True, label="空缺起始")
    days = serializers.IntegerField(allow_null=True, label="空缺天数")
    reason = serializers.CharField(read_only=True, label="原因")


class CoverageSerializer(serializers.Serializer):
    on = serializers.DateField(label="统计日期")
    district = UnitCoverageSerializer(label="全区")
    streets = UnitCoverageSerializer(many=True, label="分街道")
    vacancies = VacancySerializer(many=True, label="空缺岗位（空缺时间由长到短）")


# ---------------------------------------------------------------------------------------------------- grids


class GridMemberSerializer(ReadOnlyModelSerializer):
    side_label = serializers.CharField(source="get_side_display", read_only=True, label="类别")
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")

    class Meta:
        model = GridMember
        fields = ["id", "display", "district", "grid", "side", "side_label", "person", "person_name", *TERM_FIELDS]


class GridMemberAssignSerializer(serializers.Serializer):
    grid = scoped(Grid, "网格")
    side = serializers.ChoiceField(choices=GridSide.choices, label="类别")
    person = scoped(Person, "人员")
    start = serializers.DateField(label="开始日期")


class BuildingHeadSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")

    class Meta:
        model = BuildingHead
        fields = ["id", "display", "district", "building", "person", "person_name", *TERM_FIELDS]


class BuildingHeadAssignSerializer(serializers.Serializer):
    building = scoped(Building, "楼栋")
    person = scoped(Person, "人员")
    start = serializers.DateField(label="开始日期")


class PartyHouseholdSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="党员")
    households = serializers.SerializerMethodField(label="联系住户")

    class Meta:
        model = PartyHousehold
        fields = [
            "id",
            "display",
            "district",
            "person",
            "person_name",
            "grid",
            "building",
            "since",
            "is_active",
            "households",
        ]

    def get_households(self, obj: PartyHousehold) -> list[int]:
        return sorted(h.pk for h in obj.households.all())


class PartyHouseholdCreateSerializer(serializers.Serializer):
    person = scoped(Person, "党员")
    grid = scoped(Grid, "网格")
    building = scoped(Building, "楼栋", required=False, allow_null=True)
    since = serializers.DateField(label="设立日期")
    households = serializers.ListField(child=scoped(Household, "住户"), min_length=1, max_length=50, label="联系住户")
    note = text("备注", 200)


class PartyHouseholdLinkSerializer(serializers.Serializer):
    households = serializers.ListField(child=scoped(Household, "住户"), min_length=1, max_length=50, label="联系住户")


# ---------------------------------------------------------------------------------------------------- visits


class HouseholdSerializer(ReadOnlyModelSerializer):
    head_name = serializers.CharField(source="masked_head_name", read_only=True, label="户主（脱敏）")
    phone = serializers.CharField(source="masked_phone", read_only=True, label="联系电话（脱敏）")
    needs_labels = serializers.ListField(child=serializers.CharField(), read_only=True, label="走访类别")

    class Meta:
        model = Household
        fields = [
            "id", "display", "district", "grid", "compound", "building", "address", "head_name", "phone", "needs",
            "needs_labels", "visit_interval_days", "registered_on", "last_visited_on", "next_visit_on",
            "party_household", "is_active", "note",
        ]  # fmt: skip


class HouseholdWriteSerializer(serializers.Serializer):
    grid = scoped(Grid, "网格")
    compound = scoped(Compound, "小区")
    building = scoped(Building, "楼栋", required=False, allow_null=True)
    address = serializers.CharField(max_length=50, label="门牌")
    head_name = serializers.CharField(max_length=50, label="户主姓名")
    phone = text("联系电话", 20)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=VisitNeed.choices), max_length=5, label="走访类别"
    )
    visit_interval_days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True)
    registered_on = serializers.DateField(label="登记日期")
    note = text("备注", 200)


class HouseholdUpdateSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=50, required=False, label="门牌")
    head_name = serializers.CharField(max_length=50, required=False, label="户主姓名")
    phone = text("联系电话", 20)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=VisitNeed.choices), max_length=5, required=False, label="走访类别"
    )
    visit_interval_days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, label="在册")
    note = text("备注", 200)


class RevealedHouseholdSerializer(serializers.Serializer):
    head_name = serializers.CharField(read_only=True, label="户主姓名")
    phone = serializers.CharField(read_only=True, label="联系电话")


class VisitSerializer(ReadOnlyModelSerializer):
    visitor_name = serializers.SerializerMethodField(label="走访人")
    findings = serializers.SerializerMethodField(label="发现的问题（个人信息已脱敏）")
    work_order = serializers.PrimaryKeyRelatedField(read_only=True, label="转办工单")

    class Meta:
        model = Visit
        fields = [
            "id",
            "display",
            "district",
            "household",
            "visitor",
            "visitor_name",
            "visited_at",
            "outcome",
            "findings",
            "work_order",
        ]

    def get_visitor_name(self, obj: Visit) -> str:
        return obj.visitor.display_name if obj.visitor_id else ""

    def get_findings(self, obj: Visit) -> str:
        return mask_text(obj.findings)


class VisitLogSerializer(serializers.Serializer):
    household = scoped(Household, "住户")
    outcome = serializers.ChoiceField(choices=VisitOutcome.choices, label="走访情况")
    findings = text("发现的问题", 500)
    visited_at = serializers.DateTimeField(required=False, label="走访时间（默认现在）")
    raise_order = serializers.BooleanField(default=False, label="转为工单")
    category = serializers.IntegerField(required=False, allow_null=True, min_value=1, label="工单类别")


# ---------------------------------------------------------------------------------------------------- stationed


class StationedCadreSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="驻点干部")

    class Meta:
        model = StationedCadre
        fields = [
            "id",
            "display",
            "district",
            "compound",
            "person",
            "person_name",
            "post",
            "office_hours",
            *TERM_FIELDS,
        ]


class StationedAssignSerializer(serializers.Serializer):
    compound = scoped(Compound, "小区")
    person = scoped(Person, "驻点干部")
    start = serializers.DateField(label="开始日期")
    post = serializers.ChoiceField(choices=CadrePost.choices, default=CadrePost.MEMBER, label="职务")
    office_hours = text("驻点时间", 100)


class ReceptionDaySerializer(ReadOnlyModelSerializer):
    person_name = serializers.SerializerMethodField(label="接待人")

    class Meta:
        model = ReceptionDay
        fields = [
            "id",
            "display",
            "district",
            "compound",
            "host",
            "person",
            "person_name",
            "weekday",
            "starts_at",
            "ends_at",
            "place",
            "is_active",
        ]

    def get_person_name(self, obj: ReceptionDay) -> str:
        return obj.person.name if obj.person_id else ""


class ReceptionDayAddSerializer(serializers.Serializer):
    compound = scoped(Compound, "小区")
    host = serializers.ChoiceField(choices=ReceptionHost.choices, label="接待类型")
    person = scoped(Person, "接待人", required=False, allow_null=True)
    weekday = serializers.IntegerField(min_value=0, max_value=6, label="星期（0 为周一）")
    starts_at = serializers.TimeField(label="开始时间")
    ends_at = serializers.TimeField(label="结束时间")
    place = serializers.CharField(max_length=100, label="地点")


# ---------------------------------------------------------------------------------------------------- sink-down


class SinkDownTeamSerializer(ReadOnlyModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True, label="牵头部门")

    class Meta:
        model = SinkDownTeam
        fields = [
            "id",
            "display",
            "district",
            "name",
            "department",
            "department_name",
            "formed_on",
            "is_active",
            "note",
        ]


class SinkDownTeamCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, label="队名")
    department = scoped(Department, "牵头部门")
    formed_on = serializers.DateField(label="组建日期")
    note = text("备注", 200)


class SinkDownMemberSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="队员")

    class Meta:
        model = SinkDownMember
        fields = ["id", "display", "district", "team", "person", "person_name", "is_leader", *TERM_FIELDS]


class SinkDownMemberAddSerializer(serializers.Serializer):
    team = scoped(SinkDownTeam, "服务队")
    person = scoped(Person, "队员")
    start = serializers.DateField(label="入队日期")
    is_leader = serializers.BooleanField(default=False, label="队长")


class SinkDownPostSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = SinkDownPost
        fields = ["id", "display", "district", "team", "community", *TERM_FIELDS]


class SinkDownPostAddSerializer(serializers.Serializer):
    team = scoped(SinkDownTeam, "服务队")
    community = scoped(Community, "下沉社区")
    start = serializers.DateField(label="下沉日期")


class SinkDownTaskSerializer(ReadOnlyModelSerializer):
    task_type_label = serializers.CharField(source="get_task_type_display", read_only=True, label="任务类型")

    class Meta:
        model = SinkDownTask
        fields = [
            "id", "display", "district", "team", "community", "task_type", "task_type_label", "done_on", "title",
            "description", "participants", "residents_served", "created_at",
        ]  # fmt: skip


class SinkDownTaskLogSerializer(serializers.Serializer):
    team = scoped(SinkDownTeam, "服务队")
    community = scoped(Community, "社区")
    task_type = serializers.ChoiceField(choices=SinkDownTaskType.choices, label="任务类型")
    done_on = serializers.DateField(label="日期")
    title = serializers.CharField(max_length=100, label="事项")
    description = text("情况说明", 1000)
    participants = serializers.IntegerField(min_value=1, max_value=500, default=1, label="参与队员数")
    residents_served = serializers.IntegerField(min_value=0, max_value=100_000, default=0, label="服务群众人次")


class CountsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(label="开始日期（含）")
    end = serializers.DateField(label="结束日期（不含）")
    team_id = serializers.IntegerField(required=False, min_value=1, label="服务队")

    def validate(self, attrs: dict) -> dict:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": gettext("结束日期应晚于开始日期。")})
        return attrs


class TaskCountRowSerializer(serializers.Serializer):
    community_id = serializers.IntegerField()
    community_name = serializers.CharField(read_only=True)
    street_name = serializers.CharField(read_only=True)
    counts = serializers.DictField(child=serializers.IntegerField(), label="各类型件数")
    total = serializers.IntegerField(label="合计")


class TaskCountsSerializer(serializers.Serializer):
    rows = TaskCountRowSerializer(many=True)
    totals = serializers.DictField(child=serializers.IntegerField(), label="各类型合计")


# ---------------------------------------------------------------------------------------------------- duty


class DutyRosterSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = DutyRoster
        fields = [
            "id",
            "display",
            "district",
            "street",
            "community",
            "name",
            "duty_phone",
            "day_starts",
            "day_ends",
            "is_active",
            "note",
        ]


class DutyRosterCreateSerializer(serializers.Serializer):
    street = scoped(Street, "街道")
    community = scoped(Community, "社区", required=False, allow_null=True)
    name = serializers.CharField(max_length=100, label="名称")
    duty_phone = text("值班电话", 20)
    day_starts = serializers.TimeField(required=False, label="服务开始时间")
    day_ends = serializers.TimeField(required=False, label="服务结束时间")
    note = text("说明", 200)


class DutyShiftSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="值班人员")
    compensatory_day = serializers.SerializerMethodField(label="调休日期")

    class Meta:
        model = DutyShift
        fields = [
            "id",
            "display",
            "district",
            "roster",
            "person",
            "person_name",
            "kind",
            "starts_at",
            "ends_at",
            "compensatory_day",
            "note",
        ]

    def get_compensatory_day(self, obj: DutyShift) -> str | None:
        leave = getattr(obj, "compensatory_leave", None)
        return leave.day.isoformat() if leave is not None else None


class DutyShiftScheduleSerializer(serializers.Serializer):
    roster = scoped(DutyRoster, "值班表")
    person = scoped(Person, "值班人员")
    day = serializers.DateField(label="日期")
    starts = serializers.TimeField(required=False, label="开始时间")
    ends = serializers.TimeField(required=False, label="结束时间")
    kind = serializers.ChoiceField(choices=ShiftKind.choices, default=ShiftKind.REST_DAY, label="类型")
    compensatory_day = serializers.DateField(required=False, allow_null=True, label="调休日期")
    note = text("备注", 200)


class CompensatorySerializer(serializers.Serializer):
    day = serializers.DateField(label="调休日期")


class LeaveSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")

    class Meta:
        model = Leave
        fields = ["id", "display", "district", "person", "person_name", "day", "kind", "shift", "note"]


class LeaveRecordSerializer(serializers.Serializer):
    person = scoped(Person, "人员")
    day = serializers.DateField(label="日期")
    kind = serializers.ChoiceField(
        choices=[c for c in LeaveKind.choices if c[0] != LeaveKind.COMPENSATORY], label="类型"
    )
    note = text("备注", 200)


# ---------------------------------------------------------------------------------------------------- stars


class StarAssessmentSerializer(ReadOnlyModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label="姓名")
    approved = serializers.BooleanField(read_only=True, label="已审定")

    class Meta:
        model = StarAssessment
        fields = [
            "id", "display", "district", "person", "person_name", "year", "quarter", "role", "street", "community",
            "proficiency", "attitude", "cases_accepted", "cases_completed", "cases_rated", "cases_satisfied",
            "score", "stars", "note", "approved", "approved_at",
        ]  # fmt: skip


class StarGradeSerializer(serializers.Serializer):
    proficiency = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, label="业务能力")
    attitude = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, label="服务态度")
    note = text("评语", 200)


class QuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, label="年度")
    quarter = serializers.IntegerField(min_value=1, max_value=4, label="季度")


# ---------------------------------------------------------------------------------------------------- imports


class StaffingImportSerializer(ReadOnlyModelSerializer):
    progress = serializers.SerializerMethodField(label="进度")

    class Meta:
        model = StaffingImport
        fields = [
            "id",
            "display",
            "district",
            "file_name",
            "dry_run",
            "status",
            "total_rows",
            "result",
            "created_at",
            "finished_at",
            "progress",
        ]

    def get_progress(self, obj: StaffingImport) -> dict[str, int]:
        from staffing.importing import import_progress

        return import_progress(obj)


class StaffingImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="文件（.xlsx 或 .csv）", max_length=200)
    dry_run = serializers.BooleanField(default=False, label="只检查，不保存")
    kind = serializers.ChoiceField(choices=ImportKind.choices, required=False, allow_blank=True, label="CSV 内容")


class PreparedSerializer(serializers.Serializer):
    written = serializers.IntegerField(label="写入的评定数")


class ApprovedSerializer(serializers.Serializer):
    approved = serializers.IntegerField(label="本次审定数")
    waiting = serializers.IntegerField(label="尚待评分数")
