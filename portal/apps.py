from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top floor (DESIGN.md §3 "Floors"): pages that join several apps for a person — each role's home,
    the compound's public page behind its QR code — and the demo district's composition. It imports the
    other apps through their selectors and services; no app imports it (import-linter, pyproject.toml)."""

    name = "portal"
    verbose_name = _("门户")

    def ready(self) -> None:
        # Django 6.1's empty choice of every select ("- Select an option -") has no Chinese in Django's own
        # catalogue: the site says 请选择 (English: "Please choose", ratings/locale/en). Read at render time.
        from django.db.models import fields
        from django.utils.translation import gettext_lazy

        fields.BLANK_CHOICE_LABEL = gettext_lazy("请选择")
