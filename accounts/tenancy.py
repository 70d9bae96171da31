"""The database's half of tenancy: the actor's district as a per-transaction PostgreSQL setting.

Row-level security policies on every tenant-owned table compare each row's `district_id` with the
setting `capillary.district`; the platform's explicit path is `capillary.platform = 'on'`. Nothing set
means no tenant rows at all. The web (middleware), the API (after authentication), Celery tasks and
management commands enter `tenant_context(actor)`, which opens a transaction (or a savepoint), sets both
with `set_config(..., true)` (SET LOCAL) and puts back what was there before when it leaves, so nested
contexts (a service run as the system inside a request) and the test client behave.

    with tenant_context(SystemActor(name="task:...", district_id=order.district_id)):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connections, transaction

DISTRICT_SETTING = "capillary.district"
PLATFORM_SETTING = "capillary.platform"


def scope_of(actor: Any) -> tuple[str, str]:
    """(district, platform) setting values for an actor: a platform administrator or a system actor
    without a district reaches every district; anyone else their own district; nobody, nothing."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return "", "off"
    if getattr(actor, "is_platform_admin", False):
        return "", "on"
    district_id = getattr(actor, "district_id", None)
    return (str(district_id) if district_id is not None else ""), "off"


def _set(cursor: Any, district: str, platform: str) -> None:
    cursor.execute(
        "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
        [DISTRICT_SETTING, district, PLATFORM_SETTING, platform],
    )


def current(using: str = "default") -> tuple[str, str]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), coalesce(current_setting(%s, true), '')",
            [DISTRICT_SETTING, PLATFORM_SETTING],
        )
        return cursor.fetchone()


def activate(actor: Any, using: str = "default") -> None:
    """Set the actor's scope for the rest of the current transaction (inside an atomic block)."""
    connection = connections[using]
    if connection.get_autocommit():
        raise RuntimeError("tenancy.activate() needs a transaction: use tenant_context(actor)")
    with connection.cursor() as cursor:
        _set(cursor, *scope_of(actor))


@contextmanager
def tenant_context(actor: Any, using: str = "default") -> Iterator[None]:
    """A transaction (or savepoint) in which the database sees the actor's district only."""
    with transaction.atomic(using=using):
        previous = current(using)
        with connections[using].cursor() as cursor:
            _set(cursor, *scope_of(actor))
        yield
        # Leaving normally: put back the outer scope (on an exception the savepoint rollback does it).
        with connections[using].cursor() as cursor:
            _set(cursor, *previous)


AUTH_SETTING = "capillary.auth"


def _set_auth(cursor: Any, on: bool) -> None:
    cursor.execute("SELECT set_config(%s, %s, true)", [AUTH_SETTING, "on" if on else "off"])


@contextmanager
def reading_users(using: str = "default") -> Iterator[None]:
    """The user table readable for one credential check at a door (an integration key's account), then not."""
    with connections[using].cursor() as cursor:
        _set_auth(cursor, True)
    try:
        yield
    finally:
        with connections[using].cursor() as cursor:
            _set_auth(cursor, False)


def _set_all(cursor: Any, district: str, platform: str, *, auth: bool) -> None:
    """The request's whole scope in one statement (SET LOCAL of the district, the platform path and the flag)."""
    cursor.execute(
        "SELECT set_config(%s, %s, true), set_config(%s, %s, true), set_config(%s, %s, true)",
        [DISTRICT_SETTING, district, PLATFORM_SETTING, platform, AUTH_SETTING, "on" if auth else "off"],
    )


@contextmanager
def task_scope(actor: Any, using: str = "default") -> Iterator[None]:
    """The scope of a Celery task (accounts.celery.TenantTask) or of a management command.

    Tasks open their own transactions (a status marked before a long PDF build must be seen at once), so in
    a worker the scope is set for the connection's session and cleared when the task ends, whatever
    happens; every transaction and `tenant_context` inside starts from it. A task run eagerly inside a
    request's transaction gets a savepoint with SET LOCAL instead, and the request's scope comes back after.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        with tenant_context(actor, using=using):
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
            [DISTRICT_SETTING, scope_of(actor)[0], PLATFORM_SETTING, scope_of(actor)[1]],
        )
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:
            # RESET: back to the connection's own default (nothing on the site; the test suite's harness sets
            # the platform path as its connections' default, tests/conftest.py).
            with connection.cursor() as cursor:  # both in one round trip (no parameters: one simple query)
                cursor.execute(f"RESET {DISTRICT_SETTING}; RESET {PLATFORM_SETTING}")


def public_door(match: Any) -> Any:
    """The lookup of a public door (settings.TENANCY_PUBLIC_DOORS, by view name or `namespace:*`): a
    callable(request, view_kwargs) -> district id or None, or None when the view is no public door."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    if match is None:
        return None
    doors = getattr(settings, "TENANCY_PUBLIC_DOORS", {})
    spec = doors.get(match.view_name) or (doors.get(f"{match.namespace}:*") if match.namespace else None)
    if spec is None:
        return None
    if isinstance(spec, str):
        return import_string(spec)
    function, source = spec
    return lambda request, kwargs: door_lookup(function, _door_value(request, kwargs, source))


def _door_value(request: Any, kwargs: dict, source: str) -> str:
    """`name` is a URL argument, `?name` a query parameter."""
    if source.startswith("?"):
        return request.GET.get(source[1:], "")
    return str(kwargs.get(source, ""))


def _door_argument(value: str) -> str | None:
    """A code a door may look up (stripped), or None for one it never could find."""
    value = (value or "").strip()
    if not value or "\x00" in value or len(value) > 200:
        return None
    return value


def door_lookup(function: str, value: str) -> int | None:
    """One door's SECURITY DEFINER lookup (accounts.rls.door_function): the district of `value`, or None."""
    from accounts.rls import door_district

    value = _door_argument(value)
    return None if value is None else door_district(function, value)


def _door_at_entry(request: Any) -> tuple[str, str] | None:
    """(lookup function, code) when the request is for a public door declared as (function, source) — the QR
    pages, tracking —, read from the URL before the view is resolved; None for any other request."""
    from django.conf import settings
    from django.urls import Resolver404, get_resolver

    doors = getattr(settings, "TENANCY_PUBLIC_DOORS", None)
    if not doors:
        return None
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    except Resolver404:
        return None
    spec = doors.get(match.view_name) or (doors.get(f"{match.namespace}:*") if match.namespace else None)
    if spec is None or isinstance(spec, str):
        return None
    function, source = spec
    return function, _door_value(request, match.kwargs, source)


def _set_door_scope(cursor: Any, function: str, value: str) -> None:
    """A signed-out request at a public door: the door's lookup and the request's whole scope in one statement —
    the code's district, or nothing (no tenant rows) for a code it does not know."""
    argument = _door_argument(value)
    if argument is None:
        _set_all(cursor, "", "off", auth=False)
        return
    cursor.execute(
        f"SELECT set_config(%s, coalesce({function}(%s)::text, ''), true), "
        "set_config(%s, 'off', true), set_config(%s, 'off', true)",
        [DISTRICT_SETTING, argument, PLATFORM_SETTING, AUTH_SETTING],
    )


class TenantMiddleware:
    """Every web and API request runs in one transaction whose scope is the signed-in actor's district.

    Placed after AuthenticationMiddleware. The user is resolved with `capillary.auth = 'on'` (the only thing it
    widens is the user table's policy: a session's or an API key's user can be read before their district is
    known); then the scope is the user's district (or, for a platform administrator, the platform path) and
    the flag is off again. Anonymous requests see no tenant rows, except at these doors:
    - the credential doors (settings.TENANCY_CREDENTIAL_URL_NAMES: the login page, the token endpoint) keep the
      user table readable while they check a password;
    - the public doors (settings.TENANCY_PUBLIC_DOORS: the QR pages, tracking, the survey, Open311) ask a
      narrow SECURITY DEFINER lookup for the district of their code (QR token, tracking code, jurisdiction or
      integration key) before the view runs, and the request then runs in that district, for anyone (staff
      scan other districts' codes too); an unknown code finds no district and the view answers its 404. For a
      signed-out visitor at a door of a lookup function (the QR pages, tracking), the door is read from the URL
      as the request enters and its lookup and the scope are one statement: the scope is set once.
    A response of 5xx rolls the transaction back; a view that raises a 4xx (404, 403) does not need to: its
    services' own atomic blocks have already undone their writes, and the error page may still read.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        try:
            connections["default"].ensure_connection()
        except DatabaseError:
            # The database is down: the view (the health check, the error pages) says so; with no scope set,
            # nothing it could still reach would be a tenant's row anyway.
            return self.get_response(request)
        # Nested in an outer transaction (the test client inside a test's): put the outer scope back after.
        outer = current() if connections["default"].in_atomic_block else None
        with transaction.atomic():
            with connections["default"].cursor() as cursor:
                if self._may_carry_credentials(request):
                    _set_all(cursor, "", "off", auth=True)
                    _set_all(cursor, *scope_of(self._actor(request)), auth=False)
                elif (door := _door_at_entry(request)) is not None:
                    # Signed out at a QR or tracking page: the scope is set once, from the door (issue 12).
                    _set_door_scope(cursor, *door)
                    request._tenancy_door_done = True
                else:
                    _set_all(cursor, "", "off", auth=False)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif outer is not None and not connections["default"].needs_rollback:
                # (a request already marked for rollback, a 400 for a value the database refused, gets the outer
                # scope back with the rollback of this block)
                with connections["default"].cursor() as cursor:
                    _set_all(cursor, *outer, auth=False)
        return response

    @staticmethod
    def _may_carry_credentials(request: Any) -> bool:
        from django.contrib.auth import SESSION_KEY

        session = getattr(request, "session", None)
        return (
            bool(request.META.get("HTTP_AUTHORIZATION"))
            or (session is not None and SESSION_KEY in session)
            or getattr(request, "_force_auth_user", None) is not None
        )

    def process_view(self, request: Any, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        from django.conf import settings

        match = getattr(request, "resolver_match", None)
        names = getattr(settings, "TENANCY_CREDENTIAL_URL_NAMES", ())
        if match is not None and match.url_name in names and not getattr(request.user, "is_authenticated", False):
            with connections["default"].cursor() as cursor:
                _set_auth(cursor, True)
        door = None if getattr(request, "_tenancy_door_done", False) else public_door(match)
        if door is not None:
            district_id = door(request, view_kwargs)
            # The door's district, whoever asks (staff scan other districts' codes too); an unknown code leaves
            # the caller's own scope (nothing, for anyone signed out), where the view finds nothing: its 404.
            if district_id is not None:
                with connections["default"].cursor() as cursor:
                    _set_all(cursor, str(district_id), "off", auth=False)

    @staticmethod
    def _actor(request: Any) -> Any:
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            return user
        # DRF's Request takes a user forced onto the request (its test client's force_authenticate) before
        # any authenticator; the district is that user's too. Nothing on the site sets it.
        forced = getattr(request, "_force_auth_user", None)
        if forced is not None:
            return forced
        if not request.META.get("HTTP_AUTHORIZATION"):
            return user
        # An API call with a key: the site's own DRF authenticators (not the session one, which enforces CSRF);
        # the view authenticates again, now inside the user's district. A refused key is the view's 401.
        from rest_framework.authentication import SessionAuthentication
        from rest_framework.exceptions import APIException
        from rest_framework.request import Request
        from rest_framework.settings import api_settings

        drf_request = Request(request)
        for authenticator_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
            if issubclass(authenticator_class, SessionAuthentication):
                continue
            try:
                result = authenticator_class().authenticate(drf_request)
            except APIException:
                return user
            if result is not None:
                return result[0]
        return user
