"""manage.py load_demo [--reset]: the demo district 长安区 (see compounds/demo.py) and its work orders
(see workorders/demo.py)."""

from django.db import transaction

from accounts.management.base import SystemCommand
from compounds.demo import DISTRICT_CODE, demo_build
from compounds.models import District
from workorders.demo import build_demo_work_orders, demo_work_orders_delete


class Command(SystemCommand):
    help = (
        "建立演示区（长安区 610116）：街道、社区、小区、楼栋、网格、物业企业、部门、各角色用户和近两个月的演示工单。"
        "已存在则不改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete the demo district's data and build it again")

    def handle(self, *args, reset=False, **options):
        with transaction.atomic():
            existing = District.objects.filter(code=DISTRICT_CODE).first()
            if reset and existing is not None:
                demo_work_orders_delete(district=existing)  # the orders still point at the demo users
            summary = demo_build(reset=reset)
        for line in summary.lines():
            self.stdout.write(line)
        if summary.created:
            orders = build_demo_work_orders(district=summary.district)
            for line in orders.lines():
                self.stdout.write(line)
