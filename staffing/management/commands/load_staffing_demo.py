"""manage.py load_staffing_demo [--district 610116]: the demo district's staffing (staffing/demo.py).
Idempotent: a district that already has staffing is left alone. Runs as a named system actor inside the
district's tenant context."""

import pghistory
from django.core.management.base import CommandError

from accounts.actors import SystemActor
from accounts.management.base import SystemCommand
from accounts.tenancy import tenant_context
from compounds.demo import DISTRICT_CODE
from compounds.models import District
from staffing.demo import load_staffing_demo


class Command(SystemCommand):
    help = "为演示区生成人员配备数据（“2+4”团队、网格员、走访对象、值班表、下沉服务队、星级评定）。已有则不改动。"

    def add_arguments(self, parser):
        parser.add_argument("--district", default=DISTRICT_CODE, help="区划代码（默认演示区 610116）")

    def handle(self, *args, district=DISTRICT_CODE, **options):
        with tenant_context(SystemActor(name="command:load_staffing_demo")):
            target = District.objects.filter(code=district).first()
        if target is None:
            raise CommandError(f"区划代码 {district} 的区不存在：请先运行 manage.py load_demo。")
        actor = SystemActor(name="command:load_staffing_demo", district_id=target.pk)
        with tenant_context(actor), pghistory.context(command="load_staffing_demo"):
            summary = load_staffing_demo(target)
        for line in summary.lines():
            self.stdout.write(line)
