"""The model census: every tenant-owned model carries every wall, or this test names the one it lacks.

A tenant-owned model is any concrete model with a `district` foreign key (and the district itself). Each must
have:
- the scoped manager (`Model.objects.visible_to(actor)`, accounts.policy.TenantQuerySet);
- scope maps as accounts.policy reads them (`scope_view` / `scope_change`: Role → WHOLE_DISTRICT or lookups
  that resolve on the model);
- audit tracking (a pghistory event model), unless it is itself an append-only log (EXEMPT_HISTORY);
- a row-level-security policy on its table, its event table and its link tables (accounts.rls, pg_policies);
- a maker in the tenancy walk's OBJECT_MAKERS, or a reason here why the walk cannot aim at it (EXEMPT_WALK).
A model added tomorrow (funding's, say) fails here until it has all five.
"""

import pghistory.models
import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection, models

from accounts.policy import WHOLE_DISTRICT, RowCondition, TenantQuerySet
from accounts.roles import Role
from tests.test_tenancy_walk import OBJECT_MAKERS

# Append-only logs that are their own history: a pghistory copy of them would say nothing more.
EXEMPT_HISTORY = {
    "accounts.PersonalDataReveal": "the reveal log is itself an audit trail, append-only for the application role",
    "workorders.TimelineEntry": "the order's timeline is itself its history, append-only (only retention masks it)",
    "workorders.Notification": "a message to one user, written once and marked read; the order's history tells why",
    "workorders.IdempotencyKey": "a filing's replay record (key, answer), written once in the filing's transaction",
    "workorders.OutboxMessage": "a task waiting to be published; the order's history and the task's context tell why",
    "workorders.KpiCounter": "counts derived from the orders by triggers; the orders' history tells what changed",
    "workorders.StateCounter": "counts derived from the orders by a trigger; the orders' history tells what changed",
    "workorders.KpiMonth": "counts derived from the orders by triggers; the orders' history tells what changed",
    "workorders.KpiCommunityMonth": "counts derived from the orders by triggers; the orders' history tells the changes",
    "accounts.FormSubmission": "a page form's replay record (token, result), written once with the record it made",
}

# Models with no URL of their own: the walk reaches them through the page of the object they belong to.
EXEMPT_WALK = {
    "accounts.User": "no user page or user API; users appear on their district's pages, which the walk covers",
    "compounds.TierChange": "no URL of its own: a community's tier history, shown on the community's page",
    "workorders.TimelineEntry": "no URL of its own: part of the order's page and API, which the walk aims at",
    "workorders.Escalation": "no URL of its own: part of the order's page and API, which the walk aims at",
    "ratings.IntroductionStep": "no URL of its own: steps are addressed through their introduction's URL",
    "workorders.IdempotencyKey": "no URL: replayed by the filing endpoints the walk already aims at",
    "workorders.OutboxMessage": "no URL: internal delivery of tasks",
    "workorders.KpiCounter": "no URL of its own: read by the KPI page and API and the homes, which the walk aims at",
    "workorders.StateCounter": "no URL of its own: read by the homes and the queue, which the walk aims at",
    "workorders.KpiMonth": "no URL of its own: read by the KPI page and API and the homes, which the walk aims at",
    "workorders.KpiCommunityMonth": "no URL of its own: read by the KPI page and API and the homes the walk aims at",
    "accounts.FormSubmission": "no URL: replayed by the page forms the walk already aims at",
}


def tenant_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or issubclass(model, pghistory.models.Event):
            continue
        fields = {field.name: field for field in model._meta.concrete_fields}
        district = fields.get("district")
        if model._meta.label == "compounds.District" or (
            district is not None and district.related_model._meta.label == "compounds.District"
        ):
            found.append(model)
    return found


def event_models(model: type[models.Model]) -> list[type[models.Model]]:
    return [
        event
        for event in apps.get_models()
        if issubclass(event, pghistory.models.Event) and getattr(event, "pgh_tracked_model", None) is model
    ]


def policies() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relrowsecurity AND c.relforcerowsecurity "
            "AND EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname)"
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_census_finds_the_models_it_must():
    labels = {model._meta.label for model in tenant_models()}
    assert {"compounds.Compound", "workorders.WorkOrder", "ratings.PanelScore", "accounts.User"} <= labels
    assert {"staffing.Visit", "reports.ReportBuild", "compounds.District"} <= labels
    assert "accounts.ApiKey" not in labels and "sessions.Session" not in labels  # not tenant-owned


def test_every_tenant_model_has_the_scoped_manager():
    missing = [
        model._meta.label
        for model in tenant_models()
        if not isinstance(model._default_manager.all(), TenantQuerySet)
        or not isinstance(model.objects.all(), TenantQuerySet)
    ]
    assert not missing, f"give these models TenantQuerySet's manager (visible_to): {missing}"


def _path_resolves(model: type[models.Model], path: str) -> bool:
    try:
        str(model._base_manager.filter(**{f"{path}__isnull": False}).query)
    except FieldError:
        return False
    return True


def _condition_resolves(model: type[models.Model], condition: RowCondition) -> bool:
    try:
        str(model._base_manager.filter(condition.q).query)
    except FieldError:
        return False
    return True


def test_every_tenant_model_has_scope_maps_the_policy_can_read():
    problems = []
    for model in tenant_models():
        for attribute in ("scope_view", "scope_change"):
            scope_map = getattr(model, attribute, None)
            if not isinstance(scope_map, dict):
                problems.append(f"{model._meta.label}.{attribute} is missing")
                continue
            for role, paths in scope_map.items():
                if role not in Role.values:
                    problems.append(f"{model._meta.label}.{attribute}: {role!r} is not a role")
                if paths == WHOLE_DISTRICT:
                    continue
                if isinstance(paths, RowCondition):
                    paths = (paths,)
                for path in (paths,) if isinstance(paths, str) else paths:
                    if isinstance(path, RowCondition):
                        if not _condition_resolves(model, path):
                            problems.append(f"{model._meta.label}.{attribute}[{role}]: {path!r} does not resolve")
                        continue
                    if not _path_resolves(model, path):
                        problems.append(f"{model._meta.label}.{attribute}[{role}]: {path!r} does not resolve")
    assert not problems, "\n".join(problems)


def test_every_tenant_model_is_tracked_by_pghistory_or_is_itself_a_log():
    untracked = [
        model._meta.label
        for model in tenant_models()
        if not event_models(model) and model._meta.label not in EXEMPT_HISTORY
    ]
    assert not untracked, f"add @pghistory.track() to these models (or a reason to EXEMPT_HISTORY): {untracked}"
    stale = set(EXEMPT_HISTORY) - {model._meta.label for model in tenant_models() if not event_models(model)}
    assert not stale, f"these are tracked now: take them out of EXEMPT_HISTORY: {stale}"


@pytest.mark.django_db
def test_every_tenant_table_its_events_and_its_links_are_under_row_level_security():
    protected = policies()
    missing = []
    for model in tenant_models():
        tables = [model._meta.db_table]
        tables += [event._meta.db_table for event in event_models(model)]
        tables += [
            field.remote_field.through._meta.db_table
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        ]
        missing += [table for table in tables if table not in protected]
    assert not missing, (
        "add EnableRLS(...) for these tables to the app's migrations (accounts.rls; events with events=True, "
        f"link tables with parent=...): {missing}"
    )


@pytest.mark.django_db
def test_events_have_no_update_or_delete_policy():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, cmd FROM pg_policies WHERE schemaname = current_schema() "
            "AND tablename IN (SELECT table_name FROM information_schema.columns "
            "                  WHERE table_schema = current_schema() AND column_name = 'pgh_obj_id')"
        )
        rows = cursor.fetchall()
    assert rows, "no event table has a policy"
    assert {cmd for _, cmd in rows} == {"SELECT", "INSERT"}


def test_every_tenant_model_has_a_maker_in_the_tenancy_walk_or_a_reason():
    labels = {model._meta.label for model in OBJECT_MAKERS}
    missing = [
        model._meta.label
        for model in tenant_models()
        if model._meta.label not in labels and model._meta.label not in EXEMPT_WALK
    ]
    assert not missing, f"add these models to the walk's OBJECT_MAKERS (or a reason to EXEMPT_WALK): {missing}"
    stale = set(EXEMPT_WALK) & labels
    assert not stale, f"these have makers now: take them out of EXEMPT_WALK: {stale}"
