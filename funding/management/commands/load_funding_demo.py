"""manage.py load_funding_demo [--district 610116]: the demo district's funds (funding/demo.py). Idempotent: a
district that already has a fund policy is left alone. Runs as a named system actor inside the district's
tenant context. Needs load_demo (the district) and, for the bonus quarter, load_staffing_demo (the stars)."""

import pghistory
from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from accounts.tenancy import tenant_context
from compounds.demo import DISTRICT_CODE
from compounds.models import District
from funding.demo import load_funding_demo


class Command(BaseCommand):
    help = "为演示区生成经费数据（经费标准、一年的账目、待审批申请、绩效奖励季度）。已有则不改动。"

    def add_arguments(self, parser):
        parser.add_argument("--district", default=DISTRICT_CODE, help="区划代码（默认演示区 610116）")

    def handle(self, *args, district=DISTRICT_CODE, **options):
        with tenant_context(SystemActor(name="command:load_funding_demo")):
            target = District.objects.filter(code=district).first()
        if target is None:
            raise CommandError(f"区划代码 {district} 的区不存在：请先运行 manage.py load_demo。")
        actor = SystemActor(name="command:load_funding_demo", district_id=target.pk)
        with tenant_context(actor), pghistory.context(command="load_funding_demo"):
            summary = load_funding_demo(target)
        for line in summary.lines():
            self.stdout.write(line)
