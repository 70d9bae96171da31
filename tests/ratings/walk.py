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
    Decision,
    FirmScore,
    Introduction,
    PanelScore,
    RatingPeriod,
    RatingSettings,
    Report,
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


def ratings_objects(t) -> dict:
    if getattr(t, "_ratings", None) is not None:
        return t._ratings
    period = h.period(t, status="scoring")
    h.rules(t, min_answers=1)
    h.answers(period, t.compounds[0], [h.VS, h.S])
    h.panel(period, t.firm, [88])
    h.record(period, t.firm, on_time=90, satisfaction=90, complaints=1)
    services.incident_record(
        actor=SYSTEM, period=period, firm=t.firm, date=datetime.date(2026, 2, 1), description="事故"
    )
    services.contract_create(
        actor=SYSTEM,
        firm=t.firm,
        compound=t.compounds[0],
        start=datetime.date(2024, 1, 1),
        fee_fen=150,
    )
    introduction = services.introduction_start(actor=SYSTEM, compound=h.three_no_compound(t), firm=t.firm, fee_fen=100)
    services.introduction_record_step(
        actor=SYSTEM,
        introduction=introduction,
        stage=1,
        date=datetime.date(2026, 1, 5),
        responsible="负责人",
        decision=Decision.APPROVED,
        documents=[samples.pdf("纪要.pdf")],
    )
    services.quarter_build(actor=SYSTEM, period=period)
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
