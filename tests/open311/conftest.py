"""Open311 fixtures shared with tests/workorders/test_open311.py (both districts, categories, keys)."""

import pytest
from django.test import Client

from tests.workorders.conftest import categories  # noqa: F401
from tests.workorders.test_open311 import both, key_a, key_b, public_reads  # noqa: F401


@pytest.fixture
def raw_client():
    """A client that answers what the server answers (a 500 stays a 500 instead of raising in the test), and
    like any Open311 client has no CSRF token."""
    return Client(raise_request_exception=False, enforce_csrf_checks=True)
