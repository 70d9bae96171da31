"""What is stored is Chinese (the language of record, docs/decisions.md "## Language"): the check that the records
census (tests/test_records_language.py) and the tenancy walk's positive controls (every page form and every API
write, sent by an English user) make on the rows an action wrote.

    with records_watch() as watch:           # inside the test's transaction
        ...                                   # the action: a service under translation.override("en"), a request
    assert not watch.english()                # before the transaction is rolled back

`records_watch` opens a savepoint with a fresh transaction id; PostgreSQL stamps every row version it inserts or
updates with the id of the (sub)transaction that wrote it (`xmin`), and hands ids out in order, so the rows written
inside the block are those whose `xmin` is not older than the savepoint's (and the transaction's statistics,
pg_stat_xact_user_tables, say which tables were written to at all: only those are read). Which tables and columns:
every table of the project's models (Django's registry, through tables and the history's events included) and every
text column of it — char, text, a file's name, JSON (its strings, not its keys) and arrays of them — so that a new
model or a new writer is read the day it is added.

A stored value is English when it holds a text of the English catalogues (the msgstr of a Chinese msgid, in any
app's locale/en, its placeholders left out: "Assigned to %(level)s" holds "Assigned to") or a month's or a weekday's
name (a date formatted in English: "Mar 7值班调休"), or when it is a run of
English words with no Chinese at all (a text that was never marked). Codes are no text: a value of ASCII without a
space (an enum's value, a slug, a username, a file's path, a key with its timestamp) is read only for being a whole
English label ("Community").
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models, transaction

HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|%%|\{\w*\}")
WORD = re.compile(r"[A-Za-z]{3,}")
PROSE = re.compile(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]+){2,}")  # three English words in a row
CODE = re.compile(r"[\x21-\x7e]*")  # ASCII without a space: an enum's value, a slug, a key, a path, a timestamp
EDGE = " \t\n,.;:!?…—–-()[]“”‘’\"'/·、，。：；（）"


# ---------------------------------------------------------------------------------------------------- the English


def catalogues() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted([*root.glob("*/locale/en/LC_MESSAGES/django.po"), *root.glob("locale/en/LC_MESSAGES/django.po")])


def po_entries(path: Path) -> list[tuple[str, list[str]]]:
    """(msgid, [msgstr, …]) of a .po file: a plural entry with its forms, each string unescaped."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        name = None
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                if name is not None:
                    fields[name] += ast.literal_eval(line)
                continue
            name, _, literal = line.partition(" ")
            fields[name] = ast.literal_eval(literal) if literal.startswith('"') else ""
        msgid = fields.get("msgid")
        if msgid:
            entries.append((msgid, [text for key, text in fields.items() if key.startswith("msgstr") and text]))
    return entries


@functools.cache
def english_fragments() -> dict[str, str]:
    """Each English text of the catalogues whose msgid is Chinese, cut at its placeholders (fragment → the msgid it
    translates), and the names of months and weekdays (a date formatted in English). A fragment holds a word of three
    letters or more; a fragment that is also the msgid (a brand, an acronym) is not English of ours."""
    fragments: dict[str, str] = {}
    for path in catalogues():
        for msgid, msgstrs in po_entries(path):
            if not HAN.search(msgid):
                continue
            for msgstr in msgstrs:
                for piece in PLACEHOLDER.split(msgstr):
                    piece = piece.strip(EDGE)
                    if WORD.search(piece) and piece not in msgid:
                        fragments.setdefault(piece, f"the English of “{msgid}”")
    for name in date_names():
        fragments.setdefault(name, "a date worded in English")
    return fragments


def date_names() -> set[str]:
    """The month and weekday names a date formatted in English holds ("Mar 7", "Saturday"): Django's own English."""
    from django.utils import dates, translation

    tables = (dates.MONTHS, dates.MONTHS_3, dates.MONTHS_AP, dates.WEEKDAYS, dates.WEEKDAYS_ABBR)
    with translation.override("en"):
        return {str(name).title().rstrip(".") for table in tables for name in table.values()}


@functools.cache
def _fragment_pattern(fragment: str) -> re.Pattern:
    return re.compile(rf"(?<![\w]){re.escape(fragment)}(?![\w])", re.ASCII)


def english_in(text: str) -> str | None:
    """Why `text` is English (the catalogue's text it holds, or its English words), or None. A placeholder's name is
    no word: a message kept as its msgid (compounds.importing.said) holds `%(day)s`."""
    text = PLACEHOLDER.sub(" ", text)
    if not WORD.search(text):
        return None
    fragments = english_fragments()
    if text.strip() in fragments and not text.islower():  # a whole label ("Community"; "approved" is an enum's value)
        return f"{fragments[text.strip()]}: {text.strip()!r}"
    if CODE.fullmatch(text):
        return None
    for fragment, source in fragments.items():
        if fragment in text and _fragment_pattern(fragment).search(text):
            return f"{source}: {fragment!r}"
    if not HAN.search(text) and (prose := PROSE.search(text)):
        return f"English words: {prose.group()!r}"
    return None


# ---------------------------------------------------------------------------------------------------- the rows


@dataclass(frozen=True)
class Table:
    label: str  # the model's label
    name: str
    pk: str
    columns: tuple[tuple[str, str], ...]  # (column, kind: "text", "json" or "array")


def _kind(field: models.Field) -> str | None:
    """How a column is read, by its type in the database (char, text, a file's name, JSON, an array of text)."""
    db_type = (field.db_type(connection) or "").lower()
    if db_type.endswith("[]"):
        return "array" if isinstance(field, ArrayField) and _kind(field.base_field) else None
    if db_type.startswith(("json", "jsonb")):
        return "json"
    if db_type.startswith(("varchar", "text", "citext", "char")):
        return "text"
    return None


@functools.cache
def text_tables() -> tuple[Table, ...]:
    """Every table of the installed models with a text column, and those columns."""
    tables, seen = [], set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        columns = tuple((f.column, kind) for f in meta.local_concrete_fields if (kind := _kind(f)))
        if columns:
            tables.append(Table(meta.label, meta.db_table, meta.pk.column, columns))
    return tuple(tables)


@contextmanager
def records_watch() -> Iterator[Watch]:
    """Watch what is written inside the block: a savepoint whose first write (to a temporary table) gives it a fresh
    transaction id, so every row written inside it, or in the savepoints it opens, carries that id or a newer one,
    and every row written before carries an older one. Read `watch.english()` after the block, before the test's
    transaction is rolled back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS records_language_mark (n integer)")
        cursor.execute("INSERT INTO records_language_mark VALUES (1) RETURNING xmin::text::bigint")
        watch = Watch(cursor.fetchone()[0], _writes())
        yield watch


def _writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, by table (PostgreSQL's statistics of the
    transaction): which tables a watch needs to read at all."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables WHERE schemaname = current_schema()"
        )
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class Watch:
    mark: int
    writes: dict[str, int]  # at the start

    def tables(self) -> set[str]:
        """The tables written to since the start (a superset: a write undone by a savepoint still counts)."""
        return {table for table, count in _writes().items() if count != self.writes.get(table, 0)}

    def written(self) -> list[Stored]:
        return written_since(self.mark, self.tables())

    def english(self) -> list[str]:
        return english_stored_since(self.mark, self.tables())


@dataclass(frozen=True)
class Stored:
    where: str  # model.column #pk
    text: str


def written_since(mark: int, tables: set[str] | None = None) -> list[Stored]:
    """The text values of every row inserted or updated since `mark` (JSON: its strings; arrays: their items), in
    `tables` (by name; every table when None)."""
    quote = connection.ops.quote_name
    parts, params = [], []
    for table in text_tables():
        if tables is not None and table.name not in tables:
            continue
        values = ", ".join(f"t.{quote(column)}::text" for column, _ in table.columns)
        parts.append(
            f"SELECT %s, t.{quote(table.pk)}::text, ARRAY[{values}] FROM {quote(table.name)} AS t "
            f"WHERE t.xmin::text::bigint >= %s"
        )
        params += [table.label, mark]
    by_label = {table.label: table for table in text_tables()}
    stored = []
    if not parts:
        return stored
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for label, pk, values in cursor.fetchall():
            for (column, kind), value in zip(by_label[label].columns, values, strict=True):
                if value is None:
                    continue
                where = f"{label}.{column} #{pk}"
                texts = _strings(json.loads(value)) if kind == "json" else [value]
                stored += [Stored(where, text) for text in texts]
    return stored


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def english_stored_since(mark: int, tables: set[str] | None = None) -> list[str]:
    """What was stored in English since `mark`: one line per value, saying where and why."""
    return [
        f"{row.where}: {row.text[:160]!r} — {why}"
        for row in written_since(mark, tables)
        if (why := english_in(row.text))
    ]
