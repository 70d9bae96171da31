from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报告室")

    def ready(self) -> None:
        # Every app's report kinds (<app>/report_kinds.py) register themselves.
        autodiscover_modules("report_kinds")
