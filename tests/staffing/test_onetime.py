"""The staffing forms that create a record, with a one-time token (issue 11, accounts.onetime): the same filled form
posted twice — a double tap on a weak network, a resend, the back button — makes one record, and the second answer
shows what the first one made."""

import pytest
from django.urls import reverse

from staffing.models import Visit
from tests.factories import SYSTEM
from tests.onetime import token_of
from tests.staffing import walk

pytestmark = pytest.mark.django_db


def test_a_visit_posted_twice_is_logged_once_and_the_second_tap_shows_the_first(client, tree):
    from workorders import services as wo
    from workorders.models import WorkOrder

    category = wo.categories_seed(actor=SYSTEM, district=tree.district)[0]
    household = walk.household(tree, address="7单元701")
    client.force_login(tree.grid_worker)
    url = reverse("staffing:visit", args=[household.pk])
    body = {
        **token_of(client.get(url)),
        "outcome": "needs_help",
        "findings": "楼道灯坏了，老人夜里看不清",
        "raise_order": "on",
        "category": category.pk,
    }

    first = client.post(url, body)
    second = client.post(url, body)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    visit = Visit.objects.get(household=household)
    assert WorkOrder.objects.filter(description__contains="楼道灯坏了").count() == 1
    shown = client.get(second["Location"]).content.decode()
    assert "已经提交过，没有重复登记" in shown and visit.work_order.tracking_code in shown


def test_the_same_visit_token_with_other_content_is_refused_on_the_form(client, tree):
    household = walk.household(tree, address="8单元801")
    client.force_login(tree.grid_worker)
    url = reverse("staffing:visit", args=[household.pk])
    token = token_of(client.get(url))
    assert client.post(url, {**token, "outcome": "well"}).status_code == 302

    refused = client.post(url, {**token, "outcome": "not_home"})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "内容与上次不同" in page
    assert token_of(refused) != token  # a fresh token: the next submit is a new visit
    assert Visit.objects.filter(household=household).count() == 1


def test_a_weekend_duty_with_its_weekday_leave_posted_twice_is_scheduled_once(client, tree):
    from staffing.models import DutyShift

    roster = walk.roster(tree)
    officer = walk.street_person(tree)
    client.force_login(tree.street_staff)
    url = reverse("staffing:roster", args=[roster.pk]) + "?month=2026-02"
    body = {
        **token_of(client.get(url)),  # the first form of the page: the shift's
        "form": "shift",
        "person": officer.pk,
        "day": "2026-02-21",
        "kind": "rest_day",
        "compensatory_day": "2026-02-25",
    }
    before = DutyShift.objects.count()

    first = client.post(url, body)
    second = client.post(url, body)

    assert first.status_code == second.status_code == 302
    assert DutyShift.objects.count() == before + 1
    shown = client.get(second["Location"]).content.decode()
    assert "已经提交过，没有重复登记" in shown and "2/25调休" in shown


def test_a_person_and_a_volunteer_service_posted_twice_are_recorded_once(client, tree):
    from staffing.models import Person, VolunteerService

    client.force_login(tree.official)
    url = reverse("staffing:person-new")
    body = {
        **token_of(client.get(url)),
        "name": "赵志愿",
        "role": "volunteer",
        "community": tree.communities[0].pk,
        "is_active": "on",
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == second.status_code == 302, first.content.decode()[-2000:]
    person = Person.objects.get(name="赵志愿")
    assert "已经提交过，没有重复登记" in client.get(second["Location"]).content.decode()

    url = reverse("staffing:volunteers")
    body = {
        **token_of(client.get(url)),
        "person": person.pk,
        "community": tree.communities[0].pk,
        "served_on": "2026-03-05",
        "hours": "2.5",
        "activity": "为独居老人送餐",
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == second.status_code == 302, first.content.decode()[-2000:]
    assert VolunteerService.objects.filter(person=person).count() == 1
    shown = client.get(second["Location"]).content.decode()
    assert "已经提交过，没有重复登记" in shown and "为独居老人送餐" in shown


def test_a_sinkdown_team_and_its_task_posted_twice_are_recorded_once(client, tree):
    from staffing.models import SinkDownTask, SinkDownTeam

    client.force_login(tree.official)
    url = reverse("staffing:sinkdown")
    body = {
        **token_of(client.get(url)),
        "name": "城管下沉二队",
        "department": tree.department.pk,
        "formed_on": "2026-03-01",
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == second.status_code == 302, first.content.decode()[-2000:]
    assert SinkDownTeam.objects.filter(name="城管下沉二队").count() == 1

    post = walk.sinkdown_post(tree)
    url = reverse("staffing:sinkdown-team", args=[post.team.pk])
    body = {
        **token_of(client.get(url), after='value="task"'),
        "form": "task",
        "community": post.community.pk,
        "task_type": "dispute_mediation",
        "done_on": "2026-03-02",
        "title": "调解东门停车纠纷",
        "participants": "2",
        "residents_served": "5",
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == second.status_code == 302, first.content.decode()[-2000:]
    assert SinkDownTask.objects.filter(title="调解东门停车纠纷").count() == 1
    shown = client.get(second["Location"]).content.decode()
    assert "已经提交过，没有重复登记" in shown and "调解东门停车纠纷" in shown


def test_a_household_registered_twice_is_one_household_and_the_second_answer_is_its_page(client, tree):
    from staffing.models import Household

    client.force_login(tree.official)
    url = reverse("staffing:household-new")
    grid = tree.grids[0]
    body = {
        **token_of(client.get(url)),
        "grid": grid.pk,
        "building": grid.buildings.first().pk,
        "address": "3单元302",
        "head_name": "钱大爷",
        "registered_on": "2026-03-01",
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == second.status_code == 302, first.content.decode()[-2000:]
    household = Household.objects.get(address="3单元302")
    assert first["Location"] == second["Location"] == reverse("staffing:household", args=[household.pk])
    assert "已经提交过，没有重复登记" in client.get(second["Location"]).content.decode()


def test_a_reception_day_added_twice_is_one_reception_day(client, tree):
    from staffing.models import ReceptionDay

    client.force_login(tree.official)
    compound = tree.compounds[0]
    url = reverse("staffing:stationed", args=[compound.pk])
    body = {
        **token_of(client.get(url), after='value="reception"'),
        "form": "reception",
        "host": "property_manager",
        "weekday": "2",
        "starts_at": "09:00",
        "ends_at": "11:30",
        "place": "物业服务中心",
    }
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == second.status_code == 302, first.content.decode()[-2000:]
    assert ReceptionDay.objects.filter(compound=compound, place="物业服务中心").count() == 1
    assert "已经提交过，没有重复登记" in client.get(second["Location"]).content.decode()
