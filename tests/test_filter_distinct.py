"""No list says SELECT DISTINCT unless a filter's path can repeat a row.

django-filter's multiple-choice filters (a state, a kind, a street by id or code) make the whole query SELECT
DISTINCT by default: PostgreSQL then sorts or hashes every matching row whole before the page is cut (at a
million orders, seconds). A filter on the row's own column or through to-one relations cannot repeat a row, so
the site's filters (compounds.filtersets.DistinctOnlyWhenMany) say DISTINCT only across a to-many relation.
This census applies every multiple-choice filter of every filterset to its model and reads the SQL.
"""

from __future__ import annotations

import importlib

import django_filters
import pytest

from compounds.filtersets import DistinctOnlyWhenMany, crosses_many

MODULES = ("accounts", "compounds", "funding", "ratings", "staffing", "workorders")


def filtersets() -> list[type[django_filters.FilterSet]]:
    for app in MODULES:
        importlib.import_module(f"{app}.filtersets")
    found, todo = [], [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub._meta.model is not None and sub.__module__.split(".")[0] in MODULES:
                found.append(sub)
    return found


def multiple_choice_filters() -> list[tuple[type, str, django_filters.Filter]]:
    return [
        (filterset, name, one)
        for filterset in filtersets()
        for name, one in filterset.base_filters.items()
        if isinstance(one, django_filters.MultipleChoiceFilter) and one.method is None
    ]


def a_value(one: django_filters.Filter):
    if isinstance(one, django_filters.ModelMultipleChoiceFilter):
        return "x" if one.extra.get("to_field_name") else 1
    return next(iter(one.extra["choices"]))[0]


def test_the_census_finds_the_filters():
    names = {f"{fs.__name__}.{name}" for fs, name, _ in multiple_choice_filters()}
    # a few of every app, the ones the lists of issue 12 named among them
    for expected in (
        "WorkOrderFilterSet.channel",
        "WorkOrderFilterSet.department_id",
        "CompoundFilterSet.management_mode",
        "DisbursementFilterSet.status",
        "PersonFilterSet.role",
    ):
        assert expected in names, sorted(names)


@pytest.mark.parametrize(
    ("filterset", "name", "one"),
    multiple_choice_filters(),
    ids=lambda x: getattr(x, "__name__", x if isinstance(x, str) else ""),
)
def test_a_multiple_choice_filter_is_distinct_only_where_rows_can_repeat(filterset, name, one):
    assert isinstance(one, DistinctOnlyWhenMany), (
        f"{filterset.__name__}.{name} is django-filter's own {type(one).__name__}: SELECT DISTINCT on every query "
        "it filters — use compounds.filtersets.ChoicesFilter / ScopedIdFilter / ScopedCodeFilter"
    )
    model = filterset._meta.model
    one = type(one).__new__(type(one))
    one.__dict__.update(filterset.base_filters[name].__dict__)
    sql = str(one.filter(model._default_manager.all(), [a_value(one)]).query)
    many = crosses_many(model, one.field_name)
    if one.distinct_given:
        assert ("DISTINCT" in sql) == one.distinct, sql
        assert one.distinct or not many, f"{filterset.__name__}.{name} crosses a to-many relation without DISTINCT"
    else:
        assert ("DISTINCT" in sql) == many, f"{filterset.__name__}.{name}: {sql}"


def test_a_street_filter_through_to_one_relations_says_no_distinct():
    from staffing.filtersets import HouseholdFilterSet  # compound__community__street: to-one all the way

    filterset = HouseholdFilterSet(data={}, queryset=HouseholdFilterSet._meta.model.objects.all())
    sql = str(filterset.filter_street(filterset.queryset, "street_id", [1]).query)
    assert "DISTINCT" not in sql


@pytest.mark.django_db
def test_a_list_compiles_no_query_for_the_id_filters_it_was_not_given(tree, monkeypatch):
    """An id or code filter left out cleans to `queryset.none()`; django-filter's `if not value` evaluated it, so
    every list request compiled the scoped choices' query of each filter it did not use (the order API has
    seventeen: ~8 ms of its ~30 ms of CPU on the 100 k city)."""
    from django.db.models.sql.compiler import SQLCompiler
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = tree.official
    compiled: list[str] = []
    original = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):
        compiled.append(self.query.model.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", spy)
    checked = 0
    for filterset in filtersets():
        if not filterset.__module__.endswith(".filtersets"):
            continue  # a page's own subclass (compounds.views), found once its module is imported, takes more
        if not any(isinstance(f, django_filters.ModelMultipleChoiceFilter) for f in filterset.base_filters.values()):
            continue
        model = filterset._meta.model
        compiled.clear()
        filterset(data={}, queryset=model._default_manager.all(), request=request).qs  # noqa: B018
        assert compiled == [], f"{filterset.__name__} with no filter compiled queries of {compiled}"
        checked += 1
    assert checked >= 10
