"""The demo district as a whole (manage.py load_demo, make demo): the top floor composes each app's own demo
loader, in the order the floors stand — the tree (compounds/demo.py), the work orders (workorders/demo.py),
last quarter rated and published (red, grey and black lists) and the current quarter's rating period open so
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

from django.db import transaction
from django.utils import timezone

from accounts.actors import SystemActor
from accounts.models import User
from accounts.roles import Role
from compounds.demo import DISTRICT_CODE, demo_build
from compounds.models import Compound, District
from ratings import services as ratings_services
from ratings.models import FirmScore, PanelParty, PanelScore, RatingPeriod, SatisfactionLevel, SurveyResponse
from ratings.models.evaluation import SATISFACTION_POINTS
from ratings.report_kinds import MONTHLY_STREETS
from ratings.services import period_open
from reports import services as room
from staffing.demo import load_staffing_demo
from workorders.demo import build_demo_work_orders, demo_work_orders_delete
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
    official = (
        User.objects.filter(district=district, role=Role.DISTRICT_OFFICIAL, is_active=True).order_by("pk").first()
    )
    if official is None:
        return ""
    rng = random.Random(seed)
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
    ratings_services.period_compute(actor=official, period=period)
    ratings_services.period_publish(actor=official, period=period)
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
    lines += build_demo_work_orders(district=district, now=now).lines()
    with transaction.atomic():
        published = publish_past_quarter(district=district, now=now)
        period = open_rating_period(district=district, now=now)
    if published:
        lines.append(published)
    if period:
        lines.append(f"已开启评议：{period}")
    lines += load_staffing_demo(district, today=now.astimezone(BEIJING).date()).lines()
    funding = _optional_loader("funding.demo", "load_funding_demo")
    if funding is not None:
        lines += funding(district).lines()
    with transaction.atomic():
        lines.append(request_last_months_ranking(district=district, now=now))
    return lines
