"""Staff pages of work orders (zh-hans, server-rendered): the queue with filters and bulk assignment, the
order page with its facts, due times, photos, timeline and the moves its state allows, a handler's "my
orders" for the phone, the KPI page (三率 and the monthly street ranking) and the inbox.

Every object comes through the policy (`access` / `visible_to`): another district's order is a 404 on every
URL. Moves go through workorders.services (via workorders.forms.ACTIONS); a refused move re-renders the page
with the Chinese message and everything typed kept (status 400)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from accounts import onetime
from accounts.exports import csv_response, xlsx_response
from accounts.forms import errors_onto
from accounts.paging import CappedPaginator
from accounts.permissions import has, require
from accounts.policy import CHANGE, VIEW, access, restrict
from accounts.privacy import record_reveal
from config.dbrouter import replica_reads
from workorders import exports, selectors, services
from workorders.api.serializers import ORDER_RELATED
from workorders.filtersets import WorkOrderQueueFilterSet
from workorders.forms import (
    ACTIONS,
    BulkAssignForm,
    MeetingForm,
    OrderNoteForm,
    PrivacySettingsForm,
    allowed_actions,
    unit_search,
    unit_suggestions,
)
from workorders.intake.pending import pending_clear, pending_keep, with_pending
from workorders.models import Notification, Photo, State, TimelineEntry, WorkOrder
from workorders.privacy import (
    on_the_spot_categories,
    open311_public_categories,
    privacy_settings,
    privacy_settings_update,
)
from workorders.statemachine import UNRESOLVED, is_overdue, is_respond_late
from workorders.worktime import BEIJING, time_left

PAGE_SIZE = 25
PHOTO_FIELDS = ("photos_before", "photos_after")  # the resolution form's (kept after an error)
REPORTER_FIELDS = ("reporter_name", "reporter_phone")
QUICK_ACTIONS = ("claim", "accept_start", "accept", "start")  # moves without input: one big button on the phone page


def _mark_overdue(orders: list[WorkOrder]) -> list[WorkOrder]:
    now = timezone.now()
    for order in orders:
        order.overdue = is_overdue(order, now)
        order.respond_late = is_respond_late(order, now)
        # 剩 5 小时 / 超时 2 天, on the working calendar (emergencies on the wall clock): open orders only.
        urgency = order.category.urgency if order.category_id else None
        order.time_left = (
            time_left(order.resolve_by, now, calendar_time=bool(urgency and urgency.calendar_time))
            if order.state in UNRESOLVED
            else ""
        )
    return orders


def queue_params(request: HttpRequest) -> Any:
    """The queue's filter parameters: open orders unless the user asked for a state or for every order."""
    params = request.GET.copy()
    if not params.get("is_open") and not params.get("state"):
        params["is_open"] = "true"
    return params


# The queue's sortable columns (workorders.filtersets.QUEUE_ORDERING): header → ordering name.
SORTABLE_COLUMNS = {name: name for name in ("state", "category", "compound", "created", "due")}


def sort_links(request: HttpRequest) -> dict[str, dict[str, str]]:
    """Per sortable column: the URL that sorts by it (ascending, or descending when it is the current
    ascending sort) and its aria-sort value."""
    current = request.GET.get("ordering", "")
    links = {}
    for column, name in SORTABLE_COLUMNS.items():
        query = request.GET.copy()
        query.pop("page", None)
        query["ordering"] = f"-{name}" if current == name else name
        sort = "ascending" if current == name else "descending" if current == f"-{name}" else "none"
        links[column] = {"url": f"?{query.urlencode()}#orders", "sort": sort}
    return links


def _service_errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _errors_onto(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form's fields (or the form, for a field it does not have)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class WorkOrderPage(LoginRequiredMixin, View):
    """A signed-in page about work orders (the tenancy walk reads `model` to aim at another district)."""

    model = WorkOrder


# ---------------------------------------------------------------------------------------------------- queue


class QueueView(WorkOrderPage):
    """工单队列: the orders the user may see, filtered, 25 a page; dispatchers tick rows and assign them to
    one handler at once (all or none)."""

    template_name = "workorders/queue.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_queue(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkAssignForm(request.POST, actor=request.user)
        if not form.is_valid():
            return self.render_queue(request, form=form, status=400)
        level, unit = form.cleaned_data["unit"]
        orders = list(form.cleaned_data["orders"].order_by("pk"))
        try:
            with transaction.atomic():
                for order in orders:
                    try:
                        services.work_order_assign(
                            actor=request.user, order=order, level=level, unit=unit, note=form.cleaned_data["note"]
                        )
                    except (ValidationError, PermissionDenied) as error:
                        text = "；".join(_service_errors(error)) if isinstance(error, ValidationError) else str(error)
                        raise ValidationError(
                            _("工单 %(code)s：%(error)s（本次未派出任何工单）")
                            % {"code": order.tracking_code, "error": text}
                        ) from error
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_queue(request, form=form, status=400)
        messages.success(
            request,
            ngettext("已将 %(n)s 张工单派至“%(unit)s”。", "已将 %(n)s 张工单派至“%(unit)s”。", len(orders))
            % {"n": len(orders), "unit": unit},
        )
        return redirect(request.get_full_path())

    def render_queue(self, request: HttpRequest, form: BulkAssignForm | None = None, status: int = 200) -> HttpResponse:
        user = request.user
        orders = WorkOrder.objects.visible_to(user).select_related(*ORDER_RELATED).order_by("-created_at", "-pk")
        order_filter = WorkOrderQueueFilterSet(queue_params(request), queryset=orders, request=request)
        page = CappedPaginator(order_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        _mark_overdue(list(page.object_list))
        query = request.GET.copy()
        query.pop("page", None)
        may_assign = has(user, "workorders.dispatch")
        selected = {str(pk) for pk in (form.data.getlist("orders") if form is not None else [])}
        context = {
            "filter": order_filter,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key not in ("page", "ordering")),
            "sort": sort_links(request),
            "may_assign": may_assign,
            "assign_form": form if form is not None else (BulkAssignForm(actor=user) if may_assign else None),
            "selected": selected,
            # Counts by state over every order the user sees (one grouped query), each a link to the filter.
            "state_counts": [(state, State(state).label, n) for state, n in selectors.state_counts(actor=user).items()],
        }
        return render(request, self.template_name, context, status=status)


class QueueExportView(WorkOrderPage):
    """工单导出: the queue's orders (the same filters, the user's scope), at most 10,000, as CSV or XLSX, with
    personal data masked (workorders.exports)."""

    fmt = "csv"

    def get(self, request: HttpRequest) -> HttpResponse:
        orders = (
            WorkOrder.objects.visible_to(request.user).select_related(*ORDER_RELATED).order_by("-created_at", "-pk")
        )
        order_filter = WorkOrderQueueFilterSet(queue_params(request), queryset=orders, request=request)
        if order_filter.is_bound and not order_filter.is_valid():
            messages.error(request, _("筛选条件有误，请重新选择后再导出。"))
            return redirect(reverse("workorders:queue"))
        rows = exports.export_rows(order_filter.qs)
        name = f"工单导出-{timezone.localtime():%Y%m%d-%H%M}"
        if self.fmt == "xlsx":
            return xlsx_response(filename=f"{name}.xlsx", title="工单", header=exports.HEADER, rows=rows)
        return csv_response(filename=f"{name}.csv", header=exports.HEADER, rows=rows)


class UnitSearchView(WorkOrderPage):
    """承办单位搜索 for the unit picker (static/js/picker.js): `?q=` searches the names of the firms,
    communities, streets and departments the user may view (20 at most); `?order=<id>` (an order the user may
    view, else 404) lists its suggested units first. JSON: {"results": [{"value", "label", "group"}]}."""

    def get(self, request: HttpRequest) -> HttpResponse:
        order = None
        if request.GET.get("order"):
            pk = request.GET["order"]
            if not pk.isdigit():
                raise Http404
            order = access(request.user, WorkOrder.objects.select_related(*ORDER_RELATED), VIEW, pk=int(pk))
        query = request.GET.get("q", "")
        results = unit_search(request.user, query) if query.strip() else unit_suggestions(request.user, order)
        return JsonResponse({"results": results})


# ---------------------------------------------------------------------------------------------------- one order


class OrderView(WorkOrderPage):
    """One order: facts, due times, the reporter (masked; `?reveal=reporter` shows them in full to whoever may
    call the resident back, and writes the reveal to the district's log), photos, timeline and the allowed
    moves."""

    template_name = "workorders/detail.html"

    def get_order(self, request: HttpRequest, pk: int, action: str = VIEW) -> WorkOrder:
        queryset = WorkOrder.objects.select_related(*ORDER_RELATED, "duplicate_of", "possible_duplicate_of", "meeting")
        return access(request.user, queryset, action, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_order(request, self.get_order(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self.get_order(request, pk, CHANGE)  # 404 before anything else for another district's order
        name = request.POST.get("action", "")
        if name == "note":
            return self.post_note(request, order)
        if name == "meeting":
            return self.post_meeting(request, order)
        move = ACTIONS.get(name)
        if move is None:
            messages.error(request, _("未知的操作。"))
            return self.render_order(request, order, status=400)
        form = move.form_for(request.user, request.POST, order=order, files=request.FILES)
        token = request.POST.get(f"{name}-form_token", "")
        scope = f"order:{order.pk}:user:{request.user.pk}"
        if form.is_valid():
            # the photos kept from an earlier, refused post of this form, then the new ones
            new_photos = {field: form.cleaned_data.get(field) or [] for field in PHOTO_FIELDS}
            data = {**form.cleaned_data}
            for field in PHOTO_FIELDS:
                if field in form.fields:
                    data[field] = with_pending(scope=f"{scope}:{field}", token=token, photos=new_photos[field])
            try:
                move.run(request.user, order, data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or _("您无权执行此操作。"))
            else:
                for field in PHOTO_FIELDS:
                    pending_clear(scope=f"{scope}:{field}", token=token)
                messages.success(
                    request, _("已%(action)s：%(code)s") % {"action": _(move.label), "code": order.tracking_code}
                )
                target = request.POST.get("next", "")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    # back to the same place: the sticky next-action bar (the page no longer jumps to the top)
                    target = reverse("workorders:detail", args=[order.pk]) + "#next"
                    if not WorkOrder.objects.visible_to(request.user).filter(pk=order.pk).exists():
                        # returned or transferred out of the user's scope: back to their own list
                        target = reverse("workorders:mine")
                return redirect(target)
        # refused: keep the photos that passed the upload rules, so that the corrected form needs none again
        cleaned = getattr(form, "cleaned_data", None) or {}
        form.photos_kept = sum(
            pending_keep(scope=f"{scope}:{field}", token=token, photos=cleaned.get(field) or [])
            for field in PHOTO_FIELDS
            if field in form.fields
        )
        order.refresh_from_db()
        return self.render_order(request, order, failed=(name, form), status=400)

    def post_note(self, request: HttpRequest, order: WorkOrder) -> HttpResponse:
        """添加备注: a timeline note without a state change."""
        form = OrderNoteForm(request.POST, prefix="note")
        if form.is_valid():
            try:
                # Once per the form's one-time token: a double tap adds one note.
                outcome = onetime.once(
                    request,
                    form,
                    district_id=order.district_id,
                    create=lambda: services.work_order_note(
                        actor=request.user, order=order, note=form.cleaned_data["note"]
                    ),
                    url=lambda entry: reverse("workorders:detail", args=[order.pk]) + "#timeline",
                )
            except ValidationError as error:
                _errors_onto(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or _("您无权执行此操作。"))
            else:
                if outcome is not None:
                    if outcome.replayed:
                        messages.info(request, _(onetime.REPLAYED_MESSAGE))
                    else:
                        messages.success(request, _("已添加备注：%(code)s") % {"code": order.tracking_code})
                    return redirect(outcome.url)
        return self.render_order(request, order, failed=("note", form), status=400)

    def post_meeting(self, request: HttpRequest, order: WorkOrder) -> HttpResponse:
        """记录议事会 linked to this order (dispatchers only: the service checks the role and scope again)."""
        form = MeetingForm(request.POST, prefix="meeting")
        if not services.work_order_may_dispatch(request.user, order):
            messages.error(request, _("只有区、街道或社区的工作人员可以记录议事会。"))
            return self.render_order(request, order, status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = onetime.once(
                    request,
                    form,
                    district_id=order.district_id,
                    create=lambda: services.deliberation_meeting_record(
                        actor=request.user,
                        community=order.community,
                        compound=order.compound,
                        topic=data["topic"],
                        held_on=data["held_on"],
                        attendees=data["attendees"],
                        decision=data["decision"],
                        follow_up=data["follow_up"],
                        orders=[order],
                    ),
                    url=lambda meeting: reverse("workorders:detail", args=[order.pk]) + "#meetings",
                )
            except ValidationError as error:
                _errors_onto(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or _("您无权执行此操作。"))
            else:
                if outcome is not None:
                    topic = outcome.record.topic if outcome.record is not None else ""
                    if outcome.replayed:
                        messages.info(
                            request,
                            _("%(replayed)s议事会：%(topic)s")
                            % {"replayed": _(onetime.REPLAYED_MESSAGE), "topic": topic},
                        )
                    else:
                        messages.success(request, _("已记录议事会：%(topic)s") % {"topic": topic})
                    return redirect(outcome.url)
        return self.render_order(request, order, failed=("meeting", form), status=400)

    def render_order(
        self, request: HttpRequest, order: WorkOrder, failed: tuple[str, Any] | None = None, status: int = 200
    ) -> HttpResponse:
        user = request.user
        may_reveal = has(user, "workorders.reveal_reporter", order)
        revealed = []
        if may_reveal and request.method == "GET" and request.GET.get("reveal") == "reporter":
            revealed = record_reveal(actor=user, obj=order, fields=REPORTER_FIELDS, via=request.get_full_path())
        forms = []
        for move in allowed_actions(user, order):
            form = failed[1] if failed and failed[0] == move.name else move.form_for(user, order=order)
            forms.append({"action": move, "form": form, "open": bool(failed and failed[0] == move.name)})
        own_forms = ("note", "meeting")
        if failed and failed[0] not in own_forms and not any(e["open"] for e in forms) and failed[1].errors:
            # the move is no longer allowed (the state changed meanwhile): show its errors on top
            for errors in failed[1].errors.values():
                for message in errors:
                    messages.error(request, message)
        timeline = restrict(TimelineEntry.objects.select_related("actor"), user).filter(order=order)
        photos = restrict(Photo.objects.all(), user).filter(order=order)
        photos = photos.order_by("is_resolution", "-stage", "created_at")  # the report's, before, after
        merged = list(
            WorkOrder.objects.visible_to(user).filter(duplicate_of=order).only("pk", "tracking_code", "meeting")
        )
        may_note = WorkOrder.objects.visible_to(user, CHANGE).filter(pk=order.pk).exists()
        may_meet = has(user, "workorders.dispatch", order) and has(user, "workorders.record_meeting", order)
        context = {
            "order": order,
            "overdue": is_overdue(order, timezone.now()),
            # the deadlines run only while the order is open: a resolved, closed, merged or rejected order shows
            # when it was answered and finished, not times nobody is held to any more
            "deadlines_run": order.state in UNRESOLVED,
            "timeline": timeline.order_by("at", "pk"),
            "photos": photos,
            "forms": forms,
            "quick_actions": QUICK_ACTIONS,
            "departments": list(order.departments.all()),
            "merged": merged,
            "meetings": selectors.order_meetings(actor=user, order=order, merged=merged),
            "note_form": (failed[1] if failed and failed[0] == "note" else OrderNoteForm(prefix="note"))
            if may_note
            else None,
            "meeting_form": (failed[1] if failed and failed[0] == "meeting" else MeetingForm(prefix="meeting"))
            if may_meet
            else None,
            "failed": failed[0] if failed else "",
            "may_reveal": may_reveal and any(getattr(order, name) for name in REPORTER_FIELDS),
            "revealed": bool(revealed),
            "tile_url": django_settings.CAPILLARY_MAP_TILE_URL,
            "tile_attribution": django_settings.CAPILLARY_MAP_TILE_ATTRIBUTION,
        }
        return render(request, self.template_name, context, status=status)


# ---------------------------------------------------------------------------------------------------- my orders


class MineView(WorkOrderPage):
    """我的工单 on the phone: the open orders of the user's unit, soonest due first, as cards with big buttons
    for the moves that need no input (claim, accept, start); the rest on the order page."""

    template_name = "workorders/mine.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        orders = selectors.work_orders_for_handler(actor=user).select_related(*ORDER_RELATED)
        page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
        cards = []
        for order in _mark_overdue(list(page.object_list)):
            quick = [move for move in allowed_actions(user, order) if move.name in QUICK_ACTIONS]
            cards.append({"order": order, "quick": quick})
        return render(request, self.template_name, {"page": page, "cards": cards})


# ---------------------------------------------------------------------------------------------------- KPIs

GROUP_LABELS = {
    "street": "街道",
    "community": "社区",
    "property_firm": "物业企业",
    "department": "职能部门",
    "compound": "小区",
}
RATES = ("response_rate", "resolution_rate", "on_time_rate", "satisfaction_rate", "send_back_rate", "rehandling_rate")


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'))}%"


def _with_percents(row: dict) -> dict:
    return {**row, **{f"{name}_pct": percent(row.get(name)) for name in RATES}}


def _month(value: str | None) -> date:
    """The month asked for (YYYY-MM, within selectors.MONTH_YEARS), or this month."""
    today = timezone.now().astimezone(BEIJING).date()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first, last = selectors.MONTH_YEARS
        if first <= year <= last:
            return date(year, month, 1)
    except ValueError:
        pass
    return date(today.year, today.month, 1)


# The unit table's orders (?sort=): by name, or the busiest or the worst first — a rate's worst is its lowest,
# except the send-back and re-handling rates, whose worst is their highest. Units without the figure go last.
KPI_SORTS = {
    "name": "按名称",
    "orders": "工单量最多",
    "response_rate": "响应率最低",
    "resolution_rate": "解决率最低",
    "satisfaction_rate": "满意率最低",
    "send_back_rate": "回退率最高",
}
KPI_PER_PAGE = 50


def kpi_sorted(rows: list[dict], sort: str) -> list[dict]:
    """The KPI rows in the order `sort` names (KPI_SORTS), ties by name; `rows` come sorted by name."""
    if sort == "orders":
        return sorted(rows, key=lambda row: -row["orders"])
    if sort in RATES:
        worst_high = sort in ("send_back_rate", "rehandling_rate")
        return sorted(
            rows,
            key=lambda row: (
                row.get(sort) is None,
                0 if row.get(sort) is None else (-row[sort] if worst_high else row[sort]),
            ),
        )
    return rows


class KpiView(WorkOrderPage):
    """工单考核: 三率 and the send-back and re-handling rates per street, community, property firm, department or
    compound for a month, counting only the orders the user may see; and the district's monthly street
    ranking.

    The unit table is sorted (?sort=, KPI_SORTS: by name, or the busiest or the worst first) and paged
    (KPI_PER_PAGE): a district's compounds are over a thousand, and a table that lists them all grows with the
    city (issue 12: the page by compound took 0.26 s at 100,000 orders and 0.69 s at 1,000,000, almost all of
    it the template writing 1,300 rows). The figures of every unit are still read (one rollup query); only a
    page of them is written."""

    template_name = "workorders/kpis.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        group_by = request.GET.get("group_by", "street")
        if group_by not in GROUP_LABELS:
            group_by = "street"
        sort = request.GET.get("sort", "name")
        if sort not in KPI_SORTS:
            sort = "name"
        month, end = selectors.month_bounds(_month(request.GET.get("month")))
        context: dict[str, Any] = {
            "group_by": group_by,
            "groups": GROUP_LABELS.items(),
            "sort": sort,
            "sorts": KPI_SORTS.items(),
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "rows": [],
            "page": None,
            "ranking": [],
            "totals": None,
        }
        if user.district_id is not None:
            with replica_reads(user):  # many rows read, none written: the replica's work when there is one
                self.figures(user, context, group_by, month, end)
            rows = kpi_sorted(context.pop("all_rows"), sort)
            page = Paginator(rows, KPI_PER_PAGE).get_page(request.GET.get("page"))
            context["page"] = page
            context["query"] = urlencode({"group_by": group_by, "month": context["month_value"], "sort": sort})
            context["rows"] = [_with_percents(row) for row in page.object_list]
        return render(request, self.template_name, context)

    @staticmethod
    def figures(user: Any, context: dict[str, Any], group_by: str, month: date, end: date) -> None:
        """The page's figures into `context` (the visible orders' KPIs of every unit as `all_rows`, totals and
        the street ranking)."""
        rows = selectors.work_order_kpis(district=user.district, group_by=group_by, start=month, end=end, actor=user)
        context["all_rows"] = rows
        context["totals"] = _with_percents(
            selectors.work_order_totals(district=user.district, start=month, end=end, actor=user)
        )
        context["ranking"] = [
            {"rank": r.rank, "street": r.street, "score": r.score, **_with_percents(r.figures or {})}
            for r in selectors.street_ranking_seen_by(actor=user, district=user.district, month=month)
        ]


# ---------------------------------------------------------------------------------------------------- settings


class PrivacySettingsPage(LoginRequiredMixin, View):
    """隐私与开放设置: the district's Open311 read policy (public reads and which categories are public) and how
    long personal data of closed requests is kept. District officials only (403 for everyone else)."""

    template_name = "workorders/privacy_settings.html"

    def settings_for(self, request: HttpRequest) -> Any:
        settings = privacy_settings(district_id=request.user.district_id) if request.user.district_id else None
        require(request.user, "workorders.configure_privacy", settings)
        return settings

    def get(self, request: HttpRequest) -> HttpResponse:
        settings = self.settings_for(request)
        initial = {
            "open311_public_reads": settings.open311_public_reads,
            "retention_years": settings.retention_years,
            "open311_match_distance_m": settings.open311_match_distance_m,
            "open311_dedupe_minutes": settings.open311_dedupe_minutes,
            "public_categories": open311_public_categories(district_id=settings.district_id),
            "on_the_spot_categories": on_the_spot_categories(district_id=settings.district_id),
        }
        form = PrivacySettingsForm(initial=initial, district_id=settings.district_id)
        return self.render_page(request, settings, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        settings = self.settings_for(request)
        form = PrivacySettingsForm(request.POST, district_id=settings.district_id)
        if form.is_valid():
            try:
                privacy_settings_update(actor=request.user, district=request.user.district, **form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, _("已保存隐私与开放设置。"))
                return redirect("workorders:privacy-settings")
        return self.render_page(request, settings, form, status=400)

    def render_page(self, request: HttpRequest, settings: Any, form: PrivacySettingsForm, status: int = 200):
        context = {"settings": settings, "form": form, "jurisdiction": request.user.district}
        return render(request, self.template_name, context, status=status)


# ---------------------------------------------------------------------------------------------------- inbox


class InboxView(LoginRequiredMixin, View):
    """站内消息: the user's own messages, newest first; mark one or all read."""

    model = Notification
    template_name = "workorders/inbox.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        unread_only = request.GET.get("unread") == "1"
        notifications = selectors.inbox(actor=request.user, unread_only=unread_only).order_by("-created_at", "-pk")
        page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
        unread = selectors.inbox(actor=request.user, unread_only=True).count()
        return render(request, self.template_name, {"page": page, "unread": unread, "unread_only": unread_only})

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("all"):
            ids = list(selectors.inbox(actor=request.user, unread_only=True).values_list("pk", flat=True))
        else:
            ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        marked = services.notification_mark_read(actor=request.user, notification_ids=ids) if ids else 0
        messages.success(
            request,
            ngettext("已将 %(n)s 条消息标为已读。", "已将 %(n)s 条消息标为已读。", marked) % {"n": marked},
        )
        return redirect("workorders:inbox")
