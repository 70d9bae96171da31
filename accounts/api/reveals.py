"""GET /api/v1/personal-data-reveals/: the district's reveal log (accounts.models.PersonalDataReveal) for its
officials, newest first, with the page's filters (accounts.filtersets). Everyone else: 403."""

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated

from accounts.api.viewsets import TenantReadOnlyViewSet
from accounts.filtersets import PersonalDataRevealFilterSet
from accounts.models import PersonalDataReveal
from accounts.permissions import MESSAGES, has

RULE = "accounts.read_reveal_log"


class MayReadRevealLog(BasePermission):
    message = MESSAGES.get(RULE, "只有区级人员可以查看个人信息查看记录。")

    def has_permission(self, request: Any, view: Any) -> bool:
        return has(request.user, RULE)


class PersonalDataRevealSerializer(serializers.ModelSerializer):
    record_type = serializers.SerializerMethodField(label="记录类型（如 workorders.workorder）")
    field_labels = serializers.ListField(child=serializers.CharField(), read_only=True, label="字段名称")

    class Meta:
        model = PersonalDataReveal
        fields = [
            "id",
            "at",
            "district",
            "actor",
            "actor_label",
            "record_type",
            "object_id",
            "object_label",
            "fields",
            "field_labels",
            "via",
            "address",
        ]
        read_only_fields = fields

    def get_record_type(self, obj: PersonalDataReveal) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class PersonalDataRevealViewSet(TenantReadOnlyViewSet):
    """个人信息查看记录: who saw which personal data of which record, when, through which URL."""

    queryset = PersonalDataReveal.objects.select_related("content_type")
    serializer_class = PersonalDataRevealSerializer
    filterset_class = PersonalDataRevealFilterSet
    permission_classes = [IsAuthenticated, MayReadRevealLog]
    ordering_fields = ["at"]
    ordering = ["-at", "-pk"]
