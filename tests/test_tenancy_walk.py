"""The tenancy walk: every URL pattern of the site and the API, walked by every role of district A (长安区) while
district B (named so that every text of it contains "乙区") is fully populated, and failing on any leak.

One world per module (`world`): both districts built once, every tenant model with rows in both (orders in every
state, notifications, ratings inputs, documents and photos, staffing rows, report builds, …), rolled back at the
end of the module. Each test runs in a savepoint inside it, so what one test writes is gone for the next.

- Lists (patterns without object kwargs), as every role: with no parameters and with every filter pointed at
  B's objects, no answer (HTML, JSON, CSV, XLSX unpacked, PDF text) shows "乙区", and no row id of an API list is
  one of B's rows. The official's lists are the positive control: each answers, and each API list has rows.
- Objects (patterns with kwargs), as every role, every method: B's object gets exactly the answer a missing id
  gets (a 404 for the official), so the answer never confirms that B's object exists. Positive control: some
  role of A reads A's own object (200), and the official gets 200 (or the documented refusal 403) on every
  object URL — a URL that is a 404 for everyone cannot pass. URLs that no district role may read: NO_READER.
- Writes: every create, update and bulk action of the API (request bodies from the OpenAPI schema) gets a body
  whose every id is one of B's; it must be refused — a 400 that names each id field (so the refusal is about the
  ids, not another field), or 403/404 — and nothing of B may be created or changed, nor any row of A point at B.
  The API's positive control: every write (create, update, partial update, each POST action, bulk actions), sent by
  some role of A to A's own list or object with a valid body (API_BODIES, API_TARGETS), answers a 2xx and changes a
  row of A — so a write that refuses everyone fails (API_CONTROL_ELSEWHERE names the few no role may use, with why).
  Every form of every page is sent back the same way (nothing of B changing is the check). The forms' positive
  control: every POST form each role is shown on A's own pages, sent back with its own (valid) values, does its
  job — a 2xx/3xx and a row of A changed — so a form that refuses everyone, or one shown to a role that may not
  use it, fails (FORM_VALUES, FORM_OVERRIDES; FORM_CONTROL_ELSEWHERE names the few it cannot send, with why).
  Both positive controls are sent by English users (cookie django_language=en), and what each write stored must be
  Chinese, the language of record (tests/records_language.py reads every text column it wrote): a new form or
  endpoint whose writer forgets config.locale.of_record fails here.
- Open311 and the public pages are walked under their own policy (tests at the end of this file).

A new URL is covered the day it is added: a pattern whose kwargs this walk cannot fill fails here until its model
gets a maker in OBJECT_MAKERS (each app's tests/<app>/walk.py), or, for a public or staff-only page, an entry
with a reason in EXEMPT. A new tenant model fails the population census until a maker gives it rows. Makers run
for both districts: write "乙区" into a row's text only when the tree is B's (`"乙区" in t.streets[0].name`), or
A's own pages will show the marker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers as drf
from rest_framework.views import APIView

from accounts.actors import SystemActor
from accounts.models import ApiKey, PersonalDataReveal
from accounts.policy import TenantQuerySet
from accounts.roles import Integration, Role
from compounds.models import (
    Building,
    Community,
    Compound,
    Department,
    District,
    Grid,
    OrgImport,
    PropertyFirm,
    Street,
)
from tests import factories
from tests.conftest import build_tree
from tests.funding.walk import funding_object_makers
from tests.ratings.walk import RATINGS_EXEMPT, ratings_object_makers
from tests.records_language import records_watch
from tests.reports.walk import reports_object_makers
from tests.staffing.walk import staffing_object_makers
from tests.workorders.walk import response_text, workorder_object_makers

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

MARKER = "乙区"

# Model → how to get a district's instance of it from a tree (tests/conftest.py). Later apps add theirs.
OBJECT_MAKERS: dict[type[models.Model], Callable] = {
    District: lambda t: t.district,
    Street: lambda t: t.streets[0],
    Community: lambda t: t.communities[0],
    Compound: lambda t: t.compounds[0],
    Building: lambda t: t.buildings[0],
    Grid: lambda t: t.grids[0],
    PropertyFirm: lambda t: t.firm,
    Department: lambda t: t.department,
    OrgImport: lambda t: _org_import(t),
    PersonalDataReveal: lambda t: _reveal(t),
    ApiKey: lambda t: _api_key(t),
    **ratings_object_makers(),
    **workorder_object_makers(),
    **reports_object_makers(),
    **staffing_object_makers(),
    **funding_object_makers(),
}


def _api_key(t):
    from tests.factories import api_key_for

    return ApiKey.objects.get(prefix=api_key_for(t.official, name=f"{_marker(t)}的密钥")[:8])


def _org_import(t):
    from django.core.files.base import ContentFile

    job = OrgImport.objects.filter(district=t.district).first()
    if job is None:
        job = OrgImport(district=t.district, file_name=f"{_marker(t)}街道.csv", status="done", total_rows=1)
        job.result = {
            "ok": True,
            "rows": [
                {
                    "sheet": "街道",
                    "row": 2,
                    "code": "",
                    "name": f"{_marker(t)}街道",
                    "outcome": "created",
                    "label": "新增",
                    "message": "",
                }
            ],
        }
        job.file.save("walk.csv", ContentFile("街道编码,街道名称\n".encode()), save=False)
        job.save()
    return job


def _reveal(t):
    from accounts.privacy import record_reveal

    if not PersonalDataReveal.objects.filter(district=t.district).exists():
        record_reveal(actor=t.official, obj=t.official, fields=["username"], via=f"/{_marker(t)}/")
    return PersonalDataReveal.objects.filter(district=t.district).latest("pk")


def _tier_change(t) -> None:
    from compounds.services import community_set_tier

    community_set_tier(
        actor=t.official, community=t.communities[1], tier="B", reason=f"{_marker(t)}老旧小区为主", effective_year=2026
    )


# Rows of tenant models that no URL names (they are shown inside other pages): made after the makers.
EXTRA_ROWS: list[Callable] = [_tier_change]


def _marker(t) -> str:
    return MARKER if MARKER in t.streets[0].name else ""


# URL name prefixes that are not tenant pages, with the reason. Keep this list short.
EXEMPT = {
    "admin:": "the Django admin is for platform staff; district users are not is_staff (see test below)",
    "set_language": "changes the UI language; shows no data",
    "login": "shows no data",
    "logout": "shows no data",
    "api-schema": "the OpenAPI schema describes endpoints, not data",
    "api-docs": "the docs page renders the schema only",
    "api-redoc": "the docs page renders the schema only",
    "api-not-found": "the JSON 404 for /api/ URLs that no endpoint takes; shows no data",
    "open311:": "Open311 GeoReport v2 is walked under its own read policy: test_open311_* below",
    "intake:report": "the public QR page, keyed by the compound's public token: test_public_pages_* below",
    "intake:track": "the public tracking page, keyed by the tracking code: test_public_pages_* below",
    "intake:track-photo": "a resident's own photo, reachable only with its order's tracking code: test below",
    "pwa-manifest": "the grid worker's app manifest: names and icons, no data",
    "service-worker": "the grid worker's app service worker (a static script served at the site's root)",
    "compound-public": (
        "the compound's public page behind its QR code, keyed by its unguessable public_token (residents, no"
        " account); names and posts only — tests/portal/test_public_page.py proves nothing personal shows"
    ),
    **RATINGS_EXEMPT,
}

# Lists and figures that need parameters to answer (the positive control reads them with these).
LIST_PARAMS: dict[str, dict] = {
    "staffing-api:sinkdown-counts": {"start": "2026-01-01", "end": "2027-01-01"},
    # the pickers' searches, for words that both districts' names hold (B's carry "乙区")
    "staffing:person-search": {"q": "人员"},
    "workorders:unit-search": {"q": "社区"},
}

# Object URLs that no role of a district may read, with the reason (the positive control cannot reach them).
NO_READER: dict[str, str] = {}

# Every role of a district: the people, and the two integration accounts (API keys, no password).
ROLES = ("official", "street_staff", "cadre", "grid_worker", "firm_staff", "department_staff", "open311", "hotline")


# --- the routes ------------------------------------------------------------------------------------------------


@dataclass
class Route:
    name: str
    kwargs: tuple[str, ...]
    callback: Callable

    @property
    def object_kwargs(self) -> list[str]:
        return [k for k in self.kwargs if k != "format"]

    @property
    def actions(self) -> dict[str, str]:
        """A viewset route's method → action (`{"get": "list", "post": "create"}`); {} for other views."""
        return dict(getattr(self.callback, "actions", None) or {})


def walk(patterns=None, namespace: str = "", kwargs: tuple[str, ...] = ()) -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        own = tuple(_pattern_kwargs(entry.pattern))
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, ns, kwargs + own)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name or ''}", kwargs + own, entry.callback)


def _pattern_kwargs(pattern) -> list[str]:
    return list(pattern.regex.groupindex)


def view_class(callback) -> type | None:
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def view_model(callback) -> type[models.Model] | None:
    cls = view_class(callback)
    if cls is None:
        return getattr(callback, "tenancy_model", None)
    model = getattr(cls, "tenancy_model", None) or getattr(cls, "model", None)
    if model is None and getattr(cls, "queryset", None) is not None:
        model = cls.queryset.model
    return model


def is_exempt(route: Route) -> bool:
    return any(route.name == key or (key.endswith(":") and route.name.startswith(key)) for key in EXEMPT)


def kwarg_value(obj: models.Model, kwarg: str):
    if kwarg in ("pk", "id") or kwarg.endswith(("_pk", "_id")):
        return obj.pk
    return getattr(obj, kwarg)


def routes() -> list[Route]:
    """The walkable routes, once each (a `format` suffix variant is the same view)."""
    seen, result = set(), []
    for route in walk():
        if is_exempt(route) or (route.name, tuple(route.object_kwargs)) in seen:
            continue
        seen.add((route.name, tuple(route.object_kwargs)))
        result.append(route)
    return result


def list_routes() -> list[Route]:
    return [r for r in routes() if not r.object_kwargs]


def object_routes() -> list[Route]:
    return [r for r in routes() if r.object_kwargs]


def url_for(route: Route, obj: models.Model | None = None, missing: bool = False) -> str:
    values = {}
    for kwarg in route.object_kwargs:
        value = kwarg_value(obj, kwarg)
        values[kwarg] = (999_999_999 if isinstance(value, int) else "ZZZZZZZZZZZZ") if missing else value
    if "format" in route.kwargs and not route.object_kwargs and route.actions:
        pass  # the plain pattern is enough: the suffix variant is the same view
    return reverse(route.name, kwargs=values or None)


# --- the world -------------------------------------------------------------------------------------------------


def tenant_models() -> list[type[models.Model]]:
    """Every model whose rows belong to a district (its default manager is the policy's TenantQuerySet)."""
    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), TenantQuerySet)]


def tenant_lookup(model: type[models.Model]) -> str:
    """The field that names a row's district (accounts.policy.restrict filters by it): `district`, or `pk` for the
    district itself."""
    return getattr(model, "tenant_field", "district")


def rows_of(model: type[models.Model], district: District) -> models.QuerySet:
    return model._base_manager.filter(**{tenant_lookup(model): district.pk})


def _integration_accounts(t) -> None:
    code = t.district.code
    t.open311 = factories.UserFactory(
        role=Role.INTEGRATION, integration=Integration.OPEN311, district=t.district, username=f"open311-{code}"
    )
    t.hotline = factories.UserFactory(
        role=Role.INTEGRATION, integration=Integration.HOTLINE_12345, district=t.district, username=f"hotline-{code}"
    )
    t.open311_key = _integration_key(t, t.open311)
    t.walkers = {role: getattr(t, role) for role in ROLES}


def _integration_key(t, user) -> str:
    """The integration account's key, issued as the platform issues keys (accounts.apikeys: hashed, expiring)."""
    from accounts.apikeys import api_key_issue

    actor = SystemActor(name="test:walk", district_id=t.district.pk)
    return api_key_issue(actor=actor, user=user, name="tenancy walk")[1]


def populate(t) -> None:
    _integration_accounts(t)
    for maker in OBJECT_MAKERS.values():
        maker(t)
    for extra in EXTRA_ROWS:
        extra(t)


@dataclass
class World:
    a: Any
    b: Any


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Districts A and B, both fully populated, built once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            a = build_tree("610116", "长安区")
            b = build_tree("610113", "雁塔区", marker=MARKER)
            populate(a)
            populate(b)
            yield World(a, b)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def walker(world, db):
    """Each test runs in a savepoint inside the world (the `db` fixture): its writes are undone after it."""
    return world


def fingerprint(district: District) -> dict[str, str]:
    """Every tenant row of a district, as (label → a digest of its rows' values in key order), to compare before and
    after. One statement: each table's rows are hashed where they are (md5 of every column's text, row by row), so a
    walk that fingerprints before and after each of its hundreds of requests does not fetch ~70 tables each time."""
    parts, params = [], []
    quote = connection.ops.quote_name
    for model in tenant_models():
        field = tenant_lookup(model)  # as rows_of filters
        tenant = (model._meta.pk if field == "pk" else model._meta.get_field(field)).column
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts.append(
            f"SELECT %s, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.{pk}), '')) "
            f"FROM {table} AS t WHERE t.{quote(tenant)} = %s"
        )
        params += [model._meta.label, district.pk]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


def changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def cross_references(a: District, b: District) -> list[str]:
    """Rows of district A that point (by a foreign key or a many-to-many) at a row of district B."""
    found = []
    for model in tenant_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model in tenant_models()):
                continue
            target = field.related_model
            target_tenant = tenant_lookup(target)
            lookup = f"{field.name}__{target_tenant}" if target_tenant != "pk" else field.name
            count = rows_of(model, a).filter(**{lookup: b.pk}).count()
            if count:
                found.append(f"{model._meta.label}.{field.name}: {count} row(s) of A point at B")
    return found


# --- the tests -------------------------------------------------------------------------------------------------


def test_every_route_has_a_name_so_it_can_be_walked():
    unnamed = [r for r in walk() if not is_exempt(r) and (not r.name or r.name.endswith(":"))]
    assert not unnamed, f"give these URL patterns a name: {unnamed}"


def test_every_object_url_has_a_maker():
    unknown = [
        f"{r.name} ({view_model(r.callback)})" for r in object_routes() if view_model(r.callback) not in OBJECT_MAKERS
    ]
    assert not unknown, f"add these views' models to OBJECT_MAKERS (or EXEMPT with a reason): {unknown}"


def test_the_fingerprint_sees_any_changed_value_of_its_district_and_nothing_of_another(walker):
    """The walks' "nothing changed" rests on the fingerprint: a changed value in one row of A's is seen, in its
    table alone; a row of B's changing leaves A's fingerprint as it was."""
    a, b = walker.a, walker.b
    before_a, before_b = fingerprint(a.district), fingerprint(b.district)
    assert len(before_a) == len(tenant_models()) and before_a != before_b
    Compound.objects.filter(pk=b.compounds[0].pk).update(address=b.compounds[0].address + "甲")
    assert fingerprint(a.district) == before_a
    assert changed(before_b, fingerprint(b.district)) == ["compounds.Compound"]
    Compound.objects.filter(pk=a.compounds[0].pk).update(address=a.compounds[0].address + "甲")
    assert changed(before_a, fingerprint(a.district)) == ["compounds.Compound"]


def test_both_districts_are_fully_populated(walker):
    from workorders.models import State, WorkOrder

    empty = [
        f"{model._meta.label} in {t.district.name}"
        for model in tenant_models()
        for t in (walker.a, walker.b)
        if not rows_of(model, t.district).exists()
    ]
    assert not empty, f"give these tenant models a maker (tests/<app>/walk.py) so that the walk has rows: {empty}"
    states = set(rows_of(WorkOrder, walker.b.district).values_list("state", flat=True))
    assert states == set(State.values), f"B lacks orders in {set(State.values) - states}"
    assert not cross_references(walker.a.district, walker.b.district)
    assert not cross_references(walker.b.district, walker.a.district)


def _foreign_params(route: Route, b) -> dict:
    """Filters pointed at B's objects: the tree's own names, and every model filter of the view's FilterSet."""
    params = {
        "street": b.streets[0].pk,
        "community": b.communities[0].pk,
        "compound": b.compounds[0].pk,
        "grid": b.grids[0].pk,
        "property_firm": b.firm.pk,
        "firm": b.firm.pk,
        "department": b.department.pk,
        "district": b.district.pk,
    }
    params.update({f"{name}_id": value for name, value in params.items()})
    filterset = getattr(view_class(route.callback), "filterset_class", None)
    for name, flt in filterset.base_filters.items() if filterset else ():
        queryset = getattr(flt, "queryset", None) or flt.extra.get("queryset")
        model = getattr(queryset, "model", None)
        if model in OBJECT_MAKERS:
            params[name] = OBJECT_MAKERS[model](b).pk
    return params


def _b_ids(model: type[models.Model] | None, b) -> set:
    if model is None or model not in tenant_models():
        return set()
    return set(rows_of(model, b.district).values_list("pk", flat=True))


def _rows(response) -> list:
    if not response.get("Content-Type", "").startswith("application/json"):
        return []
    try:
        data = json.loads(response.content)
    except ValueError:
        return []
    rows = data.get("results") if isinstance(data, dict) else data
    return rows if isinstance(rows, list) else []


@pytest.mark.parametrize("role", ROLES)
def test_no_list_shows_another_districts_data(client, walker, role):
    a, b = walker.a, walker.b
    user = a.walkers[role]
    client.force_login(user)
    problems, checked = [], 0
    for route in list_routes():
        if "get" not in route.actions and route.actions:
            continue  # a bulk POST action: walked with write bodies below
        url = url_for(route)
        model = view_model(route.callback)
        b_ids = _b_ids(model, b)
        needed = LIST_PARAMS.get(route.name, {})
        for params in (needed, {**_foreign_params(route, b), **needed}):
            response = client.get(url, params, follow=False)
            if response.status_code >= 500:
                problems.append(f"{url} {params or ''} → {response.status_code}")
                continue
            if MARKER in response_text(response):
                problems.append(f"{url} shows district B's data {params or ''}")
            leaked = {row.get("id") for row in _rows(response) if isinstance(row, dict)} & b_ids
            if leaked:
                problems.append(f"{url} lists B's {model.__name__} ids {sorted(leaked)} {params or ''}")
            if role == "official" and params is needed:
                if response.status_code not in (200, 302, 403, 405):  # 405: a POST-only endpoint
                    problems.append(f"positive control: {url} → {response.status_code} for A's official")
                elif route.actions.get("get") == "list" and not _rows(response):
                    problems.append(f"positive control: {url} lists nothing of A's own rows")
        checked += 1
    assert checked >= 40, "the walk found too few list pages: is the URL conf loaded?"
    assert not problems, f"as A's {role}:\n" + "\n".join(problems)


METHODS = ("get", "post", "put", "patch", "delete")


def _methods(route: Route) -> tuple[str, ...]:
    return tuple(route.actions) if route.actions else METHODS


@pytest.mark.parametrize("role", ROLES)
def test_every_object_url_answers_for_another_districts_object_as_for_a_missing_one(client, walker, role):
    a, b = walker.a, walker.b
    client.force_login(a.walkers[role])
    problems = []
    for route in object_routes():
        obj = OBJECT_MAKERS[view_model(route.callback)](b)
        foreign, missing = url_for(route, obj), url_for(route, obj, missing=True)
        for method in _methods(route):
            answer = getattr(client, method)(foreign, content_type="application/json", data={}).status_code
            if answer == 405:
                continue
            if answer == 404:
                continue  # what a missing id gets everywhere (a missing id that answered otherwise would fail below)
            control = getattr(client, method)(missing, content_type="application/json", data={}).status_code
            if answer < 400 or answer >= 500 or answer != control:
                problems.append(f"{method.upper()} {foreign} → {answer} (a missing id → {control})")
            elif role == "official" and answer != 404:
                problems.append(f"{method.upper()} {foreign} → {answer} for A's official (must be 404)")
    assert not problems, f"as A's {role}, district B's objects:\n" + "\n".join(problems)


def test_every_object_url_has_a_reader_in_its_own_district(client, walker):
    """The positive control: the same URLs aimed at A's own objects. Every URL is read (200) by some role of A,
    and the official gets 200 or the documented refusal 403 — so a URL that is a 404 for everyone fails here.
    What A's own object pages, downloads and PDFs show must hold nothing of B either."""
    a = walker.a
    readers: dict[str, list[str]] = {}
    problems = []
    for route in object_routes():
        obj = OBJECT_MAKERS[view_model(route.callback)](a)
        url = url_for(route, obj)
        methods = _methods(route)
        readers[route.name] = []
        for role in ROLES:
            if "get" not in methods and readers[route.name] and role != "official":
                break  # an action: one role that may take it is the control (each try is rolled back)
            client.force_login(a.walkers[role])
            posted = "get" not in methods
            if not posted:
                response = client.get(url)
                status = response.status_code
                if status == 200 and MARKER in response_text(response):  # A's own page (or PDF) showing B
                    problems.append(f"{url} (A's own object) shows district B's data to A's {role}")
                posted = status == 405  # a page that only takes a POST (an action behind a button)
            if posted:  # an action: an empty body is refused for what it lacks (400) or done, never "not found"
                with transaction.atomic():
                    status = client.post(url, content_type="application/json", data={}).status_code
                    transaction.set_rollback(True)
            if status >= 500:
                problems.append(f"{url} → {status} for A's {role}")
            if status in (200, 201, 202, 204, 400, 409) or (status == 302 and posted):
                readers[route.name].append(role)
            if role == "official" and status not in (200, 201, 202, 204, 302, 400, 403, 409):
                problems.append(f"{url} → {status} for A's official on A's own object")
    nobody = [name for name, roles in readers.items() if not roles and name not in NO_READER]
    assert not nobody, f"no role of A reads these URLs on A's own objects (fix, or NO_READER with a reason): {nobody}"
    assert not problems, "\n".join(problems)


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


# --- writes: bodies that point at B's ids -----------------------------------------------------------------------

# Plain integer fields (not related fields) that carry an id, and the model whose id they carry.
ID_FIELDS: dict[str, type[models.Model]] = {
    "unit": Street, "district_id": District, "community": Community, "account": _model("funding.FundAccount"),
    "category": _model("workorders.Category"),
}  # fmt: skip
# Values for fields that the id fields depend on (the handler level that makes `unit` a street).
FIELD_VALUES: dict[str, Any] = {"level": "street", "target_level": "street", "year": 2026, "quarter": 1}
# Writes that take a list of ids and act on the caller's own rows among them: another district's ids are ignored,
# so the answer may be a 2xx — nothing of B may change all the same (the fingerprint below).
IGNORES_FOREIGN_IDS = {
    "workorders-api:notification-mark-read": "marks the caller's own messages among `ids`; others' ids are ignored",
}


def _related_model(field) -> type[models.Model] | None:
    if isinstance(field, drf.ManyRelatedField):
        field = field.child_relation
    if isinstance(field, drf.ListField) and isinstance(field.child, drf.RelatedField):
        field = field.child
    if isinstance(field, drf.RelatedField) and field.queryset is not None:
        return field.queryset.model
    return None


def _plain_value(name: str, field) -> Any:
    if name in FIELD_VALUES:
        return FIELD_VALUES[name]
    if isinstance(field, drf.ListField):
        child = _plain_value(name, field.child)
        return [] if child is None else [child]
    if isinstance(field, drf.ChoiceField):
        return next(iter(field.choices), None)
    if isinstance(field, drf.BooleanField):
        return False
    if isinstance(field, drf.IntegerField):
        return max(field.min_value or 1, 1)
    if isinstance(field, drf.DecimalField):
        return "1"
    if isinstance(field, drf.DateTimeField):
        return "2026-03-02T09:00:00+08:00"
    if isinstance(field, drf.DateField):
        return "2026-03-02"
    if isinstance(field, drf.TimeField):
        return "09:00"
    if isinstance(field, drf.CharField):
        return "写入测试"[: field.max_length or 20]
    return None  # files and nested bodies: not part of a JSON body


def _plain_id(name: str, field) -> type[models.Model] | None:
    """The model whose id a plain integer field carries (ID_FIELDS), or None."""
    is_int = isinstance(field, drf.IntegerField) or (
        isinstance(field, drf.ListField) and isinstance(field.child, drf.IntegerField)
    )
    return ID_FIELDS.get(name) if is_int else None


def _is_serializer(value) -> bool:
    return isinstance(value, drf.BaseSerializer) or (isinstance(value, type) and issubclass(value, drf.BaseSerializer))


@dataclass
class Write:
    route: Route
    method: str
    body_fields: dict[str, Any]  # name → the serializer field
    id_fields: dict[str, type[models.Model]]  # name → the model whose id it carries

    def body(self, t) -> dict:
        body = {}
        for name, field in self.body_fields.items():
            if name in self.id_fields:
                pk = OBJECT_MAKERS[self.id_fields[name]](t).pk
                many = isinstance(field, (drf.ManyRelatedField, drf.ListField))
                body[name] = [pk] if many else pk
            else:
                value = _plain_value(name, field)
                if value is not None:
                    body[name] = value
        return body

    def url(self, t) -> str:
        if not self.route.object_kwargs:
            return url_for(self.route)
        return url_for(self.route, OBJECT_MAKERS[view_model(self.route.callback)](t))


def api_writes() -> list[Write]:
    """Every create, update and action of the API whose request body (as the schema documents it) carries an id."""
    return [write for write in every_api_write() if write.id_fields]


def every_api_write() -> list[Write]:
    """Every create, update, partial update and POST action of the API (bulk actions included), with the body
    its schema documents (a write without a documented body: no fields)."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    writes = []
    for route in routes():
        api_view = getattr(route.callback, "cls", None)  # DRF views only; the pages' forms: test below
        if api_view is None:
            continue
        methods = route.actions or {m: m for m in ("post", "put", "patch") if hasattr(api_view, m)}
        for method in methods:
            if method not in ("post", "put", "patch"):
                continue
            view = generator.create_view(route.callback, method.upper())
            serializer = getattr(view, "schema", None) and view.schema.get_request_serializer()
            if isinstance(serializer, dict):  # per media type: the first serializer
                serializer = next((v for v in serializer.values() if _is_serializer(v)), None)
            if not _is_serializer(serializer):
                writes.append(Write(route, method, {}, {}))
                continue
            serializer = serializer() if isinstance(serializer, type) else serializer
            fields = {name: f for name, f in serializer.fields.items() if not f.read_only}
            ids = {name: _related_model(f) or _plain_id(name, f) for name, f in fields.items()}
            ids = {name: model for name, model in ids.items() if model in OBJECT_MAKERS}
            writes.append(Write(route, method, fields, ids))
    return writes


@pytest.mark.parametrize("role", ROLES)
def test_no_write_reaches_another_district_through_its_ids(client, walker, role):
    """Each write of the API, aimed at A's own list or A's own object, with every id in the body one of B's:
    refused (400 naming the field, 403 or 404), nothing of B created or changed, no row of A pointing at B."""
    a, b = walker.a, walker.b
    client.force_login(a.walkers[role])
    writes = api_writes()
    assert len(writes) >= 40, "the walk found too few writes with ids: is the schema generator reading the views?"
    before = fingerprint(b.district)
    problems = []
    for write in writes:
        url, body = write.url(a), write.body(b)
        response = getattr(client, write.method)(url, data=body, content_type="application/json")
        status, text = response.status_code, response.content.decode("utf-8", "replace")
        where = f"{write.method.upper()} {url} {body}"
        if write.route.name in IGNORES_FOREIGN_IDS and status < 300:
            continue
        if status not in (400, 403, 404):
            problems.append(f"{where} → {status} {text[:300]}")
        elif status == 400:
            scoped = [n for n in write.id_fields if _related_model(write.body_fields[n]) is not None]
            unnamed = [n for n in scoped if f'"{n}"' not in text]
            if unnamed:
                problems.append(f"{where} → 400 without refusing {unnamed}: {text[:300]}")
    after = fingerprint(b.district)
    problems += [f"district B's {label} changed" for label in changed(before, after)]
    problems += cross_references(a.district, b.district)
    assert not problems, f"as A's {role}:\n" + "\n".join(problems)


# The positive control of the API's writes: every create, update, partial update and POST action (bulk actions
# included), sent by some role of A to A's own list or object with a VALID body — the schema's typed values and
# A's own ids, then the values below — answers a 2xx and changes a row of A. A write that no role can use fails,
# so a write URL that refuses everyone cannot pass the walk above by refusing B's ids too.


# Values for one write (route name, method) that the schema's typed defaults do not make valid in the walk's world:
# a callable of the district's tree → {field: value}; None leaves a field out.
def _code(t, parent: str = "") -> str:
    return f"{parent or t.district.code}009"


def _state(state: str) -> Callable:
    return lambda t: t.orders[state]


def _new_period(status: str) -> Callable:
    def make(t):
        from ratings.models import RatingPeriod

        return RatingPeriod.objects.create(district=t.district, year=2027, quarter=3, status=status)

    return make


API_BODIES: dict[tuple[str, str], Callable] = {
    ("compounds-api:street-list", "post"): lambda t: {"code": _code(t), "name": "新设街道"},
    ("compounds-api:street-detail", "put"): lambda t: {"code": t.streets[0].code, "name": "更名街道"},
    ("compounds-api:street-detail", "patch"): lambda t: {"code": t.streets[0].code, "name": "更名街道"},
    ("compounds-api:community-list", "post"): lambda t: {"code": _code(t, t.streets[0].code), "name": "新设社区"},
    ("compounds-api:community-detail", "put"): lambda t: {"code": t.communities[0].code, "name": "更名社区"},
    ("compounds-api:community-detail", "patch"): lambda t: {"code": t.communities[0].code, "name": "更名社区"},
    ("compounds-api:community-set-tier", "post"): lambda t: {"tier": "C", "effective_year": 2027},
    ("compounds-api:compound-list", "post"): lambda t: {
        "code": _code(t, t.communities[0].code), "name": "新建小区", "latitude": "34.16", "longitude": "108.91",
        "built_year": 2005, "building_count": 3, "households": 120,
    },
    ("compounds-api:compound-detail", "put"): lambda t: _compound_update(t),
    ("compounds-api:compound-detail", "patch"): lambda t: {**_compound_update(t), "address": "子午大道1号"},
    ("compounds-api:building-list", "post"): lambda t: {"name": "9号楼", "households": 24},
    ("compounds-api:building-detail", "put"): lambda t: {"name": "1号楼东", "households": 24},
    ("compounds-api:building-detail", "patch"): lambda t: {"name": "1号楼东", "households": 24},
    ("compounds-api:grid-list", "post"): lambda t: {"code": _code(t, t.communities[0].code), "name": "新设网格"},
    ("compounds-api:grid-detail", "put"): lambda t: {"code": t.grids[0].code, "name": "更名网格"},
    ("compounds-api:grid-detail", "patch"): lambda t: {"code": t.grids[0].code, "name": "更名网格"},
    ("compounds-api:property-firm-list", "post"): lambda t: {
        "name": "新进物业有限公司", "credit_code": factories.credit_code(90_001), "contact_phone": "029-85551234",
    },
    ("compounds-api:property-firm-detail", "put"): lambda t: _firm_update(t),
    ("compounds-api:property-firm-detail", "patch"): lambda t: _firm_update(t),
    ("compounds-api:department-list", "post"): lambda t: {"name": "新设部门"},
    ("compounds-api:department-detail", "put"): lambda t: {"name": "更名部门"},
    ("compounds-api:department-detail", "patch"): lambda t: {"name": "更名部门"},
    ("api-token", "post"): lambda t: {"username": t.official.username, "password": "pass-1234", "name": "新密钥"},
    ("hotline:order-receive", "post"): lambda t: {
        "external_number": "12345-2026-990001", "category": t.orders["assigned"].category.code,
        "compound": t.compounds[0].code, "description": "热线转办：楼道灯坏", "title": "楼道灯坏",
        "reporter_phone": "13912345678", "accepted_at": None, "deadline": None, "district": t.district.code,
    },
    ("hotline:order-import", "post"): lambda t: {"file": _hotline_export(t), "district": None, "dry_run": None},
    ("ratings-api:contract-list", "post"): lambda t: {
        "start": "2031-01-01", "end": "2033-12-31", "signed_at": "2030-12-01", "fee_fen": 150, **_without_a_contract(t),
    },
    ("ratings-api:contract-end", "post"): lambda t: {"end": "2026-12-31"},
    ("ratings-api:introduction-list", "post"): lambda t: {"compound": _three_no_compound(t).pk, "fee_fen": 100},
    ("ratings-api:introduction-record-step", "post"): lambda t: {
        "stage": 2, "date": "2026-01-20", "responsible": "街道负责人", "documents": None,
    },
    ("ratings-api:period-list", "post"): lambda t: {"year": 2027, "quarter": 2},
    ("ratings-api:panel-score-list", "post"): lambda t: {"party": "street", "score": "85"},
    ("ratings-api:work-order-record-list", "post"): lambda t: {
        "firm": _another_firm(t).pk, "orders": 40, "complaints_per_100_households": "1.5", "on_time_rate": "90",
        "satisfaction_rate": "88",
    },
    ("ratings-api:incident-list", "post"): lambda t: {"date": "2026-02-10", "description": "电梯困人"},
    ("reports-api:report-build-list", "post"): lambda t: {"kind": "staffing.coverage", "key": "2026-Q2"},
    ("workorders-api:privacy-settings", "patch"): lambda t: {
        "retention_years": 5, "open311_match_distance_m": 50, "open311_dedupe_minutes": 30,
    },
    ("workorders-api:work-order-list", "post"): lambda t: {
        "channel": "phone", "title": "楼道灯坏", "description": "3号楼楼道灯坏了", "reporter_phone": "13912345678",
        "latitude": "34.16", "longitude": "108.91", "external_number": None,
    },
    ("workorders-api:work-order-bulk-assign", "post"): lambda t: {"orders": [t.orders["submitted"].pk]},
    ("workorders-api:work-order-merge", "post"): lambda t: {"into": t.orders["accepted"].pk},
    ("workorders-api:work-order-rate", "post"): lambda t: {"satisfaction": "satisfied"},
    ("workorders-api:work-order-transfer", "post"): lambda t: {"unit": t.streets[1].pk},
    ("workorders-api:category-list", "post"): lambda t: {
        "parent": None, "code": "walk-new", "department": None, "name": "新类别",
    },
    ("workorders-api:category-detail", "put"): lambda t: _category_update(t),
    ("workorders-api:category-detail", "patch"): lambda t: _category_update(t),
    ("workorders-api:urgency-class-list", "post"): lambda t: {
        "code": "walk-new", "respond_hours": 2, "resolve_hours": 24,
    },
    ("workorders-api:urgency-class-detail", "put"): lambda t: _urgency_update(t),
    ("workorders-api:urgency-class-detail", "patch"): lambda t: _urgency_update(t),
    ("workorders-api:routing-rule-list", "post"): lambda t: {"priority": 7, "target_department": None, "tier": None},
    ("workorders-api:routing-rule-detail", "put"): lambda t: {"priority": 8, "target_department": None, "tier": None},
    ("workorders-api:routing-rule-detail", "patch"): lambda t: {"priority": 8, "target_department": None},
    ("workorders-api:notification-mark-read", "post"): lambda t: {"ids": None, "all": True},
    ("staffing-api:person-list", "post"): lambda t: {
        "role": "community_worker", "phone": "13912340001", "street": None, "department": None,
        "property_firm": None, "organisation_name": None, "is_active": True,
    },
    ("staffing-api:person-detail", "patch"): lambda t: {"title": "副主任", "phone": None},
    ("staffing-api:volunteer-service-list", "post"): lambda t: {"hours": "2"},
    ("staffing-api:seat-term-list", "post"): lambda t: {
        "seat": "resident_representative", "compound": t.compounds[1].pk,
    },
    ("staffing-api:seat-term-end", "post"): lambda t: {"end": "2026-06-30"},
    ("staffing-api:sponsorship-list", "post"): lambda t: {"compound": t.compounds[1].pk},
    ("staffing-api:sponsorship-end", "post"): lambda t: {"end": "2026-06-30"},
    ("staffing-api:grid-member-list", "post"): lambda t: {"start": "2026-03-10"},
    ("staffing-api:grid-member-end", "post"): lambda t: {"end": "2026-06-30"},
    ("staffing-api:building-head-list", "post"): lambda t: {"start": "2026-03-10"},
    ("staffing-api:building-head-end", "post"): lambda t: {"end": "2026-06-30"},
    ("staffing-api:party-household-list", "post"): lambda t: {**_party_household_values(t), "building": None},
    ("staffing-api:party-household-link", "post"): lambda t: {"households": _party_households_and_one_more(t)},
    ("staffing-api:household-list", "post"): lambda t: {"building": None, "visit_interval_days": 30, "phone": None},
    ("staffing-api:household-detail", "patch"): lambda t: {"visit_interval_days": 30, "phone": None, "is_active": True},
    ("staffing-api:visit-list", "post"): lambda t: {"category": None, "raise_order": False, "visited_at": None},
    ("staffing-api:stationed-cadre-list", "post"): lambda t: {
        "compound": t.compounds[1].pk, "person": _cadre_person(t).pk, "start": "2026-03-10",
    },
    ("staffing-api:import-list", "post"): lambda t: {"file": _staffing_workbook(t), "kind": None},
    ("staffing-api:stationed-cadre-end", "post"): lambda t: {"end": "2026-06-30"},
    ("staffing-api:reception-day-list", "post"): lambda t: {"weekday": 4, "person": None, "ends_at": "11:00"},
    ("staffing-api:sinkdown-team-list", "post"): lambda t: {"name": "下沉二队"},
    ("staffing-api:sinkdown-member-list", "post"): lambda t: {"person": _department_person(t).pk},
    ("staffing-api:sinkdown-member-end", "post"): lambda t: {"end": "2026-06-30"},
    ("staffing-api:sinkdown-post-list", "post"): lambda t: {"community": t.communities[1].pk},
    ("staffing-api:sinkdown-post-end", "post"): lambda t: {"end": "2026-06-30"},
    ("staffing-api:sinkdown-task-list", "post"): lambda t: {"participants": 3, "residents_served": 10},
    ("staffing-api:duty-roster-list", "post"): lambda t: {
        "community": None, "name": "节假日值班", "duty_phone": "029-85551234", "day_starts": "08:00",
        "day_ends": "18:00",
    },
    ("staffing-api:duty-shift-list", "post"): lambda t: {
        "person": _street_person(t).pk, "day": "2026-03-14", "starts": "09:00", "ends": "17:00",
        "compensatory_day": "2026-03-18", "kind": None,
    },
    ("staffing-api:duty-shift-compensatory", "post"): lambda t: {"day": "2026-03-12"},
    ("staffing-api:leave-list", "post"): lambda t: {"person": _street_person(t).pk, "day": "2026-03-16"},
    ("staffing-api:star-assessment-prepare", "post"): lambda t: {"year": 2026, "quarter": 2},
    ("staffing-api:star-assessment-grade", "post"): lambda t: {"proficiency": "90", "attitude": "90"},
    ("funding-api:policy-list", "post"): lambda t: {
        "year": 2027, "tier_a_fen": 150_000_00, "tier_b_fen": 300_000_00, "tier_c_fen": 150_000_00,
        "tier_d_fen": 100_000_00, "second_approval_fen": 50_000_00, "carry_cap_fen": None,
    },
    ("funding-api:override-list", "post"): lambda t: {
        "community": t.communities[3].pk, "amount_fen": 200_000_00, "reason": "核定追加",
    },
    ("funding-api:tier-change-list", "post"): lambda t: {
        "community": t.communities[3].pk, "tier": "B", "from_month": 9, "reason": "老旧小区为主",
    },
    ("funding-api:entry-correct", "post"): lambda t: {"reason": "金额录错"},
    ("funding-api:special-project-list", "post"): lambda t: {"community": t.communities[0].pk, "amount_fen": 10_000_00},
    ("funding-api:donation-list", "post"): lambda t: {"community": t.communities[0].pk, "amount_fen": 1_000_00},
    ("funding-api:disbursement-list", "post"): lambda t: {
        "community": t.communities[0].pk, "account": None, "amount_fen": 100_00,
    },
    ("funding-api:disbursement-documents", "post"): lambda t: {"file": _sample_pdf()},
    ("funding-api:disbursement-pay", "post"): lambda t: {"voucher_no": "记-2026-001"},
    ("funding-api:disbursement-reject", "post"): lambda t: {"reason": "材料不全"},
    ("funding-api:year-end-list", "post"): lambda t: {"year": 2025},
    ("funding-api:bonus-pool-list", "post"): lambda t: {
        "year": 2027, "total_fen": 40_000_00, "points_1": 1, "points_2": 2, "points_3": 3, "points_4": 4,
        "points_5": 5, "cap_yuan": 6000, "floor_yuan": 1000, "qualifying_score": "60",
    },
    ("funding-api:bonus-pool-compute", "post"): lambda t: {"quarter": 1},
}  # fmt: skip

# The object an action is aimed at, where the world's first object of the model is not in the state it needs.
API_TARGETS: dict[str, Callable] = {
    "workorders-api:work-order-assign": _state("submitted"),
    "workorders-api:work-order-close": _state("rated"),
    "workorders-api:work-order-rate": _state("resolved"),
    "workorders-api:work-order-resolve": _state("in_progress"),
    "workorders-api:work-order-start": _state("accepted"),
    "workorders-api:work-order-reject": _state("submitted"),
    "workorders-api:work-order-claim": lambda t: _pooled_order(t),
    "workorders-api:work-order-resolve-on-the-spot": lambda t: _grid_reported_order(t),
    "ratings-api:period-start-scoring": _new_period("open"),
    "funding-api:entry-correct": lambda t: _donation_entry(t),
    "funding-api:disbursement-pay": lambda t: _approved_disbursement(t, amount_fen=100_00),
    "funding-api:disbursement-second-approve": lambda t: _approved_disbursement(t, amount_fen=600_00, threshold=500_00),
}

# Bodies given whole (the schema's typed defaults left out): a partial update that must not touch the rest.
API_EXACT_BODIES: dict[tuple[str, str], Callable] = {
    ("ratings-api:settings-detail", "patch"): lambda t: {"min_answers": 11},
}

# Writes that no role may use, by design, with the reason: the positive control does not send them.
API_CONTROL_ELSEWHERE: dict[tuple[str, str], str] = {
    ("workorders-api:work-order-detail", "put"): "an order changes only through its actions (the state machine): 405",
    ("workorders-api:work-order-detail", "patch"): "an order changes only through its actions (the state machine): 405",
    (
        "funding-api:entry-list",
        "post",
    ): "ledger entries are made by the money's actions (allocate, approve, pay, correct)",
    ("funding-api:entry-detail", "put"): "a posted ledger entry is never changed: a correcting entry reverses it",
    ("funding-api:entry-detail", "patch"): "a posted ledger entry is never changed: a correcting entry reverses it",
    ("funding-api:bonus-quarter-list", "post"): "a bonus quarter is made by its pool's compute action: 405",
    (
        "hotline:order-import",
        "post",
    ): "the 12345 platform's export workbook, multipart: tests/workorders/test_hotline.py",
}


def _hotline_export(t):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.workorders.test_hotline import csv_bytes, good_rows

    return SimpleUploadedFile("export.csv", csv_bytes(t, *good_rows(t)), content_type="text/csv")


def _cadre_person(t):
    from tests.staffing.walk import cadre_person

    return cadre_person(t)


def _party_households_and_one_more(t) -> list[int]:
    from staffing.models import PartyHousehold

    party = OBJECT_MAKERS[PartyHousehold](t)
    return [*party.households.values_list("pk", flat=True), _spare_household(t).pk]


def _pooled_order(t):
    """A filed order put in street 1's claim pool (as a pooling routing rule would)."""
    from workorders import services
    from workorders.models import WorkOrder

    order = services.work_order_file(
        actor=t.official, compound=t.compounds[0], category=t.orders["assigned"].category, channel="phone",
        title="待认领工单", description="路灯不亮", reporter_name="", reporter_phone="",
    )  # fmt: skip
    WorkOrder._base_manager.filter(pk=order.pk).update(
        is_pooled=True, handler_level="street", handler_street=t.streets[0]
    )
    return order


def _grid_reported_order(t):
    """An order the grid worker reported in their grid, of a category the district lets them close on the spot."""
    from workorders import services
    from workorders.models import Category

    category = t.orders["assigned"].category
    Category.objects.filter(pk=category.pk).update(grid_resolves_on_the_spot=True)
    category.refresh_from_db()
    return services.work_order_file(
        actor=t.grid_worker, compound=t.compounds[0], category=category, channel="grid",
        title="楼道堆物", description="1号楼楼道堆放纸箱",
    )  # fmt: skip


def _donation_entry(t):
    """The ledger entry of the world's donation (a small one: its correction leaves the account positive)."""
    from funding.models import Donation, LedgerEntry

    donation = OBJECT_MAKERS[Donation](t)
    return LedgerEntry.objects.filter(district=t.district, amount_fen=donation.amount_fen).order_by("pk").first()


def _approved_disbursement(t, *, amount_fen: int, threshold: int | None = None):
    """A fund request of community 1 approved by its street (above the threshold: awaiting the second approval)."""
    from funding.models import FundPolicy
    from funding.services import disbursements
    from tests.funding.walk import NOW, YEAR, funded, system

    funded(t)
    if threshold is not None:  # the district's threshold for a second approval, lowered for this one request
        FundPolicy.objects.filter(district=t.district, year=YEAR).update(second_approval_fen=threshold)
    request = disbursements.disbursement_request(
        actor=system(t), community=t.communities[0], purpose="楼道照明", category="repair", amount_fen=amount_fen,
        now=NOW,
    )  # fmt: skip
    return disbursements.disbursement_approve(actor=system(t), disbursement=request, now=NOW)


def _compound_update(t) -> dict:
    c = t.compounds[0]
    return {"code": c.code, "name": "更名小区", "latitude": "34.16", "longitude": "108.91", "built_year": 2005,
            "building_count": 3, "households": c.households or 120, "management_mode": c.management_mode,
            "has_owners_committee": c.has_owners_committee, "has_maintenance_fund": c.has_maintenance_fund}  # fmt: skip


def _firm_update(t) -> dict:
    return {"name": "更名物业有限公司", "credit_code": t.firm.credit_code, "contact_phone": "029-85551234"}


def _category_update(t) -> dict:
    category = t.orders["assigned"].category
    return {"code": category.code, "name": "更名类别", "parent": None, "department": None, "is_active": True}


def _urgency_update(t) -> dict:
    urgency = t.orders["assigned"].category.urgency
    return {"code": urgency.code, "name": "更名时限", "respond_hours": 3, "resolve_hours": 48}


def _another_firm(t) -> PropertyFirm:
    return factories.PropertyFirmFactory(district=t.district, name="新进物业服务有限公司")


def _spare_household(t):
    from tests.staffing.walk import household

    return household(t, address="党员联户备用")


def _street_person(t):
    from tests.staffing.walk import street_person

    return street_person(t)


def _api_body(write: Write, t) -> dict:
    key = (write.route.name, write.method)
    if key in API_EXACT_BODIES:
        return API_EXACT_BODIES[key](t)
    body = write.body(t)
    body.update(API_BODIES[key](t) if key in API_BODIES else {})
    return {name: value for name, value in body.items() if value is not None}


def _api_url(write: Write, t) -> str:
    if write.route.name in API_TARGETS:
        return url_for(write.route, API_TARGETS[write.route.name](t))
    return write.url(t)


def test_every_api_write_does_its_job_for_some_role_on_its_own_district(client, walker, english):
    a = walker.a
    client.cookies["django_language"] = "en"  # an English user: what the write stores must be Chinese all the same
    problems, done, stored_in_english = [], [], []
    for write in every_api_write():
        key = (write.route.name, write.method)
        if key in API_CONTROL_ELSEWHERE:
            continue
        url, body, answers = _api_url(write, a), _api_body(write, a), []
        before = fingerprint(a.district), _api_keys(a)  # after the target and body made what they need
        files = any(hasattr(value, "read") for value in body.values())
        for role in ROLES:
            client.force_login(a.walkers[role])
            for value in body.values():
                if files and hasattr(value, "seek"):
                    value.seek(0)
            with transaction.atomic():
                with records_watch() as watch:
                    if files:  # a file upload: multipart
                        response = client.post(url, data=body)
                    else:
                        response = getattr(client, write.method)(url, data=body, content_type="application/json")
                worked = response.status_code < 300 and (fingerprint(a.district), _api_keys(a)) != before
                stored_in_english += [f"{write.method.upper()} {url} as {role}: {line}" for line in watch.english()]
                transaction.set_rollback(True)
            if worked:
                done.append(key)
                break
            answers.append(f"{role} → {response.status_code} {response.content.decode('utf-8', 'replace')[:160]}")
        else:
            problems.append(f"{write.method.upper()} {url} {body}:\n    " + "\n    ".join(answers))
    assert len(done) >= 40, f"too few writes worked: {done}"
    assert not problems, f"no role of A could use these writes on A's own rows ({len(problems)}):\n" + "\n".join(
        problems
    )
    assert not stored_in_english, "stored in English (the language of record is Chinese):\n" + "\n".join(
        stored_in_english
    )


# --- the pages' forms -------------------------------------------------------------------------------------------

# A form field's name → the model whose id it carries (a <select> or a hidden input of the pages' forms).
FORM_ID_FIELDS: dict[str, str] = {
    "street": "compounds.Street", "community": "compounds.Community", "compound": "compounds.Compound",
    "building": "compounds.Building", "grid": "compounds.Grid", "firm": "compounds.PropertyFirm",
    "property_firm": "compounds.PropertyFirm", "department": "compounds.Department",
    "departments": "compounds.Department",
    "category": "workorders.Category", "order": "workorders.WorkOrder", "orders": "workorders.WorkOrder",
    "into": "workorders.WorkOrder", "person": "staffing.Person", "household": "staffing.Household",
    "households": "staffing.Household", "team": "staffing.SinkDownTeam", "roster": "staffing.DutyRoster",
    "period": "ratings.RatingPeriod", "unit": "compounds.Street",
}  # fmt: skip


# A value of the right kind for an input without one (a date field gets a date), so that a form sent back as it is
# can be valid: the positive control below sends A's own forms and expects them to do their job.
TYPED_VALUES: dict[str, str] = {
    "date": "2026-03-02", "datetime-local": "2026-03-02T09:00", "time": "09:00", "month": "2026-03",
    "number": "1", "tel": "13912345678", "email": "walk@example.com", "url": "https://example.com/",
}  # fmt: skip


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {name: value}) with each field's first or current value (a typed
    value for an empty input, the first named submit button's value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self.forms.append((attrs.get("action") or "", {}))
            else:
                self.forms.append(("", None))
        elif not self.forms or self.forms[-1][1] is None:
            return
        elif tag == "button" or (tag == "input" and attrs.get("type") == "submit"):
            if attrs.get("name") and (attrs.get("type") or "submit") == "submit":
                self.forms[-1][1].setdefault(attrs["name"], attrs.get("value") or "")
        elif tag in ("input", "textarea") and attrs.get("name") and attrs.get("type") != "file":
            if attrs.get("type") in ("checkbox", "radio") and attrs["name"] in self.forms[-1][1]:
                return  # the first box of a group (ticked: a bulk form acts on one row)
            fallback = TYPED_VALUES.get(attrs.get("type") or "", "写入测试")
            if fallback == "1" and attrs.get("min"):
                fallback = attrs["min"]
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or fallback
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.forms[-1][1].setdefault(self._select, "")
        elif tag == "option" and self._select and (not self.forms[-1][1].get(self._select) or "selected" in attrs):
            self.forms[-1][1][self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(html: str) -> list[tuple[str, dict]]:
    parser = _Forms()
    parser.feed(html)
    return [(action, fields) for action, fields in parser.forms if fields is not None]


def test_no_page_form_reaches_another_district_through_its_ids(client, walker):
    """Every POST form of every page (lists, and A's own objects' pages) as A's official, sent back with each
    id field pointing at B's object: never a 5xx, nothing of B created or changed, no row of A pointing at B."""
    a, b = walker.a, walker.b
    client.force_login(a.official)
    before = fingerprint(b.district)
    problems, sent = [], 0
    for route in routes():
        if getattr(route.callback, "cls", None) is not None:
            continue  # the API: test_no_write_reaches_another_district_through_its_ids
        obj = OBJECT_MAKERS[view_model(route.callback)](a) if route.object_kwargs else None
        page = url_for(route, obj)
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for action, fields in page_forms(response.content.decode()):
            ids = {name: label for name, label in FORM_ID_FIELDS.items() if name in fields}
            if not ids or any(part in action for part in ("logout", "i18n")):
                continue
            body = dict(fields)
            for name, label in ids.items():
                body[name] = OBJECT_MAKERS[apps.get_model(label)](b).pk
            answer = client.post(action or page, body)
            sent += 1
            if answer.status_code >= 500:
                problems.append(f"POST {action or page} {body} → {answer.status_code}")
    assert sent >= 5, "the walk found too few forms with ids: are the pages rendering their forms?"
    problems += [f"district B's {label} changed" for label in changed(before, fingerprint(b.district))]
    problems += cross_references(a.district, b.district)
    assert not problems, "\n".join(problems)


# Values for the pages' fields that a typed default does not make valid (a new period must be a quarter not yet
# opened; an amount must be positive), by field name.
FORM_VALUES: dict[str, str] = {
    "year": "2027", "quarter": "2", "score": "85", "fee_yuan": "1200", "contract_years": "3", "hours": "2",
    "amount_fen": "10000", "visit_interval_days": "30", "residents_served": "12", "participants": "3",
    "start": "2026-03-02", "end": "2026-12-31", "signed_at": "2026-02-20", "served_on": "2026-03-02",
    "registered_on": "2026-03-02", "since": "2026-03-02", "formed_on": "2026-03-02", "done_on": "2026-03-02",
    "received_on": "2026-03-02", "held_on": "2026-03-02", "meeting-held_on": "2026-03-02", "day": "2026-03-07",
    "compensatory_day": "2026-03-11", "starts": "09:00", "ends": "17:00", "starts_at": "09:00", "ends_at": "11:00",
    "phone": "13912345678", "duty_phone": "029-85551234", "reporter_phone": "13912345678",
    "latitude": "34.16", "longitude": "108.91", "external_number": "",
}  # fmt: skip


def _without_a_contract(t) -> dict:
    from ratings.models import ServiceContract

    busy = ServiceContract.objects.filter(district=t.district).values("compound")
    return {"compound": Compound.objects.filter(district=t.district).exclude(pk__in=busy).order_by("pk").last().pk}


def _order_in(state: str, field: str, attr: str = "pk") -> Callable:
    return lambda t: {field: getattr(t.orders[state], attr)}


# Values for one form (keyed as below) that its page's first choices do not make valid in the walk's world: a
# callable of the district's tree → {field: value}; None leaves a field out (a switch left off).
FORM_OVERRIDES: dict[tuple[str, str], Callable] = {
    ("ratings:contract-list", ""): lambda t: {
        "start": "2031-01-01",
        "end": "2033-12-31",
        "signed_at": "2030-12-01",
        **_without_a_contract(t),
    },
    ("ratings:settings", ""): lambda t: {"min_answers": "11"},
    ("funding:policy", "tier"): lambda t: {"tier": "B", "year": "2026"},
    ("workorders:queue", ""): _order_in("submitted", "orders"),
    ("workorders:detail", "merge"): _order_in("accepted", "merge-into", "tracking_code"),
    ("staffing:visit", ""): lambda t: {"raise_order": None},  # the visit alone (the switch, for those shown it, files)
    ("staffing:department", "add"): lambda t: {"compound": t.compounds[-1].pk},
    ("staffing:team", "appoint"): lambda t: {"seat": "resident_representative"},
    ("staffing:grid", "party"): lambda t: _party_household_values(t),
    ("staffing:sinkdown-team", "member"): lambda t: {"person": _department_person(t).pk},
    # the person picker lists nobody (staffing.forms.PersonSearchSelect): the one a search would find
    ("staffing:volunteers", ""): lambda t: {"person": _volunteer(t).pk},
    ("staffing:sinkdown-team", "post"): lambda t: {"community": t.communities[1].pk},
    ("ratings:introduction-list", ""): lambda t: {"compound": _three_no_compound(t).pk},
    # the year before the walk's (2026 is settled by the world's maker; 2025 has ended whenever the suite runs)
    ("funding:year-end", ""): lambda t: {"year": "2025"},
    # the quarter whose approved star assessments the world holds (tests/funding/walk.py), computed again
    ("funding:bonus", "compute"): lambda t: {"quarter": "1"},
    ("funding:request", "attach"): lambda t: {"documents": _sample_pdf()},
    # an uploaded file, imported at once (the page's "check only" box left off)
    ("org-import", ""): lambda t: {
        "file": _upload("街道.csv", f"街道编码,街道名称\r\n{t.district.code}009,新设街道\r\n"),
        "dry_run": None,
    },
    ("staffing:import", ""): lambda t: {"file": _staffing_workbook(t), "dry_run": None},
}


def _upload(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8-sig"))


def _staffing_workbook(t):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.staffing.test_import import good_sheets, workbook

    return SimpleUploadedFile("人员配备.xlsx", workbook(good_sheets(t)))


def _sample_pdf():
    from tests import samples

    return samples.pdf("发票.pdf")


def _party_household_values(t) -> dict:
    """A party member of the grid and 5 households of it not yet linked (a party household links 5 to 15)."""
    from tests.staffing.walk import household, person

    member = person(t, role="resident", is_party_member=True)
    homes = [household(t, address=f"党员联户{i}") for i in range(5)]
    return {"person": member.pk, "households": [home.pk for home in homes]}


def _department_person(t):
    """A department's officer who is on no sink-down team yet."""
    from tests.staffing.walk import dept_person

    return dept_person(t)


def _volunteer(t):
    """An active person of the first community (in every walking role's scope that is shown the form)."""
    from tests.staffing.walk import person

    return person(t, role="volunteer")


def _three_no_compound(t) -> Compound:
    """A second 三无 compound (the world's one has its introduction running)."""
    from tests.ratings.helpers import three_no_compound

    return three_no_compound(t, community=0)


# Forms whose work is enqueued after the commit (transaction.on_commit): the positive control sees the enqueue
# (the build itself writes files, which a rolled-back try cannot take back: tests/ratings cover what it builds).
FORM_ON_COMMIT = {("ratings:period-detail", "build")}

# Forms that the positive control cannot send as they are, with the reason (and where they are sent valid).
# Keyed by the URL name the form posts to, and its distinguishing field (or "" for the only form of that URL).
FORM_CONTROL_ELSEWHERE: dict[tuple[str, str], str] = {
    ("password-change", ""): "needs the user's own password: tests/accounts/test_api_keys.py (a change revokes keys)",
    ("intake:track-phone", ""): "sends a text message and changes no row: tests/workorders/test_track_recovery.py",
}


def _api_keys(t) -> tuple:
    """A's API keys (not tenant rows: the keys page's revoke changes them)."""
    return tuple(ApiKey.objects.filter(user__district=t.district).order_by("pk").values_list())


def _form_key(target: str, fields: dict) -> tuple[str, str]:
    """(the URL name a form posts to, the field that tells it apart from the page's other forms)."""
    from django.urls import Resolver404, resolve

    try:
        name = resolve(target.split("?")[0].split("#")[0]).view_name
    except Resolver404:
        name = target
    which = fields.get("form") or fields.get("action") or ""
    return name, which if isinstance(which, str) else ""


def _page_forms_of(client, route: Route, t) -> Iterator[tuple[str, str, dict]]:
    """(page, target, fields) of every POST form of `route`'s page on district `t`'s own object, as the
    signed-in role sees it (the tools of the page: logout and the language switch left out)."""
    if getattr(route.callback, "cls", None) is not None:
        return
    obj = OBJECT_MAKERS[view_model(route.callback)](t) if route.object_kwargs else None
    page = url_for(route, obj)
    response = client.get(page)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    for action, fields in page_forms(response.content.decode()):
        target = action if action and not action.startswith(("?", "#")) else page + action.split("#")[0]
        if any(part in target for part in ("logout", "i18n")):
            continue
        yield page, target, fields


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("open311", "hotline")])
def test_every_page_form_does_its_job_on_its_own_district(
    client, walker, role, django_capture_on_commit_callbacks, english
):
    """The positive control of the pages' forms: every POST form a role is shown on its own district's pages,
    sent back with its own values (typed defaults and FORM_VALUES), does its job — a 2xx/3xx and a row of A
    created or changed — so that a form that refuses everyone (or a form shown to a role that may not use it)
    cannot pass. Each try is rolled back. The role reads the pages in English, and what each form stored must be
    Chinese all the same (the language of record: tests/test_records_language.py)."""
    a = walker.a
    client.force_login(a.walkers[role])
    client.cookies["django_language"] = "en"
    problems, done, seen = [], [], set()
    for route in routes():
        for page, target, fields in _page_forms_of(client, route, a):
            key = _form_key(target, fields)
            if key in seen or key in FORM_CONTROL_ELSEWHERE or (key[0], "") in FORM_CONTROL_ELSEWHERE:
                continue
            seen.add(key)
            body = {**fields, **{n: v for n, v in FORM_VALUES.items() if n in fields}}
            body.update(FORM_OVERRIDES[key](a) if key in FORM_OVERRIDES else {})
            body = {n: v for n, v in body.items() if v is not None}
            before = fingerprint(a.district), _api_keys(a)
            with transaction.atomic():
                with records_watch() as watch, django_capture_on_commit_callbacks() as enqueued:
                    answer = client.post(target, body)
                after = fingerprint(a.district), _api_keys(a)
                problems += [f"{key} on {page} stored in English: {line}" for line in watch.english()]
                transaction.set_rollback(True)
            done_later = key in FORM_ON_COMMIT and enqueued  # its work enqueued for after the commit
            if answer.status_code >= 400 or (
                not changed(before[0], after[0]) and before[1] == after[1] and not done_later
            ):
                errors = _form_errors(answer)
                problems.append(f"{key} on {page}: POST {target} → {answer.status_code}, nothing changed {errors}")
            else:
                done.append(key)
    assert role not in ("official", "street_staff", "cadre") or len(done) >= 5, f"too few forms worked: {done}"
    assert not problems, f"as A's {role}, A's own forms:\n" + "\n".join(problems)


def _form_errors(response) -> str:
    import re

    text = response.content.decode("utf-8", "replace")
    found = re.findall(r'class="[^"]*(?:errorlist|error|messages)[^"]*"[^>]*>(.*?)</(?:ul|p|div|li)', text, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", " | ".join(found))[:300]


# --- Open311 and the public pages, under their own policy ------------------------------------------------------


def open311_routes() -> list[Route]:
    return [r for r in walk() if r.name.startswith("open311:")]


def _open311_url(route: Route, t, missing: bool = False) -> str:
    from workorders.models import State

    order = t.orders[State.ASSIGNED]
    if route.name == "open311:not-found":  # any other path: the errors document, whatever it names
        return reverse(route.name, kwargs={"path": f"requests/{order.pk}/x.json"})
    values = {"format": "json"}
    for kwarg in route.object_kwargs:
        if kwarg == "service_request_id":
            values[kwarg] = 999_999_999 if missing else order.pk
        elif kwarg == "token":
            values[kwarg] = "ZZZZZZZZZZZZ" if missing else order.tracking_code
        elif kwarg == "code":
            values[kwarg] = "zzzz" if missing else order.category.code
        else:
            raise AssertionError(f"the Open311 walk cannot fill {route.name}'s {kwarg}: teach _open311_url")
    return reverse(route.name, kwargs=values)


def _open_public_reads(t) -> None:
    from workorders.models import Category, PrivacySettings

    PrivacySettings.objects.filter(district=t.district).update(open311_public_reads=True)
    Category.objects.filter(district=t.district).update(open311_public=True)


def test_open311_shows_nothing_of_another_district_with_or_without_a_key(client, walker):
    """Every Open311 endpoint, as: no key; A's Open311 key on A's jurisdiction; A's key on B's jurisdiction;
    B's public reads opened (every category public) — B's ids, tokens and words never come out through A."""
    a, b = walker.a, walker.b
    _open_public_reads(b)
    problems, checked = [], 0
    callers = {
        "no key, A": {"jurisdiction_id": a.district.code},
        "A's key, A": {"jurisdiction_id": a.district.code, "api_key": a.open311_key},
        "A's key, no jurisdiction": {"api_key": a.open311_key},
    }
    for route in open311_routes():
        checked += 1
        for who, params in callers.items():
            # B's ids and tokens through A's jurisdiction: exactly what a missing id gets.
            foreign = client.get(_open311_url(route, b), params)
            missing = client.get(_open311_url(route, b, missing=True), params)
            if MARKER in response_text(foreign) or foreign.status_code >= 500:
                problems.append(f"{who}: {foreign.request['PATH_INFO']} → {foreign.status_code} shows B")
            by_id = route.object_kwargs and route.name != "open311:service-definition"
            if by_id and (foreign.status_code != missing.status_code or foreign.status_code < 400):
                path = foreign.request["PATH_INFO"]
                problems.append(f"{who}: {path} → {foreign.status_code} (missing: {missing.status_code})")
        # A's key on B's jurisdiction: refused, whatever is asked.
        response = client.get(_open311_url(route, b), {"jurisdiction_id": b.district.code, "api_key": a.open311_key})
        # the catalogue is public; an unknown path names no data and is the same 404 for everyone
        public = ("open311:discovery", "open311:services", "open311:service-definition", "open311:not-found")
        catalogue = route.name in public
        if not catalogue and response.status_code != 403:
            problems.append(f"A's key on B's jurisdiction: {route.name} → {response.status_code}")
    assert checked >= 7, "the Open311 walk found too few endpoints"
    assert not problems, "\n".join(problems)


def test_open311_ids_cannot_be_enumerated_across_districts(client, walker):
    from workorders.models import WorkOrder

    a, b = walker.a, walker.b
    every_id = list(WorkOrder.objects.order_by("pk").values_list("pk", flat=True))
    b_ids = set(rows_of(WorkOrder, b.district).values_list("pk", flat=True))
    params = {"jurisdiction_id": a.district.code, "api_key": a.open311_key}
    listed = client.get(
        reverse("open311:requests", kwargs={"format": "json"}),
        {**params, "service_request_id": ",".join(map(str, every_id))},
    )
    assert listed.status_code == 200
    ids = {int(row["service_request_id"]) for row in listed.json()}
    assert ids and not ids & b_ids, "the list by ids must hold A's requests only"
    assert MARKER not in response_text(listed)
    answers = {
        client.get(
            reverse("open311:request-detail", kwargs={"service_request_id": pk, "format": "json"}), params
        ).status_code
        for pk in [*sorted(b_ids), max(every_id) + 1]
    }
    assert answers == {404}, "B's ids and a missing id must read the same"
    # Without a key (A's reads are closed by default) nothing is listed, and every id reads the same.
    closed = client.get(reverse("open311:requests", kwargs={"format": "json"}), {"jurisdiction_id": a.district.code})
    assert closed.status_code == 403 and MARKER not in response_text(closed)


def test_open311_posts_cannot_file_into_another_district(client, walker):
    from workorders.models import WorkOrder

    a, b = walker.a, walker.b
    before = fingerprint(b.district)
    url = reverse("open311:requests", kwargs={"format": "json"})
    body = {
        "service_code": b.orders["assigned"].category.code,
        "description": "写入测试",
        "attribute[compound_code]": b.compounds[0].code,
        "lat": "34.16",
        "long": "108.91",
    }
    answers = [
        client.post(url, {**body, "jurisdiction_id": a.district.code, "api_key": a.open311_key}).status_code,
        client.post(url, {**body, "jurisdiction_id": b.district.code, "api_key": a.open311_key}).status_code,
        client.post(url, {**body, "jurisdiction_id": b.district.code}).status_code,
    ]
    assert all(400 <= status < 500 for status in answers), answers
    assert fingerprint(b.district) == before
    assert not rows_of(WorkOrder, a.district).filter(compound__district=b.district).exists()


def test_public_pages_show_another_districts_token_nothing_personal(client, walker):
    """The QR page, the tracking page and its photos, keyed by tokens: B's token shows B's public page (that is
    what a token is for) but none of its residents' personal data, and B's ids through A's tokens are 404s."""
    from workorders.models import Photo, State

    a, b = walker.a, walker.b
    order = b.orders[State.ASSIGNED]
    track = client.get(reverse("intake:track", kwargs={"tracking_code": order.tracking_code}))
    assert track.status_code == 200  # the positive control: the code's own page
    text = response_text(track)
    for personal in (order.reporter_phone, order.reporter_name, "张先生", "85551234"):
        assert personal not in text, f"the tracking page shows {personal}"
    assert client.get(reverse("intake:track", kwargs={"tracking_code": "ZZZZZZZZZZZZ"})).status_code == 404
    lookup = client.get(reverse("intake:track-lookup"), {"code": "ZZZZZZZZZZZZ"})
    assert lookup.status_code < 500 and MARKER not in response_text(lookup)

    a_photo, b_photo = OBJECT_MAKERS[Photo](a), OBJECT_MAKERS[Photo](b)
    a_code, b_code = a_photo.order.tracking_code, b_photo.order.tracking_code
    photo = "intake:track-photo"
    assert client.get(reverse(photo, kwargs={"tracking_code": b_code, "pk": b_photo.pk})).status_code == 200
    assert client.get(reverse(photo, kwargs={"tracking_code": a_code, "pk": b_photo.pk})).status_code == 404
    assert client.get(reverse(photo, kwargs={"tracking_code": b_code, "pk": a_photo.pk})).status_code == 404

    # The QR page of A's compound, POSTed with B's category and building: refused, nothing filed into B.
    before = fingerprint(b.district)
    report = reverse("intake:report", kwargs={"public_token": a.compounds[0].public_token})
    assert client.get(report).status_code == 200 and MARKER not in response_text(client.get(report))
    b_category = b.orders[State.ASSIGNED].category
    response = client.post(
        report,
        {
            "category": b_category.pk,
            "building": b.buildings[0].pk,
            "description": "写入测试楼道堆物",
            "reporter_phone": "",
        },
    )
    assert response.status_code in (200, 400), response.status_code
    assert fingerprint(b.district) == before
    assert not cross_references(a.district, b.district)
    a_category = a.orders[State.ASSIGNED].category
    filed = client.post(report, {"category": a_category.pk, "description": "写入测试楼道堆物", "reporter_phone": ""})
    assert filed.status_code == 302, "the control: the same form with A's own category files"
    survey = client.get(reverse("ratings:survey", kwargs={"public_token": a.compounds[0].public_token}))
    assert survey.status_code == 200 and MARKER not in response_text(survey)


def test_district_users_cannot_enter_the_admin(client, walker):
    for user in walker.a.walkers.values():
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _is_page(route: Route) -> bool:
    """A page of the site (not the API: a viewset or a DRF view answers an unknown method itself)."""
    cls = view_class(route.callback)
    return not route.actions and not (cls is not None and issubclass(cls, APIView))


def test_every_page_refuses_a_method_it_does_not_handle(client, walker):
    """A page states the methods it takes (require_safe, require_http_methods, a class view's handlers): a PUT is a
    405, never the page itself. A function view without the statement answered a POST, PUT or DELETE as a GET
    (the role walk found four), so a write could never be told apart from a read; this finds the next one."""
    a = walker.a
    client.force_login(a.walkers["official"])
    problems = []
    for route in routes():
        if not _is_page(route):
            continue
        obj = OBJECT_MAKERS[view_model(route.callback)](a) if route.object_kwargs else None
        status = client.generic("PUT", url_for(route, obj)).status_code
        if status != 405:
            problems.append(f"PUT {url_for(route, obj)} ({route.name}) → {status}")
    assert not problems, "pages that do not state their methods:\n" + "\n".join(problems)


def test_a_download_whose_file_is_gone_is_not_found(client, walker, monkeypatch):
    """Every stored file missing at once (a restore without its media, a build rolled back after it wrote): every
    object page and download answers as for a missing object — a 404 in its interface's shape, never a 500."""
    from django.core.files.storage import FileSystemStorage

    def gone(self, name, mode="rb"):
        raise FileNotFoundError(name)

    monkeypatch.setattr(FileSystemStorage, "_open", gone)
    a = walker.a
    client.force_login(a.walkers["official"])
    problems = []
    for route in object_routes():
        if "get" not in _methods(route):
            continue
        url = url_for(route, OBJECT_MAKERS[view_model(route.callback)](a))
        status = client.get(url).status_code
        if status >= 500:
            problems.append(f"GET {url} ({route.name}) → {status}")
    assert not problems, "with the stored files gone:\n" + "\n".join(problems)
