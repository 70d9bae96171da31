from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Only in benchmarks.settings: the yardstick's table, created by `migrate --run-syncdb`."""

    name = "benchmarks"
    verbose_name = "基准测试"
    default_auto_field = "django.db.models.BigAutoField"
