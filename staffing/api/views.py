"""REST endpoints of staffing (/api/v1/staffing/…). Querysets are restricted through accounts.policy by
the shared base viewsets (another district's row is a 404); every write validates with its own input
serializer and calls a staffing service, whose Chinese errors come back as 400 and refusals as 403."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.parsers import FormParser, JSONParser, MultiPartParser
from accounts.api.viewsets import TenantReadOnlyViewSet
from accounts.permissions import MESSAGES, has, require
from accounts.policy import VIEW, restrict
from accounts.privacy import record_reveal
from staffing import filtersets, selectors
from staffing.api import serializers as api
from staffing.importing import ImportFileError, import_start
from staffing.models import (
    BuildingHead,
    DutyRoster,
    DutyShift,
    GridMember,
    Household,
    Leave,
    PartyHousehold,
    Person,
    ReceptionDay,
    SeatTerm,
    ServiceTeam,
    SinkDownMember,
    SinkDownPost,
    SinkDownTask,
    SinkDownTeam,
    Sponsorship,
    StaffingImport,
    StarAssessment,
    StationedCadre,
    Visit,
    VolunteerService,
)
from staffing.services import duty, grids, people, sinkdown, stars, stationed, teams, visits


def validated(serializer_class: type, request: Request, data: Any = None) -> dict:
    serializer = serializer_class(data=request.data if data is None else data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RulePermission(BasePermission):
    """A write (create, an action) is asked of the rule registry before any body is read: a role that may
    not do it gets a 403 that names the rule's Chinese message, whatever it sent. `write_rules` maps a
    viewset action to its rule ("*" for any other write); the object itself is checked by the service."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        rules = getattr(view, "write_rules", {})
        rule = rules.get(getattr(view, "action", None) or "", rules.get("*"))
        if rule is None:
            return True
        if not has(request.user, rule):
            self.message = MESSAGES.get(rule, gettext("您无权执行此操作。"))
            return False
        return True


class ServiceViewSet(TenantReadOnlyViewSet):
    """Read the rows in scope; create through `create_service` with `create_serializer`'s data."""

    permission_classes = [IsAuthenticated, RulePermission]
    create_serializer: type | None = None
    write_rules: dict[str, str] = {}

    def create_service(self, request: Request, data: dict) -> Any:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.create_serializer is None:
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        obj = self.create_service(request, validated(self.create_serializer, request))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def respond(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(obj).data, status=code)


def creates(serializer: type, output: type) -> Any:
    return extend_schema_view(create=extend_schema(request=serializer, responses={201: output}))


def ends(output: type) -> Any:
    return extend_schema(request=api.EndSerializer, responses=output)


# ---------------------------------------------------------------------------------------------------- people


@creates(api.PersonWriteSerializer, api.PersonSerializer)
@extend_schema_view(partial_update=extend_schema(request=api.PersonWriteSerializer, responses=api.PersonSerializer))
class PersonViewSet(ServiceViewSet):
    """人员: phones masked; the full number through `reveal-phone`, for those who manage the person, logged."""

    write_rules = {"*": "staffing.manage_people", "reveal_phone": "staffing.reveal_phone"}

    queryset = Person.objects.select_related("street", "community__street", "department", "property_firm")
    serializer_class = api.PersonSerializer
    filterset_class = filtersets.PersonFilterSet
    ordering_fields = ["name", "role", "created_at"]
    create_serializer = api.PersonWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "reveal_phone":  # reading, by POST: the rule decides on the object in view
            return restrict(self.queryset.all(), self.request.user, VIEW)
        return super().get_queryset()

    def create_service(self, request: Request, data: dict) -> Person:
        return people.person_create(actor=request.user, district_id=request.user.district_id, **data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        serializer = api.PersonWriteSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return self.respond(people.person_update(actor=request.user, person=person, **serializer.validated_data))

    @extend_schema(request=None, responses=api.RevealedPhoneSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-phone")
    def reveal_phone(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """显示完整手机号 (recorded in the reveal log)."""
        person = self.get_object()
        require(request.user, "staffing.reveal_phone", person)
        record_reveal(actor=request.user, obj=person, fields=["phone"], via=request.get_full_path())
        return Response({"phone": person.phone})


@creates(api.VolunteerServiceWriteSerializer, api.VolunteerServiceSerializer)
class VolunteerServiceViewSet(ServiceViewSet):
    write_rules = {"*": "staffing.manage_people"}
    queryset = VolunteerService.objects.select_related("person", "community")
    serializer_class = api.VolunteerServiceSerializer
    filterset_class = filtersets.VolunteerServiceFilterSet
    ordering_fields = ["served_on", "hours"]
    create_serializer = api.VolunteerServiceWriteSerializer

    def create_service(self, request: Request, data: dict) -> VolunteerService:
        return people.volunteer_service_record(actor=request.user, **data)


# ---------------------------------------------------------------------------------------------------- teams


class ServiceTeamViewSet(TenantReadOnlyViewSet):
    """小区“2+4”服务团队 (formed when the first seat is appointed)."""

    queryset = ServiceTeam.objects.select_related("compound")
    serializer_class = api.ServiceTeamSerializer
    filterset_class = filtersets.ServiceTeamFilterSet
    ordering_fields = ["formed_on"]


@creates(api.SeatAppointSerializer, api.SeatTermSerializer)
class SeatTermViewSet(ServiceViewSet):
    """岗位任期: appoint (create) and end; terms are history and are never deleted."""

    write_rules = {"*": "staffing.manage_team"}

    queryset = SeatTerm.objects.select_related("team__compound", "person")
    serializer_class = api.SeatTermSerializer
    filterset_class = filtersets.SeatTermFilterSet
    ordering_fields = ["start", "end", "seat"]
    create_serializer = api.SeatAppointSerializer

    def create_service(self, request: Request, data: dict) -> SeatTerm:
        return teams.seat_appoint(actor=request.user, **data)

    @ends(api.SeatTermSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """离任: the seat is vacant from `end`."""
        target = self.get_object()
        data = validated(api.EndSerializer, request)
        return self.respond(teams.seat_end(actor=request.user, term=target, end=data["end"], reason=data["reason"]))


@creates(api.SponsorshipSetSerializer, api.SponsorshipSerializer)
class SponsorshipViewSet(ServiceViewSet):
    """部门包抓小区."""

    write_rules = {"*": "staffing.manage_sponsorship"}

    queryset = Sponsorship.objects.select_related("department", "compound")
    serializer_class = api.SponsorshipSerializer
    filterset_class = filtersets.SponsorshipFilterSet
    ordering_fields = ["start", "end"]
    create_serializer = api.SponsorshipSetSerializer

    def create_service(self, request: Request, data: dict) -> Sponsorship:
        return teams.sponsorship_set(actor=request.user, **data)

    @ends(api.SponsorshipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.EndSerializer, request)
        return self.respond(
            teams.sponsorship_end(actor=request.user, sponsorship=target, end=data["end"], reason=data["reason"])
        )


class CoverageView(APIView):
    """“2+4”配齐情况: per street and for the district, as the caller sees it on a day."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[api.CoverageQuerySerializer], responses=api.CoverageSerializer)
    def get(self, request: Request) -> Response:
        query = validated(api.CoverageQuerySerializer, request, data=request.query_params)
        coverage = selectors.team_coverage(
            actor=request.user, on=query.get("on") or timezone.localdate(), street_id=query.get("street_id")
        )
        return Response(
            api.CoverageSerializer(
                {
                    "on": coverage.on,
                    "district": coverage.district,
                    "streets": coverage.streets,
                    "vacancies": coverage.vacancies,
                }
            ).data
        )


# ---------------------------------------------------------------------------------------------------- grids


@creates(api.GridMemberAssignSerializer, api.GridMemberSerializer)
class GridMemberViewSet(ServiceViewSet):
    """网格人员 (社区网格员 and 物业网格员): assign (the previous one of the side leaves that day) and end."""

    write_rules = {"*": "staffing.manage_grid"}

    queryset = GridMember.objects.select_related("grid", "person")
    serializer_class = api.GridMemberSerializer
    filterset_class = filtersets.GridMemberFilterSet
    ordering_fields = ["start", "end"]
    create_serializer = api.GridMemberAssignSerializer

    def create_service(self, request: Request, data: dict) -> GridMember:
        return grids.grid_member_assign(actor=request.user, **data)

    @ends(api.GridMemberSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.EndSerializer, request)
        return self.respond(
            grids.grid_member_end(actor=request.user, member=target, end=data["end"], reason=data["reason"])
        )


@creates(api.BuildingHeadAssignSerializer, api.BuildingHeadSerializer)
class BuildingHeadViewSet(ServiceViewSet):
    """楼栋长."""

    write_rules = {"*": "staffing.manage_grid"}

    queryset = BuildingHead.objects.select_related("building__compound", "person")
    serializer_class = api.BuildingHeadSerializer
    filterset_class = filtersets.BuildingHeadFilterSet
    ordering_fields = ["start", "end"]
    create_serializer = api.BuildingHeadAssignSerializer

    def create_service(self, request: Request, data: dict) -> BuildingHead:
        return grids.building_head_assign(actor=request.user, **data)

    @ends(api.BuildingHeadSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.EndSerializer, request)
        return self.respond(
            grids.building_head_end(actor=request.user, head=target, end=data["end"], reason=data["reason"])
        )


@creates(api.PartyHouseholdCreateSerializer, api.PartyHouseholdSerializer)
class PartyHouseholdViewSet(ServiceViewSet):
    """党员中心户, each keeping in touch with 5–15 households."""

    write_rules = {"*": "staffing.manage_grid"}

    queryset = PartyHousehold.objects.select_related("person").prefetch_related("households")
    serializer_class = api.PartyHouseholdSerializer
    filterset_class = filtersets.PartyHouseholdFilterSet
    ordering_fields = ["since"]
    create_serializer = api.PartyHouseholdCreateSerializer

    def create_service(self, request: Request, data: dict) -> PartyHousehold:
        return grids.party_household_create(actor=request.user, **data)

    @extend_schema(request=api.PartyHouseholdLinkSerializer, responses=api.PartyHouseholdSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Replace the households it keeps in touch with (5–15)."""
        target = self.get_object()
        data = validated(api.PartyHouseholdLinkSerializer, request)
        party = grids.party_household_link(actor=request.user, party_household=target, **data)
        return self.respond(PartyHousehold.objects.prefetch_related("households").get(pk=party.pk))


# ---------------------------------------------------------------------------------------------------- visits


@creates(api.HouseholdWriteSerializer, api.HouseholdSerializer)
@extend_schema_view(
    partial_update=extend_schema(request=api.HouseholdUpdateSerializer, responses=api.HouseholdSerializer)
)
class HouseholdViewSet(ServiceViewSet):
    """住户 (走访对象): the head's name and phone masked; `reveal` shows them to those who manage the household,
    logged."""

    write_rules = {"*": "staffing.manage_households", "reveal": "staffing.log_visit"}

    queryset = Household.objects.select_related("grid", "compound", "building")
    serializer_class = api.HouseholdSerializer
    filterset_class = filtersets.HouseholdFilterSet
    ordering_fields = ["next_visit_on", "address", "registered_on"]
    create_serializer = api.HouseholdWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "reveal":  # reading, by POST: the rule decides on the object in view
            return restrict(self.queryset.all(), self.request.user, VIEW)
        return super().get_queryset()

    def create_service(self, request: Request, data: dict) -> Household:
        household = visits.household_register(actor=request.user, **data)
        household.refresh_from_db()
        return household

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = self.get_object()
        data = validated(api.HouseholdUpdateSerializer, request)
        return self.respond(visits.household_update(actor=request.user, household=household, **data))

    @extend_schema(request=None, responses=api.RevealedHouseholdSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """户主姓名和联系电话 in full (recorded in the reveal log)."""
        household = self.get_object()
        require(request.user, "staffing.log_visit", household)
        record_reveal(actor=request.user, obj=household, fields=["head_name", "phone"], via=request.get_full_path())
        return Response({"head_name": household.head_name, "phone": household.phone})


@creates(api.VisitLogSerializer, api.VisitSerializer)
class VisitViewSet(ServiceViewSet):
    """走访记录: log a visit (with `raise_order` a work order is filed in the same step)."""

    write_rules = {"*": "staffing.log_visit"}

    queryset = Visit.objects.select_related("visitor", "household__compound", "household__building")
    serializer_class = api.VisitSerializer
    filterset_class = filtersets.VisitFilterSet
    ordering_fields = ["visited_at"]
    create_serializer = api.VisitLogSerializer

    def create_service(self, request: Request, data: dict) -> Visit:
        return visits.visit_log(actor=request.user, **data)


# ---------------------------------------------------------------------------------------------------- stationed


@creates(api.StationedAssignSerializer, api.StationedCadreSerializer)
class StationedCadreViewSet(ServiceViewSet):
    """驻点“两委”干部 (kept in step with the compound's routing field)."""

    write_rules = {"*": "staffing.manage_stationed"}

    queryset = StationedCadre.objects.select_related("compound", "person")
    serializer_class = api.StationedCadreSerializer
    filterset_class = filtersets.StationedCadreFilterSet
    ordering_fields = ["start", "end"]
    create_serializer = api.StationedAssignSerializer

    def create_service(self, request: Request, data: dict) -> StationedCadre:
        return stationed.stationed_cadre_assign(actor=request.user, **data)

    @ends(api.StationedCadreSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.EndSerializer, request)
        return self.respond(
            stationed.stationed_cadre_end(actor=request.user, term=target, end=data["end"], reason=data["reason"])
        )


@creates(api.ReceptionDayAddSerializer, api.ReceptionDaySerializer)
class ReceptionDayViewSet(ServiceViewSet):
    """接待日."""

    write_rules = {"*": "staffing.manage_stationed"}

    queryset = ReceptionDay.objects.select_related("compound", "person")
    serializer_class = api.ReceptionDaySerializer
    filterset_class = filtersets.ReceptionDayFilterSet
    ordering_fields = ["weekday", "starts_at"]
    create_serializer = api.ReceptionDayAddSerializer

    def create_service(self, request: Request, data: dict) -> ReceptionDay:
        return stationed.reception_day_add(actor=request.user, **data)

    @extend_schema(request=None, responses=api.ReceptionDaySerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """停止 this reception day (kept as history)."""
        return self.respond(stationed.reception_day_remove(actor=request.user, reception=self.get_object()))


# ---------------------------------------------------------------------------------------------------- sink-down


@creates(api.SinkDownTeamCreateSerializer, api.SinkDownTeamSerializer)
class SinkDownTeamViewSet(ServiceViewSet):
    """组团式下沉服务队."""

    write_rules = {"*": "staffing.manage_sinkdown"}

    queryset = SinkDownTeam.objects.select_related("department")
    serializer_class = api.SinkDownTeamSerializer
    filterset_class = filtersets.SinkDownTeamFilterSet
    ordering_fields = ["name", "formed_on"]
    create_serializer = api.SinkDownTeamCreateSerializer

    def get_queryset(self):
        return super().get_queryset().distinct()

    def create_service(self, request: Request, data: dict) -> SinkDownTeam:
        return sinkdown.team_create(actor=request.user, **data)


@creates(api.SinkDownMemberAddSerializer, api.SinkDownMemberSerializer)
class SinkDownMemberViewSet(ServiceViewSet):
    write_rules = {"*": "staffing.manage_sinkdown"}
    queryset = SinkDownMember.objects.select_related("team", "person")
    serializer_class = api.SinkDownMemberSerializer
    filterset_class = filtersets.SinkDownMemberFilterSet
    ordering_fields = ["start"]
    create_serializer = api.SinkDownMemberAddSerializer

    def get_queryset(self):
        return super().get_queryset().distinct()

    def create_service(self, request: Request, data: dict) -> SinkDownMember:
        return sinkdown.member_add(actor=request.user, **data)

    @ends(api.SinkDownMemberSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.EndSerializer, request)
        return self.respond(
            sinkdown.member_end(actor=request.user, member=target, end=data["end"], reason=data["reason"])
        )


@creates(api.SinkDownPostAddSerializer, api.SinkDownPostSerializer)
class SinkDownPostViewSet(ServiceViewSet):
    write_rules = {"*": "staffing.manage_sinkdown"}
    queryset = SinkDownPost.objects.select_related("team", "community")
    serializer_class = api.SinkDownPostSerializer
    filterset_class = filtersets.SinkDownPostFilterSet
    ordering_fields = ["start"]
    create_serializer = api.SinkDownPostAddSerializer

    def get_queryset(self):
        return super().get_queryset().distinct()

    def create_service(self, request: Request, data: dict) -> SinkDownPost:
        return sinkdown.post_add(actor=request.user, **data)

    @ends(api.SinkDownPostSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.EndSerializer, request)
        return self.respond(sinkdown.post_end(actor=request.user, post=target, end=data["end"], reason=data["reason"]))


@creates(api.SinkDownTaskLogSerializer, api.SinkDownTaskSerializer)
class SinkDownTaskViewSet(ServiceViewSet):
    """服务队工作台账."""

    write_rules = {"*": "staffing.log_sinkdown_task"}

    queryset = SinkDownTask.objects.select_related("team", "community")
    serializer_class = api.SinkDownTaskSerializer
    filterset_class = filtersets.SinkDownTaskFilterSet
    ordering_fields = ["done_on"]
    create_serializer = api.SinkDownTaskLogSerializer

    def get_queryset(self):
        return super().get_queryset().distinct()

    def create_service(self, request: Request, data: dict) -> SinkDownTask:
        return sinkdown.task_log(actor=request.user, **data)


class SinkDownCountsView(APIView):
    """Tasks per community and type in [start, end)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[api.CountsQuerySerializer], responses=api.TaskCountsSerializer)
    def get(self, request: Request) -> Response:
        query = validated(api.CountsQuerySerializer, request, data=request.query_params)
        rows, totals = selectors.sinkdown_counts(actor=request.user, **query)
        return Response(api.TaskCountsSerializer({"rows": rows, "totals": totals}).data)


# ---------------------------------------------------------------------------------------------------- duty


@creates(api.DutyRosterCreateSerializer, api.DutyRosterSerializer)
class DutyRosterViewSet(ServiceViewSet):
    """值班表 of a street or a community."""

    write_rules = {"*": "staffing.manage_duty"}

    queryset = DutyRoster.objects.select_related("street", "community")
    serializer_class = api.DutyRosterSerializer
    filterset_class = filtersets.DutyRosterFilterSet
    ordering_fields = ["name"]
    create_serializer = api.DutyRosterCreateSerializer

    def get_queryset(self):
        return super().get_queryset().distinct()

    def create_service(self, request: Request, data: dict) -> DutyRoster:
        return duty.roster_create(actor=request.user, **data)


@creates(api.DutyShiftScheduleSerializer, api.DutyShiftSerializer)
class DutyShiftViewSet(ServiceViewSet):
    """值班: schedule (with the compensatory day), cancel (DELETE), set the compensatory day."""

    write_rules = {"*": "staffing.manage_duty"}

    queryset = DutyShift.objects.select_related("roster", "person", "compensatory_leave")
    serializer_class = api.DutyShiftSerializer
    filterset_class = filtersets.DutyShiftFilterSet
    ordering_fields = ["starts_at"]
    create_serializer = api.DutyShiftScheduleSerializer

    def get_queryset(self):
        return super().get_queryset().distinct()

    def create_service(self, request: Request, data: dict) -> DutyShift:
        return duty.shift_schedule(actor=request.user, **data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        duty.shift_cancel(actor=request.user, shift=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=api.CompensatorySerializer, responses=api.LeaveSerializer)
    @action(detail=True, methods=["post"])
    def compensatory(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """调休: the weekday off for this rest-day shift."""
        target = self.get_object()
        data = validated(api.CompensatorySerializer, request)
        leave = duty.compensatory_leave_set(actor=request.user, shift=target, day=data["day"])
        return Response(api.LeaveSerializer(leave, context=self.get_serializer_context()).data)


@creates(api.LeaveRecordSerializer, api.LeaveSerializer)
class LeaveViewSet(ServiceViewSet):
    write_rules = {"*": "staffing.manage_duty"}
    queryset = Leave.objects.select_related("person")
    serializer_class = api.LeaveSerializer
    filterset_class = filtersets.LeaveFilterSet
    ordering_fields = ["day"]
    create_serializer = api.LeaveRecordSerializer

    def create_service(self, request: Request, data: dict) -> Leave:
        return duty.leave_record(actor=request.user, **data)


# ---------------------------------------------------------------------------------------------------- stars


class StarAssessmentViewSet(TenantReadOnlyViewSet):
    """星级评定: prepare a quarter, grade (业务能力, 服务态度), approve the quarter."""

    permission_classes = [IsAuthenticated, RulePermission]
    write_rules = {"*": "staffing.assess_stars", "approve": "staffing.approve_stars"}

    queryset = StarAssessment.objects.select_related("person")
    serializer_class = api.StarAssessmentSerializer
    filterset_class = filtersets.StarAssessmentFilterSet
    ordering_fields = ["score", "stars", "year", "quarter"]

    @extend_schema(request=api.StarGradeSerializer, responses=api.StarAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def grade(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        data = validated(api.StarGradeSerializer, request)
        assessment = stars.star_assessment_grade(actor=request.user, assessment=target, **data)
        return Response(self.get_serializer(assessment).data)

    @extend_schema(request=api.QuarterSerializer, responses=api.PreparedSerializer)
    @action(detail=False, methods=["post"])
    def prepare(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open or refresh a quarter: case figures from the work orders for every person in scope."""
        data = validated(api.QuarterSerializer, request)
        written = stars.star_quarter_prepare(actor=request.user, district=request.user.district_id, **data)
        return Response({"written": written})

    @extend_schema(request=api.QuarterSerializer, responses=api.ApprovedSerializer)
    @action(detail=False, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """审定 every graded assessment of the quarter (frozen; the bonus pools read them)."""
        data = validated(api.QuarterSerializer, request)
        approved, waiting = stars.star_quarter_approve(actor=request.user, district=request.user.district_id, **data)
        return Response({"approved": approved, "waiting": waiting})


# ---------------------------------------------------------------------------------------------------- imports


@creates(api.StaffingImportUploadSerializer, api.StaffingImportSerializer)
class StaffingImportViewSet(ServiceViewSet):
    """人员配备数据导入: a short file is imported at once, a long one in a Celery task (see `progress`)."""

    write_rules = {"*": "staffing.import"}

    queryset = StaffingImport.objects.all()
    serializer_class = api.StaffingImportSerializer
    filterset_class = filtersets.StaffingImportFilterSet
    ordering_fields = ["created_at"]
    create_serializer = api.StaffingImportUploadSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def create_service(self, request: Request, data: dict) -> StaffingImport:
        from rest_framework.exceptions import ValidationError

        upload = data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError({"file": [gettext("文件超过 10 MB，请拆分后再导入。")]})
        try:
            return import_start(
                actor=request.user, upload=upload, dry_run=data["dry_run"], kind=data.get("kind") or None
            )
        except ImportFileError as error:
            raise ValidationError({"file": [str(error)]}) from error
