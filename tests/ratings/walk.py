"""What tests/test_tenancy_walk.py needs to aim at district B's ratings objects:

    from tests.ratings.walk import RATINGS_EXEMPT, ratings_object_makers
    OBJECT_MAKERS.update(ratings_object_makers())
    EXEMPT.update(RATINGS_EXEMPT)

Each maker builds (once per tree) a computed quarter with a report, a contract, an introduction with a
document, panel scores, a work-order record, an incident and survey answers, and returns the row asked for.
"""

import datetime
from collections.abc import Callable

from accounts.actors import SystemActor
from ratings import services
from ratings.models import (
    SATISFACTION_POINTS,
    Decision,
    FirmScore,
    Introduction,
    PanelScore,
    RatingPeriod,
    RatingSettings,
    Report,
    SatisfactionLevel,
    SeriousIncident,
    ServiceContract,
    StepDocument,
    SurveyResponse,
    WorkOrderRecord,
)
from tests import samples
from tests.ratings import helpers as h

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

RATINGS_EXEMPT = {
    "ratings:survey": (
        "the public owner survey, reached by the compound's QR token without an account; it shows only that"
        " compound's name and firm. tests/ratings/test_survey.py covers its guards"
    ),
}


def _marker(t) -> str:
    return "乙区" if "乙区" in t.streets[0].name else ""


def ratings_objects(t) -> dict:
    if getattr(t, "_ratings", None) is not None:
        return t._ratings
    m = _marker(t)
    system = t.official  # the district's official enters and builds the quarter (every branch accepts them)
    period = h.period(t, status="scoring")
    h.rules(t, min_answers=1)
    for i, level in enumerate([h.VS, h.S]):
        SurveyResponse.objects.create(
            district=t.district, period=period, compound=t.compounds[0], firm=t.firm,
            household_key=f"{m}1号楼-{101 + i}", level=level, points=SATISFACTION_POINTS[SatisfactionLevel(level)],
            comment=f"{m}物业很好",
        )  # fmt: skip
    h.panel(period, t.firm, [88])
    PanelScore.objects.filter(period=period).update(note=f"{m}评语")
    h.record(period, t.firm, on_time=90, satisfaction=90, complaints=1)
    services.incident_record(
        actor=system, period=period, firm=t.firm, date=datetime.date(2026, 2, 1), description=f"{m}事故"
    )
    services.contract_create(
        actor=system, firm=t.firm, compound=t.compounds[0], start=datetime.date(2024, 1, 1), fee_fen=150
    )
    introduction = services.introduction_start(actor=system, compound=h.three_no_compound(t), firm=t.firm, fee_fen=100)
    services.introduction_record_step(
        actor=system,
        introduction=introduction,
        stage=1,
        date=datetime.date(2026, 1, 5),
        responsible=f"{m}负责人",
        decision=Decision.APPROVED,
        documents=[samples.pdf(f"{m}纪要.pdf")],
    )
    services.quarter_build(actor=system, period=period)
    t._ratings = {
        RatingPeriod: period,
        RatingSettings: RatingSettings.objects.get(district=t.district),
        FirmScore: FirmScore.objects.get(period=period, firm=t.firm),
        Report: Report.objects.get(period=period),
        ServiceContract: ServiceContract.objects.get(compound=t.compounds[0]),
        Introduction: introduction,
        StepDocument: StepDocument.objects.get(step__introduction=introduction),
        PanelScore: PanelScore.objects.filter(period=period).first(),
        WorkOrderRecord: WorkOrderRecord.objects.get(period=period),
        SeriousIncident: SeriousIncident.objects.get(period=period),
        SurveyResponse: SurveyResponse.objects.filter(period=period).first(),
    }
    return t._ratings


def ratings_object_makers() -> dict[type, Callable]:
    models = [
        RatingPeriod, RatingSettings, FirmScore, Report, ServiceContract, Introduction, StepDocument, PanelScore,
        WorkOrderRecord, SeriousIncident, SurveyResponse,
    ]  # fmt: skip
    return {model: (lambda t, model=model: ratings_objects(t)[model]) for model in models}
