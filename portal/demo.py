"""The demo district as a whole (manage.py load_demo, make demo): the top floor composes each app's own demo
loader, in the order the floors stand — the tree (compounds/demo.py), the routing rules and the categories
departments answer, the work orders (workorders/demo.py) with one that climbed every rung (firm → community →
street → department), contracts, a six-step introduction half-way and 议事会 meetings, last quarter rated and
published with its PDF (red, grey and black lists) and the current quarter's rating period open so
that the QR page offers the survey (ratings), the staffing
(staffing/demo.py), once it lands the funding (funding/demo.py), and last month's street ranking asked of
the report room. Each loader leaves a district that
already has its rows alone, so a second run changes nothing; `reset` deletes the district and builds it again.
"""

from __future__ import annotations

import importlib
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.models import User
from accounts.roles import Role
from compounds.demo import DISTRICT_CODE, demo_build
from compounds.models import Community, Compound, Department, DepartmentKind, District, PropertyFirm
from ratings import services as ratings_services
from ratings.models import (
    Decision,
    FirmScore,
    Introduction,
    IntroductionStage,
    PanelParty,
    PanelScore,
    RatingPeriod,
    SatisfactionLevel,
    ServiceContract,
    SurveyResponse,
)
from ratings.models.evaluation import SATISFACTION_POINTS
from ratings.report_kinds import MONTHLY_STREETS, QUARTERLY_LISTS
from ratings.services import period_open
from reports import services as room
from staffing.demo import load_staffing_demo
from workorders import services as wo_services
from workorders.demo import build_demo_work_orders, demo_work_orders_delete
from workorders.models import Category, Channel, DeliberationMeeting, HandlerLevel, RoutingRule, WorkOrder
from workorders.worktime import BEIJING

# The platform acting for the demo: no district of its own, so that the loaders' district checks let it build.
DEMO_ACTOR = SystemActor(name="command:load_demo")


def open_rating_period(*, district: District, now: datetime) -> str:
    """Open the current quarter's rating period (the owners' survey takes answers; the QR page links to it),
    unless the quarter already has one. Returns "2026 年第 4 季度" when it opened one, else ""."""
    today = now.astimezone(BEIJING).date()
    quarter = (today.month - 1) // 3 + 1
    if RatingPeriod.objects.filter(district=district, year=today.year, quarter=quarter).exists():
        return ""
    period = period_open(actor=DEMO_ACTOR, district=district, year=today.year, quarter=quarter)
    return f"{period.year} 年第 {period.quarter} 季度"


LEVELS = list(SatisfactionLevel)
SEED = 20260401


def publish_past_quarter(*, district: District, now: datetime, seed: int = SEED) -> str:
    """The last quarter, rated and published, as Chang'an's first list was (10 red and 5 black of 129 firms):
    owners' answers in every compound with a firm (30–42 households each), the five panel parties' scores, then
    computed and published by the district official through the ratings services. Returns a summary line."""
    today = now.astimezone(BEIJING).date()
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)
    if RatingPeriod.objects.filter(district=district, year=year, quarter=quarter).exists():
        return ""
    official = _official(district)
    if official is None:
        return ""
    rng = random.Random(seed)
    # Chang'an's black list took 5 of 129 firms (3.9 %): the bottom 4 %, not the default 5 % (6 firms).
    ratings_services.rating_settings_update(actor=official, district=district, black_bottom_percent=Decimal(4))
    period = period_open(actor=official, district=district, year=year, quarter=quarter)
    compounds = list(Compound.objects.filter(district=district, property_firm__isnull=False).order_by("code"))
    firms = sorted({c.property_firm_id for c in compounds})
    rng.shuffle(firms)
    # As Chang'an's first list: about ten excellent firms, five failing ones, the rest in between.
    tier = {firm: "excellent" if i < 10 else "failing" if i < 15 else "ordinary" for i, firm in enumerate(firms)}
    quality = {firm: rng.random() for firm in firms}
    answers = []
    for compound in compounds:
        firm = compound.property_firm_id
        weights = _answer_weights(tier[firm], quality[firm])
        for n in range(rng.randint(30, 42)):  # enough households for a score (RatingSettings.min_answers)
            level = rng.choices(LEVELS, weights=weights)[0]
            answers.append(
                SurveyResponse(
                    district=district,
                    period=period,
                    compound=compound,
                    firm_id=firm,
                    household_key=f"{1 + n // 6}号楼-{101 + n}",
                    level=level,
                    points=SATISFACTION_POINTS[level],
                )
            )
    SurveyResponse.objects.bulk_create(answers)
    ratings_services.period_start_scoring(actor=official, period=period)
    PanelScore.objects.bulk_create(
        PanelScore(
            district=district,
            period=period,
            firm_id=firm_id,
            party=party,
            score=_panel_score(tier[firm_id], quality[firm_id], rng),
        )
        for firm_id in sorted(firms)
        for party in PanelParty
    )
    # Computed and published; its PDF (the quarter's lists) is built in the report room, the one place the
    # quarter's reports live, from the published (frozen) results once this transaction commits.
    ratings_services.period_compute(actor=official, period=period)
    ratings_services.period_publish(actor=official, period=period)
    room.report_request(actor=official, kind=QUARTERLY_LISTS, key=f"{year}-Q{quarter}", district_id=period.district_id)
    lists = Counter(FirmScore.objects.filter(period=period).values_list("list_kind", flat=True))
    return (
        f"已发布 {year} 年第 {quarter} 季度物业考评：问卷 {len(answers)} 份，"
        f"红榜 {lists.get('red', 0)}，灰榜 {lists.get('grey', 0)}，黑榜 {lists.get('black', 0)}，"
        f"样本不足 {lists.get('insufficient', 0)}。"
    )


def _answer_weights(tier: str, q: float) -> list[float]:
    """Chances of 很满意, 满意, 一般, 不满意, 很不满意 for a firm of a tier (an ordinary firm's mean stays under
    90 points, an excellent one's above, a failing one's under 60)."""
    if tier == "excellent":
        return [0.72 + 0.08 * q, 0.25 - 0.08 * q, 0.03, 0.0, 0.0]
    if tier == "failing":
        return [0.05, 0.15, 0.3, 0.3, 0.2]
    return [0.15 + 0.35 * q, 0.45, 0.25 - 0.2 * q, 0.1 - 0.1 * q, 0.05 - 0.05 * q]


def _panel_score(tier: str, q: float, rng: random.Random) -> int:
    centre = {"excellent": 94, "failing": 52}.get(tier, 70 + 15 * q)
    return max(0, min(100, round(centre + rng.gauss(0, 2.5))))


def request_last_months_ranking(*, district: District, now: datetime) -> str:
    """Ask the report room for last month's street ranking PDF (built by the report worker once committed)."""
    first = now.astimezone(BEIJING).date().replace(day=1)
    last_month: date = first - timedelta(days=1)
    key = f"{last_month.year}-{last_month.month:02d}"
    actor = SystemActor(name="command:load_demo", district_id=district.pk)
    room.report_request(actor=actor, kind=MONTHLY_STREETS, key=key)
    return f"已请求生成 {last_month.year} 年 {last_month.month} 月街道三率排名（报告室）。"


def _optional_loader(module: str, name: str) -> Callable | None:
    """A loader of an app that may not have landed yet (funding): None until its module exists."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def load_demo(*, reset: bool = False, now: datetime | None = None) -> list[str]:
    """Build the demo district with every app's demo rows; returns the lines to print."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = District.objects.filter(code=DISTRICT_CODE).first()
        if reset and existing is not None:
            demo_work_orders_delete(district=existing)  # the orders still point at the demo users
        summary = demo_build(reset=reset)
    lines = list(summary.lines())
    if not summary.created:
        return lines
    district = summary.district
    with transaction.atomic():
        routing = set_routing(district=district)
    lines += build_demo_work_orders(district=district, now=now).lines()
    with transaction.atomic():
        climbed = climb_the_ladder(district=district, now=now)
        story = [routing, sign_contracts(district=district, now=now), start_an_introduction(district=district, now=now)]
        story.append(hold_meetings(district=district, now=now))
    if climbed is not None:
        story.append(f"逐级上报到职能部门的工单：{climbed.tracking_code}（物业 → 社区 → 街道 → 住建局）。")
    lines += [line for line in story if line]
    with transaction.atomic():
        published = publish_past_quarter(district=district, now=now)
        period = open_rating_period(district=district, now=now)
    if published:
        lines.append(published)
    if period:
        lines.append(f"已开启评议：{period}")
    today = now.astimezone(BEIJING).date()
    lines += load_staffing_demo(district, today=today).lines()
    funding = _optional_loader("funding.demo", "load_funding_demo")
    if funding is not None:
        lines += funding(district, today=today).lines()
    with transaction.atomic():
        lines.append(request_last_months_ranking(district=district, now=now))
    return lines


# Categories a department answers when the street calls it (街道吹哨、部门报到), by the department's kind.
CATEGORY_DEPARTMENTS = {
    "illegal-construction": DepartmentKind.URBAN_MANAGEMENT,
    "thrown-from-height": DepartmentKind.POLICE,
    "neighbour-dispute": DepartmentKind.JUSTICE,
    "property-fee": DepartmentKind.HOUSING,
    "safety-hazard": DepartmentKind.HOUSING,
    "rental-registration": DepartmentKind.POLICE,
}


def set_routing(*, district: District) -> str:
    """Routing as the field reports do it: categories a department answers, and rules — a "三无" compound has no
    firm to send property matters to, so its community takes them; illegal construction is urban management's
    from the start; 飞线充电 goes to the compound's stationed cadre."""
    if RoutingRule.objects.filter(district=district).exists():
        return ""
    wo_services.categories_seed(
        actor=DEMO_ACTOR, district=district
    )  # idempotent; a rule must never lose its category to None
    departments = {d.kind: d for d in Department.objects.filter(district=district)}
    categories = {c.code: c for c in Category.objects.filter(district=district)}
    for code, kind in CATEGORY_DEPARTMENTS.items():
        if code in categories and kind in departments:
            Category.objects.filter(pk=categories[code].pk).update(department=departments[kind])
    rules = [
        RoutingRule(
            district=district,
            priority=10,
            name="违章搭建直达城管",
            category=categories.get("illegal-construction"),
            target_level=HandlerLevel.DEPARTMENT,
            target_department=departments.get(DepartmentKind.URBAN_MANAGEMENT),
        ),
        RoutingRule(
            district=district,
            priority=20,
            name="飞线充电先到驻点干部",
            category=categories.get("ebike-wire-charging"),
            target_level=HandlerLevel.STATIONED_CADRE,
        ),
        RoutingRule(
            district=district,
            priority=30,
            name="三无小区的物业类诉求由社区承办",
            three_no=True,
            target_level=HandlerLevel.COMMUNITY,
        ),
    ]
    for rule in rules:
        rule.full_clean()
    RoutingRule.objects.bulk_create(rules)
    return f"分派规则 {len(rules)} 条；{len(CATEGORY_DEPARTMENTS)} 类诉求可由街道呼叫职能部门。"


def climb_the_ladder(*, district: District, now: datetime) -> WorkOrder | None:
    """One order that climbed every rung, as the slogan says it should be able to: a leaking roof the firm could
    not fix (上报 to the community), the community could not settle (to the street), and the street called the
    housing bureau (街道吹哨、部门报到). Returns it, or None when the district lacks a rung."""
    compound = (
        Compound.objects.filter(district=district, property_firm__isnull=False, is_three_no=False)
        .exclude(community__tier="D")  # a D community's orders are pooled (set_routing)
        .select_related("community__street")
        .order_by("code")
        .first()
    )
    category = Category.objects.filter(district=district, code="leak").first()
    housing = Department.objects.filter(district=district, kind=DepartmentKind.HOUSING).first()
    if compound is None or category is None or housing is None:
        return None

    def staff(**filters) -> User | None:
        return User.objects.filter(district=district, is_active=True, **filters).order_by("pk").first()

    firm = staff(role=Role.FIRM_STAFF, property_firm=compound.property_firm_id)
    cadre = staff(role=Role.COMMUNITY_CADRE, community=compound.community_id)
    street = staff(role=Role.STREET_STAFF, street=compound.community.street_id)
    if None in (firm, cadre, street):
        return None
    start = now - timedelta(days=6)
    order = wo_services.work_order_file(
        actor=SystemActor(name="public:resident_qr", district_id=district.pk),
        compound=compound,
        category=category,
        channel=Channel.RESIDENT_QR,
        title="顶楼屋面渗漏，雨天家里漏水",
        description="8号楼顶楼屋面渗漏，下雨时卧室天花板滴水，物业修过两次仍然漏，需要动用维修资金大修。",
        now=start,
    )
    order = wo_services.work_order_route(actor=DEMO_ACTOR, order_id=order.pk, now=start + timedelta(minutes=5))
    wo_services.work_order_escalate(
        actor=firm,
        order=order,
        reason="屋面整体防水层老化，需动用维修资金，超出物业日常维修范围。",
        now=start + timedelta(hours=20),
    )
    wo_services.work_order_escalate(
        actor=cadre,
        order=WorkOrder.objects.get(pk=order.pk),
        reason="维修资金使用需业主表决且涉及施工审批，社区协调未果。",
        now=start + timedelta(days=2),
    )
    return wo_services.work_order_escalate(
        actor=street,
        order=WorkOrder.objects.get(pk=order.pk),
        reason="街道吹哨：请住建局指导维修资金使用并督促施工。",
        departments=[housing],
        now=start + timedelta(days=3),
    )


def sign_contracts(*, district: District, now: datetime) -> str:
    """Every compound with a firm has its running service contract (fee in fen per household and month)."""
    if ServiceContract.objects.filter(district=district).exists():
        return ""
    official = _official(district)
    if official is None:
        return ""
    today = now.astimezone(BEIJING).date()
    rng = random.Random(SEED + 1)
    contracts = 0
    for compound in Compound.objects.filter(district=district, property_firm__isnull=False).order_by("code"):
        # Three-year contracts that started one or two years ago: all still running (an ended contract would
        # take the firm off its compound, ratings.services._compound_follow_contract).
        start = date(today.year - rng.choice((1, 2)), rng.choice((1, 4, 7, 10)), 1)
        ratings_services.contract_create(
            actor=official,
            firm=compound.property_firm,
            compound=compound,
            start=start,
            end=date(start.year + 3, start.month, 1) - timedelta(days=1),
            fee_fen=rng.choice((80, 100, 120, 150, 180, 220)),
            signed_at=start - timedelta(days=rng.randint(10, 40)),
        )
        contracts += 1
    return f"物业服务合同 {contracts} 份。"


def start_an_introduction(*, district: District, now: datetime) -> str:
    """A "三无" compound half-way through the six steps (居民意见 → 企业申请 → 社区审核 done; 孵化中心审核 next)."""
    if Introduction.objects.filter(district=district).exists():
        return ""
    official = _official(district)
    compound = Compound.objects.filter(district=district, is_three_no=True).order_by("code").first()
    firm = PropertyFirm.objects.filter(district=district).order_by("pk").first()
    if official is None or compound is None or firm is None:
        return ""
    today = now.astimezone(BEIJING).date()
    intro = ratings_services.introduction_start(actor=official, compound=compound, firm=firm, fee_fen=60)
    steps = [
        (IntroductionStage.RESIDENTS_CONSULTED, 40, "社区居委会", "入户征求意见 212 户，同意引入物业 183 户（86%）。"),
        (IntroductionStage.APPLICATION, 30, firm.name, "提交服务方案与收费标准（每户每月 0.60 元/㎡）。"),
        (IntroductionStage.COMMUNITY_REVIEW, 18, "社区党委", "审核通过，报街道物业孵化中心。"),
    ]
    for stage, days_ago, responsible, note in steps:
        ratings_services.introduction_record_step(
            actor=official,
            introduction=intro,
            stage=stage,
            date=today - timedelta(days=days_ago),
            responsible=responsible,
            decision=Decision.APPROVED,
            note=note,
        )
    return f"六步法引入物业进行中：{compound.name}（已完成 3 步，下一步“孵化中心审核”）。"


MEETINGS = [
    ("停车位划线与电动车充电棚选址", "parking", "划定机动车位 86 个、电动车位 240 个，充电棚设在 3 号楼北侧。"),
    ("楼道堆物集中清理", "corridor-clutter", "本周六集中清理，物业提供清运车辆，楼栋长逐户通知。"),
    ("顶楼渗漏使用维修资金", "leak", "同意动用维修资金 12.6 万元维修屋面，业主表决通过（2/3 以上）。"),
]


def hold_meetings(*, district: District, now: datetime) -> str:
    """议事会: three meetings, each in the community with the most open questions of its topic, settling them."""
    if DeliberationMeeting.objects.filter(district=district).exists():
        return ""
    today = now.astimezone(BEIJING).date()
    held = 0
    for topic, code, decision in MEETINGS:
        unsettled = WorkOrder.objects.filter(district=district, category__code=code, meeting__isnull=True)
        busiest = unsettled.values("community").annotate(n=Count("pk")).order_by("-n", "community").first()
        if busiest is None:
            continue
        community = Community.objects.get(pk=busiest["community"])
        cadre = (
            User.objects.filter(district=district, role=Role.COMMUNITY_CADRE, community=community, is_active=True)
            .order_by("pk")
            .first()
        )
        if cadre is None:
            continue
        orders = list(unsettled.filter(community=community).order_by("pk")[:3])
        wo_services.deliberation_meeting_record(
            actor=cadre,
            community=community,
            topic=topic,
            held_on=today - timedelta(days=2 + 5 * held),
            attendees="\n".join(["社区党委书记", "业委会主任", "物业项目经理", "居民代表（6 人）", "街道联系长"]),
            decision=decision,
            follow_up="社区一周内跟进落实，结果在小区公示栏公示。",
            compound=orders[0].compound,
            orders=orders,
        )
        held += 1
    return f"议事会 {held} 次。"


def _official(district: District) -> User | None:
    return User.objects.filter(district=district, role=Role.DISTRICT_OFFICIAL, is_active=True).order_by("pk").first()
