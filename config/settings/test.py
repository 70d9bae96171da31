"""The test suite: real PostgreSQL (DATABASE_URL, or the embedded server). Tasks run eagerly, except in a
real Celery worker started by tests/integration (it sets CAPILLARY_CELERY_EAGER=0)."""

import atexit
import os
import shutil

from config import embedded

# The owner (DATABASE_OWNER_URL, else DATABASE_URL's user: a superuser in CI, the embedded server's when unset)
# creates and migrates the test database; every test then connects as the application role (accounts.rls:
# neither superuser, nor owner, nor BYPASSRLS), as the site does. tests/conftest.py makes the switch; the
# `owner` alias below is for the few tests that need the owner and say why (the `owner_db` fixture).
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = embedded.database_url()

import dj_database_url

from config.settings.local import *  # noqa: F403

_owner = dj_database_url.parse(os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"])
DATABASES["owner"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    **{key: _owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT") if _owner.get(key)},
    "TEST": {"MIRROR": "default"},
}
if DATABASES["default"]["USER"] == DATABASES["owner"]["USER"]:  # noqa: F405
    # DATABASE_URL is the owner (CI, the embedded default): the suite connects as the application role,
    # which needs no password on a server that trusts local connections (or CAPILLARY_TEST_APP_PASSWORD).
    DATABASES["default"]["USER"] = DATABASE_APP_ROLE  # noqa: F405
    DATABASES["default"]["PASSWORD"] = os.environ.get("CAPILLARY_TEST_APP_PASSWORD", "")  # noqa: F405

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CAPILLARY_CELERY_EAGER", True)  # noqa: F405
CELERY_TASK_EAGER_PROPAGATES = True
# The test runner swaps every mailer for the in-memory one (mail.outbox); declared here for clarity.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SMS_BACKEND = "accounts.sms.LocmemBackend"  # messages land in accounts.sms.outbox
# pytest-xdist's workers (gw0, gw1, …) each have their own test database (pytest-django names it), media folder
# and broker namespace (below); a worker's Celery worker inherits its name through the environment.
_xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = VAR_DIR / "test-media" / _xdist if _xdist else VAR_DIR / "test-media"  # noqa: F405
# Each test process counts rate limits in its own memory; the tests clear it between tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A second alias on the same test database, as a read replica would be (config/dbrouter.py): off unless a test
# turns CAPILLARY_REPLICA_READS on (tests/config/test_replica.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
CAPILLARY_REPLICA_READS = False
LOGGING["root"]["level"] = os.environ.get("CAPILLARY_TEST_LOG_LEVEL", "WARNING")  # noqa: F405

# Each test run has its own broker namespace, so that parallel runs on one machine (and a running
# `make demo`) never take each other's tasks. A worker started by tests/integration inherits the
# run's name through the environment and so joins the same namespace.
_named_here = "CAPILLARY_TEST_RUN" not in os.environ
_run = os.environ.setdefault("CAPILLARY_TEST_RUN", f"run-{os.getpid()}")
if _xdist and not _run.endswith(f"-{_xdist}"):  # the controller's name, inherited: one namespace per worker
    _run = os.environ["CAPILLARY_TEST_RUN"] = f"{_run}-{_xdist}"
    _named_here = True
if os.environ.get("REDIS_URL"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": f"capillary-test-{_run}:"}  # noqa: F405
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"capillary-test-{_run}:"}
else:
    _celery_folder = VAR_DIR / "celery-test" / _run  # noqa: F405
    _transport = embedded.celery_filesystem_transport(_celery_folder)
    CELERY_BROKER_URL = _transport["broker_url"]
    CELERY_BROKER_TRANSPORT = _transport["broker_transport"]
    CELERY_BROKER_TRANSPORT_OPTIONS = _transport["broker_transport_options"]
    CELERY_RESULT_BACKEND = _transport["result_backend"]
    if _named_here:  # the process that named the run removes its folder
        atexit.register(shutil.rmtree, _celery_folder, ignore_errors=True)
# The router's wake (workorders.outbox.wake) must be one store for the test process and the real workers that
# tests/integration starts (the locmem cache above is per process): a folder of the run's own.
_wake_folder = VAR_DIR / "test-cache" / _run  # noqa: F405
CACHES["wake"] = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(_wake_folder)}
CAPILLARY_WAKE_CACHE = "wake"
if _named_here:
    atexit.register(shutil.rmtree, _wake_folder, ignore_errors=True)
