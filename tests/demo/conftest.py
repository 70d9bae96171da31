"""The demo district as `make demo` builds it (portal.demo.load_demo), loaded once for the package: each app's
read-only checks of its demo rows run in a savepoint of the package's transaction, which is rolled back at the
end. A full load takes about a minute; these checks had loaded it eight times. Loading twice and `--reset`
need committed data and run elsewhere (tests/portal/test_load_demo.py)."""

from datetime import datetime

import pytest
from django.db import transaction
from django.test import TestCase

from compounds.demo import DISTRICT_CODE
from compounds.models import District
from portal.demo import load_demo
from workorders.worktime import BEIJING

# A fixed moment, so that the quarters, the months and the funds' year the checks name are the demo's own.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BEIJING)
TODAY = NOW.date()


class Demo:
    def __init__(self, output: str):
        self.output = output
        self.district = District.objects.get(code=DISTRICT_CODE)


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, its report room's builds included (they run on commit, as under `make demo`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            output = "\n".join(load_demo(now=NOW))
        yield Demo(output)
        transaction.set_rollback(True)
