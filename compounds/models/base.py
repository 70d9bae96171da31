from django.db import models

from accounts.policy import TenantQuerySet


class DistrictOwned(models.Model):
    """A row that belongs to one district (the tenant). The district is denormalised on purpose: one
    indexed column that every query is scoped by (accounts/policy.py)."""

    district = models.ForeignKey("compounds.District", verbose_name="区", on_delete=models.PROTECT, db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
