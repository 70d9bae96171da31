"""Reads of staffing that are more than a filter, shared by pages, the API, exports, PDFs and other apps.

Every function takes the actor and starts from `visible_to(actor)`, so a figure never counts a row the
actor may not see. Other apps read staffing only through this module:
- funding: `star_assessments` (the quarterly staff stars the performance bonus pools are allocated by);
- the compound page and the resident's QR page (a top-floor app joins them): `compound_service_card`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compounds.models import Community, Compound, District, Grid
from compounds.workcalendar import BEIJING, day_label, holiday_name, is_rest_day
from config.locale import of_record
from staffing.models import (
    SEATS,
    WEEKDAYS,
    DutyRoster,
    DutyShift,
    GridMember,
    GridSide,
    Household,
    Leave,
    Person,
    PersonRole,
    ReceptionDay,
    SeatKind,
    SeatTerm,
    ServiceTeam,
    SinkDownTask,
    SinkDownTaskType,
    StarAssessment,
    StationedCadre,
    VolunteerService,
)
from staffing.wording import interpolate, term_reason_lazy


@dataclass(frozen=True)
class StarGrade:
    """One person's staff stars for a quarter, as other apps read them (funding's bonus pools)."""

    person_id: int
    person_name: str
    role: str  # the staff role label in Chinese, e.g. 社区工作者 (funding keeps it with the award)
    community_id: int | None
    street_id: int | None
    stars: int  # 1–5
    score: Decimal  # 0–100
    approved: bool
    assessment_id: int
    year: int
    quarter: int
    community_name: str
    street_name: str


def star_assessments(*, actor: Any, district_id: int, year: int, quarter: int) -> list[StarGrade]:
    """The graded staff-star assessments of a quarter in a district that the actor may see, best first
    (score, then name). Assessments still waiting for the assessor's scores have no grade and are left out;
    `approved` says whether the district has approved (frozen) the grade — bonus pools should count only
    approved ones. A task passes SystemActor(name=..., district_id=district_id)."""
    rows = (
        StarAssessment.objects.visible_to(actor)
        .filter(district_id=district_id, year=year, quarter=quarter, score__isnull=False, stars__isnull=False)
        .select_related("person", "community", "street")
        .order_by("-score", "person__name", "pk")
    )
    return [
        StarGrade(
            person_id=row.person_id,
            person_name=row.person.name,
            role=of_record(PersonRole(row.role).label),
            community_id=row.community_id,
            street_id=row.street_id,
            stars=row.stars,
            score=row.score,
            approved=row.approved,
            assessment_id=row.pk,
            year=row.year,
            quarter=row.quarter,
            community_name=row.community.name if row.community_id else "",
            street_name=row.street.name if row.street_id else "",
        )
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Vacancy:
    """An empty seat of a compound's "2+4" team, and since when (None when the date is not known)."""

    compound_id: int
    compound_name: str
    compound_code: str
    community_name: str
    street_id: int
    street_name: str
    seat: str
    seat_label: str  # lazily translated: the page's language, the PDF's Chinese
    since: date | None
    days: int | None
    reason: str  # lazily translated, as seat_label
    cause: str = ""  # unformed, firm_changed, left, never_filled or no_firm: what code may test


@dataclass
class CompoundTeam:
    """One compound's team on a day: the holder of each seat (or None) and the vacancies."""

    compound: Compound
    team: ServiceTeam | None
    holders: dict[str, SeatTerm | None]
    vacancies: list[Vacancy]
    upcoming: dict[str, SeatTerm]

    @property
    def full(self) -> bool:
        return not self.vacancies

    @property
    def filled(self) -> int:
        return len(SEATS) - len(self.vacancies)

    def seats(self) -> list[tuple[str, str, SeatTerm | None, Vacancy | None, SeatTerm | None]]:
        """(seat, label, holder, vacancy, appointed-but-not-yet-started) in seat order, for tables."""
        vacant = {v.seat: v for v in self.vacancies}
        return [
            (
                seat.value,
                seat.label,
                self.holders.get(seat.value),
                vacant.get(seat.value),
                self.upcoming.get(seat.value),
            )
            for seat in SEATS
        ]


@dataclass
class UnitCoverage:
    """Coverage figures of a street (or the district): compounds, teams formed, full teams, vacant seats by
    seat, and the longest vacancy."""

    unit_id: int | None
    name: str
    compounds: int = 0
    teams: int = 0
    full: int = 0
    vacant_seats: int = 0
    by_seat: dict[str, int] = field(default_factory=lambda: {seat.value: 0 for seat in SEATS})
    longest_days: int | None = None

    @property
    def with_vacancy(self) -> int:
        return self.compounds - self.full

    @property
    def rate(self) -> Decimal | None:
        """Share of compounds with all six seats filled (配齐率), 0–1 with 4 places; None without compounds."""
        if not self.compounds:
            return None
        return (Decimal(self.full) / Decimal(self.compounds)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    def by_seat_rows(self) -> list[tuple[str, int]]:
        return [(seat.label, self.by_seat[seat.value]) for seat in SEATS]

    def add(self, team: CompoundTeam) -> None:
        self.compounds += 1
        self.teams += team.team is not None
        self.full += team.full
        self.vacant_seats += len(team.vacancies)
        for vacancy in team.vacancies:
            self.by_seat[vacancy.seat] += 1
            if vacancy.days is not None and (self.longest_days is None or vacancy.days > self.longest_days):
                self.longest_days = vacancy.days


@dataclass
class Coverage:
    on: date
    district: UnitCoverage
    streets: list[UnitCoverage]
    teams: list[CompoundTeam]

    @property
    def vacancies(self) -> list[Vacancy]:
        """Every vacancy, the longest first (unknown durations last)."""
        rows = [v for team in self.teams for v in team.vacancies]
        return sorted(rows, key=lambda v: (v.days is None, -(v.days or 0), v.compound_code, SEATS.index(v.seat)))


def compound_teams(*, actor: Any, on: date, compounds: QuerySet[Compound] | None = None) -> list[CompoundTeam]:
    """Each compound the actor sees (or those of `compounds`, already restricted) with its team on day `on`.
    Three queries whatever the number of compounds."""
    compounds = compounds if compounds is not None else Compound.objects.visible_to(actor)
    compounds = list(compounds.select_related("community__street", "property_firm").order_by("code"))
    teams = {t.compound_id: t for t in ServiceTeam.objects.filter(compound__in=[c.pk for c in compounds])}
    terms_by_team: dict[int, list[SeatTerm]] = {}
    for term in (
        SeatTerm.objects.filter(team__in=[t.pk for t in teams.values()])
        .select_related("person", "person__department", "person__property_firm", "person__street")
        .order_by("start", "pk")
    ):
        terms_by_team.setdefault(term.team_id, []).append(term)
    return [_compound_team(c, teams.get(c.pk), terms_by_team.get(getattr(teams.get(c.pk), "pk", None), []), on)
            for c in compounds]  # fmt: skip


def _compound_team(compound: Compound, team: ServiceTeam | None, terms: list[SeatTerm], on: date) -> CompoundTeam:
    street = compound.community.street
    holders: dict[str, SeatTerm | None] = {}
    upcoming: dict[str, SeatTerm] = {}
    vacancies = []

    def vacancy(seat: SeatKind, since: date | None, reason: Any, cause: str) -> Vacancy:
        return Vacancy(
            compound_id=compound.pk,
            compound_name=compound.name,
            compound_code=compound.code,
            community_name=compound.community.name,
            street_id=street.pk,
            street_name=street.name,
            seat=seat.value,
            seat_label=seat.label,
            since=since,
            days=(on - since).days if since is not None else None,
            reason=reason,
            cause=cause,
        )

    for seat in SEATS:
        of_seat = [t for t in terms if t.seat == seat]
        current = next((t for t in of_seat if t.is_current(on)), None)
        later = next((t for t in of_seat if t.start > on), None)
        if later is not None:
            upcoming[seat.value] = later
        if team is None:
            holders[seat.value] = None
            vacancies.append(vacancy(seat, None, _("尚未组建“2+4”团队"), "unformed"))
            continue
        if (
            current is not None
            and seat == SeatKind.PROPERTY_MANAGER
            and current.property_firm_id != compound.property_firm_id
        ):
            holders[seat.value] = None
            reason = interpolate(_("物业企业已更换，原物业经理%(name)s待离任"), {"name": current.person})
            vacancies.append(vacancy(seat, None, reason, "firm_changed"))
            continue
        holders[seat.value] = current
        if current is not None:
            continue
        ended = [t for t in of_seat if t.end is not None and t.end <= on]
        if ended:
            last = max(ended, key=lambda t: t.end)
            if last.end_reason:
                reason = interpolate(
                    _("%(name)s离任（%(reason)s）"), {"name": last.person, "reason": term_reason_lazy(last.end_reason)}
                )
            else:
                reason = interpolate(_("%(name)s离任"), {"name": last.person})
            since, cause = last.end, "left"
        else:
            reason, since, cause = _("组建以来从未配备"), team.formed_on, "never_filled"
        if seat == SeatKind.PROPERTY_MANAGER and compound.property_firm_id is None:
            reason, cause = _("小区无物业企业"), "no_firm"
        vacancies.append(vacancy(seat, since, reason, cause))
    return CompoundTeam(compound=compound, team=team, holders=holders, vacancies=vacancies, upcoming=upcoming)


def _district_unit(actor: Any) -> UnitCoverage:
    """The coverage row of the actor's district (named after it), or of every district."""
    name = ""
    if getattr(actor, "district_id", None):
        name = District.objects.filter(pk=actor.district_id).values_list("name", flat=True).first() or ""
    return UnitCoverage(unit_id=getattr(actor, "district_id", None), name=name or gettext("全区"))


def team_coverage(*, actor: Any, on: date, street_id: int | None = None) -> Coverage:
    """ "2+4" coverage (配齐率) as the actor sees it on day `on`: per street and for the district, how many
    compounds have all six seats filled, which seats are vacant where, and since when. Shared by the page,
    the API, the XLSX export and the PDF report."""
    compounds = Compound.objects.visible_to(actor)
    if street_id is not None:
        compounds = compounds.filter(community__street_id=street_id)
    teams = compound_teams(actor=actor, on=on, compounds=compounds)
    total = _district_unit(actor)
    streets: dict[int, UnitCoverage] = {}
    codes: dict[int, str] = {}
    for team in teams:
        street = team.compound.community.street
        codes[street.pk] = street.code
        streets.setdefault(street.pk, UnitCoverage(unit_id=street.pk, name=street.name)).add(team)
        total.add(team)
    ordered = sorted(streets.values(), key=lambda unit: codes[unit.unit_id])
    return Coverage(on=on, district=total, streets=ordered, teams=teams)


@dataclass
class CoverageCounts:
    on: date
    district: UnitCoverage
    streets: list[UnitCoverage]


def coverage_counts(*, actor: Any, on: date) -> CoverageCounts:
    """The figures of team_coverage per street and for the district (compounds, teams, full teams, vacant seats
    by seat), counted by PostgreSQL in one statement: the district home's table, which at a city district's
    1,300 compounds spent ~190 ms building every compound's team in Python. No vacancy's date, so no
    `longest_days` (None); the vacancies themselves are team_coverage's. Same rule: a seat is filled on `on` by
    its current term, a property manager only while the compound keeps the firm the manager was appointed for.
    """
    current = SeatTerm.objects.filter(team__compound=OuterRef("pk"), start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gt=on)
    )
    filled = {
        seat.value: Exists(
            current.filter(seat=seat)
            if seat != SeatKind.PROPERTY_MANAGER
            else current.filter(seat=seat)
            .annotate(firm=Coalesce("property_firm_id", Value(0)))
            .filter(firm=Coalesce(OuterRef("property_firm_id"), Value(0)))
        )
        for seat in SEATS
    }
    compounds = Compound.objects.visible_to(actor).annotate(
        has_team=Exists(ServiceTeam.objects.filter(compound=OuterRef("pk"))),
        **{f"filled_{seat}": condition for seat, condition in filled.items()},
    )
    every_seat = Q(**{f"filled_{seat}": True for seat in filled})
    rows = (
        compounds.order_by()
        .values("community__street_id", "community__street__name", "community__street__code")
        .annotate(
            compounds=Count("pk"),
            teams=Count("pk", filter=Q(has_team=True)),
            full=Count("pk", filter=every_seat),
            **{f"vacant_{seat}": Count("pk", filter=Q(**{f"filled_{seat}": False})) for seat in filled},
        )
        .order_by("community__street__code")
    )
    total = _district_unit(actor)
    streets = []
    for row in rows:
        street = UnitCoverage(
            unit_id=row["community__street_id"],
            name=row["community__street__name"],
            compounds=row["compounds"],
            teams=row["teams"],
            full=row["full"],
            by_seat={seat: row[f"vacant_{seat}"] for seat in filled},
        )
        street.vacant_seats = sum(street.by_seat.values())
        streets.append(street)
        for name in ("compounds", "teams", "full", "vacant_seats"):
            setattr(total, name, getattr(total, name) + getattr(street, name))
        for seat, n in street.by_seat.items():
            total.by_seat[seat] += n
    return CoverageCounts(on=on, district=total, streets=streets)


# ---------------------------------------------------------------------------------------------------- public card


@dataclass(frozen=True)
class CardSeat:
    label: str
    holder: str  # the holder's name, or "" when vacant
    organisation: str


@dataclass(frozen=True)
class CardReception:
    label: str  # 书记接待日
    when: str  # 每周三 09:00–11:30
    place: str
    host: str  # the person's name, or ""


@dataclass(frozen=True)
class CardDuty:
    roster: str
    duty_phone: str  # the office line of the roster (never a personal mobile)
    hours: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class ServiceCard:
    """Who serves a compound, as a resident may see it on the compound's page and the QR page: the "2+4"
    team's names and organisations, the stationed cadre and when they receive, the reception days and today's
    duty with the duty office's phone. No personal phone, no household, nothing about vacancies' causes."""

    compound_id: int
    compound_name: str
    seats: tuple[CardSeat, ...]
    filled: int
    stationed_cadre: str
    stationed_post: str
    office_hours: str
    receptions: tuple[CardReception, ...]
    duty: tuple[CardDuty, ...]
    on: date


def reception_hosts(*, actor: Any, compound: Compound) -> QuerySet[Person]:
    """Who may receive residents at a compound's reception day (书记、物业经理、驻点干部接待), as the actor sees
    them: the active staff of its community (cadres, workers, grid workers), the officers of its street, and the
    staff of its property firm. The form offers these (a district's every person was thousands of options), and
    staffing.services.stationed.reception_day_add refuses anyone else."""
    near = Q(
        role__in=(PersonRole.COMMUNITY_CADRE, PersonRole.COMMUNITY_WORKER, PersonRole.GRID_WORKER),
        community_id=compound.community_id,
    ) | Q(role=PersonRole.STREET_OFFICER, street_id=compound.community.street_id)
    if compound.property_firm_id is not None:
        near |= Q(role=PersonRole.PROPERTY_STAFF, property_firm_id=compound.property_firm_id)
    return Person.objects.visible_to(actor).filter(near, is_active=True).order_by("name")


def compound_service_card(compound_id: int, *, now: datetime | None = None) -> ServiceCard | None:
    """The service card of one compound (for pages of other apps: compounds' page, the resident QR page,
    joined by a top-floor app; template `staffing/_service_card.html`). The caller has already decided that
    the viewer may see this compound (the QR page by its public token). Five queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    compound = Compound.objects.select_related("community__street").filter(pk=compound_id).first()
    if compound is None:
        return None
    team = ServiceTeam.objects.filter(compound=compound).first()
    terms = list(
        SeatTerm.objects.filter(team=team).select_related(
            "person__department", "person__property_firm", "person__street"
        )
        if team
        else []
    )
    holders = {t.seat: t for t in terms if t.is_current(today)}
    stale = holders.get(SeatKind.PROPERTY_MANAGER)
    if stale is not None and stale.property_firm_id != compound.property_firm_id:
        del holders[SeatKind.PROPERTY_MANAGER]
    seats = tuple(
        CardSeat(
            label=seat.label,
            holder=holders[seat].person.name if seat in holders else "",
            organisation=holders[seat].person.organisation_label if seat in holders else "",
        )
        for seat in SEATS
    )
    stationed = StationedCadre.objects.current(today).filter(compound=compound).select_related("person").first()
    receptions = tuple(
        CardReception(
            label=r.get_host_display(),
            when=interpolate(
                _("每%(weekday)s %(start)s–%(end)s"),
                {"weekday": WEEKDAYS[r.weekday], "start": f"{r.starts_at:%H:%M}", "end": f"{r.ends_at:%H:%M}"},
            ),
            place=r.place,
            host=r.person.name if r.person_id else "",
        )
        for r in ReceptionDay.objects.filter(compound=compound, is_active=True).select_related("person")
    )
    return ServiceCard(
        compound_id=compound.pk,
        compound_name=compound.name,
        seats=seats,
        filled=len(holders),
        stationed_cadre=stationed.person.name if stationed else "",
        stationed_post=stationed.get_post_display() if stationed else "",
        office_hours=stationed.office_hours if stationed else "",
        receptions=receptions,
        duty=_duty_for_community(compound.community, now),
        on=today,
    )


def _duty_for_community(community: Community, now: datetime) -> tuple[CardDuty, ...]:
    """Today's duty of the community's rosters and its street's (street-level) rosters."""
    today = timezone.localdate(now)
    start = datetime.combine(today, time.min, tzinfo=BEIJING)
    rosters = DutyRoster.objects.filter(is_active=True, street_id=community.street_id).filter(
        Q(community__isnull=True) | Q(community=community)
    )
    shifts = (
        DutyShift.objects.filter(roster__in=rosters, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .select_related("roster", "person")
        .order_by("roster__community", "roster__name", "starts_at")
    )
    grouped: dict[int, list[DutyShift]] = {}
    for shift in shifts:
        grouped.setdefault(shift.roster_id, []).append(shift)
    cards = []
    for roster_shifts in grouped.values():
        roster = roster_shifts[0].roster
        first, last = min(s.starts_at for s in roster_shifts), max(s.ends_at for s in roster_shifts)
        cards.append(
            CardDuty(
                roster=roster.name,
                duty_phone=roster.duty_phone,
                hours=f"{first.astimezone(BEIJING):%H:%M}–{last.astimezone(BEIJING):%H:%M}",
                people=tuple(dict.fromkeys(s.person.name for s in roster_shifts)),
            )
        )
    return tuple(cards)


# ---------------------------------------------------------------------------------------------------- duty


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    kind: str  # 工作日 / 休息日 / 调休上班 / 节假日·春节
    is_rest: bool
    is_today: bool
    shifts: list[DutyShift] = field(default_factory=list)
    leaves: list[Leave] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """`kind` in the page's language (节假日·春节 → Holiday · Chinese New Year (Spring Festival))."""
        return day_kind_label(self.day, self.kind)


def day_kind_label(day: date, kind: str) -> str:
    """A working-calendar label (compounds.workcalendar.day_label, Chinese) in the active language."""
    if kind.startswith("节假日·"):
        return gettext("节假日·%(name)s") % {"name": _holiday_name(day, translation.get_language() or "")}
    labels = {"调休上班": gettext("调休上班"), "休息日": gettext("休息日"), "工作日": gettext("工作日")}
    return labels.get(kind, kind)


@functools.cache
def _holidays(year: int, language: str) -> Any:
    import holidays

    return holidays.China(years=year, language=language)


def _holiday_name(day: date, language: str) -> str:
    """The holiday's name on `day` from the `holidays` package, in English on an English page (its en_US names)."""
    if not language.startswith("en"):
        return holiday_name(day)
    return _holidays(day.year, "en_US").get(day) or holiday_name(day)


def month_start(value: date) -> date:
    return date(value.year, value.month, 1)


def next_month(value: date) -> date:
    return date(value.year + (value.month == 12), value.month % 12 + 1, 1)


def duty_month(*, actor: Any, roster: DutyRoster, month: date, today: date | None = None) -> list[list[CalendarDay]]:
    """The month calendar of a roster (weeks Monday to Sunday): each day's kind on the working calendar,
    its shifts and the leave days of the roster's people (调休 marked). Two queries."""
    today = today or timezone.localdate()
    first = month_start(month)
    grid_start = first - timedelta(days=first.weekday())
    after = next_month(first)
    grid_end = after + timedelta(days=(7 - after.weekday()) % 7)
    span_start = datetime.combine(grid_start, time.min, tzinfo=BEIJING)
    span_end = datetime.combine(grid_end, time.min, tzinfo=BEIJING)
    shifts = list(
        DutyShift.objects.visible_to(actor)
        .filter(roster=roster, starts_at__gte=span_start, starts_at__lt=span_end)
        .select_related("person", "compensatory_leave")
        .order_by("starts_at", "person__name")
    )
    people = {s.person_id for s in shifts}
    leaves = list(
        Leave.objects.filter(person_id__in=people, day__gte=grid_start, day__lt=grid_end)
        .select_related("person")
        .order_by("day", "person__name")
    )
    days: dict[date, CalendarDay] = {}
    cursor = grid_start
    while cursor < grid_end:
        days[cursor] = CalendarDay(
            day=cursor,
            in_month=cursor.month == first.month,
            kind=day_label(cursor),
            is_rest=is_rest_day(cursor),
            is_today=cursor == today,
        )
        cursor += timedelta(days=1)
    for shift in shifts:
        days[shift.day].shifts.append(shift)
    for leave in leaves:
        days[leave.day].leaves.append(leave)
    ordered = list(days.values())
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


def duty_today(*, actor: Any, now: datetime | None = None) -> list[DutyShift]:
    """Every shift of today the actor sees (staff home page: who is on duty today)."""
    now = now or timezone.now()
    start = datetime.combine(timezone.localdate(now), time.min, tzinfo=BEIJING)
    return list(
        DutyShift.objects.visible_to(actor)
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .select_related("roster", "person")
        .order_by("roster__street__code", "roster__name", "starts_at")
    )


# ---------------------------------------------------------------------------------------------------- visits


def households_due(*, actor: Any, today: date, within_days: int = 7) -> QuerySet[Household]:
    """Households the actor sees whose next visit falls due by `today + within_days` (overdue first)."""
    return (
        Household.objects.visible_to(actor)
        .filter(is_active=True, next_visit_on__lte=today + timedelta(days=within_days))
        .exclude(needs=[])
        .select_related("grid", "compound", "building")
        .order_by("next_visit_on", "compound__code", "address")
    )


@dataclass(frozen=True)
class GridOverview:
    grid: Grid
    community_member: GridMember | None
    property_member: GridMember | None
    households: int
    due: int
    overdue: int

    @property
    def paired(self) -> bool:
        return self.community_member is not None and self.property_member is not None


def grid_overview(*, actor: Any, today: date, grids: QuerySet[Grid] | None = None) -> list[GridOverview]:
    """The grids the actor sees (or `grids`), each with its current pair and its households' visit figures.
    Three queries."""
    grids = list((grids if grids is not None else Grid.objects.visible_to(actor)).select_related("community"))
    members = {
        (m.grid_id, m.side): m
        for m in GridMember.objects.current(today).filter(grid__in=grids).select_related("person")
    }
    figures = {
        row["grid"]: row
        for row in Household.objects.visible_to(actor)
        .filter(grid__in=grids, is_active=True)
        .values("grid")
        .annotate(
            total=Count("pk"),
            due=Count("pk", filter=Q(next_visit_on__lte=today + timedelta(days=7)) & ~Q(needs=[])),
            overdue=Count("pk", filter=Q(next_visit_on__lt=today) & ~Q(needs=[])),
        )
        .order_by()
    }
    return [
        GridOverview(
            grid=grid,
            community_member=members.get((grid.pk, GridSide.COMMUNITY)),
            property_member=members.get((grid.pk, GridSide.PROPERTY)),
            households=figures.get(grid.pk, {}).get("total", 0),
            due=figures.get(grid.pk, {}).get("due", 0),
            overdue=figures.get(grid.pk, {}).get("overdue", 0),
        )
        for grid in grids
    ]


@dataclass(frozen=True)
class PairingFigures:
    grids: int
    paired: int
    community_only: int
    unstaffed: int
    members: int  # people on grids (both sides)

    @property
    def workers_per_grid(self) -> Decimal | None:
        return (Decimal(self.members) / Decimal(self.grids)).quantize(Decimal("0.01")) if self.grids else None


def pairing_figures(*, actor: Any, today: date) -> PairingFigures:
    """How the grids the actor sees are staffed today (Qindu: 1,212 workers on 886 grids)."""
    grid_ids = list(Grid.objects.visible_to(actor).values_list("pk", flat=True))
    sides: dict[int, set[str]] = {pk: set() for pk in grid_ids}
    members = 0
    for grid_id, side in GridMember.objects.current(today).filter(grid_id__in=grid_ids).values_list("grid_id", "side"):
        sides[grid_id].add(side)
        members += 1
    both = sum(1 for s in sides.values() if len(s) == 2)
    community_only = sum(1 for s in sides.values() if s == {GridSide.COMMUNITY})
    return PairingFigures(
        grids=len(grid_ids),
        paired=both,
        community_only=community_only,
        unstaffed=sum(1 for s in sides.values() if not s),
        members=members,
    )


# ---------------------------------------------------------------------------------------------------- sink-down


@dataclass(frozen=True)
class TaskCountRow:
    community_id: int
    community_name: str
    street_name: str
    counts: dict[str, int]
    total: int

    def cells(self) -> list[tuple[str, int]]:
        """Each task type's name (the column a phone card shows it under) and count, in the table's order."""
        return [(t.label, self.counts.get(t.value, 0)) for t in SinkDownTaskType]


def sinkdown_counts(
    *, actor: Any, start: date, end: date, team_id: int | None = None
) -> tuple[list[TaskCountRow], dict[str, int]]:
    """Tasks logged in [start, end) per community and task type (one query), and the totals per type."""
    tasks = SinkDownTask.objects.visible_to(actor).filter(done_on__gte=start, done_on__lt=end)
    if team_id is not None:
        tasks = tasks.filter(team_id=team_id)
    rows: dict[int, dict[str, Any]] = {}
    for row in (
        tasks.values("community", "community__name", "community__street__name", "task_type")
        .annotate(n=Count("pk"))
        .order_by("community__code", "task_type")
    ):
        entry = rows.setdefault(
            row["community"],
            {"name": row["community__name"], "street": row["community__street__name"], "counts": {}},
        )
        entry["counts"][row["task_type"]] = row["n"]
    result = [
        TaskCountRow(
            community_id=pk,
            community_name=entry["name"],
            street_name=entry["street"],
            counts=entry["counts"],
            total=sum(entry["counts"].values()),
        )
        for pk, entry in rows.items()
    ]
    totals = {t.value: sum(r.counts.get(t.value, 0) for r in result) for t in SinkDownTaskType}
    return result, totals


# ---------------------------------------------------------------------------------------------------- volunteers


def volunteer_hours(*, actor: Any, start: date | None = None, end: date | None = None) -> QuerySet:
    """People with volunteer hours the actor sees, each with their total hours and services (most first)."""
    services = VolunteerService.objects.visible_to(actor)
    if start is not None:
        services = services.filter(served_on__gte=start)
    if end is not None:
        services = services.filter(served_on__lt=end)
    return (
        services.values("person", "person__name", "person__role")
        .annotate(hours=Sum("hours"), services=Count("pk"))
        .order_by("-hours", "person__name")
    )
