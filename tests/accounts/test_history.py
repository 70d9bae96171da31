"""The history panel (accounts.history): each object's page shows what changed, when and by whom, to those who may
see the object, with personal data masked; changes by tasks and commands name them."""

import pghistory
from django.urls import reverse

from accounts.actors import SystemActor
from accounts.history import object_history
from accounts.tenancy import tenant_context
from compounds.models import Compound
from tests.factories import SYSTEM
from workorders import services
from workorders.models import WorkOrder


def test_a_compound_page_shows_who_changed_what(client, tree):
    compound = tree.compounds[0]
    client.force_login(tree.official)
    with pghistory.context(user=tree.official.pk):
        Compound.objects.filter(pk=compound.pk).update(households=321)
    page = client.get(reverse("compound-detail", args=[compound.pk])).content.decode()
    assert "变更记录" in page
    assert "→ 321" in page
    assert (tree.official.full_name or tree.official.username) in page


def test_a_tasks_change_names_the_task_and_the_system(tree):
    compound = tree.compounds[0]
    actor = SystemActor(name="task:compounds.apply_due_tiers_task", district_id=tree.district.pk)
    with tenant_context(actor), pghistory.context(task="compounds.apply_due_tiers_task", actor="system:task:x"):
        Compound.objects.filter(pk=compound.pk).update(name="任务改名")
    latest = object_history(actor=tree.official, obj=compound)[0]
    assert latest.label == "修改"
    assert latest.who == "system:task:x"
    assert ("名称", compound.name, "任务改名") in latest.fields


def test_no_history_for_someone_who_may_not_see_the_object(tree, other_tree):
    compound = tree.compounds[0]
    Compound.objects.filter(pk=compound.pk).update(name="改过名")
    assert object_history(actor=tree.official, obj=compound)
    assert object_history(actor=other_tree.official, obj=compound) == []
    # a grid worker sees only the compounds of their grids
    hidden = next(c for c in tree.compounds if c.community_id != tree.grids[0].community_id)
    assert object_history(actor=tree.grid_worker, obj=hidden) == []


def test_personal_data_in_an_orders_history_is_masked(client, tree):
    category = services.categories_seed(actor=SYSTEM, district=tree.district)[0]
    order = services.work_order_file(
        actor=tree.official,
        compound=tree.compounds[0],
        category=category,
        channel="phone",
        title="楼道灯坏了",
        description="请联系13912345678",
        reporter_name="张三丰",
        reporter_phone="13912345678",
    )
    WorkOrder.objects.filter(pk=order.pk).update(reporter_phone="13987654321", reporter_name="李四光")
    changes = object_history(actor=tree.official, obj=order)
    text = repr([change.fields for change in changes])
    assert "13912345678" not in text and "13987654321" not in text and "李四光" not in text
    assert "139****4321" in text
    client.force_login(tree.official)
    page = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert "变更记录" in page
    history = page[page.index("变更记录") :]
    assert "13987654321" not in history and "李四光" not in history and "139****4321" in history
