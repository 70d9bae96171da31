"""Builders for the ratings tests: firms with compounds, periods, and inputs entered directly."""

from decimal import Decimal

from accounts.actors import SystemActor
from compounds.models import ManagementMode
from ratings import services
from ratings.models import (
    SATISFACTION_POINTS,
    PanelParty,
    PanelScore,
    RatingPeriod,
    RatingSettings,
    SatisfactionLevel,
    SurveyResponse,
    WorkOrderRecord,
)
from tests import factories

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)


def firm(tree, name: str, n: int | None = None):
    kwargs = {"credit_code": factories.credit_code(n)} if n is not None else {}
    return factories.PropertyFirmFactory(district=tree.district, name=name, **kwargs)


def compound_for(tree, firm, households: int = 100, community: int = 0):
    return factories.CompoundFactory(community=tree.communities[community], property_firm=firm, households=households)


def three_no_compound(tree, community: int = 0):
    return factories.CompoundFactory(
        community=tree.communities[community],
        property_firm=None,
        management_mode=ManagementMode.COMMUNITY_HOSTED,
        has_owners_committee=False,
        has_maintenance_fund=False,
    )


def period(tree, year: int = 2026, quarter: int = 1, status: str = "open") -> RatingPeriod:
    return RatingPeriod.objects.create(district=tree.district, year=year, quarter=quarter, status=status)


def rules(tree, **values) -> RatingSettings:
    return services.rating_settings_update(actor=SYSTEM, district=tree.district, **values)


def satisfaction_only_rules(tree) -> RatingSettings:
    """Scores from the owners' answers alone (one answer is enough): red at 90 or more and in the top 40%,
    black below 60 or in the bottom 20%."""
    return rules(
        tree,
        weight_satisfaction=100,
        weight_panel=0,
        weight_work_orders=0,
        min_answers=1,
        red_min_score=90,
        red_top_percent=40,
        black_below_score=60,
        black_bottom_percent=20,
    )


def answers(period, compound, levels: list[str]):
    """Survey answers stored directly, one per household (building 1, rooms 101, 102, ...)."""
    for i, level in enumerate(levels):
        SurveyResponse.objects.create(
            district=period.district,
            period=period,
            compound=compound,
            firm=compound.property_firm,
            household_key=f"1号楼-{101 + i}",
            level=level,
            points=SATISFACTION_POINTS[SatisfactionLevel(level)],
        )


def panel(period, firm, scores: list):
    for party, score in zip(PanelParty.values, scores, strict=False):
        PanelScore.objects.create(district=period.district, period=period, firm=firm, party=party, score=Decimal(score))


def record(period, firm, *, on_time, satisfaction, complaints, orders: int = 50):
    return WorkOrderRecord.objects.create(
        district=period.district,
        period=period,
        firm=firm,
        orders=orders,
        on_time_rate=Decimal(on_time),
        satisfaction_rate=Decimal(satisfaction),
        complaints_per_100_households=Decimal(complaints),
    )


VS, S, N, D, VD = (
    SatisfactionLevel.VERY_SATISFIED,
    SatisfactionLevel.SATISFIED,
    SatisfactionLevel.NEUTRAL,
    SatisfactionLevel.DISSATISFIED,
    SatisfactionLevel.VERY_DISSATISFIED,
)
