"""Intake pages.

Public (no account, keyed by an unguessable token, so not scoped by the policy — the token *is* the scope):
- /q/<public_token>/report/ 码上反馈: category, description, photos, phone → filed (the QR code itself leads to the
                            compound's public page, portal/views.py, whose first button is this form)
- /track/                   type a tracking code
- /track/<tracking_code>/   status and public timeline (workorders.selectors.public_status: no personal data),
                            the rating form once resolved, and the resident's own photos
- /track/<code>/photos/<pk>/  one of those photos (only photos the resident filed with that order)

Staff (signed in, every object through accounts.policy; another district's object is a 404):
- /intake/grid/             格格发现 for grid workers
- /intake/staff/            phone calls, walk-ins and orders from above, for street staff and community cadres
- /intake/photos/<pk>/      a photo, for staff whose scope covers its order
- /intake/compounds/<pk>/poster.pdf   the compound's printable QR poster
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.actors import SystemActor
from accounts.errors import error_page
from accounts.network import rate_give_back, rate_limited, rate_take, rate_window_seconds
from accounts.permissions import has
from accounts.policy import access
from compounds.models import Compound
from workorders import idempotency, selectors, services
from workorders.intake import forms
from workorders.intake.pending import pending_clear, pending_keep, with_pending
from workorders.intake.photos import MAX_PHOTOS, photos_attach
from workorders.intake.posters import poster_pdf
from workorders.models import Channel, Photo, WorkOrder
from workorders.statemachine import RESOLVED_OR_LATER

logger = logging.getLogger(__name__)

# 码上反馈 rate limit: orders accepted per client address and compound (settings.RATE_LIMITS["qr-filing"]).
QR_LIMIT = "qr-filing"
# The hidden field a re-displayed QR form carries when it kept photos (workorders.intake.pending): only then does
# the corrected post look them up, so that a first post costs no cache round trip for them (issue 12).
KEPT_FIELD = "photos_kept"
TRACK_LIMIT = "track-lookup"


# ---------------------------------------------------------------------------------------------------- helpers


def _errors_to_form(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when the field is not there)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = {"title": "description"}.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _public_headers(response: HttpResponse) -> HttpResponse:
    """Public pages keyed by a secret: never cached by proxies, never indexed, never sent as a Referer to another
    site (same-origin, not no-referrer: with no-referrer browsers post `Origin: null` and CSRF fails)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _public_url(request: HttpRequest, path: str) -> str:
    base = getattr(settings, "CAPILLARY_PUBLIC_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


# ---------------------------------------------------------------------------------------------------- residents


@never_cache
def resident_report(request: HttpRequest, public_token: str) -> HttpResponse:
    """码上反馈: the page behind the compound's QR code. The order is saved in PostgreSQL first (routing is
    enqueued on commit), then its photos are stored, each on its own."""
    # Everything the page and the filing read of the compound, in one query (the service does not reload it; the
    # firm and the street go onto the order by id). The middleware has already set the request's scope to the
    # token's district (accounts.tenancy: the door's lookup and the scope in one statement): another district's
    # or an unknown token finds nothing here, a 404.
    compound = get_object_or_404(Compound.objects.select_related("community__street"), public_token=public_token)
    categories = forms.district_categories(compound.district_id)
    context = {"compound": compound, "max_photos": MAX_PHOTOS}
    if request.method != "POST":
        form = forms.ResidentReportForm(categories=categories)
        return _public_headers(render(request, "workorders/public/report.html", {**context, "form": form}))

    scope = f"qr:{compound.pk}"
    token = (request.POST.get("form_token") or "").strip()
    # The use is counted before the form (one round trip to the cache) and given back if the form is refused. The
    # same form again (a double tap, a resend) is found by the claim of its token (_file_once), after the form: no
    # look-up of its own (issue 12: one statement less a filing), and nothing written for a refused form.
    if rate_take(request, limit=QR_LIMIT, scope=scope):
        if token and (earlier := idempotency.peek(scope=scope, key=token, fingerprint=_form_digest(request)[1])):
            # Over the limit, a resend of a form that filed (a double tap on the last allowed filing) still lands
            # on its request.
            return redirect(reverse("intake:track", args=[earlier]) + "?new=1")
        # What was typed comes back; the photos are not even decoded.
        form = forms.ResidentReportForm(request.POST, categories=categories)
        return _rate_limited(request, {**context, "form": form, "photos_lost": bool(request.FILES)})
    form = forms.ResidentReportForm(request.POST, request.FILES, categories=categories)
    if not form.is_valid():
        rate_give_back(request, limit=QR_LIMIT, scope=scope)
    else:
        data = form.cleaned_data
        kept = bool(request.POST.get(KEPT_FIELD))
        if kept:
            data["photos"] = with_pending(scope=scope, token=token, photos=data["photos"])

        def file() -> WorkOrder | None:
            try:
                return services.work_order_file(
                    # A resident has no account: the public page files as the system, named for the channel.
                    actor=SystemActor(name="public:resident_qr", district_id=compound.district_id),
                    compound=compound,
                    category=data["category"],
                    channel=Channel.RESIDENT_QR,
                    title=forms.title_from(data["description"]),
                    description=data["description"],
                    reporter_phone=data["reporter_phone"],
                    # ResidentReportForm applied the model's text rules and normalised the phone number
                    checked_by_form=True,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
                return None

        order, replayed = _file_once(request, form, district_id=compound.district_id, scope=scope, file=file)
        if replayed:
            rate_give_back(request, limit=QR_LIMIT, scope=scope)  # a resend files nothing: it does not count
        if order is not None:
            stored = len(data["photos"]) if replayed else photos_attach(order=order, prepared=data["photos"])
            url = reverse("intake:track", args=[order.tracking_code]) + "?new=1"
            if stored < len(data["photos"]):
                url += "&photos_failed=1"
            if kept:
                pending_clear(scope=scope, token=token)
            return redirect(url)
    context.update(_keep_photos(request, form, scope=scope, token=token))
    response = render(request, "workorders/public/report.html", {**context, "form": form}, status=400)
    return _public_headers(response)


def _keep_photos(request: HttpRequest, form, *, scope: str, token: str, field: str = "photos") -> dict:
    """A form refused with an error: keep its accepted photos under its token (workorders.intake.pending), so
    that the corrected form files them without choosing them again. The template's flags."""
    photos = (getattr(form, "cleaned_data", None) or {}).get(field) or []
    kept = pending_keep(scope=scope, token=token, photos=photos)
    return {"photos_kept": kept, "photos_lost": bool(request.FILES) and not kept}


def _rate_limited(request: HttpRequest, context: dict) -> HttpResponse:
    response = render(request, "workorders/public/report.html", {**context, "rate_limited": True}, status=429)
    response["Retry-After"] = str(rate_window_seconds(QR_LIMIT))
    return _public_headers(response)


@require_safe
@never_cache
def track_lookup(request: HttpRequest) -> HttpResponse:
    """查询进度: type the tracking code."""
    if "code" in request.GET and rate_limited(request, limit=TRACK_LIMIT):
        return _track_limited(request)
    form = forms.TrackLookupForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if WorkOrder.objects.filter(tracking_code=code).exists():
            return redirect("intake:track", tracking_code=code)
        form.add_error("code", _("没有找到该查询码对应的诉求，请核对后重新输入。"))
    return _public_headers(render(request, "workorders/public/track_lookup.html", {"form": form}))


def _track_limited(request: HttpRequest) -> HttpResponse:
    """Tracking codes are looked up per client address (settings.RATE_LIMITS["track-lookup"]): guessing codes
    by the thousand is slowed to a crawl, a resident checking twice never notices."""
    response = error_page(request, 429, _("查询过于频繁，请稍等一分钟再试。"))
    response["Retry-After"] = str(rate_window_seconds(TRACK_LIMIT))
    return _public_headers(response)


def _order_by_code(tracking_code: str) -> WorkOrder:
    return get_object_or_404(
        WorkOrder.objects.select_related("category", "compound"), tracking_code=tracking_code.strip().upper()
    )


def _tracking_photos(order: WorkOrder):
    """What the tracking page shows: the resident's own photos and, once the order is resolved, the photos
    taken before and after the work (re-encoded without metadata like every upload)."""
    shown = Q(uploaded_by__isnull=True, is_resolution=False)
    if order.state in RESOLVED_OR_LATER:
        shown |= Q(is_resolution=True)
    return order.photos.filter(shown).order_by("is_resolution", "-stage", "created_at")


@never_cache
def track(request: HttpRequest, tracking_code: str) -> HttpResponse:
    """The resident's view of one order: the code, the status, a timeline without personal data, and the
    six-level rating form once the order is resolved."""
    if rate_limited(request, limit=TRACK_LIMIT):
        return _track_limited(request)
    order = _order_by_code(tracking_code)
    if order.tracking_code != tracking_code:
        return redirect("intake:track", tracking_code=order.tracking_code)
    rating_form = forms.RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if rating_form.is_valid():
            try:
                services.work_order_rate(
                    actor=SystemActor(name="public:resident_rating", district_id=order.district_id),
                    order=order,
                    satisfaction=rating_form.cleaned_data["satisfaction"],
                    comment=rating_form.cleaned_data["comment"],
                    tracking_code=tracking_code,
                )
            except PermissionDenied as error:
                rating_form.add_error(None, str(error))
            except ValidationError as error:
                # e.g. the order was rated meanwhile, or is no longer resolved
                message = "; ".join(error.messages) if error.messages else _("当前状态不能评价。")
                rating_form.add_error(None, message)
            else:
                return redirect(reverse("intake:track", args=[order.tracking_code]) + "?rated=1")
        status = 400
    public = selectors.public_status(order=order)
    context = {
        "order_compound": order.compound.name,
        "status": public,
        "rating_form": rating_form,
        "photos": [p for p in _tracking_photos(order) if not p.is_resolution],
        "resolution_photos": [p for p in _tracking_photos(order) if p.is_resolution],
        "is_new": request.GET.get("new") == "1",
        "photos_failed": request.GET.get("photos_failed") == "1",
        "just_rated": request.GET.get("rated") == "1",
        "track_url": _public_url(request, reverse("intake:track", args=[order.tracking_code])),
    }
    return _public_headers(render(request, "workorders/public/track.html", context, status=status))


def track_photo(request: HttpRequest, tracking_code: str, pk: int) -> FileResponse:
    """A photo the resident filed with this order, through its tracking code only."""
    order = _order_by_code(tracking_code)
    photo = get_object_or_404(_tracking_photos(order), pk=pk)
    return _photo_response(photo, public=True)


# ---------------------------------------------------------------------------------------------------- staff


def _photo_response(photo: Photo, *, public: bool = False) -> FileResponse:
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("照片文件不存在") from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        response["Referrer-Policy"] = "same-origin"
    return response


@require_safe
@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A work-order photo for staff whose scope covers the order (another district's photo is a 404)."""
    return _photo_response(access(request.user, Photo, pk=pk))


photo.tenancy_model = Photo


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workorders/intake/forbidden.html", {"message": message}, status=403)


def _staff_compounds(user):
    return Compound.objects.visible_to(user).select_related("community").order_by("community__code", "code")


def _form_digest(request: HttpRequest) -> tuple[str, str]:
    """(endpoint, fingerprint) of a posted filing form: what its one-time token is claimed with."""
    endpoint = request.resolver_match.view_name if request.resolver_match else request.path
    content = {k: v for k, v in request.POST.lists() if k not in ("csrfmiddlewaretoken", "form_token", KEPT_FIELD)}
    return endpoint, idempotency.fingerprint(endpoint, content, request.FILES)


def _file_once(request: HttpRequest, form, *, district_id: int, scope: str, file) -> tuple[WorkOrder | None, bool]:
    """Run `file()` (which files one order, or puts its errors on the form and returns None) once per form token:
    returns (order, replayed). A form posted again after it filed returns the order it filed; the same token with
    different content is refused on the form, which gets a fresh token. A form without a token files as before.

    In the request's transaction without a savepoint (issue 12: two statements less; the middleware opened it):
    `file()` refuses before it writes anything (the service's checks come first), so a refused filing only has its
    key to give back (`idempotency.release`, on that path alone); an error after a write fails the request, which
    rolls the whole transaction back."""
    token = (form.cleaned_data.get("form_token") or "").strip()
    if not token:
        return file(), False
    endpoint, digest = _form_digest(request)
    with transaction.atomic(savepoint=False):
        try:
            row = idempotency.claim(
                district_id=district_id, scope=scope, key=token, endpoint=endpoint, fingerprint=digest
            )
        except idempotency.KeyReused as error:
            reused = error.row  # the transaction stays usable: the page below reads the first order's code
        else:
            if row.order_id is not None:
                return row.order, True
            order = file()
            if order is None:
                idempotency.release(row)
            else:
                idempotency.record(row, order=order)
            return order, False
    code = reused.order.tracking_code if reused.order_id else "—"
    form.add_error(None, idempotency.FORM_REUSED_MESSAGE.format(code=code))
    form.renew_token()
    return None, False


def _file_staff_form_once(request: HttpRequest, form, channel: str, *, back: str) -> HttpResponse | None:
    """A staff/grid form, once per form token: a redirect back to the empty form after a filing, to the order
    filed the first time after a replay, or None (the errors are on the form)."""
    compound = form.cleaned_data["compound"]
    order, replayed = _file_once(
        request,
        form,
        district_id=compound.district_id,
        scope=f"user:{request.user.pk}",
        file=lambda: _file_from_staff_form(request, form, channel),
    )
    if order is None:
        return None
    # Kept beside the first filing of its number (committed): the 409 page names both.
    services.raise_if_clash(order)
    if replayed:
        messages.info(
            request,
            _("这张表单已提交过，未重复登记：%(title)s（查询码 %(code)s）")
            % {"title": order.title, "code": order.tracking_code},
        )
        return redirect("workorders:detail", pk=order.pk)
    return redirect(back)


def _file_from_staff_form(request: HttpRequest, form, channel: str) -> WorkOrder | None:
    """File the order of a valid staff/grid form as the signed-in actor; errors land on the form."""
    data = form.cleaned_data
    try:
        order = services.work_order_file(
            actor=request.user,
            compound=data["compound"],
            category=data["category"],
            channel=channel,
            title=forms.title_from(data["description"]),
            description=data["description"],
            reporter_phone=data.get("reporter_phone", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            external_number=data.get("external_number", ""),
        )
    except ValidationError as error:
        _errors_to_form(form, error)
        return None
    except Http404:
        form.add_error("compound", _("所选小区不在您的工作范围内，请重新选择。"))
        return None
    token, scope = request.POST.get("form_token", ""), f"user:{request.user.pk}"
    data["photos"] = with_pending(scope=scope, token=token, photos=data["photos"])
    stored = photos_attach(order=order, prepared=data["photos"], uploaded_by=request.user)
    pending_clear(scope=scope, token=token)
    text = _("已登记：%(title)s（查询码 %(code)s）") % {"title": order.title, "code": order.tracking_code}
    if stored < len(data["photos"]):
        failed = len(data["photos"]) - stored
        text += ngettext("；有 %(n)s 张照片保存失败", "；有 %(n)s 张照片保存失败", failed) % {"n": failed}
    messages.success(request, text)
    return order


@require_http_methods(["GET", "POST"])
@login_required
def grid_report(request: HttpRequest) -> HttpResponse:
    """格格发现: a grid worker (or a stationed cadre) files what they found, among the compounds of their scope."""
    user = request.user
    if not has(user, "workorders.file", Channel.GRID):
        return _forbidden(request, _("格格发现仅供网格员和驻点社区干部使用。"))
    compounds = _staff_compounds(user)
    categories = forms.district_categories(user.district_id)
    form = forms.GridReportForm(request.POST or None, request.FILES or None, compounds=compounds, categories=categories)
    status = 200
    if request.method == "POST":
        if form.is_valid() and (filed := _file_staff_form_once(request, form, Channel.GRID, back="intake:grid")):
            return filed
        status = 400
    context = {"form": form, "max_photos": MAX_PHOTOS, "photos_lost": bool(request.FILES)}
    if status == 400:
        token = request.POST.get("form_token", "")
        context.update(_keep_photos(request, form, scope=f"user:{user.pk}", token=token))
    return render(request, "workorders/intake/grid.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def staff_entry(request: HttpRequest) -> HttpResponse:
    """电话来访、来访、上级下派: street staff and community cadres enter an order for a compound in their scope."""
    user = request.user
    channels = [(value, label) for value, label in forms.STAFF_CHANNELS if has(user, "workorders.file", value)]
    if not channels:
        return _forbidden(request, _("此页面供街道工作人员和社区干部登记来电、来访和上级交办事项。"))
    compounds = _staff_compounds(user)
    categories = forms.district_categories(user.district_id)
    form = forms.StaffEntryForm(
        request.POST or None, request.FILES or None, compounds=compounds, categories=categories, channels=channels
    )
    status = 200
    if request.method == "POST":
        channel = form.cleaned_data.get("channel") if form.is_valid() else None
        if channel and (filed := _file_staff_form_once(request, form, channel, back="intake:staff")):
            return filed
        status = 400
    context = {"form": form, "max_photos": MAX_PHOTOS, "photos_lost": bool(request.FILES)}
    if status == 400:
        token = request.POST.get("form_token", "")
        context.update(_keep_photos(request, form, scope=f"user:{user.pk}", token=token))
    return render(request, "workorders/intake/staff.html", context, status=status)


class PosterView(LoginRequiredMixin, View):
    """The compound's A4 QR poster (码上反馈) as a PDF, for staff whose scope covers the compound."""

    model = Compound
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        compound = access(request.user, Compound.objects.select_related("community__street"), pk=pk)
        # The QR code leads to the compound's public page (the top floor's "compound-public", /q/<token>/: who
        # serves the compound, then the buttons to file and to answer the survey); a URL name, not an import.
        url = _public_url(request, reverse("compound-public", args=[compound.public_token]))
        pdf = poster_pdf(compound=compound, url=url)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="poster-{compound.code}.pdf"'
        return response


__all__ = [
    "PosterView",
    "grid_report",
    "photo",
    "resident_report",
    "staff_entry",
    "track",
    "track_lookup",
    "track_photo",
]
