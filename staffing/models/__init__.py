from staffing.models.duty import DutyRoster, DutyShift, Leave, LeaveKind, ShiftKind
from staffing.models.grids import PARTY_HOUSEHOLD_LINKS, BuildingHead, GridMember, GridSide, PartyHousehold
from staffing.models.imports import ImportStatus, StaffingImport
from staffing.models.people import ASSESSED_ROLES, Person, PersonRole, VolunteerService
from staffing.models.sinkdown import SinkDownMember, SinkDownPost, SinkDownTask, SinkDownTaskType, SinkDownTeam
from staffing.models.stars import StarAssessment
from staffing.models.stationed import WEEKDAYS, CadrePost, ReceptionDay, ReceptionHost, StationedCadre
from staffing.models.teams import SEAT_HELP, SEATS, SeatKind, SeatTerm, ServiceTeam, Sponsorship
from staffing.models.visits import DEFAULT_INTERVAL_DAYS, MET, Household, Visit, VisitNeed, VisitOutcome

__all__ = [
    "ASSESSED_ROLES",
    "DEFAULT_INTERVAL_DAYS",
    "MET",
    "PARTY_HOUSEHOLD_LINKS",
    "SEATS",
    "SEAT_HELP",
    "WEEKDAYS",
    "BuildingHead",
    "CadrePost",
    "DutyRoster",
    "DutyShift",
    "GridMember",
    "GridSide",
    "Household",
    "ImportStatus",
    "Leave",
    "LeaveKind",
    "PartyHousehold",
    "Person",
    "PersonRole",
    "ReceptionDay",
    "ReceptionHost",
    "SeatKind",
    "SeatTerm",
    "ServiceTeam",
    "ShiftKind",
    "SinkDownMember",
    "SinkDownPost",
    "SinkDownTask",
    "SinkDownTaskType",
    "SinkDownTeam",
    "Sponsorship",
    "StaffingImport",
    "StarAssessment",
    "StationedCadre",
    "Visit",
    "VisitNeed",
    "VisitOutcome",
    "VolunteerService",
]
