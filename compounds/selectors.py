"""Reads that compute figures of the organisation tree, shared by pages, API and PDF reports.

Every function takes the actor and starts from `visible_to(actor)`, so a figure never counts a row the
actor may not see: a street official and a property-firm employee looking at the same street get the
figures of what each of them can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from compounds.models import Building, Community, Compound, District, Grid, Street, TierChange


@dataclass(frozen=True)
class TreeFigures:
    """The four figures at the top of a dashboard."""

    communities: int
    compounds: int
    three_no_compounds: int
    households: int


def _compound_totals(compounds: QuerySet[Compound]) -> dict[str, int]:
    totals = compounds.order_by().aggregate(
        compounds=Count("pk"),
        three_no_compounds=Count("pk", filter=Q(is_three_no=True)),
        households=Coalesce(Sum("households"), 0),
    )
    return {key: int(value or 0) for key, value in totals.items()}


def visible_streets(*, actor: Any) -> QuerySet[Street]:
    return Street.objects.visible_to(actor).select_related("district")


def visible_compounds(*, actor: Any) -> QuerySet[Compound]:
    return Compound.objects.visible_to(actor).select_related("community", "community__street", "property_firm")


def street_figures(*, actor: Any, street: Street) -> TreeFigures:
    """Counts of one street as the actor sees it (two queries)."""
    communities = Community.objects.visible_to(actor).filter(street=street).count()
    totals = _compound_totals(Compound.objects.visible_to(actor).filter(community__street=street))
    return TreeFigures(communities=communities, **totals)


def district_figures(*, actor: Any, district: District) -> TreeFigures:
    communities = Community.objects.visible_to(actor).filter(district=district).count()
    totals = _compound_totals(Compound.objects.visible_to(actor).filter(district=district))
    return TreeFigures(communities=communities, **totals)


def _count_visible(model_qs: QuerySet, group_field: str, **aggregates: Any) -> Subquery:
    """A correlated subquery over `model_qs` (already restricted to the actor) grouped by `group_field`."""
    return Subquery(
        model_qs.filter(**{group_field: OuterRef("pk")})
        .order_by()
        .values(group_field)
        .annotate(**aggregates)
        .values(next(iter(aggregates))),
        output_field=IntegerField(),
    )


def streets_with_figures(*, actor: Any, district: District | None = None) -> QuerySet[Street]:
    """The streets the actor sees, each annotated with the figures of its visible communities and compounds.

    One query: every figure is a correlated subquery over an already restricted queryset.
    """
    streets = visible_streets(actor=actor)
    if district is not None:
        streets = streets.filter(district=district)
    communities = Community.objects.visible_to(actor)
    compounds = Compound.objects.visible_to(actor)
    return streets.annotate(
        community_count=Coalesce(_count_visible(communities, "street", n=Count("pk")), Value(0)),
        compound_count=Coalesce(_count_visible(compounds, "community__street", n=Count("pk")), Value(0)),
        three_no_count=Coalesce(
            _count_visible(compounds, "community__street", n=Count("pk", filter=Q(is_three_no=True))), Value(0)
        ),
        household_count=Coalesce(_count_visible(compounds, "community__street", n=Sum("households")), Value(0)),
    ).order_by("code")


def communities_with_figures(*, actor: Any, street: Street) -> QuerySet[Community]:
    """The communities of a street the actor sees, each with its visible compound counts and households."""
    compounds = Compound.objects.visible_to(actor)
    return (
        Community.objects.visible_to(actor)
        .filter(street=street)
        .annotate(
            compound_count=Coalesce(_count_visible(compounds, "community", n=Count("pk")), Value(0)),
            three_no_count=Coalesce(
                _count_visible(compounds, "community", n=Count("pk", filter=Q(is_three_no=True))), Value(0)
            ),
            household_count=Coalesce(_count_visible(compounds, "community", n=Sum("households")), Value(0)),
        )
        .order_by("code")
    )


def street_compounds(*, actor: Any, street: Street) -> QuerySet[Compound]:
    """The compounds of a street the actor sees, with what the dashboard's table shows (one query)."""
    return visible_compounds(actor=actor).filter(community__street=street).order_by("code")


def compound_detail(*, actor: Any, compound: Compound) -> dict[str, Any]:
    """What the compound page shows besides the compound itself: buildings (with their grids), the grids
    covering it and the community's tier history, each restricted to the actor."""
    grids = Grid.objects.visible_to(actor)
    buildings = list(
        Building.objects.visible_to(actor)
        .filter(compound=compound)
        .prefetch_related(Prefetch("grids", queryset=grids.order_by("code"), to_attr="visible_grids"))
        .order_by("name")
    )
    compound_grids = list(grids.filter(buildings__compound=compound).distinct().order_by("code"))
    tier_history = list(
        TierChange.objects.visible_to(actor)
        .filter(community_id=compound.community_id)
        .select_related("recorded_by")
        .order_by("-effective_year", "-recorded_at", "-pk")
    )
    return {"buildings": buildings, "grids": compound_grids, "tier_history": tier_history}
