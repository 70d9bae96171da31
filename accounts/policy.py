"""The one scoping policy: turns (actor, queryset, action) into the rows that actor may see or change.

Every tenant-owned model declares, per role, the lookup that ties a row to that role's scope:

    class Compound(DistrictOwned):
        scope_view = {Role.STREET_STAFF: "community__street", Role.DEPARTMENT_STAFF: WHOLE_DISTRICT, ...}
        scope_change = {Role.STREET_STAFF: "community__street", ...}

A role that is missing from the map sees nothing of that model. District officials always see and
change their whole district; platform administrators see every district. The district filter is
always applied first, so a mistake in a map can narrow a scope but never cross a tenant.

Views, viewsets, exports, reports and tasks get their querysets through `restrict` (usually as
`Model.objects.visible_to(actor)`) and single objects through `access`, which raises the same 404 for
"missing" and "not yours".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.actors import is_system
from accounts.roles import SCOPE_FIELD, Role

if TYPE_CHECKING:
    from accounts.models import User

VIEW = "view"
CHANGE = "change"
WHOLE_DISTRICT = "*"


class ActorPath(str):
    """A scope path compared with the actor themself rather than their scope, e.g. the orders a grid
    worker reported: `("compound__buildings__grids", ActorPath("reported_by"))`."""


class RowCondition:
    """A scope that is a condition on the row alone, whoever of the role asks, e.g. the published scores:
    `{Role.GRID_WORKER: RowCondition(period__status="published")}` (still inside the actor's district)."""

    def __init__(self, **lookup: Any) -> None:
        self.q = models.Q(**lookup)

    def __repr__(self) -> str:
        return f"RowCondition({self.q!r})"


def restrict(queryset: models.QuerySet, actor: Any, action: str = VIEW) -> models.QuerySet:
    model = queryset.model
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return queryset.none()
    if actor.is_platform_admin:
        return queryset
    if actor.district_id is None:
        return queryset.none()
    tenant_field = getattr(model, "tenant_field", "district")
    queryset = queryset.filter(**{tenant_field: actor.district_id})
    if actor.role == Role.DISTRICT_OFFICIAL or is_system(actor):
        return queryset
    scope_map = getattr(model, "scope_view" if action == VIEW else "scope_change", {})
    paths = scope_map.get(actor.role)
    if paths is None:
        return queryset.none()
    if paths == WHOLE_DISTRICT:
        return queryset
    # Several paths for one role are alternatives (OR), e.g. "the orders of my grids, or that I reported".
    condition = models.Q()
    for path in (paths,) if isinstance(paths, (str, RowCondition)) else paths:
        condition |= _scope_condition(model, actor, path)
    return queryset.filter(condition)


def _scope_condition(model: type[models.Model], actor: Any, path: Any) -> models.Q:
    if isinstance(path, RowCondition):
        return path.q
    if isinstance(path, ActorPath):
        return models.Q(**{str(path): actor.pk})
    if actor.role == Role.GRID_WORKER:
        lookup, value = f"{path}__in", _grid_ids(actor)
    else:
        lookup, value = path, getattr(actor, f"{SCOPE_FIELD[actor.role]}_id")
        if value is None:
            return models.Q(pk__in=[])
    many_at = _first_many(model, path)
    if many_at is None:
        return models.Q(**{lookup: value})
    # A path across a many-valued relation: a subquery keeps each row once. It resolves the units on the small
    # side first — a grid worker's compounds through buildings, not `pk IN (every order joined to buildings)` —
    # so that the row's own foreign key (and its index) answers: `compound_id IN (the grids' compounds)`.
    parts = lookup.split("__")
    if many_at == 0:
        return models.Q(pk__in=model._base_manager.filter(**{lookup: value}).values("pk"))
    head, related = "__".join(parts[:many_at]), _model_at(model, parts[:many_at])
    units = related._base_manager.filter(**{"__".join(parts[many_at:]): value}).values("pk")
    return models.Q(**{f"{head}__in": units})


def whole_units(actor: Any, model: type[models.Model], unit_path: str) -> list[int] | None:
    """The units (streets, say, reached from `model` by `unit_path`) of which the actor sees *every* row of
    `model`: None for every unit of the district, else a list of ids (maybe empty). A figure computed per unit
    from all of a unit's rows (a street's rank, its answers) is shown only for these units: a figure follows
    the scope of the rows it is computed from."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    if actor.is_platform_admin or actor.role == Role.DISTRICT_OFFICIAL or is_system(actor):
        return None
    paths = getattr(model, "scope_view", {}).get(actor.role)
    if paths == WHOLE_DISTRICT:
        return None
    if isinstance(paths, str) and not isinstance(paths, ActorPath) and paths == unit_path:
        value = getattr(actor, f"{SCOPE_FIELD[actor.role]}_id", None)
        return [] if value is None else [value]
    return []


def may_change(actor: Any, model: type[models.Model]) -> bool:
    """May this actor's role change rows of `model` at all? (Which rows is `restrict`'s job.)"""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_platform_admin or actor.role == Role.DISTRICT_OFFICIAL:
        return True
    return actor.role in getattr(model, "scope_change", {})


def _grid_ids(actor: Any) -> list[int]:
    """A grid worker's grids, read once per request (the actor object lives as long as the request)."""
    if not hasattr(actor, "_scope_grid_ids"):
        actor._scope_grid_ids = list(actor.grids.values_list("pk", flat=True))
    return actor._scope_grid_ids


def _first_many(model: type[models.Model], path: str) -> int | None:
    """The position in `path` of its first many-valued relation, or None when every step is single-valued."""
    for position, name in enumerate(path.split("__")):
        if name == "pk":
            return None
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return position
        if field.related_model is None:
            return None
        model = field.related_model
    return None


def _model_at(model: type[models.Model], names: list[str]) -> type[models.Model]:
    for name in names:
        model = model._meta.get_field(name).related_model
    return model


def access(actor: User, queryset_or_model: Any, action: str = VIEW, **lookup: Any) -> Any:
    """The object matching `lookup` inside the actor's scope, or Http404 (missing and not-yours alike).

    Asked for a change, an object the actor may see but not change is a refusal (Forbidden, 403), not a 404:
    the actor knows it exists already, and the answer tells them why nothing happened."""
    queryset = (
        queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model.all()
    )
    try:
        return restrict(queryset, actor, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        if action != VIEW and visible_elsewhere(queryset, actor, **lookup):
            from accounts.permissions import Forbidden

            raise Forbidden(NOT_CHANGEABLE) from error
        raise Http404("未找到该对象") from error


NOT_CHANGEABLE = _("您可以查看该对象，但无权修改它。")


def visible_elsewhere(queryset: models.QuerySet, actor: Any, **lookup: Any) -> bool:
    """Is the object matching `lookup` inside the actor's view scope (asked after a miss in the change scope)?"""
    try:
        return restrict(queryset, actor, VIEW).filter(**lookup).exists()
    except (ValueError, TypeError):
        return False


def can(actor: User, obj: models.Model, action: str = CHANGE) -> bool:
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, action).exists()


class TenantQuerySet(models.QuerySet):
    def visible_to(self, actor: Any, action: str = VIEW) -> models.QuerySet:
        return restrict(self, actor, action)


def object_view(model: type[models.Model]) -> Any:
    """Marks a function view whose URL kwargs name an object of `model`, so that the tenancy walk
    (tests/test_tenancy_walk.py) can aim it at another district's object. Class-based views say `model = ...`."""

    def mark(view: Any) -> Any:
        view.tenancy_model = model
        return view

    return mark
