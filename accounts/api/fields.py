"""Related fields whose choices are the actor's view scope: an id from another district is refused with
the same message as an id that does not exist, so the answer never confirms that it exists."""

from typing import Any

from rest_framework import serializers

from accounts.policy import VIEW, restrict

NOT_FOUND_MESSAGES = {
    "does_not_exist": "对象不存在：编号“{pk_value}”无效或不在您的管辖范围内。",
    "incorrect_type": "编号类型错误：应为整数，收到的是 {data_type}。",
    "required": "此字段为必填项。",
    "null": "此字段不能为空。",
}


def actor_from(context: dict) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key field restricted to what the requesting user may view (accounts.policy)."""

    default_error_messages = NOT_FOUND_MESSAGES

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        return restrict(queryset, actor_from(self.context), VIEW)


class OptionalRelatedText(serializers.CharField):
    """Read-only text through a relation that may be missing (`source="parent.name"`): null when it is, in every
    answer. (A CharField with `default=None` does that too, except in the answer to a PATCH, where DRF skips
    the field — and the schema, which this field's `allow_null` makes say "nullable", requires it.)"""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs["allow_null"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        for attr in self.source_attrs:
            instance = getattr(instance, attr, None)
            if instance is None:
                return None
        return instance
