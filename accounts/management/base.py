"""The base of every management command that touches tenant data: it runs as a named system actor.

    class Command(SystemCommand):
        def handle(self, *args, district=None, **options): ...

The command runs on the platform's explicit path (a system actor with no district) unless it is given
`--district <code>`, in which case it is the system acting inside that district only (row-level security
and the scope policy both see that district). Every change it makes carries the pghistory context
`command=<name>`, `actor="system:command:<name>"`.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from accounts.tenancy import task_scope, tenant_context


class SystemCommand(BaseCommand):
    def command_name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]

    def system_actor(self, options: dict[str, Any]) -> SystemActor:
        name = f"command:{self.command_name()}"
        code = options.get("district")
        if not code:
            return SystemActor(name=name)
        from compounds.models import District

        with tenant_context(SystemActor(name=name)):  # the platform path, only to find the district
            district_id = District.objects.filter(code=str(code)).values_list("pk", flat=True).first()
        if district_id is None:
            raise CommandError(f"区划代码“{code}”的区不存在。")
        return SystemActor(name=name, district_id=district_id)

    def execute(self, *args: Any, **options: Any) -> Any:
        actor = self.system_actor(options)
        with task_scope(actor), pghistory.context(command=self.command_name(), actor=f"system:{actor.name}"):
            return super().execute(*args, **options)
