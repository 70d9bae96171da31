"""`make test` runs the suite in two processes (pytest-xdist): each keeps to its own broker namespace and media
folder (config/settings/test.py), the tests that share a build or a file stay in one process (tests/conftest.py),
and the application role, which is the server's and not one database's, is created by one process at a time
(accounts.rls.create_app_role)."""

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from accounts import rls
from tests.conftest import xdist_scope

SHOW = (
    "import django, json, os; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS, sort_keys=True, default=str).replace(' ', '')); "
    "print(settings.MEDIA_ROOT); print(os.environ['CAPILLARY_TEST_RUN'])"
)


def settings_of(**env: str) -> list[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    environment.pop("PYTEST_XDIST_WORKER", None)
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_each_test_process_has_its_own_broker_namespace_and_media_folder():
    # given the controller's run name, inherited by both processes
    run = f"run-{uuid.uuid4().hex[:8]}"

    # when each process reads the settings, and a Celery worker started by the first reads them after it
    first = settings_of(CAPILLARY_TEST_RUN=run, PYTEST_XDIST_WORKER="gw0")
    second = settings_of(CAPILLARY_TEST_RUN=run, PYTEST_XDIST_WORKER="gw1")
    workers_own = settings_of(CAPILLARY_TEST_RUN=first[2], PYTEST_XDIST_WORKER="gw0")

    # then the two processes share neither the broker's keys (Redis) or folders (the embedded broker) nor the media
    assert first[0] != second[0] and first[1] != second[1]
    assert Path(first[1]).name == "gw0" and Path(second[1]).name == "gw1"
    # and the worker joins its own process's namespace, not a third one
    assert workers_own == first


def test_a_files_tests_stay_in_one_process_and_the_demo_package_shares_one_build():
    assert xdist_scope("tests/test_bad_input.py::test_a[x]") == xdist_scope("tests/test_bad_input.py::test_b")
    assert xdist_scope("tests/workorders/test_plans.py::test_a") != xdist_scope("tests/workorders/test_kpi.py::t")
    # the demo's checks and its reset test read one committed build
    assert xdist_scope("tests/demo/test_compounds.py::test_a") == xdist_scope("tests/demo/test_reset.py::test_b")
    # the modules that compile the message catalogues never run beside each other
    assert xdist_scope("tests/ratings/test_english.py::t") == xdist_scope("tests/workorders/test_english.py::t")


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_application_role_is_created_by_one_process_at_a_time():
    # given another process setting up its database, holding the role's lock
    role = f"capillary_test_role_{uuid.uuid4().hex[:8]}"
    holder = connections["owner"]
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext('capillary.create_app_role'))")
    created = threading.Event()

    def create() -> None:
        try:
            rls.create_app_role(connections["owner"], role)  # this thread's own connection
            created.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=create)
    try:
        # when this process creates the role, it waits for the other to finish
        thread.start()
        assert not created.wait(1.0), "the role was created while another process held the lock"
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('capillary.create_app_role'))")
        # then it goes on once the lock is free, and the role exists
        thread.join(30)
        assert created.is_set()
        with holder.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
            assert cursor.fetchone() == (False, False)
    finally:
        thread.join(30)
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
        # Roles outlive the test's transaction (the thread's connection committed it): dropped on a connection of
        # its own, not in that transaction, which is rolled back.
        drop = threading.Thread(target=_drop_role, args=(role,))
        drop.start()
        drop.join(30)


def _drop_role(role: str) -> None:
    try:
        with connections["owner"].cursor() as cursor:
            cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
    finally:
        connections.close_all()
