"""Writes of the ratings app that carry a rule: contracts, the six-step introduction, the quarterly
evaluation (inputs, computing, publishing) and the public owner survey.

Every service takes an explicit actor: a person, or a SystemActor for the beat, imports and the demo
(accounts.actors); `actor=None` raises MissingActor.
"""

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts.actors import SystemActor, require_actor
from accounts.models import User
from accounts.network import rate_limited
from accounts.permissions import require
from accounts.policy import CHANGE, VIEW, access
from accounts.uploads import MAX_FILES, CheckedUpload, check_upload
from compounds.models import Building, Compound, District, ManagementMode, PropertyFirm
from compounds.services import compound_set_property_firm
from ratings import selectors
from ratings.models import (
    SATISFACTION_POINTS,
    Decision,
    FeeBasis,
    FirmScore,
    Introduction,
    IntroductionStage,
    IntroductionStatus,
    IntroductionStep,
    PanelParty,
    PanelScore,
    PeriodStatus,
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

FROZEN_MESSAGE = "该季度考评已发布，数据已冻结，不能再录入、修改或重新计算。"


def _person(actor: Any) -> User | None:
    """Who to name in a `*_by` column: a person; the system is named by the audit trail's context instead."""
    return actor if isinstance(actor, User) else None


def _require_district_official(actor: Any, district_id: int) -> None:
    """The rule "ratings.manage" (ratings.rules) in `district_id`: a refusal is a 403, like every refusal."""
    require(require_actor(actor), "ratings.manage", _InDistrict(district_id))


class _InDistrict:
    """What a rule is asked about when only the district is known."""

    def __init__(self, district_id: int) -> None:
        self.district_id = district_id


def _firm_in_district(actor: User | None, firm: PropertyFirm, district_id: int) -> PropertyFirm:
    require_actor(actor)
    firm = access(actor, PropertyFirm, VIEW, pk=firm.pk)
    if firm.district_id != district_id:
        raise ValidationError({"firm": gettext("所选物业企业不属于本区。")})
    return firm


# --- service contracts ---------------------------------------------------------------------------


def _refuse_end_before_start(start: datetime.date, end: datetime.date | None) -> None:
    # Checked before full_clean: the overlap constraint's own check cannot build a range that ends first.
    if end is not None and end <= start:
        raise ValidationError({"end": gettext("合同结束日期应晚于开始日期（%(start)s）。") % {"start": start}})


@transaction.atomic
def contract_create(
    *,
    actor: User | None,
    firm: PropertyFirm,
    compound: Compound,
    start: datetime.date,
    end: datetime.date | None = None,
    fee_basis: str = FeeBasis.PER_HOUSEHOLD,
    fee_fen: int,
    signed_at: datetime.date | None = None,
    note: str = "",
) -> ServiceContract:
    """Register a service contract. Refused (Chinese message) when it overlaps another of the compound."""
    require_actor(actor)
    compound = access(actor, Compound, VIEW, pk=compound.pk)
    _require_district_official(actor, compound.district_id)
    firm = _firm_in_district(actor, firm, compound.district_id)
    _refuse_end_before_start(start, end)
    contract = ServiceContract(
        district_id=compound.district_id,
        firm=firm,
        compound=compound,
        start=start,
        end=end,
        fee_basis=fee_basis,
        fee_fen=fee_fen,
        signed_at=signed_at,
        note=note,
    )
    contract.full_clean()
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as error:  # a concurrent contract slipped in between the check and the insert
        raise ValidationError(gettext("该小区在这段时间内已有物业服务合同，合同期不能重叠。")) from error
    _compound_follow_contract(actor, contract)
    return contract


def _compound_follow_contract(actor: Any, contract: ServiceContract) -> None:
    """The compound's property firm is the firm of the contract running today: set it when a running contract
    is registered, clear it when that firm's contract has ended (the only way the firm changes)."""
    today = timezone.localdate()
    running = contract.start <= today and (contract.end is None or contract.end > today)
    compound = contract.compound
    if running:
        compound_set_property_firm(actor=actor, compound=compound, firm=contract.firm)
    elif compound.property_firm_id == contract.firm_id and contract.end is not None and contract.end <= today:
        compound_set_property_firm(actor=actor, compound=compound, firm=None)


@transaction.atomic
def contract_end(*, actor: User | None, contract: ServiceContract, end: datetime.date) -> ServiceContract:
    """End a contract on `end` (exclusive). The contract stays in the history."""
    require_actor(actor)
    contract = access(actor, ServiceContract.objects.select_for_update(), VIEW, pk=contract.pk)
    _require_district_official(actor, contract.district_id)
    if contract.end is not None and contract.end <= end:
        raise ValidationError({"end": gettext("该合同已于 %(end)s 结束。") % {"end": contract.end}})
    _refuse_end_before_start(contract.start, end)
    contract.end = end
    contract.full_clean()
    contract.save(update_fields=["end"])
    _compound_follow_contract(actor, contract)
    return contract


# --- the six-step introduction ---------------------------------------------------------------------


@transaction.atomic
def introduction_start(
    *,
    actor: User | None,
    compound: Compound,
    firm: PropertyFirm,
    fee_basis: str = FeeBasis.PER_HOUSEHOLD,
    fee_fen: int,
    contract_years: int = 3,
) -> Introduction:
    """Open a six-step introduction of `firm` into a "三无" compound."""
    require_actor(actor)
    compound = access(actor, Compound.objects.select_for_update(), CHANGE, pk=compound.pk)
    firm = _firm_in_district(actor, firm, compound.district_id)
    if not compound.is_three_no:
        raise ValidationError(
            {
                "compound": gettext("“%(compound)s”不是“三无”小区，六步法只用于为“三无”小区引入物业。")
                % {"compound": compound}
            }
        )
    if Introduction.objects.filter(compound=compound, status=IntroductionStatus.IN_PROGRESS).exists():
        raise ValidationError(
            {"compound": gettext("“%(compound)s”已有进行中的物业引入流程。") % {"compound": compound}}
        )
    if not 1 <= contract_years <= 10:
        raise ValidationError({"contract_years": gettext("合同年限应在 1 至 10 年之间。")})
    introduction = Introduction(
        district_id=compound.district_id,
        compound=compound,
        firm=firm,
        fee_basis=fee_basis,
        fee_fen=fee_fen,
        contract_years=contract_years,
        started_by=_person(actor),
    )
    introduction.full_clean()
    introduction.save()
    return introduction


@transaction.atomic
def introduction_record_step(
    *,
    actor: User | None,
    introduction: Introduction,
    stage: int,
    date: datetime.date,
    responsible: str,
    decision: str,
    note: str = "",
    documents: Iterable[UploadedFile | CheckedUpload] = (),
) -> IntroductionStep:
    """Record the next step. Steps come in order (none skipped); a negative decision stops the process;
    the approval of the last step (the firm moves in) signs the contract and hands the compound over."""
    queryset = Introduction.objects.select_for_update()
    require_actor(actor)
    introduction = access(actor, queryset, CHANGE, pk=introduction.pk)
    if introduction.status != IntroductionStatus.IN_PROGRESS:
        raise ValidationError(
            gettext("该引入流程%(status)s，不能再记录步骤。") % {"status": introduction.get_status_display()}
        )
    expected = introduction.next_stage
    try:
        stage = IntroductionStage(int(stage))
    except (TypeError, ValueError) as error:
        raise ValidationError({"stage": gettext("步骤应为 1 至 6。")}) from error
    if stage != expected:
        raise ValidationError(
            {"stage": f"不能跳过或重复步骤：下一步应为第 {expected.value} 步“{expected.label}”，不是“{stage.label}”。"}
        )
    if decision not in Decision.values:
        raise ValidationError({"decision": gettext("请选择结论：通过或不通过。")})
    if not (responsible or "").strip():
        raise ValidationError({"responsible": gettext("请填写责任人。")})
    checked = _checked_documents(documents)
    previous = introduction.steps.order_by("-stage").first()
    if previous is not None and date < previous.date:
        raise ValidationError(
            {
                "date": gettext("日期不能早于上一步“%(stage)s”的日期 %(date)s。")
                % {"stage": previous.get_stage_display(), "date": previous.date}
            }
        )
    step = IntroductionStep(
        district_id=introduction.district_id,
        introduction=introduction,
        stage=stage,
        date=date,
        responsible=responsible.strip(),
        decision=decision,
        note=(note or "").strip(),
        recorded_by=_person(actor),
    )
    step.full_clean()
    step.save()
    for document in checked:
        StepDocument.objects.create(
            district_id=step.district_id,
            step=step,
            file=File(document.upload, name=document.storage_name),
            name=document.name,
            content_type=document.kind.content_type,
            size=document.size,
        )
    if decision == Decision.REJECTED:
        introduction.status = IntroductionStatus.STOPPED
        introduction.save(update_fields=["status"])
    elif stage == IntroductionStage.FIRM_MOVES_IN:
        _introduction_complete(introduction=introduction, moved_in=date)
    return step


def _checked_documents(documents: Iterable[UploadedFile | CheckedUpload]) -> list[CheckedUpload]:
    """Every document by the upload rule (accounts.uploads), before anything is stored: one refused file
    refuses the step, with each file's own message."""
    documents = list(documents or ())
    if len(documents) > MAX_FILES:
        raise ValidationError({"documents": gettext("一次最多上传 %(n)s 个文件。") % {"n": MAX_FILES}})
    checked, errors = [], []
    for document in documents:
        if isinstance(document, CheckedUpload):
            checked.append(document)
            continue
        try:
            checked.append(check_upload(document))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"documents": errors})
    return checked


def _introduction_complete(*, introduction: Introduction, moved_in: datetime.date) -> None:
    compound = Compound.objects.select_for_update().get(pk=introduction.compound_id)
    signed = introduction.steps.filter(stage=IntroductionStage.CONTRACT_SIGNED).values_list("date", flat=True).first()
    try:
        end = moved_in.replace(year=moved_in.year + introduction.contract_years)
    except ValueError:  # 29 February
        end = moved_in.replace(year=moved_in.year + introduction.contract_years, day=28)
    contract = contract_create(
        # The sixth step's contract is the introduction's own: registered by the platform in the district.
        actor=SystemActor(name="ratings.introduction_complete", district_id=introduction.district_id),
        firm=introduction.firm,
        compound=compound,
        start=moved_in,
        end=end,
        fee_basis=introduction.fee_basis,
        fee_fen=introduction.fee_fen,
        signed_at=signed,
        note="六步法引入",
    )
    compound.management_mode = ManagementMode.COMMERCIAL
    compound.property_firm = introduction.firm
    compound.save(update_fields=["management_mode", "property_firm"])
    introduction.status = IntroductionStatus.COMPLETED
    introduction.contract = contract
    introduction.save(update_fields=["status", "contract"])


# --- periods and settings --------------------------------------------------------------------------


@transaction.atomic
def rating_settings_update(*, actor: User | None, district: District, **values: Any) -> RatingSettings:
    _require_district_official(actor, district.pk)
    current = RatingSettings.objects.select_for_update().filter(district=district).first()
    current = current or RatingSettings(district=district)
    for name, value in values.items():
        if not hasattr(current, name) or name in ("id", "pk", "district", "district_id"):
            raise ValidationError(f"未知的考评规则项：{name}")
        setattr(current, name, value)
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def period_open(*, actor: User | None, district: District, year: int, quarter: int) -> RatingPeriod:
    """Open a quarter's evaluation: the public survey pages start taking answers."""
    _require_district_official(actor, district.pk)
    period = RatingPeriod(district=district, year=year, quarter=quarter)
    period.full_clean()
    period.save()
    return period


def _lock_period(actor: User | None, period: RatingPeriod, action: str = CHANGE) -> RatingPeriod:
    queryset = RatingPeriod.objects.select_for_update()
    return access(require_actor(actor), queryset, action, pk=period.pk)


def _refuse_if_frozen(period: RatingPeriod) -> None:
    if period.is_frozen:
        raise ValidationError(FROZEN_MESSAGE)


@transaction.atomic
def period_start_scoring(*, actor: User | None, period: RatingPeriod) -> RatingPeriod:
    """Close the survey (open → scoring): from now on the panel scores and nothing else comes in."""
    period = _lock_period(actor, period)
    _require_district_official(actor, period.district_id)
    _refuse_if_frozen(period)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(
            gettext("只有征集中的季度才能进入评分，当前状态为“%(status)s”。") % {"status": period.get_status_display()}
        )
    period.status = PeriodStatus.SCORING
    period.save(update_fields=["status"])
    return period


@transaction.atomic
def period_publish(*, actor: User | None, period: RatingPeriod) -> RatingPeriod:
    """Publish the lists; the period is frozen from now on."""
    period = _lock_period(actor, period)
    _require_district_official(actor, period.district_id)
    _refuse_if_frozen(period)
    if period.status != PeriodStatus.COMPUTED:
        raise ValidationError(gettext("只有已计算的季度才能发布，请先生成本季度考评结果。"))
    period.status = PeriodStatus.PUBLISHED
    period.published_at = timezone.now()
    period.published_by = _person(actor)
    period.save(update_fields=["status", "published_at", "published_by"])
    # From now on each firm's staff see their own firm's score, rank and breakdown (FirmScore.scope_view).
    FirmScore.objects.filter(period=period).update(published_firm=F("firm"))
    return period


# --- inputs ------------------------------------------------------------------------------------------


@transaction.atomic
def panel_score_record(
    *,
    actor: User | None,
    period: RatingPeriod,
    firm: PropertyFirm,
    party: str,
    score: Decimal,
    note: str = "",
) -> PanelScore:
    """Record (or correct) one referee party's score of a firm for the quarter, as the account that represents
    the party ("ratings.enter_panel_score": ratings.rules). Every change is kept in the row's history."""
    require_actor(actor)
    require(actor, "ratings.enter_panel_score")
    period = _lock_period(actor, period, VIEW)
    _refuse_if_frozen(period)
    firm = _firm_in_district(actor, firm, period.district_id)
    if party not in PanelParty.values:
        raise ValidationError({"party": gettext("请选择评审方。")})
    row = PanelScore.objects.filter(period=period, firm=firm, party=party).first() or PanelScore(
        district_id=period.district_id, period=period, firm=firm, party=party
    )
    require(actor, "ratings.enter_panel_score", row)
    row.score, row.note, row.recorded_by = Decimal(str(score)), note, _person(actor)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def incident_record(
    *, actor: User | None, period: RatingPeriod, firm: PropertyFirm, date: datetime.date, description: str
) -> SeriousIncident:
    """Record a serious incident: the firm goes to the black list this quarter, whatever its score."""
    period = _lock_period(actor, period)
    _require_district_official(actor, period.district_id)
    _refuse_if_frozen(period)
    firm = _firm_in_district(actor, firm, period.district_id)
    if not (description or "").strip():
        raise ValidationError({"description": gettext("请填写事件说明。")})
    incident = SeriousIncident(
        district_id=period.district_id, period=period, firm=firm, date=date, description=description.strip()
    )
    incident.recorded_by = _person(actor)
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def work_order_record_set(
    *,
    actor: User | None,
    period: RatingPeriod,
    firm: PropertyFirm,
    orders: int,
    complaints_per_100_households: Decimal,
    on_time_rate: Decimal | None,
    satisfaction_rate: Decimal | None,
    source: str = "manual",
) -> WorkOrderRecord:
    """Store the firm's work-order figures for the quarter (a manual entry is never overwritten by capture)."""
    period = _lock_period(actor, period)
    _require_district_official(actor, period.district_id)
    _refuse_if_frozen(period)
    firm = _firm_in_district(actor, firm, period.district_id)
    row = WorkOrderRecord.objects.filter(period=period, firm=firm).first() or WorkOrderRecord(
        district_id=period.district_id, period=period, firm=firm
    )
    row.orders = orders
    row.complaints_per_100_households = Decimal(str(complaints_per_100_households))
    row.on_time_rate = None if on_time_rate is None else Decimal(str(on_time_rate))
    row.satisfaction_rate = None if satisfaction_rate is None else Decimal(str(satisfaction_rate))
    row.source = source
    row.full_clean()
    row.save()
    return row


def _percent(value: Any) -> Decimal | None:
    """A rate from the work-order app (a 0–1 fraction, or None when nothing was counted) as a percentage."""
    if value is None:
        return None
    return (Decimal(str(value)) * 100).quantize(Decimal("0.01"))


def _kpi_rows(result: Any) -> Iterable[tuple[int, Mapping]]:
    items = result.items() if isinstance(result, Mapping) else ((None, row) for row in result)
    for key, row in items:
        row = row if isinstance(row, Mapping) else vars(row)
        firm = row.get("firm_id", row.get("firm", key))
        yield (getattr(firm, "pk", firm), row)


def work_order_records_capture(*, actor: Any, period: RatingPeriod) -> int:
    """Fill the period's work-order snapshot from workorders.selectors.firm_kpis, when that app provides it.

    Rows entered by hand (source "manual") are kept. Returns the number of rows written (0 when the
    work-order app is not there yet). `actor`: whoever computes the period (a person or the build task's
    SystemActor), who must be able to change it; None raises MissingActor."""
    period = access(require_actor(actor), RatingPeriod, CHANGE, pk=period.pk)
    try:
        from workorders.selectors import firm_kpis
    except ImportError:
        return 0
    start, end = selectors.quarter_bounds(period.year, period.quarter)
    result = firm_kpis(district=period.district, start=start, end=end)
    manual = set(WorkOrderRecord.objects.filter(period=period, source="manual").values_list("firm_id", flat=True))
    firms = set(PropertyFirm.objects.filter(district=period.district).values_list("pk", flat=True))
    records = [
        WorkOrderRecord(
            district_id=period.district_id,
            period=period,
            firm_id=firm_id,
            orders=int(row.get("orders", 0) or 0),
            complaints_per_100_households=Decimal(str(row.get("complaints_per_100_households", 0) or 0)),
            on_time_rate=_percent(row.get("on_time_rate")),
            satisfaction_rate=_percent(row.get("satisfaction_rate")),
            source="workorders",
        )
        for firm_id, row in _kpi_rows(result)
        # no orders: no record to judge, the work-order weight goes to the other inputs
        if firm_id in firms and firm_id not in manual and row.get("orders")
    ]
    # One INSERT … ON CONFLICT for the whole district (was one update_or_create per firm: 535–818 queries for a
    # district's quarter); pghistory's triggers record each inserted or updated row as before.
    WorkOrderRecord.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["period", "firm"],
        update_fields=[
            "orders",
            "complaints_per_100_households",
            "on_time_rate",
            "satisfaction_rate",
            "source",
            "captured_at",
        ],
        batch_size=1000,
    )
    return len(records)


# --- computing, building and publishing a quarter --------------------------------------------------


@transaction.atomic
def period_compute(*, actor: User | None, period: RatingPeriod) -> list[FirmScore]:
    """Compute every firm's score and list for the quarter. Safe to run again: the previous results are
    replaced, never duplicated, and the same inputs give the same results."""
    period = _lock_period(actor, period)
    _require_district_official(actor, period.district_id)
    _refuse_if_frozen(period)
    work_order_records_capture(actor=actor, period=period)
    rows = selectors.compute_scores(period=period)
    # A firm's score row is updated in place, so its page (/ratings/scores/<pk>/) keeps its URL across
    # rebuilds; rows of firms no longer rated this quarter go.
    existing = {score.firm_id: score for score in FirmScore.objects.select_for_update().filter(period=period)}
    scores, fresh = [], []
    for row in rows:
        fields = row.as_fields()
        score = existing.pop(fields["firm"].pk, None)
        if score is None:
            fresh.append(FirmScore(district_id=period.district_id, period=period, **fields))
            continue
        for name, value in fields.items():
            setattr(score, name, value)
        scores.append(score)
    if existing:
        FirmScore.objects.filter(pk__in=[score.pk for score in existing.values()]).delete()
    if scores:
        FirmScore.objects.bulk_update(scores, [name for name in rows[0].as_fields() if name != "firm"])
    scores += FirmScore.objects.bulk_create(fresh)
    period.status = PeriodStatus.COMPUTED
    period.computed_at = timezone.now()
    period.save(update_fields=["status", "computed_at"])
    return scores


def quarter_build(*, actor: User | None, period: RatingPeriod) -> Any:
    """Compute the scores, fix the lists and render the PDF report (what the Celery task runs)."""
    from ratings.reports import quarterly

    period_compute(actor=actor, period=period)
    with transaction.atomic():
        period = _lock_period(actor, period)
        _refuse_if_frozen(period)
        return quarterly.build(actor=actor, period=period)


def quarter_build_enqueue(*, actor: User, period: RatingPeriod) -> Any:
    """Ask the report room for a new version of the quarter's lists (ratings.report_kinds.QUARTERLY_LISTS):
    the report worker computes the scores and renders the PDF once this transaction commits. Returns the room's
    build (reports.ReportBuild), whose page shows its progress and, when done, the download."""
    from ratings.report_kinds import QUARTERLY_LISTS
    from reports import services as room

    period = access(actor, RatingPeriod, VIEW, pk=period.pk)
    _require_district_official(actor, period.district_id)
    _refuse_if_frozen(period)
    key = f"{period.year}-Q{period.quarter}"
    return room.report_request(actor=actor, kind=QUARTERLY_LISTS, key=key, district_id=period.district_id)


def due_periods(*, today: datetime.date) -> list[RatingPeriod]:
    """Periods of the quarter that ended before `today`'s quarter began and are not yet published."""
    year, quarter = (today.year, (today.month - 1) // 3 + 1)
    previous = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return list(
        RatingPeriod.objects.filter(year=previous[0], quarter=previous[1]).exclude(status=PeriodStatus.PUBLISHED)
    )


# --- the public owner survey -------------------------------------------------------------------------


def survey_client_hash(client_id: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_id}".encode()).hexdigest()


def household_key(building: str, room: str) -> str:
    building = "".join((building or "").split())
    room = "".join((room or "").split()).upper()
    return f"{building}-{room}"


def survey_answer(
    *,
    token: str,
    building: str,
    room: str,
    level: str,
    comment: str = "",
    client_id: str,
    today: datetime.date | None = None,
) -> SurveyResponse:
    """A resident's answer from the compound's public page (no account).

    Guards against ballot stuffing: one answer per household (building + room) per quarter, a building
    that must be one of the compound's, at most as many answers as the compound has households, and a
    rate limit per compound and household (settings.RATE_LIMITS["survey-household"]) — never per address, so
    that households behind one NAT can all answer. Answers are taken only while the district's period is open."""
    client = survey_client_hash(client_id)
    household = household_key(building, room)
    if rate_limited(None, limit="survey-household", key=household, scope=f"survey:{token}"):
        raise ValidationError(gettext("提交过于频繁，请稍后再试。"))
    return _survey_answer_save(token=token, building=building, room=room, level=level, comment=comment, client=client)


@transaction.atomic
def _survey_answer_save(*, token: str, building: str, room: str, level: str, comment: str, client: str) -> Any:
    # The compound row is locked so that two answers at once cannot both pass the households cap.
    compound = Compound.objects.select_for_update().filter(public_token=token).first()
    if compound is None:
        raise ValidationError(gettext("二维码无效，请扫描小区张贴的最新二维码。"))
    period = RatingPeriod.objects.filter(district_id=compound.district_id, status=PeriodStatus.OPEN).first()
    if period is None:
        raise ValidationError(gettext("本季度物业满意度调查尚未开始或已经结束，感谢您的关注。"))
    if compound.property_firm_id is None:
        raise ValidationError(gettext("本小区目前没有物业企业，无需评价。"))
    if level not in SatisfactionLevel.values:
        raise ValidationError({"level": gettext("请选择您对物业服务的满意程度。")})
    building = "".join((building or "").split())
    room = "".join((room or "").split())
    if not building or not room:
        raise ValidationError({"room": gettext("请填写楼栋和房号，每户每季度只能填写一次。")})
    if len(room) > 20 or len(building) > 30:
        raise ValidationError({"room": gettext("楼栋或房号过长，请核对。")})
    names = set(Building.objects.filter(compound=compound).values_list("name", flat=True))
    if names and building not in names:
        raise ValidationError({"building": gettext("楼栋不在本小区的楼栋名单中，请从列表中选择。")})
    key = household_key(building, room)
    if SurveyResponse.objects.filter(period=period, compound=compound, household_key=key).exists():
        raise ValidationError(
            {
                "room": gettext("%(building)s %(room)s 本季度已经填写过问卷，每户每季度只能填写一次。")
                % {"building": building, "room": room}
            }
        )
    if SurveyResponse.objects.filter(period=period, compound=compound).count() >= compound.households:
        raise ValidationError(gettext("本小区本季度的问卷数已达到住户总数，不再接收新的问卷。"))
    answer = SurveyResponse(
        district_id=compound.district_id,
        period=period,
        compound=compound,
        firm_id=compound.property_firm_id,
        household_key=key,
        level=level,
        points=SATISFACTION_POINTS[SatisfactionLevel(level)],
        comment=(comment or "").strip()[:500],
        client_hash=client,
    )
    answer.full_clean()
    answer.save()
    return answer


# --- reports -------------------------------------------------------------------------------------------


@transaction.atomic
def report_save(
    *,
    actor: Any,
    district_id: int,
    kind: str,
    title: str,
    pdf: bytes,
    seconds: float,
    period: RatingPeriod | None = None,
    month: datetime.date | None = None,
) -> Report:
    """Store a built PDF. Building the same report again replaces its file and time (never a second row).
    `actor`: who builds it (a person or a task's SystemActor), inside the report's district; None raises."""
    district_id = access(require_actor(actor), District, VIEW, pk=district_id).pk
    from django.core.files.base import ContentFile

    lookup = {"kind": kind, "period": period} if period is not None else {"kind": kind, "month": month}
    report = Report.objects.select_for_update().filter(district_id=district_id, **lookup).first()
    old_name = report.file.name if report is not None and report.file else None
    report = report or Report(district_id=district_id, **lookup)
    report.title = title
    report.built_at = timezone.now()
    report.build_seconds = Decimal(str(round(seconds, 2)))
    stamp = report.built_at.strftime("%Y%m%d%H%M%S")
    slug = f"{period.year}Q{period.quarter}" if period is not None else month.strftime("%Y%m")
    report.file.save(f"{kind}-{district_id}-{slug}-{stamp}.pdf", ContentFile(pdf), save=False)
    report.full_clean()
    report.save()
    if old_name and old_name != report.file.name:
        storage = report.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return report
