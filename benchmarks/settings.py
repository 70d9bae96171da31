"""Settings of a benchmark run: the local settings (DATABASE_URL, REDIS_URL or the filesystem broker) with
DEBUG off, the yardstick's app and URLconf, and the run's own broker namespace so that the run never takes
tasks from a demo or a test run on the same Redis."""

import os

from config import embedded
from config.settings.local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405
ROOT_URLCONF = "benchmarks.urls"
MIGRATION_MODULES = {"benchmarks": None}  # its one table comes from `migrate --run-syncdb`

_run = os.environ.get("CAPILLARY_BENCH_RUN", "manual")
# The run's own cache (the rate-limit counters): benchmarks/run.py resets it before every phase.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"capillary-bench-{_run}",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "bench" / f"cache-{_run}"),  # noqa: F405
        }
    }
if os.environ.get("REDIS_URL"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "global_keyprefix": f"capillary-bench-{_run}:",
    }
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"capillary-bench-{_run}:"}
else:
    _transport = embedded.celery_filesystem_transport(VAR_DIR / "bench" / f"celery-{_run}")  # noqa: F405
    CELERY_BROKER_URL = _transport["broker_url"]
    CELERY_BROKER_TRANSPORT = _transport["broker_transport"]
    CELERY_BROKER_TRANSPORT_OPTIONS = _transport["broker_transport_options"]
    CELERY_RESULT_BACKEND = _transport["result_backend"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True

LOGGING["root"]["level"] = "WARNING"  # noqa: F405
