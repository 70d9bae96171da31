"""The API base every app reuses: tenant-scoped viewsets, validating serializers, scoped related fields.

    class CompoundViewSet(TenantViewSet):
        queryset = Compound.objects.select_related("community")
        serializer_class = CompoundSerializer      # a TenantModelSerializer
        filterset_class = CompoundFilterSet

The viewset restricts its queryset through accounts.policy for every request (view for safe methods,
change otherwise), so another district's object is a 404; writes run in a transaction and roll back
unless the saved object is inside the actor's change scope.
"""
