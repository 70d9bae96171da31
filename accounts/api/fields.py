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
