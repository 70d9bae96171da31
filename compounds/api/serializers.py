"""Serializers for the organisation tree. Relations are written and read as primary keys (limited to the
actor's view scope); a few `*_name` fields save clients a second request."""

from django.db import models
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.fields import OptionalRelatedText
from accounts.api.serializers import ReadOnlyModelSerializer, TenantModelSerializer
from accounts.permissions import require
from accounts.phones import PhoneSerializerField
from compounds.models import (
    Building,
    Community,
    Compound,
    Department,
    District,
    Grid,
    PropertyFirm,
    Street,
    Tier,
    TierChange,
)

API = "compounds-api"


class DistrictSerializer(ReadOnlyModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:district-detail")

    class Meta:
        model = District
        fields = ["id", "url", "display", "code", "name", "city", "province"]


class StreetSerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:street-detail")

    class Meta:
        model = Street
        fields = ["id", "url", "display", "district", "code", "name", "kind"]


class CommunitySerializer(TenantModelSerializer):
    """A community's tier is changed only through `set_tier`, which keeps the history."""

    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:community-detail")
    street_name = serializers.CharField(source="street.name", read_only=True, label=_("街道名称"))

    class Meta:
        model = Community
        fields = [
            "id",
            "url",
            "display",
            "district",
            "street",
            "street_name",
            "code",
            "name",
            "tier",
            "tier_reason",
            "tier_since",
        ]
        read_only_fields = ["tier", "tier_reason", "tier_since"]


class CommunitySetTierSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(
        choices=Tier.choices,
        label=_("分类"),
        error_messages={"invalid_choice": _("社区分类应为 A、B、C、D 之一，收到的是“{input}”。")},
    )
    reason = serializers.CharField(max_length=200, label=_("依据"))
    effective_year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        label=_("生效年份"),
        error_messages={
            "min_value": _("生效年份应在 2000 至 2100 之间。"),
            "max_value": _("生效年份应在 2000 至 2100 之间。"),
        },
    )


class TierChangeSerializer(ReadOnlyModelSerializer):
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", read_only=True, default="")

    class Meta:
        model = TierChange
        fields = [
            "id",
            "display",
            "community",
            "tier",
            "reason",
            "effective_year",
            "recorded_at",
            "recorded_by",
            "recorded_by_name",
        ]


class CompoundListSerializer(serializers.ListSerializer):
    """Loads the page's stationed cadres in one query (the list's query count does not grow with its length)."""

    def to_representation(self, data):
        items = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        prefetch_related_objects(items, "stationed_cadre")
        return super().to_representation(items)


class CompoundSerializer(TenantModelSerializer):
    """三无 (`is_three_no`) is derived by the database from the management mode, owners' committee and
    maintenance fund: read-only. The stationed cadre (驻点干部) is shown here and set in the admin (the model's
    clean() keeps it to a cadre of the compound's community). The property firm is read-only: a service
    contract sets it (compounds.rules). Households and the management mode are changed only by those the rules
    "compounds.change_households" / "compounds.change_management_mode" allow (403 for anyone else)."""

    GUARDED = {"households": "compounds.change_households", "management_mode": "compounds.change_management_mode"}

    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:compound-detail")
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    community_tier = serializers.CharField(source="community.tier", read_only=True, label=_("社区分类"))
    property_firm_name = OptionalRelatedText(source="property_firm.name", label=_("物业企业名称"))
    stationed_cadre = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, label=_("驻点干部"))
    stationed_cadre_name = OptionalRelatedText(source="stationed_cadre.display_name", label=_("驻点干部姓名"))

    class Meta:
        model = Compound
        list_serializer_class = CompoundListSerializer
        fields = [
            "id",
            "url",
            "display",
            "district",
            "community",
            "community_name",
            "community_tier",
            "code",
            "name",
            "address",
            "latitude",
            "longitude",
            "built_year",
            "building_count",
            "households",
            "management_mode",
            "property_firm",
            "property_firm_name",
            "has_owners_committee",
            "has_maintenance_fund",
            "stationed_cadre",
            "stationed_cadre_name",
            "is_three_no",
        ]
        read_only_fields = ["is_three_no", "property_firm"]

    def validate(self, attrs: dict) -> dict:
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        for name, rule in self.GUARDED.items():
            if name not in attrs:
                continue
            current = (
                getattr(self.instance, name) if self.instance is not None else Compound._meta.get_field(name).default
            )
            if attrs[name] != current:
                require(actor, rule, self.instance)
        return super().validate(attrs)


class BuildingSerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:building-detail")
    compound_name = serializers.CharField(source="compound.name", read_only=True, label=_("小区名称"))

    class Meta:
        model = Building
        fields = ["id", "url", "display", "district", "compound", "compound_name", "name", "households"]


class GridSerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:grid-detail")
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))

    class Meta:
        model = Grid
        fields = ["id", "url", "display", "district", "community", "community_name", "code", "name", "buildings"]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        community = attrs.get("community") or (self.instance.community if self.instance else None)
        buildings = attrs.get("buildings") or []
        outside = [b for b in buildings if community and b.compound.community_id != community.pk]
        if outside:
            names = "、".join(str(b) for b in outside)
            message = gettext("网格只能覆盖本社区的楼栋：%(names)s 不属于“%(community)s”。")
            raise serializers.ValidationError({"buildings": message % {"names": names, "community": community}})
        return attrs


class PropertyFirmSerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:property-firm-detail")
    contact_phone = PhoneSerializerField(label=_("联系电话"))

    class Meta:
        model = PropertyFirm
        fields = ["id", "url", "display", "district", "name", "credit_code", "is_state_fallback", "contact_phone"]


class DepartmentSerializer(TenantModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=f"{API}:department-detail")

    class Meta:
        model = Department
        fields = ["id", "url", "display", "district", "name", "kind"]
