"""manage.py restore <folder>: a backup of `manage.py backup` into an empty database and the media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import backup


class Command(BaseCommand):
    help = "把 manage.py backup 的备份恢复到一个空数据库和上传文件目录，并按备份清单核对行数和文件。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="备份文件夹（含 database.dump、media.tar.gz、manifest.json）")
        parser.add_argument("--database-url", help="目标数据库（默认为当前 DATABASE_URL），须为空库")
        parser.add_argument("--media-root", help="上传文件恢复到的目录（默认 MEDIA_ROOT）")

    def handle(self, *args, **options):
        try:
            differences = backup.restore(
                folder=Path(options["folder"]),
                dsn=options.get("database_url"),
                media_root=Path(options["media_root"]) if options.get("media_root") else None,
            )
        except (backup.BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        if differences["tables"] or differences["media_files"]:
            raise CommandError(f"恢复后与备份清单不一致：{differences}")
        self.stdout.write("恢复完成：数据行数与文件均与备份清单一致。")
