"""What every staffing service shares: the actor check, the object lookup inside the actor's scope, and
the model validation that turns constraint violations into Chinese messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from accounts import phones
from accounts.actors import require_actor
from accounts.permissions import require
from accounts.policy import CHANGE, VIEW, access


def acting(actor: Any, rule: str, obj: Any = None) -> Any:
    """The actor, after checking there is one (MissingActor otherwise) and that `rule` allows them."""
    require_actor(actor)
    require(actor, rule, obj)
    return actor


def reach(actor: Any, model: type[models.Model], pk: Any, *, action: str = CHANGE, lock: bool = False) -> Any:
    """The object `pk` of `model` inside the actor's scope (404 for missing and foreign alike)."""
    queryset = model._default_manager.all()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return access(actor, queryset, action, pk=getattr(pk, "pk", pk))


def see(actor: Any, model: type[models.Model], pk: Any) -> Any:
    return reach(actor, model, pk, action=VIEW)


def save_clean(obj: models.Model, **options: Any) -> models.Model:
    """full_clean() (field rules, clean(), named constraints with their Chinese messages), then save."""
    obj.full_clean(**options)
    obj.save()
    return obj


def actor_user(actor: Any) -> Any:
    """The actor as a User foreign key value: a person, or None for the system."""
    return actor if getattr(actor, "pk", None) is not None and not getattr(actor, "is_system", False) else None


def normalise_phone(text: str, *, field: str = "phone") -> str:
    """A Chinese mobile (13812341234) or landline (029-81234567) in one spelling, or ValidationError on `field`:
    the site's one rule, accounts.phones."""
    return phones.normalise_phone(text, field=field)


def refusal(field: str | None, message: Any, **params: Any) -> ValidationError:
    """A refusal on `field` (or the whole object) whose values stay apart from its message (ValidationError params):
    a form or the API words it as before, and an import keeps it as msgid and values (compounds.importing.said)
    to word it in its reader's language when shown."""
    error = ValidationError(message, params=params or None)
    return ValidationError({field: error}) if field else error
