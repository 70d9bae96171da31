"""manage.py import_org FILE --district 610116 [--kind compounds] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from compounds.importing import ImportFileError, Kind, kind_from_text, org_import, read_file
from compounds.models import District


class Command(BaseCommand):
    help = "导入街道、社区、小区、网格表（XLSX 工作簿或 CSV），全部成功才保存。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSX workbook (sheets 街道/社区/小区/网格) or one CSV file")
        parser.add_argument("--district", required=True, help="target district code, e.g. 610116")
        parser.add_argument(
            "--kind",
            help="what a CSV holds: " + ", ".join(f"{k.value} ({k.label})" for k in Kind) + "; default: from headers",
        )
        parser.add_argument("--dry-run", action="store_true", help="check everything, save nothing")

    def handle(self, *args, file, district, kind=None, dry_run=False, **options):
        target = District.objects.filter(code=district).first()
        if target is None:
            raise CommandError(f"区划代码“{district}”的区不存在。")
        if kind is not None and kind_from_text(kind) is None:
            raise CommandError(
                f"未知的导入类型“{kind}”：应为 " + "、".join(f"{k.value}/{k.label}" for k in Kind) + "。"
            )
        try:
            sheets = read_file(file, kind=kind_from_text(kind) if kind else None)
        except (ImportFileError, OSError) as error:
            raise CommandError(str(error)) from error
        actor = SystemActor(name="command:import_org", district_id=target.pk)
        report = org_import(actor=actor, district=target, sheets=sheets, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(f"{error.sheet} 第 {error.row} 行：{error.message}")
        if not report.ok:
            raise CommandError(f"发现 {len(report.errors)} 处错误，未保存任何数据。")
        for label, counts in report.count_rows():
            self.stdout.write(f"{label}：新增 {counts.created}，更新 {counts.updated}，未变 {counts.unchanged}")
        self.stdout.write("试运行：未保存任何数据。" if dry_run else f"已导入{target.name}。")
