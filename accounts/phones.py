"""The one phone-number rule (the `phonenumbers` package, region CN) for every form, serializer, service and
import of the site.

    normalise_phone("138 1234 1234")          -> "13812341234"
    normalise_phone("(029) 8123 4567")        -> "029-81234567"
    normalise_phone("+86 10 6512 3456")       -> "010-65123456"
    normalise_phone("12345")                  -> ValidationError("“12345”不是有效的手机号或固定电话…")

Mobiles are stored as their 11 digits, landlines as area code, hyphen, number — the national form the models
hold today, which is also what the masks (accounts.privacy) and the people who ring back read. A number of
another country, a short number, a landline without its area code, a masked number (138****1234) are refused
with one Chinese message. `PhoneField` (forms) and `PhoneSerializerField` (DRF) apply it to a field."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

REGION = "CN"
MAX_INPUT = 40
MAX_STORED = 20
EXAMPLES = _("如 13812341234、029-81234567")
# Model fields that hold a phone number: the admin's forms put PhoneField on them.
PHONE_FIELDS = frozenset({"phone", "contact_phone", "duty_phone", "reporter_phone"})


def phone_error(text: str) -> str:
    return gettext("“%(text)s”不是有效的手机号或带区号的固定电话（%(examples)s）。") % {
        "text": (text or "")[:20],
        "examples": EXAMPLES,
    }


def phone_invalid(text: str) -> ValidationError:
    """phone_error as a message with its values, so that a kept outcome (an import's) can word it later."""
    message = gettext("“%(text)s”不是有效的手机号或带区号的固定电话（%(examples)s）。")
    return ValidationError(message, params={"text": (text or "")[:20], "examples": EXAMPLES}, code="phone_invalid")


def parse_phone(text: str) -> phonenumbers.PhoneNumber | None:
    """The number `text` is, if it is a valid Chinese mobile or landline; else None."""
    text = (text or "").strip()
    if not text or len(text) > MAX_INPUT or not text.isprintable():
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    return number


def format_phone(number: phonenumbers.PhoneNumber) -> str:
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        return str(number.national_number)
    digits = str(number.national_number)
    area = 2 if digits[0] in "12" else 3  # 010 and 02x: two digits after the 0; every other area code three
    return f"0{digits[:area]}-{digits[area:]}"


def parse_international_phone(text: str) -> phonenumbers.PhoneNumber | None:
    """A valid number of any country written with its country code (+44 20 7946 0958), else None."""
    text = (text or "").strip()
    if not text.startswith("+") or len(text) > MAX_INPUT or not text.isprintable():
        return None
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(text: str, *, field: str | None = None, international: bool = False) -> str:
    """`text` in the stored spelling ("" stays ""), or ValidationError — keyed by `field` when given, so that a
    service's error lands on the form's or the API's field. `international` (Open311, whose clients are other
    countries' platforms too) also accepts a valid foreign number, stored in E.164 (+442079460958)."""
    text = (text or "").strip()
    if not text:
        return ""
    number = parse_phone(text)
    if number is None and international:
        foreign = parse_international_phone(text)
        if foreign is not None:
            return phonenumbers.format_number(foreign, phonenumbers.PhoneNumberFormat.E164)
    if number is None:
        error = phone_invalid(text)
        raise ValidationError({field: error}) if field else error
    return format_phone(number)


def validate_phone(value: str) -> None:
    """A Django validator (model or form field): raises for what normalise_phone refuses."""
    normalise_phone(value)


class PhoneField(forms.CharField):
    """A form field that answers the normalised number."""

    default_error_messages = {"max_length": _("电话号码过长。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_INPUT)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return normalise_phone(super().clean(value))


class PhoneSerializerField(serializers.CharField):
    """A DRF field that answers the normalised number (400 with the Chinese message on its field)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_INPUT)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return normalise_phone(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
