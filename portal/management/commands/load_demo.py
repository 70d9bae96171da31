"""manage.py load_demo [--reset]: the demo district 长安区 with every app's demo rows (portal/demo.py)."""

import pghistory
from django.core.management.base import BaseCommand

from accounts.tenancy import tenant_context
from portal.demo import DEMO_ACTOR, load_demo


class Command(BaseCommand):
    help = (
        "建立演示区（长安区 610116）：街道、社区、小区、楼栋、网格、物业企业、部门、各角色用户、近两个月的演示工单、"
        "本季度评议和人员配备。已存在则不改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete the demo district's data and build it again")

    def handle(self, *args, reset=False, **options):
        with tenant_context(DEMO_ACTOR), pghistory.context(command="load_demo"):
            lines = load_demo(reset=reset)
        for line in lines:
            self.stdout.write(line)
