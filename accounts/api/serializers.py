"""Serializer bases: model validation (full_clean) on every write, and the district taken from the actor."""

import copy
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers
from rest_framework.settings import api_settings

from accounts.api.fields import NOT_FOUND_MESSAGES, ScopedPrimaryKeyRelatedField, actor_from


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Runs the model's full_clean() (field checks, clean(), unique and named constraints) before saving, so
    the model's Chinese messages come back as 400 field errors (NetBox's ValidatedModelSerializer).

    Every relation is a ScopedPrimaryKeyRelatedField: its choices are the actor's view scope.
    """

    serializer_related_field = ScopedPrimaryKeyRelatedField
    # Django error codes that a model's clean() raises without naming a field, and the field they belong to
    # (a subclass may extend the map).
    error_fields: dict[str, str] = {"bad_code": "code", "code_prefix": "code"}
    display = serializers.SerializerMethodField(label="显示名称")

    def get_display(self, obj: Any) -> str:
        return str(obj)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        plain = {name: value for name, value in attrs.items() if name not in many_to_many}
        if self.instance is None:
            instance = model(**plain)
        else:
            instance = copy.copy(self.instance)
            for name, value in plain.items():
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(drf_validation_errors(error, self.error_fields)) from error
        check_same_district(instance, attrs)
        return attrs


def district_of(obj: Any) -> int | None:
    """The district a row belongs to (a District is its own), or None for rows that belong to none."""
    if getattr(type(obj), "tenant_field", "district") == "pk":
        return obj.pk
    return getattr(obj, "district_id", None)


def check_same_district(instance: Any, attrs: dict) -> None:
    """No row points at another district's row, whatever its related fields let through: a second check under
    the scoped related fields (a field a serializer declares by hand may forget its scope). The message is the
    scoped field's own, so the answer never confirms that the other district's row exists."""
    own = district_of(instance)
    if own is None:
        return
    for name, value in attrs.items():
        targets = value if isinstance(value, (list, tuple, set)) else [value]
        for target in targets:
            if isinstance(target, models.Model) and district_of(target) not in (None, own):
                message = NOT_FOUND_MESSAGES["does_not_exist"].format(pk_value=target.pk)
                raise serializers.ValidationError({name: [message]})


def drf_validation_errors(error: DjangoValidationError, error_fields: dict[str, str] | None = None) -> dict:
    """Django's ValidationError as DRF's {field: [messages]}; a non-field error whose code is in
    `error_fields` goes to that field."""
    error_fields = error_fields or {}
    errors: dict[str, list[str]] = {}
    by_field = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
    for name, items in by_field.items():
        for item in items:
            for message in item.messages if hasattr(item, "messages") else [str(item)]:
                field = name
                if name == NON_FIELD_ERRORS:
                    field = error_fields.get(getattr(item, "code", None), api_settings.NON_FIELD_ERRORS_KEY)
                errors.setdefault(field, [])
                if message not in errors[field]:
                    errors[field].append(message)
    return errors


class TenantModelSerializer(ValidatedModelSerializer):
    """For models with a `district`: the district is the actor's own, never read from the client. A platform
    administrator, who has no district, names it on create; nobody moves a row to another district."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        if "district" in fields:
            actor = actor_from(self.context)
            admin_creates = self.instance is None and getattr(actor, "is_platform_admin", False)
            if not admin_creates:
                fields["district"] = serializers.PrimaryKeyRelatedField(read_only=True, label="区")
            else:
                fields["district"].error_messages["required"] = "请指定所属区。"
        return fields

    def validate(self, attrs: dict) -> dict:
        if self.instance is None and "district" not in attrs:
            actor = actor_from(self.context)
            district_id = getattr(actor, "district_id", None)
            if district_id is None:
                raise serializers.ValidationError({"district": "请指定所属区。"})
            attrs["district_id"] = district_id
        return super().validate(attrs)


class ReadOnlyModelSerializer(ValidatedModelSerializer):
    """For models nobody changes through the API: every field is read-only."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields
