"""manage.py backup: the database (pg_dump custom format) and the media files, in a dated folder (config/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config import backup


class Command(BaseCommand):
    help = "备份数据库（pg_dump 自定义格式）和上传文件到一个以时间命名的文件夹。"

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(settings.VAR_DIR / "backups"), help="备份存放目录（默认 var/backups）")

    def handle(self, *args, **options):
        try:
            folder = backup.backup(to=Path(options["to"]))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(folder.as_posix())
