from django.apps import AppConfig


class CompoundsConfig(AppConfig):
    name = "compounds"
    verbose_name = "组织与小区"
