"""Notifier interface: tell people about orders. The in-app inbox (Notification rows) always receives the
message; further channels plug in as backends — email works now (Django's mail), SMS and WeChat later.

    NOTIFIER_BACKENDS = ["workorders.notifications.EmailBackend"]   # settings, optional; this is the default

A backend is a class with `send(*, recipient, subject, message, order)`; a failing backend is logged and
does not stop the others (the inbox row is already written).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from accounts.actors import require_actor
from accounts.models import User
from accounts.roles import Role
from workorders.models import HandlerLevel, Notification

if TYPE_CHECKING:
    from workorders.models import WorkOrder

logger = logging.getLogger(__name__)

DEFAULT_BACKENDS = ["workorders.notifications.EmailBackend"]


class NotifierBackend(Protocol):
    def send(self, *, recipient: User, subject: str, message: str, order: WorkOrder | None) -> None: ...


class EmailBackend:
    """Email through Django's mail (the default mailer; settings.MAILERS on Django 6.1)."""

    def send(self, *, recipient: User, subject: str, message: str, order: WorkOrder | None) -> None:
        if not recipient.email:
            return
        send_mail(subject, message, None, [recipient.email], fail_silently=False)


def backends() -> list[NotifierBackend]:
    return [import_string(path)() for path in getattr(settings, "NOTIFIER_BACKENDS", DEFAULT_BACKENDS)]


HANDLER_USERS = {  # a handler level: the role that acts for its units (None: the unit is the user) and its column
    HandlerLevel.PROPERTY_FIRM: (Role.FIRM_STAFF, "property_firm_id"),
    HandlerLevel.COMMUNITY: (Role.COMMUNITY_CADRE, "community_id"),
    HandlerLevel.STREET: (Role.STREET_STAFF, "street_id"),
    HandlerLevel.DEPARTMENT: (Role.DEPARTMENT_STAFF, "department_id"),
    HandlerLevel.USER: (None, "pk"),
}


def recipients_for_handler(*, district_id: int, level: str, unit_ids: Sequence[int]) -> list[User]:
    """The active users who act for the handler units `unit_ids` of `level` (several for joint departments)."""
    return recipients_for_handlers(district_id=district_id, handlers=[(level, tuple(unit_ids))]).get(
        (level, tuple(unit_ids)), []
    )


def recipients_for_handlers(
    *, district_id: int, handlers: Iterable[tuple[str, tuple[int, ...]]]
) -> dict[tuple[str, tuple[int, ...]], list[User]]:
    """recipients_for_handler for several handlers `(level, unit_ids)` at once (the router's batch): one statement
    per level, however many units. Each handler's users in the order of their ids."""
    wanted: dict[str, set[tuple[int, ...]]] = {}
    for level, unit_ids in handlers:
        if level in HANDLER_USERS and unit_ids:
            wanted.setdefault(level, set()).add(unit_ids)
    found: dict[tuple[str, tuple[int, ...]], list[User]] = {}
    for level, unit_sets in wanted.items():
        role, column = HANDLER_USERS[HandlerLevel(level)]
        users = User.objects.filter(is_active=True, district_id=district_id)
        if role is not None:
            users = users.filter(role=role)
        everyone = list(users.filter(**{f"{column}__in": {pk for units in unit_sets for pk in units}}).order_by("pk"))
        for units in unit_sets:
            found[(level, units)] = [user for user in everyone if getattr(user, column) in units]
    return found


def district_officials(order: WorkOrder) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role=Role.DISTRICT_OFFICIAL, district_id=order.district_id).order_by("pk")
    )


def notify(
    *,
    actor: Any,
    recipients: Iterable[User],
    order: WorkOrder | None,
    kind: str,
    message: str,
    dedupe_key: str = "",
) -> list[Notification]:
    """Write one inbox row per recipient (once per `dedupe_key` and recipient), then send through the
    backends. Returns the rows written now (not the ones that existed). `actor` says who tells them (a task's
    SystemActor, or the person whose action it is); None is an error (accounts.actors.MissingActor)."""
    return notify_many(actor=actor, messages=[Message(list(recipients), order, kind, message, dedupe_key)])


@dataclass(frozen=True)
class Message:
    recipients: list[User]
    order: WorkOrder | None
    kind: str
    text: str
    dedupe_key: str = ""


def notify_many(*, actor: Any, messages: Sequence[Message]) -> list[Notification]:
    """notify for several messages (the router's batch: each order's handler told), their rows inserted in one
    statement."""
    require_actor(actor)
    rows, text_of = [], {}
    for m in messages:
        for recipient in m.recipients:
            row = Notification(
                district_id=m.order.district_id if m.order else recipient.district_id,
                recipient=recipient,
                order=m.order,
                kind=m.kind,
                message=m.text[:500],
                dedupe_key=m.dedupe_key,
            )
            rows.append(row)
            text_of[id(row)] = m.text  # the inbox keeps 500 characters, the backends send it whole
    written = _insert_new(rows)
    for row in written:
        text = text_of[id(row)]
        for backend in backends():
            try:
                backend.send(recipient=row.recipient, subject=f"【末梢】{text[:40]}", message=text, order=row.order)
            except Exception:
                logger.exception("notifier backend %s failed for user %s", type(backend).__name__, row.recipient_id)
    return written


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """The rows inserted, in one statement for all of them (issue 12: the routing task's statements do not grow
    with the recipients). Should one of them exist already (same recipient and dedupe key: a task ran twice), the
    rows go one by one, each in a savepoint, and the existing ones are skipped."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        pass
    written = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue  # already told (same dedupe key): a task ran twice
        written.append(row)
    return written
