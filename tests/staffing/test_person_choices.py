"""A person choice names each person's organisation without a query per person (staffing.forms.PersonChoiceField)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing.forms import person_field
from staffing.models import Person
from tests.staffing.walk import dept_person, person, street_person


def _options(tree) -> tuple[list[str], int]:
    field = person_field(Person.objects.none())
    field.queryset = Person.objects.filter(district=tree.district).order_by("pk")  # as each form sets it
    with CaptureQueriesContext(connection) as queries:
        labels = [str(label) for value, label in field.choices if value]
    return labels, len(queries.captured_queries)


def test_the_options_name_each_persons_organisation_in_one_query(tree):
    person(tree)  # of a community (and its street)
    street_person(tree)
    dept_person(tree)
    labels, one_each = _options(tree)
    assert any(f"{tree.streets[0]} · {tree.communities[0]}" in label for label in labels), labels
    assert any(str(tree.streets[0]) in label and "·" not in label for label in labels), labels
    assert any(str(tree.department) in label for label in labels), labels
    for _ in range(5):
        person(tree)
        street_person(tree)
        dept_person(tree)
    labels, more = _options(tree)
    assert len(labels) == 18
    assert more == one_each == 1
