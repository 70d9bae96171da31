"""REST endpoints for the organisation tree. Scope, transactions and the post-write scope check live in
accounts.api.viewsets; domain actions validate with their own serializer and call a service."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.serializers import drf_validation_errors
from accounts.api.viewsets import TenantReadOnlyViewSet, TenantViewSet
from accounts.policy import restrict
from compounds import filtersets
from compounds.api import serializers as api
from compounds.models import Building, Community, Compound, Department, District, Grid, PropertyFirm, Street, TierChange
from compounds.services import community_set_tier


class DistrictViewSet(TenantReadOnlyViewSet):
    queryset = District.objects.all()
    serializer_class = api.DistrictSerializer
    filterset_class = filtersets.DistrictFilterSet
    ordering_fields = ["code", "name"]


class StreetViewSet(TenantViewSet):
    queryset = Street.objects.all()
    serializer_class = api.StreetSerializer
    filterset_class = filtersets.StreetFilterSet
    ordering_fields = ["code", "name"]


class CommunityViewSet(TenantViewSet):
    queryset = Community.objects.select_related("street")
    serializer_class = api.CommunitySerializer
    filterset_class = filtersets.CommunityFilterSet
    ordering_fields = ["code", "name", "tier", "tier_since"]

    @extend_schema(request=api.CommunitySetTierSerializer, responses={201: api.TierChangeSerializer})
    @action(detail=True, methods=["post"], url_path="set-tier", serializer_class=api.CommunitySetTierSerializer)
    def set_tier(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Give the community a tier from a year on (社区分类调整); the old tier stays in the history."""
        community = self.get_object()
        data = api.CommunitySetTierSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change = community_set_tier(actor=request.user, community=community, **data.validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(drf_validation_errors(error)) from error
        return Response(api.TierChangeSerializer(change, context=self.get_serializer_context()).data, status=201)

    @extend_schema(responses=api.TierChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="tier-history", serializer_class=api.TierChangeSerializer)
    def tier_history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The community's tier changes, newest first."""
        community = self.get_object()
        changes = restrict(TierChange.objects.select_related("recorded_by"), request.user).filter(community=community)
        changes = changes.order_by("-effective_year", "-recorded_at", "-pk")
        page = self.paginate_queryset(changes)
        serializer = api.TierChangeSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


class CompoundViewSet(TenantViewSet):
    queryset = Compound.objects.select_related("community", "property_firm")
    serializer_class = api.CompoundSerializer
    filterset_class = filtersets.CompoundFilterSet
    ordering_fields = ["code", "name", "built_year", "households", "building_count", "community__tier"]


class BuildingViewSet(TenantViewSet):
    queryset = Building.objects.select_related("compound")
    serializer_class = api.BuildingSerializer
    filterset_class = filtersets.BuildingFilterSet
    ordering_fields = ["name", "households"]


class GridViewSet(TenantViewSet):
    queryset = Grid.objects.select_related("community").prefetch_related("buildings")
    serializer_class = api.GridSerializer
    filterset_class = filtersets.GridFilterSet
    ordering_fields = ["code", "name"]


class PropertyFirmViewSet(TenantViewSet):
    queryset = PropertyFirm.objects.all()
    serializer_class = api.PropertyFirmSerializer
    filterset_class = filtersets.PropertyFirmFilterSet
    ordering_fields = ["name", "credit_code"]


class DepartmentViewSet(TenantViewSet):
    queryset = Department.objects.all()
    serializer_class = api.DepartmentSerializer
    filterset_class = filtersets.DepartmentFilterSet
    ordering_fields = ["name", "kind"]
