"""The API's serializers refuse a row that would point at another district's row, even when a related field
forgot its scope (found by the tenancy walk: with the scoped fields switched off, a building of district A was
created in district B's compound and a meeting of A re-pointed at B's community — the after-write scope check
saw a row of A and let it through)."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from compounds.api.serializers import BuildingSerializer
from compounds.models import Building, Compound

pytestmark = pytest.mark.django_db


class UnscopedBuildingSerializer(BuildingSerializer):
    """A serializer whose author declared the related field by hand and forgot its scope."""

    compound = serializers.PrimaryKeyRelatedField(queryset=Compound.objects.all())


def _context(user):
    request = APIRequestFactory().post("/api/v1/buildings/")
    request.user = user
    return {"request": request}


def test_a_hand_declared_field_cannot_point_a_new_row_at_another_district(tree, other_tree):
    # given: a body naming district B's compound, sent by district A's official
    body = {"compound": other_tree.compounds[0].pk, "name": "9号楼", "households": 10}
    serializer = UnscopedBuildingSerializer(data=body, context=_context(tree.official))
    # when / then: refused on the field, in the scoped field's words, and nothing is stored
    assert not serializer.is_valid()
    assert "不在您的管辖范围内" in serializer.errors["compound"][0]
    assert not Building.objects.filter(name="9号楼").exists()


def test_an_update_cannot_move_a_row_onto_another_districts_parent(tree, other_tree):
    building = tree.buildings[0]
    serializer = UnscopedBuildingSerializer(
        building,
        data={"compound": other_tree.compounds[0].pk, "name": "8号楼"},
        partial=True,
        context=_context(tree.official),
    )
    assert not serializer.is_valid()
    assert "compound" in serializer.errors
    building.refresh_from_db()
    assert building.compound_id == tree.compounds[0].pk


def test_the_own_districts_rows_still_save(tree):
    body = {"compound": tree.compounds[1].pk, "name": "9号楼", "households": 10}
    serializer = UnscopedBuildingSerializer(data=body, context=_context(tree.official))
    assert serializer.is_valid(), serializer.errors
    assert serializer.save().district_id == tree.district.pk
