"""Exactly-once filing (issue 11): one request, one order, however many times it arrives.

Every filing endpoint takes a key — the `Idempotency-Key` header on the API, a one-time form token on the pages
(`accounts.onetime.OneTimeTokenForm`) — and calls `claim()` inside the transaction that files the order:

    with transaction.atomic():
        row = claim(district_id=..., scope=..., key=..., endpoint=..., fingerprint=fingerprint(...))
        if row.order_id:            # the same request again: answer what the first one answered
            ...
        order = work_order_file(...)
        record(row, order=order, status=201, body=...)

`claim` takes and locks the key in one statement (INSERT … ON CONFLICT (scope, key) DO UPDATE … RETURNING: the
no-op update locks a row that is already there, as SELECT … FOR UPDATE would). Two requests with one key at
once: the second one's insert waits on the first one's uncommitted row; when the first commits, the second
locks the row with its order and replays it; when the first rolls back, or `release`s the key because its input
was refused, the second files. A key reused for a different request raises `KeyReused` (the API's 422).

Open311 has no key in its standard: `claim_content` deduplicates an integration account's identical POSTs within
the window its district sets (`PrivacySettings.open311_dedupe_minutes`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import onetime
from workorders.models import IdempotencyKey, WorkOrder

MAX_KEY_LENGTH = 200
KEY_REUSED_MESSAGE = "该幂等键（Idempotency-Key）已用于另一份内容不同的请求；新的请求请使用新的键。"
BAD_KEY_MESSAGE = f"Idempotency-Key 应为 1 至 {MAX_KEY_LENGTH} 个可见 ASCII 字符。"
FORM_REUSED_MESSAGE = "这张表单已经提交过（{code}），内容与上次不同；如需再报一件，请重新打开本页填写。"


fingerprint = onetime.fingerprint  # one digest for the pages' tokens and the API's keys


class KeyReused(Exception):
    """The key was first used for a different request (or another endpoint)."""

    def __init__(self, row: IdempotencyKey):
        super().__init__(KEY_REUSED_MESSAGE)
        self.row = row


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(ch) <= 126 for ch in key)


# One statement (issue 12: it was an INSERT … ON CONFLICT DO NOTHING and a SELECT … FOR UPDATE). DO UPDATE, not
# DO NOTHING: it locks the row it finds and, under READ COMMITTED, returns the row as last committed (with the
# first request's order). The update sets a column to itself: the row's content is the first request's.
_CLAIM_SQL = """
INSERT INTO {table} AS k (district_id, scope, key, endpoint, fingerprint, created_at)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (scope, key) DO UPDATE SET endpoint = k.endpoint
RETURNING k.id, k.district_id, k.scope, k.key, k.endpoint, k.fingerprint, k.order_id, k.response_status,
          k.response_body, k.created_at
"""


def claim(*, district_id: int, scope: str, key: str, endpoint: str, fingerprint: str) -> IdempotencyKey:
    """Take (or find) the key and lock it for this transaction. `row.order_id` set: a replay. Raises KeyReused."""
    assert transaction.get_connection().in_atomic_block, "claim() belongs inside the filing's transaction"
    sql = _CLAIM_SQL.format(table=IdempotencyKey._meta.db_table)
    params = [district_id, scope, key, endpoint, fingerprint, timezone.now()]
    (row,) = IdempotencyKey.objects.raw(sql, params)
    if row.fingerprint != fingerprint or row.endpoint != endpoint:
        raise KeyReused(row)
    return row


def release(row: IdempotencyKey) -> None:
    """The filing was refused after its key was claimed: free the key (a form corrected and posted again under the
    same token files). For callers without a savepoint of their own; a key that carries an order is kept."""
    IdempotencyKey.objects.filter(pk=row.pk, order__isnull=True).delete()


def record(row: IdempotencyKey, *, order: WorkOrder, status: int | None = None, body: Any = None) -> None:
    """Write what the first filing answered onto its key (same transaction as the order)."""
    row.order = order
    row.response_status = status
    row.response_body = body
    row.save(update_fields=["order", "response_status", "response_body"])


def peek(*, scope: str, key: str, fingerprint: str) -> str | None:
    """The tracking code of the order committed under the key for this same content (no lock), or None: for a page
    that answers a replay without claiming (the QR page over its rate limit). The key with other content is no
    replay. Only the code (issue 12: on every tokened QR filing this look-up cost a statement whose answer was
    nearly always None; the claim finds a replay anyway, so the filing no longer peeks)."""
    codes = IdempotencyKey.objects.filter(scope=scope, key=key, fingerprint=fingerprint, order__isnull=False)
    return next(iter(codes.values_list("order__tracking_code", flat=True)[:1]), None)


def claim_content(
    *, district_id: int, scope: str, endpoint: str, digest: str, window: timedelta
) -> tuple[IdempotencyKey, WorkOrder | None]:
    """Open311: the key is the content itself. Returns (row, the order filed with this content within `window`
    or None). With None the caller files and calls `record` (the row then points at the new order)."""
    row = claim(district_id=district_id, scope=scope, key=f"content:{digest}", endpoint=endpoint, fingerprint=digest)
    if row.order_id and row.created_at >= timezone.now() - window:
        return row, row.order
    if row.order_id:  # an old filing: this one starts a new window
        row.created_at = timezone.now()
        row.save(update_fields=["created_at"])
    return row, None


def purge(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Forget keys older than a week (a client retries within minutes, not weeks)."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
