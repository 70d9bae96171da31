from django.db import models

from accounts.policy import TenantQuerySet


class DistrictOwned(models.Model):
    """A row that belongs to one district (the tenant). The district is denormalised on purpose: one
    indexed column that every query is scoped by (accounts/policy.py)."""

    district = models.ForeignKey("compounds.District", verbose_name="区", on_delete=models.PROTECT, db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        """Django checks that each foreign key's row exists, one query per key, even when the row is in hand. A
        related row the caller holds, loaded from the database (under row-level security, so in scope when it
        was read), is not asked for again: a ledger entry's full_clean ran 7 such queries. A key set by id alone,
        or to a row not yet saved, is still checked."""
        exclude = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.many_to_one and field.name not in exclude and field.is_cached(self):
                held = field.get_cached_value(self)
                if held is not None and not held._state.adding and not field.get_limit_choices_to():
                    exclude.add(field.name)
        super().clean_fields(exclude=exclude)
