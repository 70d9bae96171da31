"""workorders/filtersets.py: every model field has a filter (or a reason not to), related choices are the
user's scope, and the queue's filters give what they say."""

from types import SimpleNamespace

import pytest

from tests.factories import SYSTEM
from tests.workorders.test_api import make_order
from workorders import filtersets, services
from workorders.models import Category, DeliberationMeeting, RoutingRule, UrgencyClass, WorkOrder

pytestmark = pytest.mark.django_db

FILTERSETS = {
    WorkOrder: filtersets.WorkOrderFilterSet,
    Category: filtersets.CategoryFilterSet,
    UrgencyClass: filtersets.UrgencyClassFilterSet,
    RoutingRule: filtersets.RoutingRuleFilterSet,
    DeliberationMeeting: filtersets.DeliberationMeetingFilterSet,
}

# Fields deliberately without a filter, with the reason.
NOT_FILTERED = {
    (WorkOrder, "description"): "searched by q",
    (WorkOrder, "reporter_name"): "personal data: never a search key",
    (WorkOrder, "reporter_phone"): "personal data: never a search key",
    (WorkOrder, "reporter_email"): "personal data (Open311's email): never a search key",
    (WorkOrder, "media_url"): "a link an Open311 client sent, shown back as given; not a list filter",
    (WorkOrder, "latitude"): "a map query, not a list filter",
    (WorkOrder, "longitude"): "a map query, not a list filter",
    (WorkOrder, "created_at"): "created_after / created_before",
    (WorkOrder, "respond_by"): "respond_due_after / respond_due_before",
    (WorkOrder, "resolve_by"): "due_after / due_before",
    (WorkOrder, "resolved_at"): "resolved_after / resolved_before",
    (WorkOrder, "committed_respond_by"): "KPI input, read through the KPI endpoints",
    (WorkOrder, "committed_resolve_by"): "KPI input, read through the KPI endpoints",
    (WorkOrder, "routed_at"): "is_pooled / state say whether it is routed",
    (WorkOrder, "responded_at"): "KPI input, read through the KPI endpoints",
    (WorkOrder, "rated_at"): "satisfaction filters rated orders",
    (WorkOrder, "closed_at"): "state=closed",
    (WorkOrder, "updated_at"): "ordering only",
    (WorkOrder, "rating_comment"): "free text from residents",
    (WorkOrder, "resolution"): "free text",
    (WorkOrder, "reject_reason"): "free text",
    (WorkOrder, "anonymised_at"): "retention bookkeeping (workorders.retention), not a list filter",
    (DeliberationMeeting, "created_at"): "held_after / held_before",
}


@pytest.mark.parametrize("model", FILTERSETS, ids=lambda m: m.__name__)
def test_every_model_field_has_a_filter(model):
    filterset = FILTERSETS[model]
    covered = {f.field_name for f in filterset.base_filters.values()} | set(filterset.base_filters)
    missing = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue
        if not (field.concrete or field.many_to_many) or field.name in ("id", "district"):
            continue
        if (model, field.name) in NOT_FILTERED:
            continue
        if field.name not in covered and f"{field.name}_id" not in covered:
            missing.append(field.name)
    assert missing == [], f"{filterset.__name__} has no filter for {missing}"


def filtered(user, filterset_class, data):
    model = filterset_class._meta.model
    filterset = filterset_class(data, queryset=model.objects.visible_to(user), request=SimpleNamespace(user=user))
    return filterset


def test_another_districts_compound_is_refused_like_a_missing_one(tree, other_tree):
    make_order(tree)
    theirs = filtered(tree.official, filtersets.WorkOrderFilterSet, {"compound_id": [other_tree.compounds[0].pk]})
    missing = filtered(tree.official, filtersets.WorkOrderFilterSet, {"compound_id": [999999]})
    assert not theirs.is_valid() and not missing.is_valid()
    assert str(theirs.errors["compound_id"]).replace(str(other_tree.compounds[0].pk), "X") == str(
        missing.errors["compound_id"]
    ).replace("999999", "X")


def test_queue_choices_are_the_users_scope(tree, other_tree):
    services.categories_seed(actor=SYSTEM, district=other_tree.district)
    user = tree.street_staff
    filterset = filtersets.WorkOrderQueueFilterSet(
        None, queryset=WorkOrder.objects.visible_to(user), request=SimpleNamespace(user=user)
    )
    fields = {field.name: field for field in filterset.visible_fields()}
    communities = {c.pk for c in fields["community_id"].field.queryset}
    assert communities == {tree.communities[0].pk, tree.communities[1].pk}
    assert not fields["category_id"].field.queryset.filter(district=other_tree.district).exists()
    assert fields["state"].label == "状态" and fields["overdue"].label == "超时"


def test_overdue_and_open(tree):
    late = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=late)
    done = make_order(tree)
    services.work_order_accept(actor=tree.firm_staff, order=done)
    services.work_order_resolve(actor=tree.firm_staff, order=done, resolution="已处理")
    user = tree.official
    overdue = filtered(user, filtersets.WorkOrderFilterSet, {"overdue": "true"})
    assert set(overdue.qs.values_list("pk", flat=True)) == {late.pk}
    still_open = filtered(user, filtersets.WorkOrderFilterSet, {"is_open": "true"})
    assert set(still_open.qs.values_list("pk", flat=True)) == {late.pk}
    closed = filtered(user, filtersets.WorkOrderFilterSet, {"is_open": "false"})
    assert set(closed.qs.values_list("pk", flat=True)) == {done.pk}
