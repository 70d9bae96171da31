"""Generated standard API tests (after NetBox's utilities/testing/api.py), for pytest.

A test class names its endpoint and how to make objects; the base yields list, detail, create, update and
delete tests, the unauthenticated and no-change-scope refusals, the cross-district 404s and a pinned query
count for the list:

    class TestCompoundAPI(APIViewTests):
        url_name = "compounds-api:compound"
        model = Compound

        def make_object(self, tree):                 # a fresh object inside `tree`'s district
            return CompoundFactory(community=tree.communities[0], property_firm=tree.firm)

        def create_data(self, tree):                 # a valid POST body (ids taken from `tree`)
            return {"community": tree.communities[0].pk, "code": ..., "name": "新建小区"}

        update_data = {"name": "改名小区"}            # a PATCH body (a dict, or a method taking the tree)
        reader_without_change = "department_staff"   # a tree user who may view but not change

`tree` and `other_tree` come from tests/conftest.py; every name in `other_tree` contains "乙区".
"""

from typing import Any

import pytest
from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.policy import restrict

MARKER = "乙区"
NOT_DENIED = (401, 403)
# accounts.tenancy.TenantMiddleware in a test transaction: SAVEPOINT, reading the test's own scope, one statement
# setting the request's, putting the test's back, RELEASE; signed in (a session, a key, DRF's force_authenticate),
# one more (the user is read with the user table open, then the scope is set). On the site, where the request's
# transaction is the outermost, neither the read nor the put-back happens.
TENANCY_QUERIES = 6  # the API tests sign in with force_authenticate
TENANCY_QUERIES_SIGNED_IN = 6


class APIViewTests:
    """Base for one endpoint. Subclasses are collected by pytest (name them Test...)."""

    url_name: str = ""  # "namespace:basename"; "-list" and "-detail" are appended
    model: type[models.Model]
    read_only: bool = False  # the endpoint only lists and shows
    writer: str = "official"  # a tree user who may create, change and delete
    reader: str = "official"  # a tree user who sees make_object's objects
    reader_without_change: str | None = "department_staff"  # a tree user who may view but not change
    update_data: dict | None = None
    list_query_limit: int = 8  # queries for a list page, whatever its length (pinned)

    @pytest.fixture
    def api_client(self) -> APIClient:
        return APIClient()

    # --- hooks -------------------------------------------------------------------------------------

    def make_object(self, tree: Any) -> models.Model:
        raise NotImplementedError

    def create_data(self, tree: Any) -> dict:
        raise NotImplementedError

    def get_update_data(self, tree: Any) -> dict:
        data = self.update_data
        return data(tree) if callable(data) else dict(data or {})

    # --- helpers -----------------------------------------------------------------------------------

    def list_url(self) -> str:
        return reverse(f"{self.url_name}-list")

    def detail_url(self, obj: models.Model | int) -> str:
        return reverse(f"{self.url_name}-detail", kwargs={"pk": getattr(obj, "pk", obj)})

    def as_user(self, client: APIClient, tree: Any, role_attr: str) -> Any:
        user = getattr(tree, role_attr)
        client.force_authenticate(user)
        return user

    def snapshot(self, obj: models.Model) -> dict:
        obj = type(obj)._base_manager.get(pk=obj.pk)
        return {f.attname: _plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}

    def assert_stored(self, obj: models.Model, data: dict) -> None:
        obj = type(obj)._base_manager.get(pk=obj.pk)
        for name, expected in data.items():
            field = obj._meta.get_field(name)
            if field.many_to_many:
                stored = sorted(getattr(obj, name).values_list("pk", flat=True))
                assert stored == sorted(expected), f"{name}: stored {stored}, sent {expected}"
            else:
                stored = getattr(obj, field.attname)
                assert _plain(stored) == expected, f"{name}: stored {stored!r}, sent {expected!r}"

    # --- list and detail ---------------------------------------------------------------------------

    def test_list_shows_own_district_only(self, api_client, tree, other_tree):
        # given
        mine = self.make_object(tree)
        self.make_object(other_tree)
        user = self.as_user(api_client, tree, self.reader)
        # when
        response = api_client.get(self.list_url())
        # then
        assert response.status_code == 200, response.content
        ids = {row["id"] for row in response.data["results"]}
        assert mine.pk in ids
        assert ids == set(restrict(self.model._default_manager.all(), user).values_list("pk", flat=True))
        assert response.data["count"] == len(ids)
        assert MARKER not in response.content.decode()

    def test_list_follows_the_policy_for_every_role(self, api_client, tree, other_tree):
        for user in tree.users:
            api_client.force_authenticate(user)
            response = api_client.get(self.list_url(), {"page_size": 1000})
            assert response.status_code == 200, (user.role, response.content)
            ids = {row["id"] for row in response.data["results"]}
            expected = set(restrict(self.model._default_manager.all(), user).values_list("pk", flat=True))
            assert ids == expected, f"{user.role} sees {ids}, the policy says {expected}"
            assert MARKER not in response.content.decode(), user.role

    def test_detail(self, api_client, tree):
        obj = self.make_object(tree)
        self.as_user(api_client, tree, self.reader)
        response = api_client.get(self.detail_url(obj))
        assert response.status_code == 200, response.content
        assert response.data["id"] == obj.pk
        assert response.data["display"] == str(obj)

    def test_list_query_count_is_pinned(self, api_client, tree, django_assert_max_num_queries):
        # given: a few objects, then as many again; the count must not grow with the page
        self.as_user(api_client, tree, self.reader)
        self.make_object(tree)
        with CaptureQueriesContext(connection) as few:
            assert api_client.get(self.list_url()).status_code == 200
        for _ in range(3):
            self.make_object(tree)
        # when
        # The tenancy middleware's own statements (savepoint, the scope, release) come on top of the view's.
        limit = self.list_query_limit + TENANCY_QUERIES
        with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as more:
            response = api_client.get(self.list_url())
        # then
        assert response.status_code == 200
        assert len(more.captured_queries) == len(few.captured_queries), "N+1 queries on the list"

    # --- writes ------------------------------------------------------------------------------------

    def test_create(self, api_client, tree):
        data = self.create_data(tree)
        writer = self.as_user(api_client, tree, self.writer)
        before = self.model._default_manager.count()
        response = api_client.post(self.list_url(), data, format="json")
        if self.read_only:
            assert response.status_code == 405
            assert self.model._default_manager.count() == before
            return
        assert response.status_code == 201, response.content
        obj = self.model._default_manager.get(pk=response.data["id"])
        self.assert_stored(obj, data)
        if hasattr(obj, "district_id") and self.model._meta.get_field("district").concrete:
            assert obj.district_id == writer.district_id

    def test_update(self, api_client, tree):
        obj = self.make_object(tree)
        data = self.get_update_data(tree)
        self.as_user(api_client, tree, self.writer)
        response = api_client.patch(self.detail_url(obj), data, format="json")
        if self.read_only:
            assert response.status_code == 405
            return
        assert response.status_code == 200, response.content
        self.assert_stored(obj, data)

    def test_delete(self, api_client, tree):
        obj = self.make_object(tree)
        self.as_user(api_client, tree, self.writer)
        response = api_client.delete(self.detail_url(obj))
        if self.read_only:
            assert response.status_code == 405
            assert self.model._default_manager.filter(pk=obj.pk).exists()
            return
        assert response.status_code == 204, response.content
        assert not self.model._default_manager.filter(pk=obj.pk).exists()

    # --- refusals ----------------------------------------------------------------------------------

    def test_unauthenticated_is_refused(self, api_client, tree):
        obj = self.make_object(tree)
        before = self.snapshot(obj)
        count = self.model._default_manager.count()
        assert api_client.get(self.list_url()).status_code in NOT_DENIED
        assert api_client.get(self.detail_url(obj)).status_code in NOT_DENIED
        assert api_client.post(self.list_url(), {}, format="json").status_code in (*NOT_DENIED, 405)
        assert api_client.patch(self.detail_url(obj), {}, format="json").status_code in (*NOT_DENIED, 405)
        assert api_client.delete(self.detail_url(obj)).status_code in (*NOT_DENIED, 405)
        assert self.model._default_manager.count() == count
        assert self.snapshot(obj) == before

    def test_role_without_change_scope_cannot_write(self, api_client, tree):
        if self.reader_without_change is None:
            pytest.skip("every role that sees this model may change it")
        obj = self.make_object(tree)
        before = self.snapshot(obj)
        data = self.create_data(tree)
        self.as_user(api_client, tree, self.reader_without_change)
        count = self.model._default_manager.count()
        refused = (403, 404, 405)
        assert api_client.post(self.list_url(), data, format="json").status_code in refused
        assert api_client.patch(self.detail_url(obj), self.get_update_data(tree), format="json").status_code in refused
        assert api_client.put(self.detail_url(obj), data, format="json").status_code in refused
        assert api_client.delete(self.detail_url(obj)).status_code in refused
        assert self.model._default_manager.count() == count
        assert self.snapshot(obj) == before

    def test_another_districts_object_is_a_404(self, api_client, tree, other_tree):
        # given: district B's object, and an id that exists nowhere
        theirs = self.make_object(other_tree)
        before = self.snapshot(theirs)
        missing = self.model._default_manager.order_by("-pk").first().pk + 1000
        self.as_user(api_client, tree, self.writer)
        write_refused = (404, 405) if self.read_only else (404,)
        # when / then: the same answer as for a missing object, and nothing changes
        response = api_client.get(self.detail_url(theirs))
        assert response.status_code == 404
        assert response.json() == api_client.get(self.detail_url(missing)).json() == {"detail": "未找到该对象。"}
        assert api_client.put(self.detail_url(theirs), self.create_data(tree), format="json").status_code in (
            write_refused
        )
        assert api_client.patch(self.detail_url(theirs), self.get_update_data(tree), format="json").status_code in (
            write_refused
        )
        assert api_client.delete(self.detail_url(theirs)).status_code in write_refused
        assert self.snapshot(theirs) == before


def _plain(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name
    return value
