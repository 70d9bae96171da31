"""Funding pages (/funding/): the month's figures, the fund policy with the pro-rata rule written out, accounts
and their ledgers, requests and their approval, the other sources, the year end, the bonus pools with the
formula and the distribution, and the fund execution report (page and XLSX). Every write goes through a
service; a service's Chinese error lands on the form and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import onetime
from accounts.exports import xlsx_response
from accounts.forms import errors_onto
from accounts.permissions import has, require
from accounts.policy import access, object_view
from accounts.roles import STAFF_ROLES, Role
from accounts.uploads import attachment_response, stored_file
from compounds.models import Community
from funding import bonus as formula
from funding import forms, selectors
from funding.models import (
    SPENDABLE_KINDS,
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
    Status,
    TierProration,
    YearEnd,
)
from funding.money import fen_text
from funding.services import bonus, disbursements, ledger, policy, sources, yearend
from reports.rendering import bar_chart

STAFF = {str(r) for r in (Role.DISTRICT_OFFICIAL, Role.STREET_STAFF, Role.COMMUNITY_CADRE, Role.PLATFORM_ADMIN)}
ALL_STAFF = {str(r) for r in STAFF_ROLES}


def require_funding(request: HttpRequest) -> None:
    require(request.user, "funding.view")
    if request.user.district_id is None:
        raise PermissionDenied(_("经费页面只对区级人员、街道工作人员和社区干部开放。"))


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _attempt(request: HttpRequest, form: Any, call: Callable[[dict], Any], done: str, to: str | None = None) -> Any:
    """Validate, call the service; on success a message and a redirect, otherwise the errors on the form."""
    if not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as error:
        errors_onto(form, error)
        return None
    messages.success(request, done if not callable(done) else done(result))
    return redirect(to or request.get_full_path())


def _attempt_once(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict], Any],
    done: str | Callable[[Any], str],
    *,
    url: Callable[[Any], str] | None = None,
) -> Any:
    """`_attempt` for a form that creates a record, once per its one-time token (accounts.onetime): the same form
    posted again creates nothing and lands on the record the first post made (`url`)."""
    if not form.is_valid():
        return None
    try:
        outcome = onetime.once(
            request,
            form,
            district_id=request.user.district_id,
            create=lambda: call({k: v for k, v in form.cleaned_data.items() if k != onetime.FIELD}),
            url=url or (lambda _: request.get_full_path()),
        )
    except ValidationError as error:
        errors_onto(form, error)
        return None
    if outcome is None:  # the token was used for other content: the error is on the form
        return None
    if outcome.replayed:
        messages.info(request, onetime.REPLAYED_MESSAGE)
        return redirect(outcome.url)
    messages.success(request, done if not callable(done) else done(outcome.record))
    return redirect(request.get_full_path())


def _communities(actor: Any) -> list[tuple[int, str]]:
    return [
        (
            c.pk,
            _("%(street)s · %(community)s（%(tier)s类）")
            % {"street": c.street.name, "community": c.name, "tier": c.tier},
        )
        for c in Community.objects.visible_to(actor).select_related("street").order_by("street__code", "code")
    ]


def _status(forms_: dict[str, Any]) -> int:
    return 400 if any(f.is_bound and f.errors for f in forms_.values()) else 200


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    today = timezone.localdate()
    figure = selectors.monthly_figure(actor=request.user, month=today)
    execution = selectors.fund_execution(actor=request.user, year=today.year)
    waiting = (
        Disbursement.objects.visible_to(request.user)
        .filter(status__in=[Status.REQUESTED, Status.SECOND])
        .select_related("community")
        .order_by("requested_at")[:10]
    )
    return render(
        request,
        "funding/home.html",
        {"figure": figure, "execution": execution, "waiting": waiting, "year": today.year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_page(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    actor, year = request.user, _year(request)
    current = FundPolicy.objects.visible_to(actor).filter(year=year).first()
    initial = {"year": year, "carry_rule": "carry", "second_approval_fen": "50000"}
    if current:
        initial.update(
            {
                name: f"{getattr(current, name) / 100:.2f}"
                for name in (
                    "tier_a_fen",
                    "tier_b_fen",
                    "tier_c_fen",
                    "tier_d_fen",
                    "second_approval_fen",
                    "carry_cap_fen",
                )
            }
        )
        initial["carry_rule"] = current.carry_rule
    bound = request.POST if request.method == "POST" else None
    name = request.POST.get("form", "") if bound else ""
    page_forms = {
        "policy": forms.PolicyForm(bound if name == "policy" else None, initial=initial),
        "override": forms.OverrideForm(bound if name == "override" else None, initial={"year": year}),
        "tier": forms.TierChangeForm(bound if name == "tier" else None, initial={"year": year}),
    }
    choices = _communities(actor)
    for key in ("override", "tier"):
        page_forms[key].fields["community"].widget.choices = choices
    if request.method == "POST":
        response = None
        if name == "policy":

            def set_policy(data: dict) -> Any:
                data = dict(data)
                return policy.policy_set(
                    actor=actor,
                    district=actor.district_id,
                    year=data.pop("year"),
                    carry_rule=data.pop("carry_rule"),
                    **data,
                )

            response = _attempt_once(request, page_forms["policy"], set_policy, _("经费标准已保存。"))
        elif name == "apply":
            try:
                done = policy.policy_apply(actor=actor, district=actor.district_id, year=year)
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, _("已向 %(n)s 个社区下达%(year)s年经费。") % {"n": done, "year": year})
            return redirect(request.get_full_path())
        elif name == "override":
            response = _attempt_once(
                request, page_forms["override"], lambda d: policy.override_set(actor=actor, **d), _("已单独核定。")
            )
        elif name == "tier":
            response = _attempt_once(
                request,
                page_forms["tier"],
                lambda d: policy.tier_change(actor=actor, **d),
                lambda row: (
                    (
                        _("分类已调整，按月折算差额 %(delta)s，已记账。")
                        if policy.is_allocated(row.community, row.year)
                        else _("分类已调整，按月折算差额 %(delta)s，将在下达本年度经费时记账。")
                    )
                    % {"delta": fen_text(row.delta_fen)}
                ),
            )
        if response is not None:
            return response
    context = {
        "year": year,
        "policy": current,
        "forms": page_forms,
        "may_set": has(actor, "funding.set_policy"),
        "may_override": has(actor, "funding.override"),
        "proration_rule": policy.PRORATION_RULE,
        "rule_text": yearend.RULE_TEXT,
        "overrides": FundOverride.objects.visible_to(actor)
        .filter(year=year)
        .select_related("community", "recorded_by"),
        "prorations": TierProration.objects.visible_to(actor).filter(year=year).select_related("community"),
        "years": range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
    }
    return render(request, "funding/policy.html", context, status=_status(page_forms))


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    accounts = list(
        FundAccount.objects.visible_to(request.user)
        .select_related("community", "street")
        .order_by("street__code", "community__code", "kind")
    )
    balances = selectors.balances(request.user, accounts)
    rows = [(a, balances.get(a.pk, 0)) for a in accounts]
    return render(request, "funding/account_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
@object_view(FundAccount)
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_funding(request)
    account = access(request.user, FundAccount, pk=pk)
    form = forms.CorrectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        response = _attempt(
            request,
            form,
            lambda d: ledger.entry_reverse(actor=request.user, entry=d["entry"], reason=d["reason"]),
            _("已登记冲正分录。"),
        )
        if response is not None:
            return response
    from django.db.models import Q

    entries = (
        LedgerEntry.objects.visible_to(request.user)
        .filter(Q(from_account=account) | Q(to_account=account))
        .select_related("from_account", "to_account", "disbursement", "reversed_by")
        .order_by("-posted_at", "-pk")[:300]
    )
    context = {
        "account": account,
        "balance": ledger.balance(account),
        "entries": entries,
        "form": form,
        "may_correct": has(request.user, "funding.correct"),
    }
    return render(request, "funding/account_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def request_list(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    actor = request.user
    wanted = request.GET.get("status", "")
    rows = Disbursement.objects.visible_to(actor).select_related("community", "street", "account")
    if wanted in Status.values:
        rows = rows.filter(status=wanted)
    may_request = has(actor, "funding.request")
    form = (
        forms.RequestForm(request.POST or None, request.FILES or None)
        if request.method == "POST"
        else forms.RequestForm()
    )
    spendable = list(
        FundAccount.objects.visible_to(actor)
        .filter(kind__in=SPENDABLE_KINDS, community__isnull=False)
        .select_related("community")
    )
    balances = selectors.balances(actor, spendable)
    order = {kind: i for i, kind in enumerate(SPENDABLE_KINDS)}  # the service fund first
    spendable.sort(key=lambda a: (a.community.code, order[a.kind], a.pk))
    form.fields["account"].widget.choices = [
        (a.pk, _("%(account)s（可用 %(balance)s）") % {"account": a.name, "balance": fen_text(balances.get(a.pk, 0))})
        for a in spendable
    ]
    if request.method == "POST":
        if not may_request:
            raise PermissionDenied(_("只有本社区干部可以提出经费支出申请。"))

        def file(data: dict) -> Any:
            account = access(actor, FundAccount, pk=data["account"])
            return disbursements.disbursement_request(
                actor=actor,
                community=account.community_id,
                account=account,
                purpose=data["purpose"],
                category=data["category"],
                amount_fen=data["amount_fen"],
                documents=data["documents"],
            )

        response = _attempt_once(
            request,
            form,
            file,
            _("申请已提交，等待街道审批。"),
            url=lambda row: reverse("funding:request", args=[row.pk]),
        )
        if response is not None:
            return response
    # paged: the list grows without bound (it was cut at 300 rows, silently)
    page = Paginator(rows.order_by("-requested_at", "-pk"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": page.object_list,
        "status": wanted,
        "statuses": Status.choices,
        "form": form,
        "may_request": may_request,
    }
    return render(request, "funding/request_list.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@object_view(Disbursement)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_funding(request)
    actor = request.user
    target = access(actor, Disbursement.objects.select_related("community", "street", "account"), pk=pk)
    bound = request.POST if request.method == "POST" else None
    name = request.POST.get("form", "") if bound else ""
    page_forms = {
        "reject": forms.ReasonForm(bound if name == "reject" else None),
        "pay": forms.VoucherForm(bound if name == "pay" else None),
        "attach": forms.AttachForm(bound if name == "attach" else None, request.FILES if name == "attach" else None),
    }
    if request.method == "POST":
        response = None
        try:
            if name == "approve":
                disbursements.disbursement_approve(actor=actor, disbursement=target)
                messages.success(request, _("已批准。"))
                return redirect(request.get_full_path())
            if name == "second":
                disbursements.disbursement_second_approve(actor=actor, disbursement=target)
                messages.success(request, _("已完成二次审批。"))
                return redirect(request.get_full_path())
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect(request.get_full_path())
        if name == "reject":
            response = _attempt(
                request,
                page_forms["reject"],
                lambda d: disbursements.disbursement_reject(actor=actor, disbursement=target, reason=d["reason"]),
                _("已驳回。"),
            )
        elif name == "pay":
            response = _attempt(
                request,
                page_forms["pay"],
                lambda d: disbursements.disbursement_pay(actor=actor, disbursement=target, voucher_no=d["voucher_no"]),
                _("已登记支付。"),
            )
        elif name == "attach":

            def attach(d: dict) -> Any:
                for checked in d["documents"]:
                    disbursements.disbursement_attach(actor=actor, disbursement=target, upload=checked, kind=d["kind"])

            response = _attempt_once(request, page_forms["attach"], attach, _("附件已上传。"))
        if response is not None:
            return response
        target.refresh_from_db()
    context = {
        "item": target,
        "forms": page_forms,
        "entries": target.entries.select_related("from_account", "to_account").order_by("posted_at", "pk"),
        "documents": target.documents.all(),
        "may_approve": target.status == Status.REQUESTED and has(actor, "funding.approve", target),
        "may_second": target.status == Status.SECOND and has(actor, "funding.second_approve", target),
        "may_reject": (target.status == Status.REQUESTED and has(actor, "funding.approve", target))
        or (target.status == Status.SECOND and has(actor, "funding.second_approve", target)),
        "may_pay": target.status == Status.APPROVED and has(actor, "funding.pay", target),
        "may_attach": has(actor, "funding.attach", target),
        "threshold": disbursements.threshold_fen(target.district_id, target.year),
    }
    return render(request, "funding/request_detail.html", context, status=_status(page_forms))


@login_required
@require_GET
@object_view(DisbursementDocument)
def document_download(request: HttpRequest, pk: int) -> Any:
    require_funding(request)
    document = access(request.user, DisbursementDocument, pk=pk)
    return attachment_response(stored_file(document.file), filename=document.name, content_type=document.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def sources_page(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    actor, year = request.user, _year(request)
    bound = request.POST if request.method == "POST" else None
    name = request.POST.get("form", "") if bound else ""
    page_forms = {
        "special": forms.SpecialForm(bound if name == "special" else None, initial={"year": year}),
        "donation": forms.DonationForm(
            bound if name == "donation" else None, initial={"received_on": timezone.localdate()}
        ),
    }
    choices = _communities(actor)
    for form in page_forms.values():
        form.fields["community"].widget.choices = choices
    if request.method == "POST":
        response = None
        if name == "special":
            response = _attempt_once(
                request,
                page_forms["special"],
                lambda d: sources.special_project_create(actor=actor, **d),
                _("专项经费已拨付。"),
            )
        elif name == "donation":
            response = _attempt_once(
                request,
                page_forms["donation"],
                lambda d: sources.donation_receive(actor=actor, **d),
                _("捐赠已入账。"),
            )
        if response is not None:
            return response
    projects = list(
        SpecialProject.objects.visible_to(actor).select_related("community", "account").order_by("-year", "name")
    )
    project_accounts = [p.account for p in projects if hasattr(p, "account")]
    balances = selectors.balances(actor, project_accounts)
    context = {
        "year": year,
        "projects": [(p, balances.get(getattr(getattr(p, "account", None), "pk", None), 0)) for p in projects],
        "donations": Donation.objects.visible_to(actor).select_related("community")[:200],
        "forms": page_forms,
        "may_special": has(actor, "funding.special"),
        "may_donation": has(actor, "funding.donation"),
    }
    return render(request, "funding/sources.html", context, status=_status(page_forms))


@login_required
@require_http_methods(["GET", "POST"])
def year_end_page(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    actor = request.user
    form = forms.YearForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST":

        def run(d: dict) -> Any:
            return yearend.year_end_run(actor=actor, district=actor.district_id, year=d["year"])

        response = _attempt(
            request, form, run, lambda r: _("年末结转已完成。") if r[1] else _("该年度已结转过，本次未做任何改动。")
        )
        if response is not None:
            return response
    runs = YearEnd.objects.visible_to(actor)
    lines = (
        CarryOver.objects.visible_to(actor)
        .select_related("community", "street")
        .order_by("-year", "street__code", "community__code")[:400]
    )
    context = {
        "runs": runs,
        "lines": lines,
        "form": form,
        "may_run": has(actor, "funding.year_end"),
        "rule_text": yearend.RULE_TEXT,
    }
    return render(request, "funding/year_end.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def bonus_page(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    actor, year = request.user, _year(request)
    pool = BonusPool.objects.visible_to(actor).filter(year=year).first()
    defaults = {
        f.name: f.default
        for f in BonusPool._meta.fields
        if f.name.startswith(("points_", "cap_", "floor_", "qualifying"))
    }
    initial = {"year": year, **defaults, "total_fen": "4090000"}
    if pool:
        initial.update({k: getattr(pool, k) for k in defaults} | {"total_fen": f"{pool.total_fen / 100:.2f}"})
    bound = request.POST if request.method == "POST" else None
    name = request.POST.get("form", "") if bound else ""
    page_forms = {
        "pool": forms.PoolForm(bound if name == "pool" else None, initial=initial),
        "compute": forms.QuarterForm(bound if name == "compute" else None),
    }
    if request.method == "POST":
        response = None
        if name == "pool":

            def set_pool(d: dict) -> Any:
                d = dict(d)
                return bonus.pool_set(actor=actor, district=actor.district_id, year=d.pop("year"), **d)

            response = _attempt_once(request, page_forms["pool"], set_pool, _("资金池已保存。"))
        elif name == "compute" and pool is not None:

            def compute(d: dict) -> Any:
                return bonus.quarter_compute(actor=actor, pool=pool, quarter=d["quarter"])

            response = _attempt(request, page_forms["compute"], compute, _("已按星级评定计算。"))
        if response is not None:
            return response
    quarters = list(pool.quarters.visible_to(actor).order_by("quarter")) if pool else []
    context = {
        "year": year,
        "pool": pool,
        "quarters": quarters,
        "forms": page_forms,
        "may_manage": has(actor, "funding.manage_bonus"),
        "rule": formula.rule_lines(
            points=pool.points() if pool else {i: defaults[f"points_{i}"] for i in range(1, 6)},
            cap_yuan=pool.cap_yuan if pool else defaults["cap_yuan"],
            floor_yuan=pool.floor_yuan if pool else defaults["floor_yuan"],
            qualifying_score=pool.qualifying_score if pool else defaults["qualifying_score"],
        ),
        "years": range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
    }
    return render(request, "funding/bonus.html", context, status=_status(page_forms))


@login_required
@require_http_methods(["GET", "POST"])
@object_view(BonusQuarter)
def bonus_quarter(request: HttpRequest, pk: int) -> HttpResponse:
    require_funding(request)
    actor = request.user
    row = access(actor, BonusQuarter.objects.select_related("pool"), pk=pk)
    if request.method == "POST":
        try:
            bonus.quarter_approve(actor=actor, bonus_quarter=row)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("已审定；发放表正在生成，稍后刷新即可下载。"))
        return redirect(request.get_full_path())
    summary = selectors.bonus_summary(actor=actor, bonus_quarter=row)
    chart = bar_chart(
        [{"label": label, "value": count, "colour": "#2e6da4"} for label, count in summary.bins],
        width=640,
        height=240,
        unit=pgettext("chart unit", "人"),
    )
    pool = row.pool
    context = {
        "row": row,
        "summary": summary,
        "chart": chart,
        "awards": row.awards.visible_to(actor)
        .select_related("community", "street")
        .order_by("-amount_yuan", "person_name")[:500],
        "rule": formula.rule_lines(
            points=pool.points(),
            cap_yuan=pool.cap_yuan,
            floor_yuan=pool.floor_yuan,
            qualifying_score=pool.qualifying_score,
        ),
        "may_approve": row.status == "computed" and has(actor, "funding.approve_bonus", row),
        "may_payroll": has(actor, "funding.approve_bonus", row),
    }
    return render(request, "funding/bonus_quarter.html", context)


@login_required
@require_GET
@object_view(BonusQuarter)
def bonus_payroll(request: HttpRequest, pk: int) -> Any:
    require_funding(request)
    row = access(request.user, BonusQuarter, pk=pk)
    if not has(request.user, "funding.approve_bonus", row):
        raise PermissionDenied(_("只有区级人员可以下载绩效奖励发放表。"))
    if not row.payroll:  # the same answer as the API: the quarter exists, its file does not yet
        return HttpResponse(
            _("发放表尚未生成：季度审定后由后台任务生成，请稍后刷新。"),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    from accounts.exports import XLSX_TYPE

    return attachment_response(
        stored_file(row.payroll), filename=f"{row.year}年第{row.quarter}季度绩效奖励发放表.xlsx", content_type=XLSX_TYPE
    )


EXECUTION_HEADER = [
    "街道",
    "社区",
    "分类",
    "下达（元）",
    "申请（元）",
    "批准（元）",
    "支付（元）",
    "执行率",
    "余额（元）",
    "上年结转（元）",
]


def _yuan(fen: int) -> Any:
    from decimal import Decimal

    return Decimal(fen) / 100


@login_required
@require_GET
def execution(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    year = _year(request)
    report = selectors.fund_execution(actor=request.user, year=year)
    return render(
        request,
        "funding/execution.html",
        {"report": report, "year": year, "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1)},
    )


@login_required
@require_GET
def execution_xlsx(request: HttpRequest) -> HttpResponse:
    require_funding(request)
    year = _year(request)
    report = selectors.fund_execution(actor=request.user, year=year)

    def line(street: str, name: str, tier: str, r: selectors.ExecutionRow) -> list[Any]:
        executed = "" if r.executed is None else f"{r.executed * 100:.1f}%"
        return [
            street, name, tier, _yuan(r.allocated), _yuan(r.requested), _yuan(r.approved), _yuan(r.paid), executed,
            _yuan(r.balance), _yuan(r.carried_in),
        ]  # fmt: skip

    rows = [line(r.street_name, r.name, r.tier, r) for r in report.communities]
    rows += [line(s.name, "（街道合计）", "", s) for s in report.streets]
    rows += [line("", t.name, t.tier, t) for t in report.tiers]
    rows.append(line("全区", "合计", "", report.total))
    return xlsx_response(
        filename=f"{year}年社区经费执行情况.xlsx", title=f"{year}年经费执行", header=EXECUTION_HEADER, rows=rows
    )
