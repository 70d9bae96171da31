"""The standard API tests (tests/api_testing.py) for staffing endpoints, whose rows are history: most are
created through a service and ended by an action, never updated in place or deleted. `writable` names the
generic writes an endpoint allows; the others must answer 405 and change nothing."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models

from tests.api_testing import APIViewTests, _plain


class StaffingAPITests(APIViewTests):
    writable: frozenset[str] = frozenset({"create"})
    reader_without_change = "department_staff"

    def get_update_data(self, tree: Any) -> dict:
        return super().get_update_data(tree) or {"note": "改"}

    def assert_stored(self, obj: models.Model, data: dict) -> None:
        """Fields of the model compare with what was sent (dates and decimals as text); other keys of the
        body (e.g. `compound` of a seat appointment, which lives on its team) are the service's."""
        obj = type(obj)._base_manager.get(pk=obj.pk)
        names = {f.name for f in obj._meta.get_fields()}
        for name, expected in data.items():
            if name not in names:
                continue
            field = obj._meta.get_field(name)
            if field.many_to_many or field.one_to_many:
                continue
            stored = _plain(getattr(obj, field.attname))
            if isinstance(stored, date | datetime | time | Decimal):
                stored, expected = str(stored), str(expected)
            assert stored == expected, f"{name}: stored {stored!r}, sent {expected!r}"

    def test_update(self, api_client, tree):
        if "update" in self.writable:
            return super().test_update(api_client, tree)
        obj = self.make_object(tree)
        before = self.snapshot(obj)
        self.as_user(api_client, tree, self.writer)
        assert api_client.patch(self.detail_url(obj), self.get_update_data(tree), format="json").status_code == 405
        assert api_client.put(self.detail_url(obj), {}, format="json").status_code == 405
        assert self.snapshot(obj) == before

    def test_delete(self, api_client, tree):
        if "delete" in self.writable:
            return super().test_delete(api_client, tree)
        obj = self.make_object(tree)
        self.as_user(api_client, tree, self.writer)
        assert api_client.delete(self.detail_url(obj)).status_code == 405
        assert self.model._default_manager.filter(pk=obj.pk).exists()

    def test_another_districts_object_is_a_404(self, api_client, tree, other_tree):
        theirs = self.make_object(other_tree)
        before = self.snapshot(theirs)
        missing = self.model._default_manager.order_by("-pk").first().pk + 1000
        self.as_user(api_client, tree, self.writer)
        response = api_client.get(self.detail_url(theirs))
        assert response.status_code == 404
        assert response.json() == api_client.get(self.detail_url(missing)).json() == {"detail": "未找到该对象。"}
        patch = api_client.patch(self.detail_url(theirs), self.get_update_data(tree), format="json").status_code
        assert patch == (404 if "update" in self.writable else 405)
        delete = api_client.delete(self.detail_url(theirs)).status_code
        assert delete == (404 if "delete" in self.writable else 405)
        for name in getattr(self, "detail_actions", ()):
            url = self.detail_url(theirs) + f"{name}/"
            assert api_client.post(url, {"end": "2026-12-31", "reason": "测试"}, format="json").status_code == 404, name
        assert self.snapshot(theirs) == before
