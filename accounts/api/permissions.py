"""Model-level write permission: may this role change rows of this model at all?

Row-level scope is the policy's job (accounts.policy.restrict); this only turns away, before any lookup,
a role that the model's `scope_change` map does not name, so it gets a 403 that says nothing about any
object (a 404 would do too, but 403 tells a grid worker plainly that the API is read-only for them).
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.roles import Role


def role_may_change(actor: Any, model: type) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_platform_admin or actor.role == Role.DISTRICT_OFFICIAL:
        return True
    return actor.role in getattr(model, "scope_change", {})


class TenantWritePermission(BasePermission):
    message = "您的角色无权修改此类数据。"

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return role_may_change(request.user, view.queryset.model)
