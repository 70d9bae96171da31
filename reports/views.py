"""The report room's pages: every report the user may read with its latest version, a button per kind to
build a new version, a build page that shows progress while the worker runs (polling a small JSON status)
and downloads served as attachments. Another district's report or build is a 404."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from accounts.forms import errors_onto
from accounts.permissions import require
from accounts.policy import access, object_view
from accounts.uploads import stored_file
from reports import registry, selectors, services
from reports.models import BuildStatus, Report, ReportBuild


class BuildRequestForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("singular", "报告"), choices=())
    key = forms.CharField(label=_("期间"), max_length=20)

    def __init__(self, *args, kinds: list[registry.ReportKind], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.code, kind.shown_label()) for kind in kinds]


def _room_context(request: HttpRequest, form: BuildRequestForm | None = None) -> dict:
    kinds = selectors.requestable_kinds(request.user)
    today = registry.today()
    return {
        "rows": selectors.room(request.user),
        "kinds": [
            {
                "kind": kind,
                "label": kind.shown_label(),
                "keys": [(key, kind.periods.shown(key)) for key in kind.periods.recent(today)],
            }
            for kind in kinds
        ],
        "form": form or BuildRequestForm(kinds=kinds),
    }


@require_safe
@login_required
@object_view(Report)
def room(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/room.html", _room_context(request))


@login_required
@require_POST
@object_view(Report)
def request_build(request: HttpRequest) -> HttpResponse:
    form = BuildRequestForm(request.POST, kinds=selectors.requestable_kinds(request.user))
    if form.is_valid():
        try:
            build = services.report_request(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            return redirect("reports:build", pk=build.pk)
    return render(request, "reports/room.html", _room_context(request, form), status=400)


def _build(request: HttpRequest, pk: int) -> ReportBuild:
    build = access(request.user, ReportBuild.objects.select_related("report", "report__district"), pk=pk)
    if not selectors.reports_for(request.user).filter(pk=build.report_id).exists():
        raise Http404(gettext("未找到该对象"))
    return build


def shown_message(message: str) -> str:
    """A build's stored progress or failure message (Chinese) in the request's language."""
    if message.startswith(services.FAILED_PREFIX):
        reason = message.removeprefix(services.FAILED_PREFIX)
        return gettext("生成失败：%(reason)s") % {"reason": gettext(reason)}
    return gettext(message) if message else ""


def _status(build: ReportBuild) -> dict:
    """The build's state as the page and its poll show it, in the request's language (the poll's label must
    say what the page said: 'Queued', not 排队中, on an English page)."""
    done = build.status == BuildStatus.DONE
    return {
        "id": build.pk,
        "report": build.report.shown_title,
        "version": build.version,
        "status": build.status,
        "status_label": str(build.get_status_display()),
        "progress": build.progress,
        "message": shown_message(build.message),
        "download_url": reverse("reports:build-download", args=[build.pk]) if done else None,
    }


@login_required
@require_GET
@object_view(ReportBuild)
def build_detail(request: HttpRequest, pk: int) -> HttpResponse:
    build = _build(request, pk)
    versions = build.report.builds.order_by("-version")
    return render(request, "reports/build.html", {"build": build, "status": _status(build), "versions": versions})


@login_required
@require_GET
@object_view(ReportBuild)
def build_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_status(_build(request, pk)), json_dumps_params={"ensure_ascii": False})


def _attachment(build: ReportBuild) -> FileResponse:
    if build.status != BuildStatus.DONE or not build.file:
        raise Http404(gettext("报告尚未生成"))
    kind = registry.KINDS.get(build.report.kind)
    name = kind.download_name(build.report, build.version) if kind else f"{build.report.title}.pdf"
    response = FileResponse(stored_file(build.file), as_attachment=True, filename=name, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@object_view(ReportBuild)
def build_download(request: HttpRequest, pk: int) -> FileResponse:
    build = _build(request, pk)
    require(request.user, "reports.view", build.report)
    return _attachment(build)


@login_required
@require_GET
@object_view(Report)
def latest_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stable link of a report: always its latest finished version."""
    report = access(request.user, selectors.reports_for(request.user), pk=pk)
    build = report.builds.filter(status=BuildStatus.DONE).order_by("-version").first()
    if build is None:
        raise Http404(gettext("报告尚未生成"))
    return _attachment(build)
