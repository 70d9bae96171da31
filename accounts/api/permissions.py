"""Model-level write permission: may this role change rows of this model at all?

Row-level scope is the policy's job (accounts.policy.restrict); this only turns away, before any lookup,
a role that the model's `scope_change` map does not name, so it gets a 403 that says nothing about any
object (a 404 would do too, but 403 tells a grid worker plainly that the API is read-only for them).
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.policy import may_change


class TenantWritePermission(BasePermission):
    message = "您的角色无权修改此类数据。"

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return may_change(request.user, view.queryset.model)
