"""Makers of funding rows inside a tree (tests/conftest.py), for the funding tests and for
tests/test_tenancy_walk.py, which aims every URL at district B's objects:

    from tests.funding.walk import funding_object_makers
    OBJECT_MAKERS.update(funding_object_makers())

In district B every name carries the marker "乙区", so a leak is easy to see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.actors import SystemActor
from compounds.workcalendar import BEIJING
from funding.models import (
    AccountKind,
    BonusAward,
    BonusPool,
    BonusQuarter,
    CarryOver,
    Disbursement,
    DisbursementDocument,
    Donation,
    FundAccount,
    FundOverride,
    FundPolicy,
    LedgerEntry,
    SpecialProject,
    TierProration,
    YearEnd,
)
from funding.services import bonus, disbursements, policy, sources, yearend
from funding.services.ledger import accounts_open, community_account

YEAR = 2026
NOW = datetime(2026, 3, 2, 10, tzinfo=BEIJING)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def marker(t) -> str:
    return "乙区" if "乙区" in t.streets[0].name else ""


def system(t) -> SystemActor:
    return SystemActor(name="test:funding-walk", district_id=t.district.pk)


def funded(t) -> FundPolicy:
    existing = FundPolicy.objects.filter(district=t.district, year=YEAR).first()
    if existing:
        return existing
    accounts_open(district=t.district)
    row = policy.policy_set(
        actor=system(t),
        district=t.district,
        year=YEAR,
        tier_a_fen=150_000_00,
        tier_b_fen=300_000_00,
        tier_c_fen=150_000_00,
        tier_d_fen=100_000_00,
        carry_rule="cap",
        carry_cap_fen=10_000_00,
    )
    policy.policy_apply(actor=system(t), district=t.district, year=YEAR, now=NOW)
    return row


def disbursement(t) -> Disbursement:
    funded(t)
    return disbursements.disbursement_request(
        actor=system(t),
        community=t.communities[0],
        purpose=f"{marker(t)}楼道照明维修",
        category="repair",
        amount_fen=1_000_00,
        now=NOW,
    )


def document(t) -> DisbursementDocument:
    return disbursements.disbursement_attach(
        actor=system(t),
        disbursement=funding_objects(t)[Disbursement],
        upload=SimpleUploadedFile(f"{marker(t)}发票.pdf", PDF, content_type="application/pdf"),
    )


def override(t) -> FundOverride:
    funded(t)
    return policy.override_set(
        actor=system(t), community=t.communities[1], year=YEAR, amount_fen=160_000_00, reason=f"{marker(t)}核定"
    )


def proration(t) -> TierProration:
    funded(t)
    return policy.tier_change(
        actor=system(t), community=t.communities[2], tier="B", year=YEAR, from_month=7, reason=f"{marker(t)}调整"
    )


def special(t) -> SpecialProject:
    funded(t)
    return sources.special_project_create(
        actor=system(t),
        community=t.communities[0],
        name=f"{marker(t)}加装电梯",
        purpose=f"{marker(t)}管线迁改",
        amount_fen=50_000_00,
        year=YEAR,
        now=NOW,
    )


def donation(t) -> Donation:
    funded(t)
    return sources.donation_receive(
        actor=system(t), community=t.communities[0], donor=f"{marker(t)}爱心企业", amount_fen=5_000_00, now=NOW
    )


def year_end(t) -> YearEnd:
    funded(t)
    new_year = datetime(YEAR + 1, 1, 1, 0, 30, tzinfo=BEIJING)
    return yearend.year_end_run(actor=system(t), district=t.district, year=YEAR, now=new_year)[0]


def bonus_quarter(t) -> BonusQuarter:
    from staffing.models import StarAssessment
    from tests.staffing.walk import person

    who = person(t, community=t.communities[0])
    StarAssessment.objects.create(
        district=t.district, person=who, year=YEAR, quarter=1, role="community_worker", community=who.community,
        street=who.community.street, proficiency=Decimal(90), attitude=Decimal(90), score=Decimal("92.00"), stars=5,
        approved_at=datetime(2026, 4, 2, tzinfo=BEIJING),
    )  # fmt: skip
    pool = bonus.pool_set(actor=system(t), district=t.district, year=YEAR, total_fen=40_000_00)
    return bonus.quarter_compute(actor=system(t), pool=pool, quarter=1)


def funding_objects(t) -> dict:
    if getattr(t, "_funding", None) is None:
        t._funding = {}
        made = t._funding
        made[FundPolicy] = funded(t)
        made[Disbursement] = disbursement(t)
        made[DisbursementDocument] = document(t)
        made[FundOverride] = override(t)
        made[TierProration] = proration(t)
        made[SpecialProject] = special(t)
        made[Donation] = donation(t)
        made[BonusQuarter] = bonus_quarter(t)
        made[BonusPool] = made[BonusQuarter].pool
        made[BonusAward] = made[BonusQuarter].awards.first()
        made[YearEnd] = year_end(t)
        made[CarryOver] = CarryOver.objects.filter(year_end=made[YearEnd]).order_by("pk").first()
        made[FundAccount] = community_account(t.communities[0], AccountKind.SERVICE)
        made[LedgerEntry] = (
            LedgerEntry.objects.filter(district=t.district, community=t.communities[0]).order_by("pk").first()
        )
    return t._funding


FUNDING_MODELS = (
    FundPolicy, FundOverride, TierProration, FundAccount, LedgerEntry, SpecialProject, Donation, Disbursement,
    DisbursementDocument, YearEnd, CarryOver, BonusPool, BonusQuarter, BonusAward,
)  # fmt: skip


def funding_object_makers() -> dict[type, Callable]:
    return {model: (lambda t, model=model: funding_objects(t)[model]) for model in FUNDING_MODELS}
