"""The upload page for the spreadsheet importer (/import/): district officials import into their own
district only; the target district is always the user's, never a parameter of the request."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.forms import CleanForm
from accounts.permissions import Forbidden, require
from compounds.importing import ImportFileError, Kind, org_import, read_file

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportForm(CleanForm):
    file = forms.FileField(
        label="文件", help_text="Excel 工作簿（.xlsx，工作表名为 街道、社区、小区、网格）或一个 .csv 文件"
    )
    kind = forms.ChoiceField(
        label="CSV 内容",
        choices=[("", "按表头自动识别"), *Kind.choices],
        required=False,
    )
    dry_run = forms.BooleanField(label="只检查，不保存", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过 10 MB，请拆分后再导入。")
        return upload


@login_required
def org_import_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.district_id is None:
        raise Forbidden("只有区级人员可以导入组织数据。")
    require(user, "compounds.import", user.district)
    district = user.district
    report, file_error = None, None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheets = read_file(upload, name=upload.name, kind=form.cleaned_data["kind"] or None)
        except ImportFileError as error:
            file_error = str(error)
        else:
            report = org_import(actor=user, district=district, sheets=sheets, dry_run=form.cleaned_data["dry_run"])
    status = 400 if file_error or (report is not None and not report.ok) or form.errors else 200
    context = {"form": form, "district": district, "report": report, "file_error": file_error}
    return render(request, "compounds/import.html", context, status=status)
