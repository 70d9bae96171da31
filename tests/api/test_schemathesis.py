"""schemathesis against /api/schema/ (issue 10): requests generated from the schema for every operation and
every method, sent as two roles (a district official, who may write most things, and a street's staff, who
may write little) to the application itself on the test database — which is thrown away afterwards, so
deletes and writes are welcome. Every answer must be no server error, documented (status code and content
type) and match its documented schema.

Bounded for `make test`: a few examples per operation (EXAMPLES; CAPILLARY_SCHEMATHESIS_EXAMPLES raises it for
a deeper run), derandomized so that a failure repeats."""

import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.actors import SystemActor
from tests.factories import SYSTEM, api_key_for
from workorders import services
from workorders.models import Channel

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("CAPILLARY_SCHEMATHESIS_EXAMPLES", "2"))
# Operations left out, each with its reason (fix the endpoint, then remove the line).
KNOWN_BROKEN: dict[tuple[str, str], str] = {}  # (method, path): reason — an operation left out must say why
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def app():
    """The WSGI application, keeping the test's database connection between requests (as Django's test client
    does): the requests see the test's data and their writes are rolled back with it."""
    keep_connection()
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def keep_connection() -> None:
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


@pytest.fixture
def tokens(tree):
    categories = services.categories_seed(actor=SYSTEM, district=tree.district)
    for i, category in enumerate(categories[:3]):
        order = services.work_order_file(
            actor=SystemActor(name="tests"),
            compound=tree.compounds[i],
            category=category,
            channel=Channel.RESIDENT_QR,
            title=f"测试工单{i}",
            description="楼道堆物，联系电话 13812345678",
            reporter_phone="13812345678",
        )
        services.work_order_route(actor=SystemActor(name="tests"), order_id=order.pk)
    return {
        "official": api_key_for(tree.official),
        "street_staff": api_key_for(tree.street_staff),
    }


def test_every_operation_answers_as_documented(app, tokens):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    failures: list[str] = []
    statuses: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 150, "the schema lost its operations"

    ids = real_ids(operations, tokens["official"])
    keep_connection()  # Django's test client, used by real_ids, connects the closing signals again
    for operation in operations:
        if (operation.method.upper(), operation.path) in KNOWN_BROKEN:
            continue
        exercise(operation, tokens, failures, statuses, ids.get(collection_of(operation.path)))

    assert not failures, f"{len(failures)} failures (statuses {dict(statuses)}):\n" + "\n\n".join(failures[:40])
    assert statuses[200] + statuses[201] > len(operations) // 2, statuses


def collection_of(path: str) -> str | None:
    """/api/v1/buildings/{id}/set-x/ → /api/v1/buildings/ (None for a path without an id)."""
    return path.split("{id}")[0] if "{id}" in path else None


def real_ids(operations, token: str) -> dict[str, int]:
    """An existing object's id per collection, so that operations on one object reach it (a random id is a
    404 before anything else runs); the official reads every collection of the district."""
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    found = {}
    for collection in {collection_of(op.path) for op in operations} - {None}:
        response = client.get(collection)
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results", []) if isinstance(body, dict) else body
        if rows and isinstance(rows[0], dict) and "id" in rows[0]:
            found[collection] = rows[0]["id"]
    return found


def exercise(operation, tokens: dict[str, str], failures: list[str], statuses: Counter, object_id=None) -> None:
    """EXAMPLES generated cases of one operation, each sent once per role (on a real object where there is
    one); failures collected, not raised."""
    path_parameters = {"id": object_id} if object_id is not None else None

    @given(case=operation.as_strategy(path_parameters=path_parameters))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case):
        for role, token in tokens.items():
            # Schemathesis's WSGI transport asks for gzip (requests' default headers) but, unlike an HTTP client,
            # never decodes it: the site compresses answers (config/compression.py, tested on its own), so the
            # answers are asked for as they are.
            response = case.call(headers={"Authorization": f"Token {token}", "Accept-Encoding": "identity"})
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as error:  # every failure collected, reported together
                failures.append(f"{role} {operation.label} → {response.status_code}: {str(error)[:600]}")

    run()
