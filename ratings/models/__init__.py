from ratings.models.contracts import FeeBasis, ServiceContract
from ratings.models.evaluation import (
    SATISFACTION_POINTS,
    FirmScore,
    ListKind,
    PanelParty,
    PanelScore,
    PeriodStatus,
    RatingPeriod,
    RatingSettings,
    SatisfactionLevel,
    SeriousIncident,
    SurveyResponse,
    WorkOrderRecord,
)
from ratings.models.introductions import (
    Decision,
    Introduction,
    IntroductionStage,
    IntroductionStatus,
    IntroductionStep,
    StepDocument,
)
from ratings.models.reports import Report, ReportKind

__all__ = [
    "SATISFACTION_POINTS",
    "Decision",
    "FeeBasis",
    "FirmScore",
    "Introduction",
    "IntroductionStage",
    "IntroductionStatus",
    "IntroductionStep",
    "ListKind",
    "PanelParty",
    "PanelScore",
    "PeriodStatus",
    "RatingPeriod",
    "RatingSettings",
    "Report",
    "ReportKind",
    "SatisfactionLevel",
    "SeriousIncident",
    "ServiceContract",
    "StepDocument",
    "SurveyResponse",
    "WorkOrderRecord",
]
