"""The demo district as `make demo` builds it (portal.demo.load_demo), loaded once for the package and committed,
as `make demo` leaves it (its report room's builds run on commit). Each app's read-only checks of its demo rows
run in a transaction of their own, rolled back after them. The last test of the package (test_reset.py: a second
run changes nothing, `--reset` builds the same district again) needs that committed district; it runs after the
checks, and the package's database is flushed after it. A full load takes about a minute: the checks had loaded
it eight times, and the reset test twice more."""

from datetime import datetime

import pytest
from django.core.management import call_command

from compounds.demo import DISTRICT_CODE
from compounds.models import District
from portal.demo import load_demo
from tests.dbroles import as_owner
from workorders.worktime import BEIJING

# A fixed moment, so that the quarters, the months and the funds' year the checks name are the demo's own.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BEIJING)
TODAY = NOW.date()
RESET_MODULE = "tests/demo/test_reset.py"


class Demo:
    def __init__(self, output: str):
        self.output = output
        self.district = District.objects.get(code=DISTRICT_CODE)


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, committed; flushed (as the owner, as a transactional test's teardown) after the package."""
    with django_db_blocker.unblock():
        try:
            output = "\n".join(load_demo(now=NOW))
            yield Demo(output)
        finally:
            with as_owner():
                call_command("flush", verbosity=0, interactive=False)


def pytest_collection_modifyitems(items):
    """The reset test after the package's other tests: it replaces the committed district they read."""
    reset = [item for item in items if item.nodeid.startswith(RESET_MODULE)]
    if not reset:
        return
    rest = [item for item in items if not item.nodeid.startswith(RESET_MODULE)]
    package = [i for i, item in enumerate(rest) if item.nodeid.startswith("tests/demo/")]
    at = package[-1] + 1 if package else len(rest)
    items[:] = rest[:at] + reset + rest[at:]
