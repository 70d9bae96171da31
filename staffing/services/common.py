"""What every staffing service shares: the actor check, the object lookup inside the actor's scope, and
the model validation that turns constraint violations into Chinese messages."""

from __future__ import annotations

from typing import Any

from django.db import models

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
    """A Chinese mobile (13812341234) or landline (029-81234567) in one spelling, or ValidationError.

    The phonenumbers package with region CN, the rule the trust issue sets for every form; staffing keeps
    this one function until the shared rule lands in accounts."""
    import phonenumbers
    from django.core.exceptions import ValidationError

    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text[:40], "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise ValidationError({field: f"“{text[:20]}”不是有效的手机号或固定电话（如 13812341234、029-81234567）。"})
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        return national
    digits = str(number.national_number)
    area = 2 if digits[0] in "12" else 3  # 010, 02x: two digits after the 0; others three
    return f"0{digits[:area]}-{digits[area:]}"
