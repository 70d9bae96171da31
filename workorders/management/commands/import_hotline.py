"""manage.py import_hotline FILE --district 610116 [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.actors import SystemActor
from compounds.models import District
from workorders.hotline.csvfile import HotlineFileError
from workorders.hotline.services import hotline_file_import


class Command(BaseCommand):
    help = (
        "导入 12345 平台转办工单（CSV：工单编号、受理时间、诉求类别、诉求内容、小区/地址、联系电话、办理时限），"
        "全部成功才保存；同一工单编号只建一张工单。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV exported from the 12345 platform (UTF-8 or GBK)")
        parser.add_argument("--district", required=True, help="target district code, e.g. 610116")
        parser.add_argument("--dry-run", action="store_true", help="check everything, save nothing")

    def handle(self, *args, file, district, dry_run=False, **options):
        target = District.objects.filter(code=district).first()
        if target is None:
            raise CommandError(f"区划代码“{district}”的区不存在。")
        try:
            data = Path(file).read_bytes()
            actor = SystemActor(name="command:import_hotline", district_id=target.pk)
            report = hotline_file_import(actor=actor, district=target, data=data, dry_run=dry_run)
        except HotlineFileError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"无法读取文件“{file}”：{error.strerror or error}") from error
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(f"发现 {len(report.errors)} 处错误，未保存任何工单。")
        summary = f"新建工单 {len(report.created)} 张，已存在（同一工单编号）{len(report.existing)} 张"
        self.stdout.write(f"试运行：{summary}，未保存任何数据。" if dry_run else f"已导入{target.name}：{summary}。")
