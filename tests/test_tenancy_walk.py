"""Walks every URL pattern of the site and the API as users of one district, aiming at the other
district's objects, and fails on any leak.

- A pattern without object kwargs (a list, a dashboard) is fetched by every role of district A,
  also with filters pointing at district B's objects; district B's names (which all contain the
  marker "乙区") must never appear.
- A pattern with object kwargs is filled with district B's object; every method it allows answers
  404 to district A's official.

A new URL is covered the day it is added: a pattern whose kwargs this test cannot fill fails here
until its model gets a maker in OBJECT_MAKERS (or, for a public or staff-only page, an entry with a
reason in EXEMPT).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import PersonalDataReveal
from compounds.models import Building, Community, Compound, Department, District, Grid, PropertyFirm, Street
from tests.ratings.walk import RATINGS_EXEMPT, ratings_object_makers
from tests.reports.walk import reports_object_makers
from tests.staffing.walk import staffing_object_makers
from tests.workorders.walk import response_text, workorder_object_makers
from workorders.models import Photo, PrivacySettings

MARKER = "乙区"

# Model → how to get district B's instance of it from the `other_tree` fixture. Later apps add theirs.
OBJECT_MAKERS: dict[type[models.Model], Callable] = {
    District: lambda t: t.district,
    Street: lambda t: t.streets[0],
    Community: lambda t: t.communities[0],
    Compound: lambda t: t.compounds[0],
    Building: lambda t: t.buildings[0],
    Grid: lambda t: t.grids[0],
    PropertyFirm: lambda t: t.firm,
    Department: lambda t: t.department,
    Photo: lambda t: _photo(t),
    PersonalDataReveal: lambda t: _reveal(t),
    PrivacySettings: lambda t: PrivacySettings.objects.get_or_create(district=t.district)[0],
    **ratings_object_makers(),
    **workorder_object_makers(),
    **reports_object_makers(),
    **staffing_object_makers(),
}


def _photo(t):
    from tests.workorders.test_photos import small_jpeg
    from workorders import services
    from workorders.intake.photos import photo_prepare, photo_store

    category = services.categories_seed(district=t.district)[0]
    order = services.work_order_file(
        actor=None, compound=t.compounds[0], category=category, channel="resident_qr", title="乙区", description="乙区"
    )
    return photo_store(order=order, prepared=photo_prepare(upload=small_jpeg()))


def _reveal(t):
    from accounts.privacy import record_reveal

    record_reveal(actor=t.official, obj=t.official, fields=["username"], via="/乙区/")
    return PersonalDataReveal.objects.filter(district=t.district).latest("pk")


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
    "open311:": (
        "Open311 GeoReport v2: scoped by jurisdiction_id and the district's Open311 integration key rather than a"
        " session, under the district's read policy. tests/workorders/test_open311.py and"
        " test_open311_read_policy.py prove that another district's requests never appear under a jurisdiction,"
        " that what a caller may not read is the same 404 as what is missing, and that other keys are refused"
    ),
    "intake:report": (
        "public QR page keyed by the compound's unguessable public_token (residents, no account);"
        " tests/workorders/test_intake_resident.py proves a district-B token never shows or files into district A"
    ),
    "intake:track": "public tracking page keyed by the order's unguessable tracking code; shows no personal data",
    "intake:track-photo": "a resident's own photo, reachable only with its order's tracking code",
    **RATINGS_EXEMPT,
}


@dataclass
class Route:
    name: str
    kwargs: tuple[str, ...]
    callback: Callable


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


def view_model(callback) -> type[models.Model] | None:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
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
    return [r for r in walk() if not is_exempt(r)]


def test_every_route_has_a_name_so_it_can_be_walked():
    unnamed = [r for r in walk() if not is_exempt(r) and (not r.name or r.name.endswith(":"))]
    assert not unnamed, f"give these URL patterns a name: {unnamed}"


@pytest.mark.django_db
def test_no_page_or_list_shows_another_districts_data(client, tree, other_tree):
    b = other_tree
    foreign_filters = {
        "street": b.streets[0].pk,
        "community": b.communities[0].pk,
        "compound": b.compounds[0].pk,
        "property_firm": b.firm.pk,
        "district": b.district.pk,
    }
    checked = 0
    for route in routes():
        kwargs = [k for k in route.kwargs if k != "format"]
        if kwargs:
            continue
        url = reverse(route.name, kwargs={"format": "json"} if "format" in route.kwargs else None)
        for user in tree.users:
            client.force_login(user)
            for params in ({}, foreign_filters):
                response = client.get(url, params, follow=False)
                assert response.status_code < 500, f"{url} as {user.role}: {response.status_code}"
                body = response_text(response)
                assert MARKER not in body, f"{url} as {user.role} shows district B's data ({params})"
        checked += 1
    assert checked >= 5, "the walk found too few list pages: is the URL conf loaded?"


@pytest.mark.django_db
def test_every_object_url_is_a_404_for_another_districts_object(client, tree, other_tree):
    client.force_login(tree.official)
    unknown, leaks, checked = [], [], 0
    for route in routes():
        kwargs = [k for k in route.kwargs if k != "format"]
        if not kwargs:
            continue
        model = view_model(route.callback)
        if model not in OBJECT_MAKERS:
            unknown.append(f"{route.name} ({model})")
            continue
        obj = OBJECT_MAKERS[model](other_tree)
        values = {k: kwarg_value(obj, k) for k in kwargs}
        if "format" in route.kwargs:
            values["format"] = "json"
        url = reverse(route.name, kwargs=values)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, content_type="application/json", data={})
            if response.status_code == 405:
                continue
            if response.status_code != 404:
                leaks.append(f"{method.upper()} {url} → {response.status_code}")
        checked += 1
    assert not unknown, f"add these views' models to OBJECT_MAKERS (or EXEMPT with a reason): {unknown}"
    assert not leaks, "another district's object must be a 404:\n" + "\n".join(leaks)
    assert checked >= 1


@pytest.mark.django_db
def test_district_users_cannot_enter_the_admin(client, tree):
    for user in tree.users:
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
