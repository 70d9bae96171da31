"""Makers of staffing rows inside a tree (tests/conftest.py), for the API tests and for
tests/test_tenancy_walk.py, which aims every URL at district B's objects:

    from tests.staffing.walk import staffing_object_makers
    OBJECT_MAKERS.update(staffing_object_makers())

In district B every name carries the marker "乙区", so a leak is easy to see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from django.core.files.base import ContentFile

from accounts.actors import SystemActor
from compounds.workcalendar import BEIJING
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
from staffing.services import duty, grids, people, sinkdown, stars, teams, visits
from staffing.services import stationed as stationing

DAY = date(2026, 1, 5)
_phones = iter(range(10_000_000, 99_999_999))


def marker(t) -> str:
    return "乙区" if "乙区" in t.streets[0].name else ""


def system(t) -> SystemActor:
    return SystemActor(name="test:staffing-walk", district_id=t.district.pk)


def _phone() -> str:
    return f"136{next(_phones):08d}"


def person(t, *, phone: str | None = None, role: str = "community_worker", community=..., **extra) -> Person:
    community = t.communities[0] if community is ... else community
    values = {"role": role, "community": community, **extra}
    if role in ("legal_adviser",) and community is None:
        values.setdefault("organisation_name", f"{marker(t)}律师事务所")
    return people.person_create(
        actor=system(t), district_id=t.district.pk, name=f"{marker(t)}人员", phone=phone or _phone(), **values
    )


def named_person(t, name: str, **extra) -> Person:
    """A person called `name` (a volunteer of the first community unless `extra` says otherwise)."""
    values = {"role": "volunteer", "community": t.communities[0], **extra}
    return people.person_create(actor=system(t), district_id=t.district.pk, name=name, phone=_phone(), **values)


def street_person(t, *, phone: str | None = None) -> Person:
    return person(t, phone=phone, role="street_officer", community=None, street=t.streets[0])


def dept_person(t, *, phone: str | None = None) -> Person:
    return person(t, phone=phone, role="police_officer", community=None, department=t.department)


def cadre_person(t) -> Person:
    existing = Person.objects.filter(account=t.cadre).first()
    return existing or person(t, role="community_cadre", account=t.cadre)


def volunteer_service(t) -> VolunteerService:
    return people.volunteer_service_record(
        actor=system(t), person=person(t, role="volunteer"), community=t.communities[0], served_on=DAY,
        hours=Decimal("3.0"), activity=f"{marker(t)}义务巡逻",
    )  # fmt: skip


def team(t, *, compound=None) -> ServiceTeam:
    return teams.team_form(actor=system(t), compound=compound or t.compounds[0], formed_on=DAY)


def seat_term(t, *, compound=None) -> SeatTerm:
    """A legal adviser of the compound; a second call appoints a successor a day later (接任)."""
    compound = compound or t.compounds[0]
    earlier = SeatTerm.objects.filter(team__compound=compound, seat="legal_adviser").count()
    lawyer = person(t, role="legal_adviser", community=None)
    return teams.seat_appoint(
        actor=system(t), compound=compound, seat="legal_adviser", person=lawyer, start=date(2026, 1, 5 + earlier),
        replace_current=bool(earlier),
    )  # fmt: skip


def sponsorship(t, *, compound=None) -> Sponsorship:
    compound = compound or t.compounds[0]
    existing = Sponsorship.objects.filter(compound=compound).first()
    return existing or teams.sponsorship_set(actor=system(t), department=t.department, compound=compound, start=DAY)


def grid_member(t, *, phone: str | None = None) -> GridMember:
    return grids.grid_member_assign(
        actor=system(t), grid=t.grids[0], side="community", person=person(t, phone=phone),
        start=date(2026, 1, 5 + GridMember.objects.filter(grid=t.grids[0]).count()),
    )  # fmt: skip


def building_head(t, *, building=None, phone: str | None = None) -> BuildingHead:
    building = building or t.buildings[0]
    return grids.building_head_assign(
        actor=system(t), building=building,
        person=person(t, phone=phone, role="resident", community=building.compound.community),
        start=date(2026, 1, 5 + BuildingHead.objects.filter(building=building).count()),
    )  # fmt: skip


def household(t, *, address: str = "1单元101", grid=None, compound=None) -> Household:
    grid = grid or t.grids[0]
    compound = compound or t.compounds[0]
    return visits.household_register(
        actor=system(t), grid=grid, compound=compound, address=address, head_name=f"{marker(t)}住户",
        phone="13912345678", needs=["elderly_alone"], registered_on=DAY,
    )  # fmt: skip


def party_household(t, *, tag: str = "p") -> PartyHousehold:
    homes = [household(t, address=f"{tag}-{i}") for i in range(5)]
    member = person(t, role="resident", is_party_member=True)
    return grids.party_household_create(actor=system(t), person=member, grid=t.grids[0], since=DAY, households=homes)


def visit(t, *, address: str = "2单元202") -> Visit:
    home = household(t, address=address)
    return visits.visit_log(actor=system(t), household=home, outcome="well", findings=f"{marker(t)}一切正常")


def stationed(t, *, compound=None) -> StationedCadre:
    compound = compound or t.compounds[0]
    count = StationedCadre.objects.filter(compound=compound).count()
    return stationing.stationed_cadre_assign(
        actor=system(t), compound=compound, person=cadre_person(t), start=date(2026, 1, 5 + count),
        office_hours=f"{marker(t)}周一至周五", today=DAY,
    )  # fmt: skip


def reception_day(t) -> ReceptionDay:
    return stationing.reception_day_add(
        actor=system(t), compound=t.compounds[0], host="secretary", weekday=2, starts_at=time(9),
        ends_at=time(11, 30), place=f"{marker(t)}党群服务中心",
    )  # fmt: skip


def sinkdown_team(t, *, name: str = "下沉一队") -> SinkDownTeam:
    existing = SinkDownTeam.objects.filter(district=t.district, name=f"{marker(t)}{name}").first()
    return existing or sinkdown.team_create(
        actor=system(t), name=f"{marker(t)}{name}", department=t.department, formed_on=DAY
    )


def sinkdown_member(t, *, name: str = "下沉一队", phone: str | None = None) -> SinkDownMember:
    return sinkdown.member_add(
        actor=system(t), team=sinkdown_team(t, name=name), person=dept_person(t, phone=phone), start=DAY
    )


def sinkdown_post(t, *, name: str = "下沉一队") -> SinkDownPost:
    team_ = sinkdown_team(t, name=name)
    existing = SinkDownPost.objects.filter(team=team_, community=t.communities[0]).first()
    return existing or sinkdown.post_add(actor=system(t), team=team_, community=t.communities[0], start=DAY)


def sinkdown_task(t, *, name: str = "下沉一队") -> SinkDownTask:
    post = sinkdown_post(t, name=name)
    return sinkdown.task_log(
        actor=system(t), team=post.team, community=post.community, task_type="safety_inspection",
        done_on=date(2026, 2, 3), title=f"{marker(t)}消防检查",
    )  # fmt: skip


def roster(t, *, name: str = "周末值班") -> DutyRoster:
    existing = DutyRoster.objects.filter(district=t.district, name=f"{marker(t)}{name}").first()
    return existing or duty.roster_create(actor=system(t), street=t.streets[0], name=f"{marker(t)}{name}")


def shift(t, *, phone: str | None = None) -> DutyShift:
    return duty.shift_schedule(
        actor=system(t), roster=roster(t), person=street_person(t, phone=phone), day=date(2026, 3, 7),
        compensatory_day=date(2026, 3, 11),
    )  # fmt: skip


def leave(t, *, phone: str | None = None) -> Leave:
    return duty.leave_record(actor=system(t), person=street_person(t, phone=phone), day=date(2026, 3, 9), kind="annual")


def star_assessment(t, *, phone: str | None = None) -> StarAssessment:
    who = person(t, phone=phone, role="grid_worker")
    stars.star_quarter_prepare(
        actor=system(t), district=t.district, year=2026, quarter=1, now=datetime(2026, 4, 2, tzinfo=BEIJING)
    )
    return StarAssessment.objects.get(person=who, year=2026, quarter=1)


def staffing_import(t) -> StaffingImport:
    record = StaffingImport(district=t.district, file_name=f"{marker(t)}人员.csv", status="done", total_rows=1)
    record.file.save("walk.csv", ContentFile("网格编码\n".encode()), save=False)
    record.save()
    return record


def staffing_objects(t) -> dict:
    if getattr(t, "_staffing", None) is None:
        t._staffing = {
            Person: person(t),
            VolunteerService: volunteer_service(t),
            ServiceTeam: team(t),
            SeatTerm: seat_term(t),
            Sponsorship: sponsorship(t),
            GridMember: grid_member(t),
            BuildingHead: building_head(t),
            PartyHousehold: party_household(t),
            Household: household(t, address="走访1"),
            Visit: visit(t),
            StationedCadre: stationed(t),
            ReceptionDay: reception_day(t),
            SinkDownTeam: sinkdown_team(t),
            SinkDownMember: sinkdown_member(t),
            SinkDownPost: sinkdown_post(t),
            SinkDownTask: sinkdown_task(t),
            DutyRoster: roster(t),
            DutyShift: shift(t),
            Leave: leave(t),
            StarAssessment: star_assessment(t),
            StaffingImport: staffing_import(t),
        }
    return t._staffing


def staffing_object_makers() -> dict[type, Callable]:
    return {model: (lambda t, model=model: staffing_objects(t)[model]) for model in STAFFING_MODELS}


STAFFING_MODELS = (
    Person, VolunteerService, ServiceTeam, SeatTerm, Sponsorship, GridMember, BuildingHead, PartyHousehold,
    Household, Visit, StationedCadre, ReceptionDay, SinkDownTeam, SinkDownMember, SinkDownPost, SinkDownTask,
    DutyRoster, DutyShift, Leave, StarAssessment, StaffingImport,
)  # fmt: skip
