"""The history panel's selector: what changed on one object, when, and by whom (pghistory's events).

    {% load history %}{% history_panel compound %}

Shown only to someone who may see the object (accounts.policy); personal fields are masked (accounts.privacy:
the panel is no way around the reveal log); row-level security keeps the events in the object's district.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pghistory.models
from django.apps import apps
from django.db import models
from django.utils.translation import gettext

from accounts.policy import VIEW, restrict
from accounts.privacy import ID_NUMBER, NAME, PHONE, TEXT, mask_value, personal_fields

# Chinese keys, translated where the panel shows them ({% translate change.label context "history" %}: msgctxt
# "history" in locale/en, apart from the buttons 新建 and 修改 elsewhere); the template tells a creation by `kind`
# (pghistory's own label), never by the Chinese word.
LABELS = {"insert": "新建", "update": "修改", "delete": "删除", "snapshot": "快照"}
PGH_FIELDS = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context"}


@dataclass
class Change:
    when: Any
    label: str
    who: str
    kind: str = ""  # pghistory's label: insert, update, delete, snapshot
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)


def event_models_of(model: type[models.Model]) -> list[type[models.Model]]:
    return [
        event
        for event in apps.get_models()
        if issubclass(event, pghistory.models.Event) and getattr(event, "pgh_tracked_model", None) is model
    ]


def _kind(kinds: dict[str, str], name: str) -> str:
    """How a field is masked: as the model declares (accounts.privacy), else by its name, else as free text."""
    if name in kinds:
        return kinds[name]
    if "phone" in name or "mobile" in name:
        return PHONE
    if "id_number" in name or "id_card" in name:
        return ID_NUMBER
    if name.endswith("_name"):  # a person's name (reporter_name, full_name…); a bare `name` names a thing
        return NAME
    return TEXT


def _shown(kind: str, value: Any) -> Any:
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if value is None or value == "":
        return "—"
    return mask_value(kind, value)


def _who(context: Any, users: dict[int, str]) -> str:
    metadata = getattr(context, "metadata", None) or {}
    if metadata.get("user"):
        return users.get(int(metadata["user"]), gettext("（其他用户）"))
    for key in ("actor", "task", "command"):
        if metadata.get(key):
            return str(metadata[key])
    return gettext("系统")


def object_history(*, actor: Any, obj: models.Model, limit: int = 50) -> list[Change]:
    """The object's changes, newest first; nothing for someone who may not see the object."""
    model = type(obj)
    events = event_models_of(model)
    if not events or not restrict(model._default_manager.filter(pk=obj.pk), actor, VIEW).exists():
        return []
    event_model = events[0]
    rows = list(
        event_model.objects.filter(pgh_obj_id=obj.pk).select_related("pgh_context").order_by("-pgh_id")[: limit + 1]
    )
    rows.reverse()
    kinds = personal_fields(model)
    tracked = [f for f in event_model._meta.concrete_fields if f.name not in PGH_FIELDS]
    user_ids = {
        int(row.pgh_context.metadata["user"])
        for row in rows
        if row.pgh_context and (row.pgh_context.metadata or {}).get("user")
    }
    from accounts.models import User

    users = {
        pk: (full_name or username)
        for pk, full_name, username in User.objects.filter(pk__in=user_ids).values_list("pk", "full_name", "username")
    }
    changes: list[Change] = []
    previous = None
    for row in rows:
        change = Change(
            when=row.pgh_created_at,
            label=LABELS.get(row.pgh_label, row.pgh_label),
            who=_who(row.pgh_context, users),
            kind=row.pgh_label,
        )
        # A creation says so; an update lists the fields that changed, each value masked as personal data.
        for tracked_field in tracked if previous is not None else ():
            new = getattr(row, tracked_field.attname)
            old = getattr(previous, tracked_field.attname)
            if old == new:
                continue
            kind = _kind(kinds, tracked_field.name)
            change.fields.append((str(tracked_field.verbose_name), _shown(kind, old), _shown(kind, new)))
        previous = row
        changes.append(change)
    changes.reverse()
    # The oldest row fetched only served as the base of the next one's differences.
    return changes[:limit]
