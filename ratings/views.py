"""Pages of the ratings app (zh-hans). Every object comes through the policy (`access` / `visible_to`):
another district's firm, contract, introduction, period, score or report is a 404. The owner survey is the
one public page: it is reached by the compound's QR token and needs no account."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts import onetime
from accounts.network import client_address
from accounts.permissions import has
from accounts.policy import CHANGE, access
from accounts.uploads import attachment_response, stored_file
from compounds.models import Building, Compound, PropertyFirm
from ratings import selectors, services
from ratings.forms import (
    ContractEndForm,
    ContractForm,
    IntroductionStartForm,
    PanelScoreForm,
    PeriodOpenForm,
    RatingSettingsForm,
    StepForm,
    SurveyForm,
)
from ratings.models import (
    FirmScore,
    Introduction,
    PanelScore,
    PeriodStatus,
    RatingPeriod,
    RatingSettings,
    Report,
    ReportKind,
    SatisfactionLevel,
    SeriousIncident,
    ServiceContract,
    StepDocument,
    WorkOrderRecord,
)


def tenant_page(model: type | None) -> Callable:
    """A signed-in page about `model` (the tenancy walk reads `tenancy_model` to aim at another district)."""

    def decorate(view: Callable) -> Callable:
        wrapped = login_required(view)
        wrapped.tenancy_model = model
        return wraps(view)(wrapped)

    return decorate


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _create_once(
    request: HttpRequest, form, *, district_id: int, create, url, done: str | Callable[[Any], str]
) -> HttpResponse | None:
    """Run `create` (a service call that makes one record) once per the form's one-time token (accounts.onetime):
    a redirect to the record with `done` as the message, or — the same form posted again — to the first post's
    record with a note that nothing was recorded twice. None when the token was used for other content (the error
    is on the form). A service's ValidationError propagates."""
    outcome = onetime.once(request, form, district_id=district_id, create=create, url=url)
    if outcome is None:
        return None
    if outcome.replayed:
        messages.info(request, onetime.REPLAYED_MESSAGE)
    else:
        messages.success(request, done(outcome.record) if callable(done) else done)
    return redirect(outcome.url)


def _is_official(user) -> bool:
    return has(user, "ratings.manage")


@require_safe
@tenant_page(None)
def index(request: HttpRequest) -> HttpResponse:
    periods = RatingPeriod.objects.visible_to(request.user).order_by("-year", "-quarter")[:8]
    return render(request, "ratings/index.html", {"periods": periods, "is_official": _is_official(request.user)})


# --- firms and contracts ------------------------------------------------------------------------------


FIRMS_PER_PAGE = 30
FOLD_AFTER = 15  # a list on the period page longer than this is folded until opened or searched


@require_safe
@tenant_page(PropertyFirm)
def firm_list(request: HttpRequest) -> HttpResponse:
    """The firms, 30 a page, searchable by name or credit code, each with its latest quarter's result."""
    firms = PropertyFirm.objects.visible_to(request.user).order_by("name", "pk")
    query = request.GET.get("q", "").strip()[:50]
    if query:
        firms = firms.filter(Q(name__icontains=query) | Q(credit_code__icontains=query))
    page = Paginator(firms, FIRMS_PER_PAGE).get_page(request.GET.get("page"))
    latest = {}
    shown = [firm.pk for firm in page.object_list]
    for score in FirmScore.objects.visible_to(request.user).filter(firm__in=shown).select_related("period"):
        current = latest.get(score.firm_id)
        if current is None or (score.period.year, score.period.quarter) > (current.period.year, current.period.quarter):
            latest[score.firm_id] = score
    rows = [{"firm": firm, "score": latest.get(firm.pk)} for firm in page.object_list]
    return render(request, "ratings/firm_list.html", {"rows": rows, "page": page, "query": query})


@tenant_page(PropertyFirm)
@require_safe  # a page to read: a write method is a 405, never the page again
def firm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    firm = access(request.user, PropertyFirm, pk=pk)
    scores = FirmScore.objects.visible_to(request.user).filter(firm=firm).select_related("period")
    contracts = ServiceContract.objects.visible_to(request.user).filter(firm=firm).select_related("compound")
    return render(
        request,
        "ratings/firm_detail.html",
        {"firm": firm, "scores": scores.order_by("-period__year", "-period__quarter"), "contracts": contracts},
    )


def _form_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form, beside the field it names (the typed values stay)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@tenant_page(ServiceContract)
@require_http_methods(["GET", "POST"])
def contract_list(request: HttpRequest) -> HttpResponse:
    is_official = _is_official(request.user) and request.user.district_id is not None
    form = ContractForm(request.POST or None, actor=request.user) if is_official else None
    if request.method == "POST":
        if form is None:
            raise Http404("未找到该对象")
        if form.is_valid():
            data = form.cleaned_data
            try:
                # Once per the form's one-time token: a double submit registers one contract.
                done = _create_once(
                    request,
                    form,
                    district_id=request.user.district_id,
                    create=lambda: services.contract_create(
                        actor=request.user,
                        firm=data["firm"],
                        compound=data["compound"],
                        start=data["start"],
                        end=data["end"],
                        fee_basis=data["fee_basis"],
                        fee_fen=form.fee_fen,
                        signed_at=data["signed_at"],
                        note=data["note"],
                    ),
                    url=lambda contract: reverse("ratings:contract-detail", args=[contract.pk]),
                    done=lambda contract: (
                        gettext("已登记服务合同：%(compound)s · %(firm)s。")
                        % {"compound": contract.compound, "firm": contract.firm}
                    ),
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                if done is not None:
                    return done
    contracts = (
        ServiceContract.objects.visible_to(request.user)
        .select_related("firm", "compound__community__street")
        .order_by("compound__code", "-start")
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "ratings/contract_list.html", {"contracts": contracts[:500], "form": form}, status=status)


@tenant_page(ServiceContract)
@require_http_methods(["GET", "POST"])
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access(request.user, ServiceContract.objects.select_related("firm", "compound"), pk=pk)
    may_end = _is_official(request.user) and contract.end is None
    form = ContractEndForm(request.POST or None)
    if request.method == "POST":
        if not _is_official(request.user):
            raise Http404("未找到该对象")
        if form.is_valid():
            try:
                contract = services.contract_end(actor=request.user, contract=contract, end=form.cleaned_data["end"])
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, gettext("合同已于 %(end)s 结束，保留在历史中。") % {"end": contract.end})
                return redirect("ratings:contract-detail", pk=pk)
        may_end = True
    history = (
        ServiceContract.objects.visible_to(request.user)
        .filter(compound=contract.compound)
        .select_related("firm", "compound")
        .order_by("-start")
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ratings/contract_detail.html",
        {"contract": contract, "history": history, "form": form, "may_end": may_end},
        status=status,
    )


# --- the six-step introduction --------------------------------------------------------------------------


@tenant_page(Introduction)
@require_http_methods(["GET", "POST"])
def introduction_list(request: HttpRequest) -> HttpResponse:
    form = IntroductionStartForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Once per the form's one-time token: a double submit starts one introduction.
            done = _create_once(
                request,
                form,
                district_id=request.user.district_id,
                create=lambda: services.introduction_start(
                    actor=request.user,
                    compound=data["compound"],
                    firm=data["firm"],
                    fee_basis=data["fee_basis"],
                    fee_fen=int(data["fee_yuan"] * 100),
                    contract_years=data["contract_years"],
                ),
                url=lambda introduction: reverse("ratings:introduction-detail", args=[introduction.pk]),
                done=gettext("已发起物业引入流程。"),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            if done is not None:
                return done
    introductions = (
        Introduction.objects.visible_to(request.user).select_related("compound", "firm").prefetch_related("steps")
    )
    return render(request, "ratings/introduction_list.html", {"introductions": introductions, "form": form})


@tenant_page(Introduction)
@require_http_methods(["GET", "POST"])
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = access(request.user, Introduction.objects.select_related("compound", "firm", "contract"), pk=pk)
    form = StepForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        introduction = access(request.user, Introduction, CHANGE, pk=pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.introduction_record_step(
                    actor=request.user,
                    introduction=introduction,
                    stage=data["stage"],
                    date=data["date"],
                    responsible=data["responsible"],
                    decision=data["decision"],
                    note=data["note"],
                    documents=data["documents"],
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, gettext("已记录该步骤。"))
                return redirect("ratings:introduction-detail", pk=pk)
    steps = introduction.steps.prefetch_related("documents").order_by("stage")
    if request.method == "GET" and introduction.next_stage is not None:
        form.initial = {"stage": introduction.next_stage.value}
    return render(
        request,
        "ratings/introduction_detail.html",
        {
            "introduction": introduction,
            "steps": steps,
            "form": form,
            "next_stage": introduction.next_stage,
            # the step form only for those who may record a step (a firm or a department reads the process)
            "may_record": Introduction.objects.visible_to(request.user, CHANGE).filter(pk=pk).exists(),
        },
    )


@require_safe
@tenant_page(StepDocument)
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = access(request.user, StepDocument, pk=pk)
    return attachment_response(stored_file(document.file), filename=document.name, content_type=document.content_type)


# --- periods, inputs, scores ------------------------------------------------------------------------------


@tenant_page(RatingPeriod)
@require_http_methods(["GET", "POST"])
def period_list(request: HttpRequest) -> HttpResponse:
    form = PeriodOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != onetime.FIELD}
        try:
            if request.user.district is None:
                raise ValidationError(gettext("平台管理员请在管理后台为指定区建立考评季度。"))
            # Once per the form's one-time token: a double submit opens one quarter (the second lands on it).
            done = _create_once(
                request,
                form,
                district_id=request.user.district_id,
                create=lambda: services.period_open(actor=request.user, district=request.user.district, **data),
                url=lambda period: reverse("ratings:period-detail", args=[period.pk]),
                done=lambda period: (
                    gettext("已建立%(year)s年第%(quarter)s季度考评，各小区满意度调查开始接受填写。")
                    % {"year": period.year, "quarter": period.quarter}
                ),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            if done is not None:
                return done
    periods = RatingPeriod.objects.visible_to(request.user).order_by("-year", "-quarter")
    return render(
        request,
        "ratings/period_list.html",
        {"periods": periods, "form": form, "is_official": _is_official(request.user)},
    )


PERIOD_ACTIONS = {
    "start_scoring": (services.period_start_scoring, gettext_lazy("问卷征集已结束，进入评分阶段。")),
    "publish": (services.period_publish, gettext_lazy("考评结果已发布，本季度数据已冻结。")),
}


def _quarter_room_rows(user, period: RatingPeriod) -> list:
    """The report room's versions of this quarter's lists (built from this page), for those who may read them."""
    from ratings.report_kinds import QUARTERLY_LISTS
    from reports import selectors as room

    key = f"{period.year}-Q{period.quarter}"
    return [row for row in room.room(user, kind=QUARTERLY_LISTS) if row.report.key == key]


@tenant_page(RatingPeriod)
@require_http_methods(["GET", "POST"])
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = access(request.user, RatingPeriod.objects.select_related("district"), pk=pk)
    if request.method == "POST":
        period = access(request.user, RatingPeriod, CHANGE, pk=pk)
        action = request.POST.get("action", "")
        try:
            if action == "build":
                build = services.quarter_build_enqueue(actor=request.user, period=period)
                messages.success(request, gettext("已提交生成任务：计算得分、确定榜单并生成 PDF 报告。"))
                return redirect("reports:build", pk=build.pk)  # the build's page follows its progress
            elif action in PERIOD_ACTIONS:
                service, done = PERIOD_ACTIONS[action]
                service(actor=request.user, period=period)
                messages.success(request, str(done))
            else:
                raise ValidationError(gettext("未知的操作。"))
        except ValidationError as error:
            _errors(request, error)
        return redirect("ratings:period-detail", pk=pk)
    # A firm's staff see only their own firm's result, and only once the quarter is published.
    own_only = not has(request.user, "ratings.read_unpublished")
    summary = selectors.list_summary(period, actor=request.user)
    # 129 firms made a 7,000 px page: the lists are searchable by firm name, the long ones folded (the counts
    # above them stay the quarter's).
    query = request.GET.get("q", "").strip()[:50]
    if query:
        for kind in ("red", "grey", "black", "insufficient"):
            summary[kind] = [s for s in summary[kind] if query in s.firm.name]
    return render(
        request,
        "ratings/period_detail.html",
        {
            "period": period,
            "summary": summary,
            "own_only": own_only,
            "rules": selectors.rating_settings(period.district_id),
            "tie_rule": selectors.TIE_RULE,
            "streets": selectors.street_breakdown(period, actor=request.user) if summary["scores"] else [],
            "reports": Report.objects.visible_to(request.user).filter(period=period),
            "room_rows": _quarter_room_rows(request.user, period),
            "is_official": _is_official(request.user),
            "statuses": PeriodStatus,
            "query": query,
            "fold_after": FOLD_AFTER,
            "lists": [
                ("red", "红榜", summary["red"]),
                ("grey", "灰榜", summary["grey"]),
                ("black", "黑榜", summary["black"]),
                ("insufficient", "样本不足（不参与排名）", summary["insufficient"]),
            ],
        },
    )


@tenant_page(RatingPeriod)
@require_http_methods(["GET", "POST"])
def period_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    period = access(request.user, RatingPeriod, pk=pk)
    form = PanelScoreForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        period = access(request.user, RatingPeriod, CHANGE, pk=pk) if _is_official(request.user) else period
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != onetime.FIELD}
            try:
                # Once per the form's one-time token: a double submit records the score once.
                done = _create_once(
                    request,
                    form,
                    district_id=period.district_id,
                    create=lambda: services.panel_score_record(actor=request.user, period=period, **data),
                    url=lambda score: reverse("ratings:period-inputs", args=[pk]),
                    done=gettext("评审团评分已保存。"),
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                if done is not None:
                    return done
    return render(
        request,
        "ratings/period_inputs.html",
        {
            "period": period,
            "form": form,
            "panel": PanelScore.objects.visible_to(request.user).filter(period=period).select_related("firm"),
            "records": WorkOrderRecord.objects.visible_to(request.user).filter(period=period).select_related("firm"),
            "incidents": SeriousIncident.objects.visible_to(request.user).filter(period=period).select_related("firm"),
            "progress": selectors.survey_progress(period) if _can_see_surveys(request.user) else None,
            "may_score": _can_see_surveys(request.user),
        },
    )


def _can_see_surveys(user) -> bool:
    return has(user, "ratings.read_inputs")


@tenant_page(FirmScore)
@require_safe  # a page to read: a write method is a 405, never the page again
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    score = access(request.user, FirmScore.objects.select_related("period", "firm"), pk=pk)
    context = selectors.score_breakdown(score)
    context["ranked_total"] = selectors.ranked_total(score.period)
    counts = {row["level"]: row["n"] for row in context["levels"]}
    context["levels"] = [{"label": level.label, "n": counts[level]} for level in SatisfactionLevel if level in counts]
    return render(request, "ratings/score_detail.html", context)


# --- the district's rules -------------------------------------------------------------------------------

SETTINGS_FIELDS = list(RatingSettingsForm.base_fields)


@tenant_page(RatingSettings)
@require_http_methods(["GET", "POST"])
def rating_settings(request: HttpRequest) -> HttpResponse:
    """考评规则: district officials change them; everyone else in the district reads them."""
    district_id = request.user.district_id
    if district_id is None:
        raise Http404("未找到该对象")
    rules = RatingSettings.objects.visible_to(request.user).first() or selectors.rating_settings(district_id)
    may_change = _is_official(request.user)
    initial = {name: getattr(rules, name) for name in SETTINGS_FIELDS}
    form = RatingSettingsForm(request.POST or None, initial=initial) if may_change else None
    if request.method == "POST":
        if form is None:
            raise Http404("未找到该对象")
        if form.is_valid():
            try:
                services.rating_settings_update(actor=request.user, district=request.user.district, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, gettext("考评规则已保存，下次计算时生效（已发布的季度不受影响）。"))
                return redirect("ratings:settings")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ratings/settings.html",
        {"rules": rules, "form": form, "fields": SETTINGS_FIELDS, "tie_rule": selectors.TIE_RULE},
        status=status,
    )


# --- reports --------------------------------------------------------------------------------------------


@require_safe
@tenant_page(Report)
def report_list(request: HttpRequest) -> HttpResponse:
    reports = Report.objects.visible_to(request.user).select_related("period").order_by("-built_at")
    return render(request, "ratings/report_list.html", {"reports": reports})


def _room_report(report: Report) -> Any:
    """The report room's report (reports.Report) of an old ratings report: same district, kind and period."""
    from ratings.report_kinds import MONTHLY_STREETS, QUARTERLY_LISTS
    from reports.models import Report as RoomReport

    if report.kind == ReportKind.QUARTERLY_LISTS and report.period_id:
        kind, key = QUARTERLY_LISTS, f"{report.period.year}-Q{report.period.quarter}"
    elif report.kind == ReportKind.MONTHLY_STREETS and report.month:
        kind, key = MONTHLY_STREETS, report.month.strftime("%Y-%m")
    else:
        return None
    return RoomReport.objects.filter(district_id=report.district_id, kind=kind, key=key).first()


@require_safe
@tenant_page(Report)
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The old link of a quarter's or month's PDF keeps answering: the report room holds the versions now, so
    the link goes to the room's latest version of the same report (its stable link); a report built before
    the room and never rebuilt there is served as it was."""
    from reports.models import BuildStatus

    report = access(request.user, Report.objects.select_related("period"), pk=pk)
    room_report = _room_report(report)
    if room_report is not None and room_report.builds.filter(status=BuildStatus.DONE).exists():
        return redirect("reports:latest-download", pk=room_report.pk)
    return FileResponse(stored_file(report.file), as_attachment=True, filename=f"{report.title}.pdf")


# --- the public owner survey ------------------------------------------------------------------------------


def _client_id(request: HttpRequest) -> str:
    """Stored hashed with each answer (accounts.network.client_address: the real client behind our proxy)."""
    return client_address(request)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, public_token: str) -> HttpResponse:
    """Public: a resident rates the compound's property firm (one answer per household per quarter)."""
    compound = get_object_or_404(Compound.objects.select_related("property_firm"), public_token=public_token)
    buildings = list(Building.objects.filter(compound=compound).order_by("name").values_list("name", flat=True))
    form = SurveyForm(request.POST or None, buildings=buildings)
    period = RatingPeriod.objects.filter(district_id=compound.district_id, status=PeriodStatus.OPEN).first()
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != onetime.FIELD}
        try:
            # Once per the form's one-time token: a double tap is one answer, and the second tap is thanked too.
            outcome = onetime.once(
                request,
                form,
                district_id=compound.district_id,
                scope=f"survey:{compound.pk}",
                create=lambda: services.survey_answer(token=public_token, client_id=_client_id(request), **data),
                url=lambda answer: request.path,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            if outcome is not None:
                context = {"compound": compound, "period": period, "replayed": outcome.replayed}
                return render(request, "ratings/survey_thanks.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "ratings/survey.html", {"compound": compound, "period": period, "form": form}, status=status)


survey.tenancy_model = Compound
