from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import CleanForm


class OpenDistrictForm(CleanForm):
    code = forms.CharField(label=_("区划代码"), max_length=6, help_text=_("6 位数字，例如 610113（雁塔区）"))
    file = forms.FileField(
        label=_("组织数据表（选填）"),
        required=False,
        help_text=_("XLSX 工作簿（街道、社区、小区、网格四张表）或一个 CSV；也可以开通后由区级人员导入。"),
    )
