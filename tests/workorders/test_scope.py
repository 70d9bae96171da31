"""Who sees which work order: the policy's alternatives (OR) for one role."""

import pytest

from accounts.roles import Role
from tests import factories
from workorders.models import Channel, TimelineEntry, WorkOrder

pytestmark = pytest.mark.django_db


def test_a_grid_worker_keeps_sight_of_what_they_reported_after_the_grid_changes(tree, file_order):
    # given an order the worker reported in their grid, and another order in that grid
    reported = file_order(
        compound=tree.compounds[0],
        actor=tree.grid_worker,
        channel=Channel.GRID,
        title="路灯不亮",
        description="东门路灯坏了三天",
    )
    in_grid = file_order(compound=tree.compounds[1])
    unrelated = file_order(compound=tree.compounds[-1], title="噪音", description="夜间施工噪音扰民严重")
    assert set(WorkOrder.objects.visible_to(tree.grid_worker).values_list("pk", flat=True)) == {reported.pk, in_grid.pk}
    # when the grid no longer covers those buildings
    tree.grids[0].buildings.clear()
    # then the worker still follows the order they reported, and only that one
    assert list(WorkOrder.objects.visible_to(tree.grid_worker).values_list("pk", flat=True)) == [reported.pk]
    assert set(TimelineEntry.objects.visible_to(tree.grid_worker).values_list("order_id", flat=True)) == {reported.pk}
    assert unrelated.pk not in WorkOrder.objects.visible_to(tree.grid_worker).values_list("pk", flat=True)


def test_another_grid_worker_does_not_see_what_a_colleague_reported(tree, file_order):
    reported = file_order(compound=tree.compounds[0], actor=tree.grid_worker, channel=Channel.GRID)
    colleague = factories.user_for(Role.GRID_WORKER, [tree.grids[-1]])
    assert not WorkOrder.objects.visible_to(colleague).filter(pk=reported.pk).exists()
