"""manage.py load_demo [--reset]: the demo district 长安区 (see compounds/demo.py)."""

from django.core.management.base import BaseCommand

from compounds.demo import demo_build


class Command(BaseCommand):
    help = "建立演示区（长安区 610116）：街道、社区、小区、楼栋、网格、物业企业、部门和各角色用户。已存在则不改动。"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete the demo district's data and build it again")

    def handle(self, *args, reset=False, **options):
        summary = demo_build(reset=reset)
        for line in summary.lines():
            self.stdout.write(line)
