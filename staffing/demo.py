"""Staffing of the demo district (compounds.demo builds 长安区 with its streets, communities, 400
compounds, grids and users). `load_staffing_demo(district)` tells the story the staffing issue asks for:

- every compound has a "2+4" team, formed seven to twenty months ago, with a department that 包抓s it; about one seat in
  nine is empty — some since a holder left months ago, some never filled, the property manager wherever a
  compound has no firm — and some seats have had a predecessor;
- grids are paired at Qindu's ratio (1,212 workers on 886 grids): every grid has its community grid worker
  (the demo's grid accounts), about 37 % also a property staff member from a firm serving the grid;
- building heads, party-member households with 6–10 households each, volunteers with hours;
- households to visit (elderly living alone, low income, disabled, returning, new), about a third overdue,
  with their past visits;
- the stationed cadres the demo already set (Compound.stationed_cadre) get their terms, office hours and
  reception days (书记接待日, 物业经理接待日);
- one sink-down team per street, led by a district department, posted to its communities, with half a
  year of tasks of the seven types;
- a weekend-duty roster per street: the coming four weekends (and the last four) with compensatory
  weekday leave, and evening extended hours on working days, on China's working calendar;
- the staff stars of the quarter that just ended, graded and approved, with case figures from the demo's
  work orders.

Idempotent: a district that already has staffing (any "2+4" team) is left alone. Deterministic (a seeded
random.Random). Rows are written with bulk_create in the shapes the services' rules allow; the stars go
through the services. A function the demo composition calls (and `manage.py load_staffing_demo`).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.models import User
from accounts.roles import Role
from compounds.models import Building, Community, Compound, Department, DepartmentKind, District, Grid, Street
from compounds.workcalendar import BEIJING, is_rest_day, is_working_day
from staffing import grading
from staffing.models import (
    SEATS,
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
    StarAssessment,
    StationedCadre,
    Visit,
    VisitNeed,
    VisitOutcome,
    VolunteerService,
)
from staffing.models.visits import default_interval
from staffing.services import stars

SEED = 20260808
QINDU_RATIO = Decimal(1212) / Decimal(886)  # grid workers per grid
VACANT_SHARE = 0.11
SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志新晓宁斌欣雪琳浩宇婷佳慧鹏飞俊杰文博")
LAW_FIRMS = ["陕西秦风律师事务所", "陕西长安法源律师事务所", "西安终南律师事务所"]
LEAVE_REASONS = ["调离", "退休", "工作调整", "换届", "物业合同到期", "搬离本小区"]
TASK_TITLES = {
    SinkDownTaskType.GOVERNANCE_LIST: ["梳理社区治理问题清单", "更新小区问题台账"],
    SinkDownTaskType.OPINION_SURVEY: ["入户征求居民意见", "停车问题民意调查"],
    SinkDownTaskType.DISPUTE_MEDIATION: ["邻里漏水纠纷调解", "物业费纠纷调解"],
    SinkDownTaskType.SAFETY_INSPECTION: ["电动车充电安全巡查", "燃气安全检查", "消防通道排查"],
    SinkDownTaskType.ENVIRONMENT: ["背街小巷环境整治", "楼道堆物清理"],
    SinkDownTaskType.PARTY_BUILDING: ["党建联席会", "结对共建主题党日"],
    SinkDownTaskType.POLICY_OUTREACH: ["反诈宣传进小区", "老旧小区改造政策宣讲", "养老服务政策宣传"],
}
NEEDS_MIX = [
    [VisitNeed.ELDERLY_ALONE],
    [VisitNeed.ELDERLY_ALONE],
    [VisitNeed.ELDERLY_ALONE, VisitNeed.DISABLED],
    [VisitNeed.LOW_INCOME],
    [VisitNeed.DISABLED],
    [VisitNeed.RETURNING],
    [VisitNeed.NEW_RESIDENT],
]


@dataclass
class StaffingDemoSummary:
    district: District
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        if not self.created:
            return [f"{self.district.name}已有人员配备数据，未改动。"]
        out = [f"已生成{self.district.name}人员配备演示数据，用时 {self.seconds:.1f} 秒："]
        out += [f"  {label}：{n}" for label, n in self.counts.items()]
        return out


def load_staffing_demo(district: District, *, today: date | None = None, seed: int = SEED) -> StaffingDemoSummary:
    """Build the demo district's staffing (see the module docstring); leave a district that has any alone."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    with transaction.atomic():
        if ServiceTeam.objects.filter(district=district).exists():
            return StaffingDemoSummary(district=district, created=False)
        builder = _Builder(district=district, rng=random.Random(seed), today=today)
        builder.build()
    summary = StaffingDemoSummary(district=district, created=True, counts=_counts(district, today))
    summary.seconds = time.perf_counter() - started
    return summary


def _counts(district: District, today: date) -> dict[str, int]:
    from staffing.selectors import pairing_figures, team_coverage

    actor = SystemActor(name="demo:staffing", district_id=district.pk)
    coverage = team_coverage(actor=actor, on=today)
    pairing = pairing_figures(actor=actor, today=today)
    return {
        "人员": Person.objects.filter(district=district).count(),
        "“2+4”团队": coverage.district.teams,
        "六岗配齐的小区": coverage.district.full,
        "空缺岗位": coverage.district.vacant_seats,
        "网格": pairing.grids,
        "网格员": pairing.members,
        "走访对象": Household.objects.filter(district=district).exclude(needs=[]).count(),
        "其中逾期未访": Household.objects.filter(district=district, next_visit_on__lt=today).exclude(needs=[]).count(),
        "值班班次": DutyShift.objects.filter(district=district).count(),
        "下沉服务队": SinkDownTeam.objects.filter(district=district).count(),
        "星级评定（已审定）": StarAssessment.objects.filter(district=district, approved_at__isnull=False).count(),
    }


class _Builder:
    def __init__(self, *, district: District, rng: random.Random, today: date) -> None:
        self.d, self.rng, self.today = district, rng, today
        self.phone_serial = 0
        self.system = SystemActor(name="demo:staffing", district_id=district.pk)

    # ----- helpers ----------------------------------------------------------------------------------

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2)))

    def phone(self) -> str:
        self.phone_serial += 1
        second, third = self.rng.choice("3589"), self.rng.randint(0, 9)
        if (second, third) == ("5", 4):  # 154 is unallocated: accounts.phones refuses it
            third = 8
        return f"1{second}{third}{self.d.pk % 100:02d}{self.phone_serial:06d}"

    def person(self, role: str, **extra) -> Person:
        values = {"district": self.d, "name": self.name(), "phone": self.phone(), "role": role, **extra}
        community = values.get("community")
        if community is not None and "street" not in values:
            values["street"] = community.street
        return Person(**values)

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    # ----- the build --------------------------------------------------------------------------------

    def build(self) -> None:
        d = self.d
        self.streets = list(Street.objects.filter(district=d).order_by("code"))
        self.communities = list(Community.objects.filter(district=d).select_related("street").order_by("code"))
        self.compounds = list(
            Compound.objects.filter(district=d).select_related("community__street", "property_firm").order_by("code")
        )
        self.grids = list(Grid.objects.filter(district=d).select_related("community").order_by("code"))
        self.departments = list(Department.objects.filter(district=d).order_by("name"))
        self.users = list(User.objects.filter(district=d).prefetch_related("grids"))
        self.people()
        self.teams()
        self.grid_staffing()
        self.households()
        self.stationed()
        self.sinkdown()
        self.duty()
        self.volunteers()
        self.stars()

    def people(self) -> None:
        """The people every later step draws from, created in bulk."""
        rows: list[Person] = []
        users_by_role = {}
        for user in self.users:
            users_by_role.setdefault(user.role, []).append(user)
        self.cadre_of: dict[int, Person] = {}
        for user in users_by_role.get(Role.COMMUNITY_CADRE, []):
            person = Person(
                district=self.d,
                name=user.full_name or user.username,
                phone=self.phone(),
                role=PersonRole.COMMUNITY_CADRE,
                community_id=user.community_id,
                street_id=None,
                account=user,
                title="社区党委书记",
                is_party_member=True,
            )
            self.cadre_of[user.community_id] = person
            rows.append(person)
        self.grid_person: dict[int, Person] = {}
        for user in users_by_role.get(Role.GRID_WORKER, []):
            grid = next(iter(user.grids.all()), None)
            if grid is None:
                continue
            person = Person(
                district=self.d,
                name=user.full_name or user.username,
                phone=self.phone(),
                role=PersonRole.GRID_WORKER,
                community_id=grid.community_id,
                account=user,
            )
            self.grid_person[grid.pk] = person
            rows.append(person)
        self.workers = {
            c.pk: [self.person(PersonRole.COMMUNITY_WORKER, community=c) for _ in range(2)] for c in self.communities
        }
        self.officers = {
            s.pk: [self.person(PersonRole.STREET_OFFICER, street=s, title="街道干部") for _ in range(5)]
            for s in self.streets
        }
        police = next((x for x in self.departments if x.kind == DepartmentKind.POLICE), self.departments[0])
        self.police = {
            c.pk: self.person(PersonRole.POLICE_OFFICER, department=police, title="社区民警") for c in self.communities
        }
        self.chiefs = {
            x.pk: [self.person(PersonRole.DEPARTMENT_STAFF, department=x, title="科长") for _ in range(10)]
            for x in self.departments
        }
        self.lawyers = [
            self.person(PersonRole.LEGAL_ADVISER, organisation_name=LAW_FIRMS[i % len(LAW_FIRMS)], title="律师")
            for i in range(14)
        ]
        firms = {c.property_firm for c in self.compounds if c.property_firm_id}
        self.managers = {f.pk: self.person(PersonRole.PROPERTY_STAFF, property_firm=f, title="项目经理") for f in firms}
        self.residents = {c.pk: self.person(PersonRole.RESIDENT, community=c.community) for c in self.compounds}
        self.sinkdown_staff = {
            x.pk: [self.person(PersonRole.DEPARTMENT_STAFF, department=x) for _ in range(4)] for x in self.departments
        }
        for group in (self.workers, self.officers, self.chiefs, self.sinkdown_staff):
            for people in group.values():
                rows += people
        rows += [*self.police.values(), *self.lawyers, *self.managers.values(), *self.residents.values()]
        # A predecessor for some seats: more people of the same kinds.
        self.spare_residents = {c.pk: self.person(PersonRole.RESIDENT, community=c) for c in self.communities}
        rows += self.spare_residents.values()
        for person in rows:
            if person.community_id and person.street_id is None:
                person.street_id = next(c.street_id for c in self.communities if c.pk == person.community_id)
        Person.objects.bulk_create(rows, batch_size=1000)

    def teams(self) -> None:
        d, rng = self.d, self.rng
        teams, sponsorships, terms = [], [], []
        for i, compound in enumerate(self.compounds):
            formed = self.day_between(self.today - timedelta(days=640), self.today - timedelta(days=200))
            teams.append(ServiceTeam(district=d, compound=compound, formed_on=formed))
            department = self.departments[i % len(self.departments)]
            sponsorships.append(
                Sponsorship(district=d, department=department, compound=compound, start=date(2024, 1, 1))
            )
        teams = ServiceTeam.objects.bulk_create(teams)
        Sponsorship.objects.bulk_create(sponsorships)
        for i, (team, compound) in enumerate(zip(teams, self.compounds, strict=True)):
            department = self.departments[i % len(self.departments)]
            street, community = compound.community.street, compound.community
            holders = {
                SeatKind.SERVICE_CHIEF: (rng.choice(self.chiefs[department.pk]), {"department": department}),
                SeatKind.STREET_LIAISON: (rng.choice(self.officers[street.pk][:3]), {}),
                SeatKind.POLICE_OFFICER: (self.police[community.pk], {}),
                SeatKind.LEGAL_ADVISER: (self.lawyers[i % len(self.lawyers)], {}),
                SeatKind.PROPERTY_MANAGER: (
                    (self.managers[compound.property_firm_id], {"property_firm_id": compound.property_firm_id})
                    if compound.property_firm_id
                    else (None, {})
                ),
                SeatKind.RESIDENT_REPRESENTATIVE: (self.residents[compound.pk], {}),
            }
            for seat in SEATS:
                person, extra = holders[seat]
                if person is None:
                    continue  # no firm, no property manager: vacant since the team was formed
                start = team.formed_on
                roll = rng.random()
                if roll < VACANT_SHARE * 0.45:
                    continue  # never filled
                if roll < VACANT_SHARE:
                    # held, then left 1–9 months ago: a vacancy with its date
                    left = self.day_between(
                        max(start + timedelta(days=30), self.today - timedelta(days=270)),
                        self.today - timedelta(days=20),
                    )
                    terms.append(
                        SeatTerm(
                            district=d,
                            team=team,
                            seat=seat,
                            person=person,
                            start=start,
                            end=left,
                            end_reason=rng.choice(LEAVE_REASONS),
                            **extra,
                        )
                    )
                    continue
                if roll < VACANT_SHARE + 0.12 and seat == SeatKind.RESIDENT_REPRESENTATIVE:
                    # a predecessor who moved away, then the current representative
                    handover = self.day_between(start + timedelta(days=60), self.today - timedelta(days=30))
                    terms.append(
                        SeatTerm(
                            district=d,
                            team=team,
                            seat=seat,
                            person=self.spare_residents[community.pk],
                            start=start,
                            end=handover,
                            end_reason=f"由{person.name}接任",
                            **extra,
                        )
                    )
                    start = handover
                terms.append(SeatTerm(district=d, team=team, seat=seat, person=person, start=start, **extra))
        SeatTerm.objects.bulk_create(terms, batch_size=2000)

    def grid_staffing(self) -> None:
        d, rng = self.d, self.rng
        start = date(2024, 7, 1)
        members, extra_people = [], []
        firms_of: dict[int, list[int]] = {}
        for grid_id, firm_id in (
            Building.objects.filter(district=d, grids__isnull=False, compound__property_firm__isnull=False)
            .values_list("grids", "compound__property_firm")
            .distinct()
        ):
            firms_of.setdefault(grid_id, []).append(firm_id)
        wanted = int((QINDU_RATIO - 1) * len(self.grids))  # property members to reach Qindu's ratio
        candidates = [g for g in self.grids if firms_of.get(g.pk)]
        chosen = set(g.pk for g in rng.sample(candidates, min(wanted, len(candidates))))
        for grid in self.grids:
            person = self.grid_person.get(grid.pk) or self.workers[grid.community_id][0]
            members.append(GridMember(district=d, grid=grid, side=GridSide.COMMUNITY, person=person, start=start))
            if grid.pk in chosen:
                firm_id = rng.choice(sorted(firms_of[grid.pk]))
                staff = Person(
                    district=d,
                    name=self.name(),
                    phone=self.phone(),
                    role=PersonRole.PROPERTY_STAFF,
                    property_firm_id=firm_id,
                    title="物业网格员",
                )
                extra_people.append(staff)
                members.append(GridMember(district=d, grid=grid, side=GridSide.PROPERTY, person=staff, start=start))
        Person.objects.bulk_create(extra_people)
        GridMember.objects.bulk_create(members)
        # building heads: the first three buildings of each compound
        heads, people = [], []
        for building in (
            Building.objects.filter(district=d).select_related("compound__community").order_by("compound__code", "pk")
        ):
            if building.name not in ("1号楼", "2号楼", "3号楼"):
                continue
            head = self.person(PersonRole.RESIDENT, community=building.compound.community, title="楼栋长")
            head.street_id = building.compound.community.street_id
            people.append(head)
            heads.append(
                BuildingHead(
                    district=d,
                    building=building,
                    person=head,
                    start=self.day_between(date(2024, 1, 1), date(2025, 12, 31)),
                )
            )
        Person.objects.bulk_create(people, batch_size=1000)
        BuildingHead.objects.bulk_create(heads, batch_size=1000)

    def households(self) -> None:
        d, rng, today = self.d, self.rng, self.today
        rows: list[Household] = []
        buildings_of: dict[int, list[Building]] = {}
        for grid_id, building in (
            (g, b)
            for b in Building.objects.filter(district=d).select_related("compound").prefetch_related("grids")
            for g in [x.pk for x in b.grids.all()]
        ):
            buildings_of.setdefault(grid_id, []).append(building)
        for grid in self.grids:
            buildings = buildings_of.get(grid.pk, [])
            if not buildings:
                continue
            for n in range(12):
                building = buildings[n % len(buildings)]
                needs = [n.value for n in rng.choice(NEEDS_MIX)] if n < 7 else []
                interval = default_interval(needs) if needs else None
                registered = today - timedelta(days=rng.randint(60, 400))
                last = None
                if needs:
                    # about a third overdue: the last visit up to 1.6 intervals ago
                    last = today - timedelta(days=rng.randint(0, int(interval * 1.6)))
                rows.append(
                    Household(
                        district=d,
                        grid=grid,
                        compound=building.compound,
                        building=building,
                        address=f"{n % 3 + 1}单元{(n // 3 + 1) * 100 + n % 4 + 1}",
                        head_name=self.name(),
                        phone=self.phone(),
                        needs=needs,
                        visit_interval_days=interval,
                        registered_on=registered,
                        last_visited_on=last,
                    )
                )
        households = Household.objects.bulk_create(rows, batch_size=2000)
        visits = []
        worker_of = {g.pk: self.grid_person.get(g.pk) for g in self.grids}
        for household in households:
            if household.last_visited_on is None:
                continue
            person = worker_of.get(household.grid_id)
            moment = datetime.combine(household.last_visited_on, datetime.min.time(), tzinfo=BEIJING) + timedelta(
                hours=rng.randint(9, 17)
            )
            visits.append(
                Visit(
                    district=d,
                    household=household,
                    visitor=person.account if person else None,
                    visitor_person=person,
                    visited_at=moment,
                    outcome=VisitOutcome.WELL,
                    findings=rng.choice(["身体状况良好", "家中整洁，生活正常", "已提醒注意用电安全", ""]),
                )
            )
        Visit.objects.bulk_create(visits, batch_size=2000)
        # party-member households: two per grid, each linked to 6–10 of its households
        party_people, parties, links = [], [], []
        by_grid: dict[int, list[Household]] = {}
        for h in households:
            by_grid.setdefault(h.grid_id, []).append(h)
        for grid in self.grids:
            homes = by_grid.get(grid.pk, [])
            for k in range(2):
                chunk = homes[k * 6 : k * 6 + rng.randint(6, 10)]
                if len(chunk) < 5:
                    continue
                member = self.person(PersonRole.RESIDENT, community=grid.community, is_party_member=True)
                member.street_id = grid.community.street_id
                party_people.append(member)
                parties.append(PartyHousehold(district=d, person=member, grid=grid, since=date(2024, 7, 1)))
                links.append(chunk)
        Person.objects.bulk_create(party_people)
        parties = PartyHousehold.objects.bulk_create(parties)
        for party, chunk in zip(parties, links, strict=True):
            Household.objects.filter(pk__in=[h.pk for h in chunk], party_household__isnull=True).update(
                party_household=party
            )

    def stationed(self) -> None:
        d = self.d
        terms, receptions = [], []
        for compound in self.compounds:
            if compound.stationed_cadre_id is None:
                continue
            person = self.cadre_of.get(compound.community_id)
            if person is None or person.account_id != compound.stationed_cadre_id:
                continue
            terms.append(
                StationedCadre(
                    district=d,
                    compound=compound,
                    person=person,
                    post=CadrePost.SECRETARY,
                    start=date(2025, 1, 1),
                    office_hours="周一至周五 9:00–12:00",
                )
            )
            receptions.append(
                ReceptionDay(
                    district=d,
                    compound=compound,
                    host=ReceptionHost.SECRETARY,
                    person=person,
                    weekday=2,
                    starts_at=datetime.strptime("09:00", "%H:%M").time(),
                    ends_at=datetime.strptime("11:30", "%H:%M").time(),
                    place=f"{compound.community.name}党群服务中心",
                )
            )
            if compound.property_firm_id:
                receptions.append(
                    ReceptionDay(
                        district=d,
                        compound=compound,
                        host=ReceptionHost.PROPERTY_MANAGER,
                        person=self.managers[compound.property_firm_id],
                        weekday=4,
                        starts_at=datetime.strptime("15:00", "%H:%M").time(),
                        ends_at=datetime.strptime("17:00", "%H:%M").time(),
                        place=f"{compound.name}物业服务中心",
                    )
                )
        StationedCadre.objects.bulk_create(terms)
        ReceptionDay.objects.bulk_create(receptions)

    def sinkdown(self) -> None:
        d, rng, today = self.d, self.rng, self.today
        leads = [x for x in self.departments if x.kind != DepartmentKind.HOUSING] or self.departments
        teams = SinkDownTeam.objects.bulk_create(
            SinkDownTeam(
                district=d,
                name=f"{street.name.removesuffix('街道')}组团式下沉服务队",
                department=leads[i % len(leads)],
                formed_on=date(2025, 3, 1),
            )
            for i, street in enumerate(self.streets)
        )
        members, posts, tasks = [], [], []
        types = list(SinkDownTaskType)
        for i, (team, street) in enumerate(zip(teams, self.streets, strict=True)):
            for k, department in enumerate(leads):
                person = self.sinkdown_staff[department.pk][i % 4]
                members.append(
                    SinkDownMember(
                        district=d,
                        team=team,
                        person=person,
                        start=team.formed_on,
                        is_leader=department.pk == team.department_id and k == leads.index(department),
                    )
                )
            for community in (c for c in self.communities if c.street_id == street.pk):
                posts.append(SinkDownPost(district=d, team=team, community=community, start=team.formed_on))
                for _ in range(18):  # about three tasks a month over half a year
                    task_type = rng.choice(types)
                    tasks.append(
                        SinkDownTask(
                            district=d,
                            team=team,
                            community=community,
                            task_type=task_type,
                            done_on=today - timedelta(days=rng.randint(1, 180)),
                            title=rng.choice(TASK_TITLES[task_type]),
                            participants=rng.randint(2, 6),
                            residents_served=rng.randint(0, 80),
                        )
                    )
        SinkDownMember.objects.bulk_create(members)
        SinkDownPost.objects.bulk_create(posts)
        SinkDownTask.objects.bulk_create(tasks, batch_size=2000)

    def duty(self) -> None:
        d, today = self.d, self.today
        rosters = DutyRoster.objects.bulk_create(
            DutyRoster(
                district=d,
                street=street,
                name=f"{street.name}周末值班（七天不打烊）",
                duty_phone=f"029-85{i + 1:02d}{self.d.pk % 100:02d}{i:02d}",
                note="周末值班、周中调休；工作日延时服务至 20:00",
            )
            for i, street in enumerate(self.streets)
        )
        shifts, leaves = [], []
        taken: set[tuple[int, date]] = set()
        for roster in rosters:
            staff = self.officers[roster.street_id] + [
                w for c in self.communities if c.street_id == roster.street_id for w in self.workers[c.pk]
            ]
            turn = 0
            cursor = today - timedelta(days=28)
            while cursor <= today + timedelta(days=28):
                if is_rest_day(cursor):
                    for _ in range(2):
                        person = staff[turn % len(staff)]
                        turn += 1
                        shift = DutyShift(
                            district=d,
                            roster=roster,
                            person=person,
                            kind=ShiftKind.REST_DAY,
                            starts_at=datetime.combine(cursor, roster.day_starts, tzinfo=BEIJING),
                            ends_at=datetime.combine(cursor, roster.day_ends, tzinfo=BEIJING),
                        )
                        shifts.append(shift)
                        taken.add((id(person), cursor))
                elif cursor >= today - timedelta(days=7):
                    person = staff[turn % len(staff)]
                    turn += 1
                    shifts.append(
                        DutyShift(
                            district=d,
                            roster=roster,
                            person=person,
                            kind=ShiftKind.EXTENDED,
                            starts_at=datetime.combine(
                                cursor, datetime.strptime("18:00", "%H:%M").time(), tzinfo=BEIJING
                            ),
                            ends_at=datetime.combine(
                                cursor, datetime.strptime("20:00", "%H:%M").time(), tzinfo=BEIJING
                            ),
                        )
                    )
                    taken.add((id(person), cursor))
                cursor += timedelta(days=1)
        shifts = DutyShift.objects.bulk_create(shifts, batch_size=2000)
        used: set[tuple[int, date]] = set()
        for shift in shifts:
            if shift.kind != ShiftKind.REST_DAY:
                continue
            # the first working day from the Wednesday after, on which the person is free (周中调休)
            day = shift.day + timedelta(days=(2 - shift.day.weekday()) % 7 or 7)
            while not is_working_day(day) or (id(shift.person), day) in taken or (shift.person_id, day) in used:
                day += timedelta(days=1)
            used.add((shift.person_id, day))
            leaves.append(
                Leave(
                    district=d,
                    person=shift.person,
                    day=day,
                    kind=LeaveKind.COMPENSATORY,
                    shift=shift,
                    note=f"{shift.day.month}月{shift.day.day}日值班调休",
                )
            )
        Leave.objects.bulk_create(leaves, batch_size=2000)

    def volunteers(self) -> None:
        d, rng, today = self.d, self.rng, self.today
        people = [self.person(PersonRole.VOLUNTEER, community=c) for c in self.communities for _ in range(2)]
        for p in people:
            p.street_id = p.community.street_id
        Person.objects.bulk_create(people)
        services = [
            VolunteerService(
                district=d,
                person=p,
                community=p.community,
                served_on=today - timedelta(days=rng.randint(1, 120)),
                hours=Decimal(rng.choice(["1.5", "2.0", "3.0", "4.0"])),
                activity=rng.choice(["助老陪护", "垃圾分类指导", "文明劝导", "义务巡逻", "环境清扫"]),
            )
            for p in people
            for _ in range(rng.randint(2, 6))
        ]
        VolunteerService.objects.bulk_create(services)

    def stars(self) -> None:
        """The quarter that just ended: prepared and approved through the services, graded in between."""
        year, quarter = self.today.year, (self.today.month - 1) // 3 + 1
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        now = datetime.combine(self.today, datetime.min.time(), tzinfo=BEIJING)
        stars.star_quarter_prepare(actor=self.system, district=self.d, year=year, quarter=quarter, now=now)
        rows = list(StarAssessment.objects.filter(district=self.d, year=year, quarter=quarter))
        for row in rows:
            row.proficiency = Decimal(self.rng.randint(60, 98))
            row.attitude = Decimal(self.rng.randint(65, 100))
            result = grading.grade(
                proficiency=row.proficiency,
                attitude=row.attitude,
                accepted=row.cases_accepted,
                completed=row.cases_completed,
                rated=row.cases_rated,
                satisfied=row.cases_satisfied,
            )
            row.score, row.stars, row.note = result.score, result.stars, "演示评定"
        StarAssessment.objects.bulk_update(rows, ["proficiency", "attitude", "score", "stars", "note"], batch_size=1000)
        stars.star_quarter_approve(actor=self.system, district=self.d, year=year, quarter=quarter, now=now)
