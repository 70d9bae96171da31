"""The upload page for the spreadsheet importer (/import/): district officials import into their own
district only; the target district is always the user's, never a parameter of the request.

Every upload is kept as an OrgImport (compounds.importing.jobs, the flow the staffing import shares): a short
file is imported in the request and its result shown at once; a long one runs in a Celery task and the browser
goes to the job's page (/import/<id>/), which refreshes itself with the progress until the result is there.
The result lists what each row became (新增/更新/未变/拒绝, and why). After a check or an error the job's file
stays kept: its page offers to import it again without choosing the file again (only to its uploader)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import CleanForm
from accounts.permissions import Forbidden, require
from accounts.policy import access, object_view
from compounds.importing import ImportFileError, Kind, jobs, org_import_start
from compounds.importing.jobs import job_progress
from compounds.importing.said import say_or_stored, shown_error
from compounds.importing.service import FILE, OUTCOME_LABELS, SHOWN_COUNT_LABELS
from compounds.models import OrgImport

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
RECENT = 10


class ImportForm(CleanForm):
    file = forms.FileField(
        label=_("文件"),
        required=False,
        help_text=_("Excel 工作簿（.xlsx，工作表名为 街道、社区、小区、网格）或一个 .csv 文件"),
    )
    kept = forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        max_length=40,
        # whatever refused it: said as the form's error in these words (accounts.text.CleanInputFormMixin)
        error_messages={"hidden": _("保留的文件已失效，请重新选择文件。")},
    )
    kind = forms.ChoiceField(
        label=_("CSV 内容"),
        choices=[("", _("按表头自动识别")), *Kind.choices],
        required=False,
    )
    dry_run = forms.BooleanField(label=_("只检查，不保存"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(gettext("文件超过 10 MB，请拆分后再导入。"))
        return upload


def kept_job(*, user, job_id: int | str | None) -> OrgImport | None:
    """The job whose file `user` may import again: theirs, in their district, not saved yet; else None (an id
    that is no number, or someone else's, reads as no kept file: the page asks for a file)."""
    job_id = str(job_id or "")
    if not job_id.isdigit() or not 0 < int(job_id) < 2**31:
        return None
    job = OrgImport.objects.visible_to(user).filter(pk=job_id, uploaded_by=user).first()
    if job is None or not job.finished or job.result.get("saved") or job.result.get("imported_again_as"):
        return None
    return job


def _require_importer(request: HttpRequest):
    user = request.user
    if user.district_id is None:
        raise Forbidden(gettext("只有区级人员可以导入组织数据。"))
    require(user, "compounds.import", user.district)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def org_import_view(request: HttpRequest) -> HttpResponse:
    user = _require_importer(request)
    district = user.district
    form = ImportForm(request.POST or None, request.FILES or None)
    file_error = ""
    kept = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kept = kept_job(user=user, job_id=form.cleaned_data["kept"])
        if upload is not None:
            name, data = upload.name, upload.read()
        elif kept is not None:
            name, data = kept.file_name, kept.file.open("rb").read()
            kept.file.close()
        else:
            form.add_error("file", gettext("请选择要导入的文件。"))
        if not form.errors:
            try:
                job, report = org_import_start(
                    actor=user,
                    district=district,
                    name=name,
                    data=data,
                    dry_run=form.cleaned_data["dry_run"],
                    kind=form.cleaned_data["kind"] or None,
                )
            except ImportFileError as error:
                file_error = str(error)
            else:
                if kept is not None and upload is None:  # the kept file moved on to the new job
                    kept.result["imported_again_as"] = job.pk
                    kept.save(update_fields=["result"])
                if report is None:  # a long file: its page shows the task's progress
                    return redirect("org-import-detail", pk=job.pk)
                # A short file: its result at once (a 400 when a row is refused: nothing was saved).
                return _detail(request, job, status=200 if report.ok else 400)
    recent = OrgImport.objects.visible_to(user).select_related("uploaded_by")[:RECENT]
    context = {
        "form": form,
        "district": district,
        "file_error": file_error,
        "kept": kept,
        "recent": recent,
        "inline_rows": jobs.INLINE_ROWS,
    }
    return render(request, "compounds/import.html", context, status=400 if file_error or form.errors else 200)


@require_safe
@object_view(OrgImport)
@login_required
def org_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require_importer(request)
    return _detail(request, access(user, OrgImport, pk=pk))


def shown_outcome(job: OrgImport) -> dict:
    """A job's kept outcome in the reader's language: the counts' labels, each error's sheet and message, each
    row's outcome and reasons (compounds.importing.said). Sheet names, codes and names are the file's."""

    def sheet(error: dict) -> str:
        return gettext(FILE) if error["sheet"] == FILE and error["row"] == 0 else error["sheet"]

    def reasons(row: dict) -> str:
        return say_or_stored(row.get("said", [row.get("message", "")]), row.get("message", ""))

    return {
        "counts": [(str(SHOWN_COUNT_LABELS.get(label, label)), c) for label, c in job.counts.items()],
        "errors": [
            {
                **error,
                "sheet": sheet(error),
                "message": shown_error(error),
            }
            for error in job.errors
        ],
        "rows": [
            {**row, "label": str(OUTCOME_LABELS.get(row["outcome"], row.get("label", ""))), "message": reasons(row)}
            for row in job.rows
        ],
    }


def _detail(request: HttpRequest, job: OrgImport, *, status: int = 200) -> HttpResponse:
    running = not job.finished
    context = {
        "job": job,
        "shown": shown_outcome(job),
        "district": job.district,
        "progress": job_progress(job),
        "running": running,
        "refused": [row for row in job.rows if row["outcome"] == "refused"],
        "kept": kept_job(user=request.user, job_id=job.pk),
        "form": ImportForm(initial={"dry_run": False}),
    }
    return render(request, "compounds/import_detail.html", context, status=status)
