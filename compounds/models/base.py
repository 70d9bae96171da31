import logging
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils.translation import gettext_lazy as _

from accounts.policy import TenantQuerySet

logger = logging.getLogger(__name__)


def failed_checks(instance: models.Model, checks: list, exclude=None, using: str = "default") -> set:
    """The check constraints of `checks` (one model's) that `instance` breaks, asked in one query. Django's
    CheckConstraint.validate asks one at a time, each in a savepoint of its own (SAVEPOINT, SELECT, RELEASE): a
    work order's five checks were fifteen statements. The same expressions in one SELECT, one column each, with
    the same rules: a check that names an excluded field is not asked, UNKNOWN passes (COALESCE … TRUE). If the
    one SELECT meets a database error, each check is asked on its own as Django asks it, so that the error passes
    only the check that met it (logged), as in Django."""
    model = type(instance)
    if exclude:
        checks = [check for check in checks if not check._expression_refs_exclude(model, check.condition, exclude)]
    if not checks:
        return set()
    query = Query(None)
    for name, value in instance._get_field_expression_map(meta=model._meta, exclude=exclude).items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    for i, check in enumerate(checks):
        query.add_annotation(Coalesce(Q(check.condition), True, output_field=BooleanField()), f"_check_{i}")
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        logger.warning("Got a database error checking %s's constraints together: %s", model.__name__, error)
        return {check.name for check in checks if _breaks(check, model, instance, exclude, using)}
    return {check.name for check, passed in zip(checks, row, strict=True) if not passed}


def _breaks(check: CheckConstraint, model: type, instance: models.Model, exclude, using: str) -> bool:
    try:
        check.validate(model, instance, exclude=exclude, using=using)
    except ValidationError:
        return True
    return False


class DistrictOwned(models.Model):
    """A row that belongs to one district (the tenant). The district is denormalised on purpose: one
    indexed column that every query is scoped by (accounts/policy.py)."""

    district = models.ForeignKey("compounds.District", verbose_name=_("区"), on_delete=models.PROTECT, db_index=True)

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

    def validate_constraints(self, exclude=None):
        """Django's, with every check constraint of a model asked in one query (`failed_checks`); the other
        constraints (unique, exclusion) as Django asks them. The errors, and their order, are Django's."""
        using = router.db_for_write(type(self), instance=self)
        errors: dict = {}
        for model_class, constraints in self.get_constraints():
            checks = [c for c in constraints if type(c) is CheckConstraint] if model_class is type(self) else []
            failed, batched = failed_checks(self, checks, exclude, using), {id(c) for c in checks}
            for constraint in constraints:
                try:
                    if id(constraint) in batched:
                        if constraint.name in failed:
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
