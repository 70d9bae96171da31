"""manage.py load_demo [--reset]: the demo district 长安区 with every app's demo rows (portal/demo.py).

--reset deletes the district's rows with triggers off (the funding ledger is append-only), which only the owner
may do: it connects as DATABASE_OWNER_URL when that is set (the embedded default sets it), else it needs
DATABASE_URL to be the owner, and otherwise says so."""

import argparse
import os
from datetime import datetime

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from accounts.tenancy import tenant_context
from portal.demo import DEMO_ACTOR, load_demo


class Command(BaseCommand):
    help = (
        "建立演示区（长安区 610116）：街道、社区、小区、楼栋、网格、物业企业、部门、各角色用户、近两个月的演示工单、"
        "本季度评议和人员配备。已存在则不改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete the demo district's data and build it again")
        parser.add_argument(
            "--now",
            type=as_of,
            default=None,
            help="build the demo as of this moment (ISO 8601, e.g. 2026-11-25T10:00+08:00; default: now): the same "
            "moment gives the same orders, dates and numbers",
        )

    def handle(self, *args, reset=False, now=None, **options):
        if reset and os.environ.get("DATABASE_OWNER_URL") and not connection.in_atomic_block:
            from accounts.management.commands.migrate import use_owner

            use_owner(os.environ["DATABASE_OWNER_URL"])
        try:
            with tenant_context(DEMO_ACTOR), pghistory.context(command="load_demo"):
                lines = load_demo(reset=reset, now=now)
        except DatabaseError as error:
            if reset and "session_replication_role" in str(error):
                raise CommandError("重置演示区需要数据库所有者：请设置 DATABASE_OWNER_URL。") from error
            raise
        for line in lines:
            self.stdout.write(line)


def as_of(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        message = f"应为 ISO 8601 时刻（如 2026-11-25T10:00+08:00），收到：{value!r}"
        raise argparse.ArgumentTypeError(message) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("须带时区（如 +08:00）。")
    return moment
