"""Queries per page and per API call do not grow with the rows: every list page and list endpoint of the site (the
tenancy walk's list routes: homes, the queue, ratings' period pages, staffing and funding lists, reports, every
API list), as every role of a district, runs the same number of queries after the district's rows have grown.

The world is the tenancy walk's (tests/test_tenancy_walk.py): district A fully populated by every app's makers.
Each list is asked once, then every maker runs again for A (each model gets more rows: another order in every
state, another score, visit, fund request, …) and the list is asked again; the two counts must be equal. An N+1
— a query per row, a lookup per order in a template — shows up as a difference, named with the route and role.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.test_tenancy_walk import (  # noqa: F401 (the module-scoped world, shared with the walk's fixtures)
    EXTRA_ROWS,
    LIST_PARAMS,
    OBJECT_MAKERS,
    ROLES,
    list_routes,
    url_for,
    walker,
    world,
)


def asked(client, url: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, follow=False)
    return response.status_code, len(queries.captured_queries)


def grow(t) -> int:
    """Every maker once more for district A; returns how many of them added rows (a maker that cannot run twice —
    a one-per-district setting — is skipped)."""
    grown = 0
    for maker in [*OBJECT_MAKERS.values(), *EXTRA_ROWS]:
        try:
            with transaction.atomic():
                maker(t)
            grown += 1
        except Exception:  # a unique row per district (a setting): it stays one row, which is the point
            continue
    return grown


@pytest.mark.parametrize("role", ROLES)
def test_no_list_runs_more_queries_with_more_rows(client, walker, role):  # noqa: F811 (the imported fixture)
    a = walker.a
    user = a.walkers[role]
    routes = [r for r in list_routes() if not r.actions or "get" in r.actions]
    client.force_login(user)
    before = {}
    for route in routes:
        url = url_for(route)
        before[url] = asked(client, url, LIST_PARAMS.get(route.name, {}))
    assert grow(a) >= len(OBJECT_MAKERS) // 2, "the makers could not add rows a second time"
    client.force_login(user)
    problems = []
    for route in routes:
        url = url_for(route)
        status, count = asked(client, url, LIST_PARAMS.get(route.name, {}))
        was_status, was_count = before[url]
        if status == 200 and was_status == 200 and count != was_count:
            problems.append(f"{url}: {was_count} → {count} queries")
    assert len(routes) >= 40, "too few list routes: is the URL conf loaded?"
    assert not problems, f"as A's {role}, with more rows:\n" + "\n".join(problems)
