"""Viewset bases (NetBox's BaseViewSet + ObjectValidationMixin, on Capillary's policy)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.http import Http404
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from accounts.api.pagination import TenantPagination
from accounts.api.permissions import TenantWritePermission
from accounts.permissions import Forbidden
from accounts.policy import CHANGE, NOT_CHANGEABLE, VIEW, restrict

NOT_FOUND = "未找到该对象。"


class TenantQuerysetMixin:
    """Restricts the declared `queryset` to the actor's scope on every request: view for safe methods,
    change otherwise. A lookup outside it is the same 404 as a lookup of nothing."""

    pagination_class = TenantPagination
    lookup_value_converter = "int"

    scope_action: str | None = None  # set while asking whether a missed object is visible (get_object)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        action = self.scope_action or (VIEW if self.request.method in SAFE_METHODS else CHANGE)
        return restrict(queryset, self.request.user, action)

    def get_object(self) -> Any:
        try:
            return super().get_object()
        except Http404 as error:  # Django's message names the model; say the same thing for every miss
            if self.request.method not in SAFE_METHODS and self.visible_but_not_changeable():
                raise Forbidden(NOT_CHANGEABLE) from error
            raise NotFound(NOT_FOUND) from error

    def visible_but_not_changeable(self) -> bool:
        """After a write missed its object in the change scope: is it in the view scope? Then the answer is a
        refusal (403), as accounts.policy.access answers the pages; outside the view scope it stays a 404."""
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if value is None:
            return False
        self.scope_action = VIEW
        try:
            return self.get_queryset().filter(**{self.lookup_field: value}).exists()
        except (ValueError, TypeError, DjangoValidationError):
            return False
        finally:
            self.scope_action = None


class TenantReadOnlyViewSet(TenantQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]


class TenantViewSet(TenantQuerysetMixin, viewsets.ModelViewSet):
    """Create, read, update and delete inside the actor's scope.

    Writes run in a transaction; after the save the object must be inside the actor's change scope, or
    the write is rolled back and the answer is a 404 (no one files into another district's compound).
    """

    permission_classes = [IsAuthenticated, TenantWritePermission]

    def perform_create(self, serializer: Any) -> None:
        with transaction.atomic():
            instance = serializer.save()
            self.check_in_change_scope(instance)

    def perform_update(self, serializer: Any) -> None:
        with transaction.atomic():
            instance = serializer.save()
            self.check_in_change_scope(instance)

    def check_in_change_scope(self, instance: Any) -> None:
        model = type(instance)
        if not restrict(model._default_manager.filter(pk=instance.pk), self.request.user, CHANGE).exists():
            raise NotFound(NOT_FOUND)  # raised inside the atomic block: the write is rolled back

    def destroy(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        try:
            with transaction.atomic():
                self.perform_destroy(instance)
        except ProtectedError as error:
            count = len(error.protected_objects)
            return Response(
                {"detail": f"无法删除“{instance}”：仍有 {count} 条关联数据引用它，请先处理这些数据。"},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
