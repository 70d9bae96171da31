"""What the QR filing no longer does on its request path (issue 12) and what it must still refuse: the door's
lookup folded into the scope statement (set once), the model's full_clean left to the form that already applied
the same rules, the service's savepoint gone without an order ever committing half-written; the form token's
bookkeeping (a phone posts with one) down to one claim and one record, without a savepoint."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.actors import SystemActor
from workorders import services
from workorders.models import Channel, IdempotencyKey, OutboxMessage, TimelineEntry, WorkOrder

from .test_intake_resident import DESCRIPTION, post_report, report_url
from .test_photos import small_jpeg

pytestmark = pytest.mark.usefixtures("fresh_media_and_cache")


def _scope_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "set_config('capillary.district'" in q["sql"]]


# ---------------------------------------------------------------------------------------------------- the door


def test_a_signed_out_qr_page_sets_its_scope_once_from_the_door(client, tree, categories):
    # given a resident (signed out) at the compound's QR page
    compound = tree.compounds[0]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(report_url(compound))
    # then the page is the compound's, with its district's categories (the scope took effect)
    body = response.content.decode()
    assert response.status_code == 200 and compound.name in body and categories["leak"].name in body
    # and the scope was set by one statement, the door's own lookup, before anything else read the database
    # (the test's own scope put back after the request is not the request's)
    scopes = [s for s in _scope_statements(queries) if "'capillary.platform', 'on'" not in s]
    assert len(scopes) == 1 and "capillary_door_compound_token(" in scopes[0]
    assert not any(q["sql"].startswith("SELECT capillary_door_") for q in queries.captured_queries)


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 201, "%20"])
def test_a_bad_compound_token_is_still_a_chinese_404_and_files_nothing(client, tree, categories, token):
    for response in (
        client.get(f"/q/{token}/report/"),
        client.post(f"/q/{token}/report/", {"category": categories["leak"].pk, "description": DESCRIPTION}),
    ):
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode() or "未找到" in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_a_token_of_another_district_runs_in_that_district_only(client, tree, other_tree, categories):
    # given district B's categories; a resident posts A's category with B's token
    theirs = {
        c.code: c for c in services.categories_seed(actor=SystemActor(name="tests"), district=other_tree.district)
    }
    b_compound = other_tree.compounds[0]
    # then A's category is not B's choice (refused on the form), and B's lands in B
    assert post_report(client, b_compound, categories["leak"]).status_code == 400
    assert post_report(client, b_compound, theirs["leak"]).status_code == 302
    assert list(WorkOrder.objects.values_list("district_id", flat=True)) == [other_tree.district.pk]


def test_a_signed_in_staff_member_at_a_qr_page_still_runs_in_the_codes_district(client, tree, other_tree, categories):
    # staff scan other districts' codes too: the door's district, whoever asks (the signed-in path is unchanged)
    client.force_login(tree.street_staff)
    theirs = {
        c.code: c for c in services.categories_seed(actor=SystemActor(name="tests"), district=other_tree.district)
    }
    response = client.get(report_url(other_tree.compounds[0]))
    body = response.content.decode()
    assert response.status_code == 200 and other_tree.compounds[0].name in body
    assert theirs["leak"].name in body and f'value="{categories["leak"].pk}"' not in body


# ---------------------------------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # the text rule the model's validate_text applied: a control character
        ({"description": "3号楼楼道\x07堆满纸箱"}, "控制字符"),
        # a phone number the service normalised again
        ({"reporter_phone": "0000"}, "不是有效的手机号或带区号的固定电话"),
        # the model's length (its TEXT_MAX is longer than the form's 1000)
        ({"description": "很" * 4001}, "问题描述不能超过 1000 字"),
    ],
)
def test_what_the_models_full_clean_refused_the_qr_form_still_refuses_in_chinese(
    client, tree, categories, fields, message
):
    response = post_report(client, tree.compounds[0], categories["leak"], **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert WorkOrder.objects.count() == 0


def test_a_caller_without_a_form_still_gets_the_models_rules(tree, categories):
    # the service without checked_by_form (staff pages, API, Open311, imports) still runs full_clean
    with pytest.raises(ValidationError) as refused:
        services.work_order_file(
            actor=SystemActor(name="tests", district_id=tree.district.pk),
            compound=tree.compounds[0],
            category=categories["leak"],
            channel=Channel.RESIDENT_QR,
            title="路灯坏了",
            description="路灯\x01坏了",
        )
    assert "description" in refused.value.error_dict
    assert WorkOrder.objects.count() == 0


def test_a_filing_refused_by_the_service_leaves_the_callers_transaction_usable(tree, categories, other_tree):
    # given a caller's transaction (a request's), and a category of another district
    theirs = services.categories_seed(actor=SystemActor(name="tests"), district=other_tree.district)[0]
    with transaction.atomic():
        with pytest.raises(ValidationError):
            services.work_order_file(
                actor=SystemActor(name="tests", district_id=tree.district.pk),
                compound=tree.compounds[0],
                category=theirs,
                channel=Channel.RESIDENT_QR,
                title="路灯坏了",
                description="路灯坏了",
            )
        # then the caller goes on (its error page reads the database) without a savepoint of the service's
        assert WorkOrder.objects.count() == 0 and not connection.needs_rollback


def test_an_error_after_the_first_write_never_commits_an_order_without_its_outbox_row(tree, categories, monkeypatch):
    # given a database error after the order's insert (its timeline row refused)
    def broken(**kwargs):
        raise RuntimeError("timeline refused")

    monkeypatch.setattr(services, "timeline_append", broken)
    # when a caller catches it inside its own transaction and tries to go on
    with pytest.raises(RuntimeError), transaction.atomic():
        try:
            services.work_order_file(
                actor=SystemActor(name="tests", district_id=tree.district.pk),
                compound=tree.compounds[0],
                category=categories["leak"],
                channel=Channel.RESIDENT_QR,
                title="路灯坏了",
                description="路灯坏了",
            )
        finally:
            # then the caller's whole transaction is marked for rollback: nothing of the filing can commit
            assert connection.needs_rollback
    assert not WorkOrder.objects.exists() and not OutboxMessage.objects.exists()
    assert not TimelineEntry.objects.exists()


# ---------------------------------------------------------------------------------------------------- kept photos


def _hidden(body: str, name: str) -> str | None:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', body)
    return found.group(1) if found else None


def test_a_refused_qr_form_keeps_its_photo_and_the_corrected_post_files_it(client, tree, categories):
    compound, category = tree.compounds[0], categories["leak"]
    form_token = _hidden(client.get(report_url(compound)).content.decode(), "form_token")
    # given a post refused for its phone number, with a photo
    refused = client.post(
        report_url(compound),
        {
            "category": category.pk,
            "description": DESCRIPTION,
            "reporter_phone": "12345",
            "photos": small_jpeg(),
            "form_token": form_token,
        },
        REMOTE_ADDR="10.0.0.1",
    )
    body = refused.content.decode()
    # then the page says the photo is kept, and carries the flag that the corrected post sends back
    assert refused.status_code == 400 and "已保留您选择的 1 张照片" in body
    assert _hidden(body, "photos_kept") == "1" and _hidden(body, "form_token") == form_token
    # when the resident corrects the number and posts the page as it is (no new file)
    filed = client.post(
        report_url(compound),
        {
            "category": category.pk,
            "description": DESCRIPTION,
            "reporter_phone": "13812345678",
            "form_token": form_token,
            "photos_kept": "1",
        },
        REMOTE_ADDR="10.0.0.1",
    )
    # then the order is filed with the kept photo
    assert filed.status_code == 302
    assert WorkOrder.objects.get().photos.count() == 1


def test_a_first_qr_post_does_not_look_for_kept_photos(client, tree, categories, monkeypatch):
    # a form that was never refused carries no flag: the cache is not asked for photos it cannot hold
    from workorders.intake import views

    asked = []
    monkeypatch.setattr(views, "with_pending", lambda **kw: asked.append(kw) or kw["photos"])
    monkeypatch.setattr(views, "pending_clear", lambda **kw: asked.append(kw))
    body = {"form_token": "a" * 32, "photos": small_jpeg()}
    assert post_report(client, tree.compounds[0], categories["leak"], **body).status_code == 302
    assert asked == [] and WorkOrder.objects.get().photos.count() == 1


# ---------------------------------------------------------------------------------------------------- the form token


def _writes(queries) -> list[str]:
    # pghistory's context rides in front of a write ("SELECT set_config(…); INSERT …"): look past it
    return [q["sql"] for q in queries.captured_queries if re.search(r"(^|;)\s*(INSERT|UPDATE|DELETE)\s", q["sql"])]


def test_a_qr_filing_with_its_form_token_costs_two_statements_more_and_its_replay_files_nothing(
    client, tree, categories
):
    compound, category = tree.compounds[0], categories["leak"]
    # given a filing without a token (an old page still open), as the yardstick
    with CaptureQueriesContext(connection) as plain:
        assert post_report(client, compound, category, description="1号楼楼道灯不亮").status_code == 302
    # when a phone posts the page as rendered, with its one-time token
    token = uuid.uuid4().hex
    with CaptureQueriesContext(connection) as tokened:
        first = post_report(client, compound, category, form_token=token, ip="10.0.0.2")
    # then it files, and its token cost one claim (insert and lock in one statement, which also finds a resend)
    # and one record of the order: no look before the form, no savepoint, no separate lock
    assert first.status_code == 302
    order = WorkOrder.objects.get(description=DESCRIPTION)
    key = IdempotencyKey.objects.get(key=token)
    assert key.order_id == order.pk and key.scope == f"qr:{compound.pk}"
    assert len(tokened) - len(plain) == 2
    key_sql = [q["sql"] for q in tokened.captured_queries if "workorders_idempotencykey" in q["sql"]]
    assert len(key_sql) == 2 and sum("ON CONFLICT" in sql for sql in key_sql) == 1
    assert not any("FOR UPDATE" in q["sql"] for q in tokened.captured_queries)
    # (the test's own transaction gives the request's scope a savepoint: the same in both)
    savepoints = [sum("SAVEPOINT" in q["sql"] for q in run.captured_queries) for run in (plain, tokened)]
    assert savepoints[0] == savepoints[1]
    # when the same form arrives again (a double tap, a resend)
    with CaptureQueriesContext(connection) as replay:
        again = post_report(client, compound, category, form_token=token, ip="10.0.0.2")
    # then the resident lands on the same tracking page, and nothing was filed: the only write is the claim
    # finding (and locking) its own key
    assert again.status_code == 302 and again["Location"] == first["Location"]
    writes = _writes(replay)
    assert len(writes) == 1 and "INSERT INTO workorders_idempotencykey" in writes[0] and "ON CONFLICT" in writes[0]
    assert WorkOrder.objects.count() == 2


def test_a_qr_filing_the_service_refuses_gives_its_token_back_and_the_next_post_files(
    client, tree, categories, monkeypatch
):
    # given a filing the service refuses once, after the form accepted it (e.g. the category was retired meanwhile)
    from workorders.intake import views

    real, calls = services.work_order_file, []

    def refuse_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise ValidationError({"category": "所选诉求类别不存在或已停用。"})
        return real(**kwargs)

    monkeypatch.setattr(views.services, "work_order_file", refuse_once)
    compound, category, token = tree.compounds[0], categories["leak"], uuid.uuid4().hex
    refused = post_report(client, compound, category, form_token=token)
    # then the page says why (it still reads the database after the refusal), and the token is free again
    assert refused.status_code == 400 and "所选诉求类别不存在或已停用" in refused.content.decode()
    assert not IdempotencyKey.objects.exists() and not WorkOrder.objects.exists()
    # when the same form is posted again, it files once
    assert post_report(client, compound, category, form_token=token).status_code == 302
    assert IdempotencyKey.objects.get(key=token).order_id == WorkOrder.objects.get().pk


def test_a_qr_form_sent_back_edited_under_its_first_token_is_refused_not_swallowed(client, tree, categories):
    # given a resident's filing with the page's token
    compound, category, token = tree.compounds[0], categories["leak"], uuid.uuid4().hex
    first = post_report(client, compound, category, form_token=token)
    assert first.status_code == 302
    code = WorkOrder.objects.get().tracking_code
    # when they go back, change the description and send the same page again
    edited = post_report(client, compound, category, form_token=token, description="另一件事：5号楼电梯停运")
    # then they are told in Chinese that this page was already sent with other content (naming the first request),
    # the new text is still on the form, and nothing was filed or lost in silence
    body = edited.content.decode()
    assert edited.status_code == 400 and "内容与上次不同" in body and code in body
    assert "另一件事：5号楼电梯停运" in body and WorkOrder.objects.count() == 1
    # and the form comes back with a fresh token, which files the new request
    fresh = _hidden(body, "form_token")
    assert fresh and fresh != token
    again = post_report(client, compound, category, form_token=fresh, description="另一件事：5号楼电梯停运")
    assert again.status_code == 302 and WorkOrder.objects.count() == 2
