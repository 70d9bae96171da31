"""manage.py open_district 610113 [--org FILE]: open a new district in one action (portal/districts.py)."""

import pghistory
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from accounts.tenancy import tenant_context
from compounds.importing import ImportFileError, read_file
from portal.districts import district_open


class Command(BaseCommand):
    help = "开通一个新的区：默认诉求类别、紧急程度、评价规则与隐私设置，可同时导入组织数据表（XLSX/CSV）。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="6 位区划代码，例如 610113")
        parser.add_argument("--org", help="组织数据表（XLSX 工作簿：街道/社区/小区/网格，或一个 CSV）")

    def handle(self, *args, code, org=None, **options):
        sheets = None
        if org:
            try:
                sheets = read_file(org)
            except (ImportFileError, OSError) as error:
                raise CommandError(str(error)) from error
        actor = SystemActor(name="command:open_district")
        try:
            with tenant_context(actor), pghistory.context(command="open_district"):
                opened = district_open(actor=actor, code=code, sheets=sheets)
        except ValidationError as error:
            raise CommandError("；".join(m for ms in error.message_dict.values() for m in ms)) from error
        for line in opened.lines():
            self.stdout.write(line)
