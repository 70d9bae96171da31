"""Reads of the ratings app that compute figures: the quarter's scores and lists, the explanation of a
score, and the summaries the pages, the API and the PDF share (one place per figure)."""

import datetime
import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext, ngettext

from accounts.actors import require_actor
from accounts.policy import whole_units
from compounds.models import Compound, District, PropertyFirm, Street
from ratings.models import (
    FirmScore,
    ListKind,
    PanelScore,
    PeriodStatus,
    RatingPeriod,
    RatingSettings,
    SeriousIncident,
    SurveyResponse,
    WorkOrderRecord,
)
from ratings.models.evaluation import (
    REASON_BELOW_BLACK,
    REASON_BOTTOM,
    REASON_FEW,
    REASON_FEW_INCIDENT,
    REASON_GREY,
    REASON_INCIDENT,
    REASON_TOP,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# How the work-order record becomes one 0–100 figure (stated on the breakdown page and in the report).
WORK_ORDER_PARTS = {"on_time": Decimal(40), "satisfaction": Decimal(40), "complaints": Decimal(20)}

TIE_RULE = "同分时依次比较：业主满意度得分高者在前，每百户投诉数少者在前，统一社会信用代码字典序小者在前。"


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First day of the quarter and first day of the next one (end exclusive)."""
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def rating_settings(district: District | int) -> RatingSettings:
    """The district's rules, or the defaults (unsaved) when the district has not set its own."""
    district_id = getattr(district, "pk", district)
    return RatingSettings.objects.filter(district_id=district_id).first() or RatingSettings(district_id=district_id)


def work_order_score(record: WorkOrderRecord, settings: RatingSettings) -> tuple[Decimal | None, Decimal]:
    """(work-order score, complaint sub-score): 40% on-time rate, 40% satisfaction rate, 20% complaint
    score, where the complaint score is 100 − complaints per 100 households × the district's penalty.
    A rate with nothing counted (None) shares its part among the others; no orders at all → no score."""
    complaints = q2(max(Decimal(0), HUNDRED - record.complaints_per_100_households * settings.complaint_penalty))
    if not record.orders:
        return None, complaints
    parts = [
        (record.on_time_rate, WORK_ORDER_PARTS["on_time"]),
        (record.satisfaction_rate, WORK_ORDER_PARTS["satisfaction"]),
        (complaints, WORK_ORDER_PARTS["complaints"]),
    ]
    return weighted_total(parts), complaints


@dataclass
class ScoreRow:
    firm: PropertyFirm
    answers: int = 0
    compounds: int = 0
    households: int = 0
    satisfaction: Decimal | None = None
    panel: Decimal | None = None
    panel_parties: int = 0
    work_orders: Decimal | None = None
    complaints_per_100_households: Decimal | None = None
    weight_satisfaction: Decimal = Decimal(0)
    weight_panel: Decimal = Decimal(0)
    weight_work_orders: Decimal = Decimal(0)
    total: Decimal | None = None
    rank: int | None = None
    list_kind: str = ListKind.GREY
    capped_by_incident: bool = False
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    def as_fields(self) -> dict:
        values = asdict(self)
        values.pop("notes")
        values["firm"] = self.firm
        return values


def weighted_total(
    inputs: list[tuple[Decimal | None, Decimal]],
) -> Decimal | None:
    """Σ wᵢ·xᵢ / Σ wᵢ over the inputs present: a missing input's weight is shared among the others."""
    present = [(value, weight) for value, weight in inputs if value is not None and weight > 0]
    weights = sum((weight for _, weight in present), Decimal(0))
    if not present or weights == 0:
        return None
    return q2(sum((value * weight for value, weight in present), Decimal(0)) / weights)


def compute_scores(*, period: RatingPeriod) -> list[ScoreRow]:
    """Every firm's score, rank and list for the period, from the stored inputs. Deterministic."""
    rules = rating_settings(period.district_id)
    district_firms = PropertyFirm.objects.filter(district_id=period.district_id)
    served = {
        row["property_firm"]: row
        for row in Compound.objects.filter(district_id=period.district_id, property_firm__isnull=False)
        .values("property_firm")
        .annotate(compounds=Count("pk"), households=Sum("households"))
    }
    surveys = {
        row["firm"]: row
        for row in SurveyResponse.objects.filter(period=period)
        .values("firm")
        .annotate(answers=Count("pk"), mean=Avg("points"))
    }
    panels = {
        row["firm"]: row
        for row in PanelScore.objects.filter(period=period)
        .values("firm")
        .annotate(parties=Count("pk"), mean=Avg("score"))
    }
    records = {record.firm_id: record for record in WorkOrderRecord.objects.filter(period=period)}
    incidents = set(SeriousIncident.objects.filter(period=period).values_list("firm_id", flat=True))
    involved = set(served) | set(surveys) | set(panels) | set(records) | incidents
    rows = []
    for firm in district_firms.filter(pk__in=involved).order_by("credit_code"):
        row = ScoreRow(
            firm=firm,
            weight_satisfaction=rules.weight_satisfaction,
            weight_panel=rules.weight_panel,
            weight_work_orders=rules.weight_work_orders,
        )
        row.compounds = served.get(firm.pk, {}).get("compounds", 0)
        row.households = served.get(firm.pk, {}).get("households") or 0
        if firm.pk in surveys:
            row.answers = surveys[firm.pk]["answers"]
            row.satisfaction = q2(Decimal(surveys[firm.pk]["mean"]))
        if firm.pk in panels:
            row.panel_parties = panels[firm.pk]["parties"]
            row.panel = q2(Decimal(panels[firm.pk]["mean"]))
        if firm.pk in records:
            row.work_orders, _ = work_order_score(records[firm.pk], rules)
            row.complaints_per_100_households = records[firm.pk].complaints_per_100_households
        if row.satisfaction is not None:
            row.total = weighted_total(
                [
                    (row.satisfaction, rules.weight_satisfaction),
                    (row.panel, rules.weight_panel),
                    (row.work_orders, rules.weight_work_orders),
                ]
            )
        row.capped_by_incident = firm.pk in incidents
        rows.append(row)
    assign_lists(rows, rules)
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.firm.credit_code))


def tie_key(row: ScoreRow) -> tuple:
    """Higher total first; then higher satisfaction; then fewer complaints per 100 households (a firm
    without a work-order record counts as having the most); then the credit code."""
    complaints = row.complaints_per_100_households
    return (
        -row.total,
        -(row.satisfaction or Decimal(0)),
        complaints if complaints is not None else Decimal("Infinity"),
        row.firm.credit_code,
    )


def _plain(value: Decimal) -> str:
    """90.00 → "90", 12.50 → "12.5"."""
    return format(Decimal(value).normalize(), "f")


def assign_lists(rows: list[ScoreRow], rules: RatingSettings) -> None:
    """Rank the firms with enough answers and put every firm on a list.

    - fewer answers than the district's minimum: 样本不足, not ranked (black only for a serious incident);
    - red: within the top N% of the ranked firms (rounded down) AND at or above the red score;
    - black: a serious incident, or below the black score, or within the bottom N% (rounded down);
    - grey: everyone else who is ranked."""
    ranked = [r for r in rows if r.answers >= rules.min_answers and r.total is not None]
    ranked.sort(key=tie_key)
    count = len(ranked)
    red_places = math.floor(count * rules.red_top_percent / HUNDRED)
    black_places = math.floor(count * rules.black_bottom_percent / HUNDRED)
    red_pct, black_pct = _plain(rules.red_top_percent), _plain(rules.black_bottom_percent)
    red_min, black_below = _plain(rules.red_min_score), _plain(rules.black_below_score)
    for position, row in enumerate(ranked, start=1):
        row.rank = position
        if row.capped_by_incident:
            row.list_kind, row.reason = ListKind.BLACK, REASON_INCIDENT
        elif row.total < rules.black_below_score:
            row.list_kind, row.reason = ListKind.BLACK, REASON_BELOW_BLACK % {"score": black_below}
        elif position > count - black_places:
            row.list_kind, row.reason = ListKind.BLACK, REASON_BOTTOM % {"percent": black_pct, "count": count}
        elif position <= red_places and row.total >= rules.red_min_score:
            row.list_kind, row.reason = ListKind.RED, REASON_TOP % {"percent": red_pct, "score": red_min}
        else:
            row.list_kind, row.reason = ListKind.GREY, REASON_GREY
    for row in rows:
        if row.rank is not None:
            continue
        sample = {"answers": row.answers, "minimum": rules.min_answers}
        if row.capped_by_incident:
            row.list_kind, row.reason = ListKind.BLACK, REASON_FEW_INCIDENT % sample
        else:
            row.list_kind, row.reason = ListKind.INSUFFICIENT, REASON_FEW % sample


@dataclass
class BreakdownLine:
    name: str
    value: Decimal | None
    detail: str
    weight: Decimal
    effective_weight: Decimal | None
    contribution: Decimal | None


def score_breakdown(score: FirmScore) -> dict:
    """Each input of a firm's score with its weight and contribution, and the rule that put it on its list."""
    period = score.period
    rules = rating_settings(period.district_id)
    record = WorkOrderRecord.objects.filter(period=period, firm=score.firm).first()
    panel = list(PanelScore.objects.filter(period=period, firm=score.firm).order_by("party"))
    levels = (
        SurveyResponse.objects.filter(period=period, firm=score.firm)
        .values("level")
        .annotate(n=Count("pk"))
        .order_by("level")
    )
    inputs = [
        ("业主满意度", score.satisfaction, score.weight_satisfaction),
        ("评审团评分", score.panel, score.weight_panel),
        ("工单记录", score.work_orders, score.weight_work_orders),
    ]
    present = sum((w for _, v, w in inputs if v is not None and w > 0), Decimal(0))
    details = [
        ngettext(
            "%(n)s 份有效问卷的平均分（很满意 100、满意 80、一般 60、不满意 30、很不满意 0）",
            "%(n)s 份有效问卷的平均分（很满意 100、满意 80、一般 60、不满意 30、很不满意 0）",
            score.answers,
        )
        % {"n": score.answers},
        ngettext("%(n)s 个评审方的平均分", "%(n)s 个评审方的平均分", score.panel_parties) % {"n": score.panel_parties},
        gettext("按时办结率 × 40% + 工单满意率 × 40% + 投诉得分 × 20%"),
    ]
    lines = []
    for (name, value, weight), detail in zip(inputs, details, strict=True):
        share = q2(weight * HUNDRED / present) if value is not None and present and weight > 0 else None
        contribution = q2(value * weight / present) if share is not None else None
        lines.append(BreakdownLine(name, value, detail, weight, share, contribution))
    complaint_score = work_order_score(record, rules)[1] if record else None
    incidents = list(SeriousIncident.objects.filter(period=period, firm=score.firm).order_by("date"))
    return {
        "score": score,
        "lines": lines,
        "panel": panel,
        "levels": list(levels),
        "record": record,
        "complaint_score": complaint_score,
        "incidents": incidents,
        "rules": rules,
        "tie_rule": TIE_RULE,
        "missing_note": "缺少某项输入时，其权重按比例分给其余各项（见“实际权重”）。",
    }


def ranked_total(period: RatingPeriod) -> int:
    """How many firms were ranked this quarter (the N of "rank / N")."""
    return FirmScore.objects.filter(period=period, rank__isnull=False).count()


def list_summary(period: RatingPeriod, scores: QuerySet | None = None, *, actor: Any) -> dict:
    """Counts per list and the lists themselves, for the period page, the API and the PDF.

    Every figure follows the actor's scope (a person, or the PDF build's SystemActor, which sees its district):
    the scores they may see, the compounds and survey answers they may see; None raises MissingActor. `scores`
    narrows the lists further (defaults to the actor's visible scores); `ranked_total` always counts every
    ranked firm of the quarter, so that a rank reads "3 / 126"."""
    require_actor(actor)
    scores = (FirmScore.objects.visible_to(actor) if scores is None else scores).filter(period=period)
    compounds = Compound.objects.filter(district_id=period.district_id).visible_to(actor)
    answers = SurveyResponse.objects.filter(period=period).visible_to(actor)
    scores = list(scores.select_related("firm").order_by("rank", "firm__credit_code"))
    by_kind = {kind: [s for s in scores if s.list_kind == kind] for kind in ListKind.values}
    ranked = [s for s in scores if s.rank is not None]
    totals = [s.total for s in ranked]
    return {
        "ranked_total": ranked_total(period),
        "scores": scores,
        "red": by_kind[ListKind.RED],
        "grey": by_kind[ListKind.GREY],
        "black": by_kind[ListKind.BLACK],
        "insufficient": by_kind[ListKind.INSUFFICIENT],
        "firms": len(scores),
        "ranked": len(ranked),
        "compounds": compounds.count(),
        "answers": answers.count(),
        "mean_total": q2(sum(totals, Decimal(0)) / len(totals)) if totals else None,
        "counts": {kind: len(rows) for kind, rows in by_kind.items()},
    }


def street_breakdown(period: RatingPeriod, *, actor: Any) -> list[dict]:
    """Per street: compounds, households, answers, mean satisfaction, and compounds by their firm's list.
    Only the streets whose every answer the actor may read (accounts.policy.whole_units): the district's
    officials and the system all, a street's staff their own, others none; None raises MissingActor."""
    units = whole_units(require_actor(actor), SurveyResponse, "compound__community__street")
    if units == []:
        return []
    kinds = dict(FirmScore.objects.filter(period=period).values_list("firm_id", "list_kind"))
    answers = {
        row["compound__community__street"]: row
        for row in SurveyResponse.objects.filter(period=period)
        .values("compound__community__street")
        .annotate(n=Count("pk"), mean=Avg("points"))
    }
    compounds_by_street: dict[int, list[tuple[int | None, int]]] = {}
    for street_id, firm_id, households in Compound.objects.filter(district_id=period.district_id).values_list(
        "community__street", "property_firm", "households"
    ):
        compounds_by_street.setdefault(street_id, []).append((firm_id, households))
    result = []
    streets = Street.objects.filter(district_id=period.district_id).order_by("code")
    if units is not None:
        streets = streets.filter(pk__in=units)
    for street in streets:
        compounds = compounds_by_street.get(street.pk, [])
        row = {
            "street": street,
            "compounds": len(compounds),
            "households": sum(h for _, h in compounds),
            "answers": answers.get(street.pk, {}).get("n", 0),
            "satisfaction": q2(Decimal(answers[street.pk]["mean"])) if street.pk in answers else None,
            "no_firm": sum(1 for f, _ in compounds if f is None),
        }
        for kind in ListKind.values:
            row[kind] = sum(1 for f, _ in compounds if f is not None and kinds.get(f) == kind)
        result.append(row)
    return result


def firm_ratings(firm: PropertyFirm) -> list[FirmScore]:
    return list(
        FirmScore.objects.filter(firm=firm).select_related("period").order_by("-period__year", "-period__quarter")
    )


def survey_progress(period: RatingPeriod) -> list[dict]:
    """Answers per compound against its households (the cap), for the period page."""
    counts = dict(
        SurveyResponse.objects.filter(period=period)
        .values("compound")
        .annotate(n=Count("pk"))
        .values_list("compound", "n")
    )
    return [
        {"compound": c, "answers": counts.get(c.pk, 0), "households": c.households}
        for c in Compound.objects.filter(district_id=period.district_id)
        .filter(Q(pk__in=counts.keys()) | Q(property_firm__isnull=False))
        .select_related("property_firm")
        .order_by("code")
    ]


def survey_is_open(*, district_id: int) -> bool:
    """Whether the district's owners' survey takes answers now (a rating period is open). One query."""
    return RatingPeriod.objects.filter(district_id=district_id, status=PeriodStatus.OPEN).exists()


def published_standing(*, firm_id: int) -> FirmScore | None:
    """The firm's standing in the district's latest published quarter (its red/grey/black list), as the
    public may know it once published; None before any. One query."""
    return (
        FirmScore.objects.filter(firm_id=firm_id, period__status=PeriodStatus.PUBLISHED)
        .select_related("period")
        .order_by("-period__year", "-period__quarter")
        .first()
    )


def published_lists(*, district_id: int) -> dict[int, str]:
    """{firm id: list kind} of the district's latest published quarter ({} before any). Two queries."""
    latest = (
        RatingPeriod.objects.filter(district_id=district_id, status=PeriodStatus.PUBLISHED)
        .order_by("-year", "-quarter")
        .first()
    )
    if latest is None:
        return {}
    return dict(FirmScore.objects.filter(period=latest).values_list("firm_id", "list_kind"))
