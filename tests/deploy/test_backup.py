"""Backups (issue 11): `manage.py backup` (what `make backup` runs) and `manage.py restore` into an empty
database find every row of every table and every uploaded file again."""

import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from psycopg import sql

from accounts.actors import SystemActor
from config import backup
from tests.conftest import build_tree
from tests.factories import SYSTEM
from tests.workorders.test_photos import small_jpeg
from workorders import services
from workorders.intake.photos import photo_prepare, photos_attach
from workorders.models import Photo


@pytest.fixture
def empty_database():
    name = f"restore_{uuid.uuid4().hex[:10]}"
    # as the owner: the suite's own login (the application role) may not create databases
    admin = backup.conninfo(connections["owner"].settings_dict | {"NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield backup.conninfo(connections["owner"].settings_dict | {"NAME": name})
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(
    settings, tmp_path, empty_database, monkeypatch
):
    # (the backup reads every district's rows as the owner, DATABASE_OWNER_URL, as `make backup` does)
    monkeypatch.setenv("DATABASE_OWNER_URL", backup.conninfo(connections["owner"].settings_dict))
    # given a district with orders, one with two photos in the media folder
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = build_tree("610116", "长安区")
    categories = {c.code: c for c in services.categories_seed(actor=SYSTEM, district=tree.district)}
    orders = [
        services.work_order_file(
            actor=SystemActor(name="tests"),
            compound=tree.compounds[n],
            category=categories["corridor-clutter"],
            channel="resident_qr",
            title=f"楼道堆物 {n}",
            description=f"{n + 1}号楼楼道堆满纸箱",
        )
        for n in range(3)
    ]
    photos = [photo_prepare(upload=small_jpeg(f"p{n}.jpg", color=(n * 60, 90, 30))) for n in range(2)]
    assert photos_attach(order=orders[0], prepared=photos) == 2
    source_counts = backup.table_counts(backup.owner_conninfo())

    # when it is backed up
    call_command("backup", to=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    # and restored into an empty database and another media folder
    restored_media = tmp_path / "restored-media"
    call_command("restore", str(folder), database_url=empty_database, media_root=str(restored_media))

    # then every table has its rows, the orders read the same, and every photo is there, byte for byte
    assert backup.table_counts(empty_database) == source_counts
    assert source_counts["workorders_workorder"] == 3 and source_counts["compounds_compound"] > 0
    with psycopg.connect(empty_database) as conn:
        restored = conn.execute("SELECT tracking_code, title FROM workorders_workorder ORDER BY id").fetchall()
    assert restored == [(o.tracking_code, o.title) for o in orders]
    for photo in Photo.objects.all():
        assert (restored_media / photo.image.name).read_bytes() == photo.image.open("rb").read()

    # and a restore into a database that is not empty is refused, with a Chinese message
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(folder), database_url=empty_database, media_root=str(restored_media))
