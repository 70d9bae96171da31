"""Who acts, when it is not a signed-in person: the platform itself.

Every service takes an explicit `actor` (keyword-only, no default). A person is a `User`; a Celery task,
an import, a management command or a beat sweep is a `SystemActor` that says which district it acts in
(or, for a sweep across all districts, none: the platform) and names itself, so that the audit trail
and the logs can say "task workorders.route_work_order_task" instead of nobody. Forgetting the actor is
an error (TypeError from the keyword-only signature, or `MissingActor` for an explicit None), never a
privilege.

    actor = SystemActor(district_id=order.district_id, name="task:workorders.route_work_order_task")
    services.work_order_route(actor=actor, order_id=order.pk)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class MissingActor(TypeError):
    """A service was called with actor=None: say who acts (a user, or a SystemActor)."""


@dataclass(frozen=True)
class SystemActor:
    """The platform acting on its own, inside one district (`district_id`) or across all (None)."""

    name: str
    district_id: int | None = None
    # A task run for a person (an import they uploaded): who, so that the history and the logs name them too.
    # Their permissions are not borrowed: the system acts in `district_id` with its own.
    on_behalf_of: int | None = None
    on_behalf_name: str = ""
    is_system: bool = field(default=True, init=False)

    # The attributes the policy and templates read from a User, answered for the system.
    pk = None
    id = None
    role = "system"
    is_active = True
    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    @property
    def is_platform_admin(self) -> bool:
        """Across all districts only when it names none (a beat sweep); otherwise bound to its district."""
        return self.district_id is None

    @property
    def display_name(self) -> str:
        if self.on_behalf_name:
            return f"系统（{self.name}，代 {self.on_behalf_name}）"
        return f"系统（{self.name}）"

    def __str__(self) -> str:
        return self.display_name


def is_system(actor: Any) -> bool:
    return getattr(actor, "is_system", False) is True


def require_actor(actor: Any) -> Any:
    """Raise MissingActor for None: services call this first (no actor is not the system)."""
    if actor is None:
        raise MissingActor("服务调用缺少执行者（actor）：请传入用户或 SystemActor。")
    return actor
