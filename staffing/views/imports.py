"""The staffing import page: upload, a short file imported at once, a long one run by the Celery task with a
progress page that refreshes itself; per-row errors in the reader's language, nothing saved on any error."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import require
from accounts.policy import access, object_view
from compounds.importing.said import shown_error
from compounds.importing.service import FILE
from staffing.forms import ImportForm
from staffing.importing import ImportFileError, import_progress, import_start
from staffing.models import ImportStatus, StaffingImport
from staffing.views.common import require_staff


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    require(request.user, "staffing.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    file_error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = import_start(
                actor=request.user, upload=data["file"], dry_run=data["dry_run"], kind=data["kind"] or None
            )
        except ImportFileError as error:
            file_error = str(error)
        else:
            return redirect("staffing:import-detail", pk=record.pk)
    recent = StaffingImport.objects.visible_to(request.user).order_by("-created_at")[:10]
    context = {"form": form, "file_error": file_error, "recent": recent}
    return render(request, "staffing/import.html", context, status=400 if file_error or form.errors else 200)


@require_safe
@object_view(StaffingImport)
@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    record = access(request.user, StaffingImport, pk=pk)
    progress = import_progress(record)
    running = record.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
    percent = round(100 * progress["done"] / progress["total"]) if progress["total"] else 100
    context = {
        "record": record,
        "errors": shown_errors(record),
        "progress": progress,
        "percent": percent,
        "running": running,
    }
    return render(request, "staffing/import_detail.html", context)


def shown_errors(record: StaffingImport) -> list[dict]:
    """The import's kept errors in the reader's language (compounds.importing.said); a sheet's name is the file's.
    An import kept before its messages were kept as msgids has finished Chinese sentences: shown as they are."""
    return [
        {
            **error,
            "sheet": gettext(FILE) if error["sheet"] == FILE and error["row"] == 0 else error["sheet"],
            "message": shown_error(error),
        }
        for error in record.errors
    ]
