from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor (DESIGN.md §3 "Floors"): pages that join several apps for a person — each role's home,
    the compound's public page behind its QR code — and the demo district's composition. It imports the
    other apps through their selectors and services; no app imports it (import-linter, pyproject.toml)."""

    name = "portal"
    verbose_name = "门户"
