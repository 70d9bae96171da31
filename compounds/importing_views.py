"""The upload page for the spreadsheet importer (/import/): district officials import into their own
district only; the target district is always the user's, never a parameter of the request.

An uploaded file is kept for an hour after a check or an error (in the cache, keyed by a random id that the
page carries in a hidden field and that only its uploader in their district can use): after a dry run or a
mistake in the form, the official imports again without choosing the file again."""

import io
import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.forms import CleanForm
from accounts.permissions import Forbidden, require
from compounds.importing import ImportFileError, Kind, org_import, read_file

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
KEEP_SECONDS = 3600


class ImportForm(CleanForm):
    file = forms.FileField(
        label="文件",
        required=False,
        help_text="Excel 工作簿（.xlsx，工作表名为 街道、社区、小区、网格）或一个 .csv 文件",
    )
    kept = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="CSV 内容",
        choices=[("", "按表头自动识别"), *Kind.choices],
        required=False,
    )
    dry_run = forms.BooleanField(label="只检查，不保存", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过 10 MB，请拆分后再导入。")
        return upload


def _kept_key(kept_id: str) -> str:
    return f"org-import:kept:{kept_id}"


def keep_upload(*, user, name: str, data: bytes) -> str:
    """Keep an uploaded file for KEEP_SECONDS; returns the id the page carries."""
    kept_id = uuid.uuid4().hex
    entry = {"district": user.district_id, "user": user.pk, "name": name, "data": data}
    cache.set(_kept_key(kept_id), entry, timeout=KEEP_SECONDS)
    return kept_id


def kept_upload(*, user, kept_id: str) -> dict | None:
    """The kept file of `kept_id` if this user in this district kept it, else None (expired, someone else's)."""
    if not kept_id or len(kept_id) != 32 or not kept_id.isalnum():
        return None
    entry = cache.get(_kept_key(kept_id))
    if not entry or entry["district"] != user.district_id or entry["user"] != user.pk:
        return None
    return entry


@login_required
def org_import_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.district_id is None:
        raise Forbidden("只有区级人员可以导入组织数据。")
    require(user, "compounds.import", user.district)
    district = user.district
    report, file_error, kept = None, None, None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None and upload.size <= MAX_UPLOAD_BYTES:
            data = upload.read()
            kept = {"id": keep_upload(user=user, name=upload.name, data=data), "name": upload.name, "data": data}
        else:
            entry = kept_upload(user=user, kept_id=request.POST.get("kept", ""))
            if entry is not None:
                kept = {"id": request.POST["kept"], "name": entry["name"], "data": entry["data"]}
        if form.is_valid():
            if kept is None:
                form.add_error("file", "请选择要导入的文件。")
            else:
                try:
                    sheets = read_file(
                        io.BytesIO(kept["data"]), name=kept["name"], kind=form.cleaned_data["kind"] or None
                    )
                except ImportFileError as error:
                    file_error = str(error)
                else:
                    report = org_import(
                        actor=user, district=district, sheets=sheets, dry_run=form.cleaned_data["dry_run"]
                    )
        if report is not None and report.ok and not report.dry_run:
            cache.delete(_kept_key(kept["id"]))  # imported: nothing left to retry
            kept = None
    status = 400 if file_error or (report is not None and not report.ok) or form.errors else 200
    context = {
        "form": form,
        "district": district,
        "report": report,
        "file_error": file_error,
        "kept": {"id": kept["id"], "name": kept["name"]} if kept else None,
    }
    return render(request, "compounds/import.html", context, status=status)
