"""The staffing forms that create a record, with a one-time token (issue 11, accounts.onetime): the same filled form
posted twice — a double tap on a weak network, a resend, the back button — makes one record, and the second answer
shows what the first one made."""

import pytest
from django.urls import reverse

from staffing.models import Visit
from tests.factories import SYSTEM
from tests.onetime import post_twice, shows_replayed, token_of
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
    before = DutyShift.objects.count()

    _, second = post_twice(  # the first form of the page: the shift's
        client,
        url,
        {
            "form": "shift",
            "person": officer.pk,
            "day": "2026-02-21",
            "kind": "rest_day",
            "compensatory_day": "2026-02-25",
        },
    )

    assert DutyShift.objects.count() == before + 1
    assert "2/25调休" in shows_replayed(client, second)


def test_a_person_and_a_volunteer_service_posted_twice_are_recorded_once(client, tree):
    from staffing.models import Person, VolunteerService

    client.force_login(tree.official)
    fields = {"name": "赵志愿", "role": "volunteer", "community": tree.communities[0].pk, "is_active": "on"}
    _, second = post_twice(client, reverse("staffing:person-new"), fields)
    person = Person.objects.get(name="赵志愿")
    shows_replayed(client, second)

    fields = {
        "person": person.pk,
        "community": tree.communities[0].pk,
        "served_on": "2026-03-05",
        "hours": "2.5",
        "activity": "为独居老人送餐",
    }
    _, second = post_twice(client, reverse("staffing:volunteers"), fields)
    assert VolunteerService.objects.filter(person=person).count() == 1
    assert "为独居老人送餐" in shows_replayed(client, second)


def test_a_sinkdown_team_and_its_task_posted_twice_are_recorded_once(client, tree):
    from staffing.models import SinkDownTask, SinkDownTeam

    client.force_login(tree.official)
    fields = {"name": "城管下沉二队", "department": tree.department.pk, "formed_on": "2026-03-01"}
    post_twice(client, reverse("staffing:sinkdown"), fields)
    assert SinkDownTeam.objects.filter(name="城管下沉二队").count() == 1

    post = walk.sinkdown_post(tree)
    fields = {
        "form": "task",
        "community": post.community.pk,
        "task_type": "dispute_mediation",
        "done_on": "2026-03-02",
        "title": "调解东门停车纠纷",
        "participants": "2",
        "residents_served": "5",
    }
    url = reverse("staffing:sinkdown-team", args=[post.team.pk])
    _, second = post_twice(client, url, fields, after='value="task"')
    assert SinkDownTask.objects.filter(title="调解东门停车纠纷").count() == 1
    assert "调解东门停车纠纷" in shows_replayed(client, second)


def test_a_household_registered_twice_is_one_household_and_the_second_answer_is_its_page(client, tree):
    from staffing.models import Household

    client.force_login(tree.official)
    grid = tree.grids[0]
    fields = {
        "grid": grid.pk,
        "building": grid.buildings.first().pk,
        "address": "3单元302",
        "head_name": "钱大爷",
        "registered_on": "2026-03-01",
    }
    first, second = post_twice(client, reverse("staffing:household-new"), fields)
    household = Household.objects.get(address="3单元302")
    assert first["Location"] == second["Location"] == reverse("staffing:household", args=[household.pk])
    shows_replayed(client, second)


def test_a_reception_day_added_twice_is_one_reception_day(client, tree):
    from staffing.models import ReceptionDay

    client.force_login(tree.official)
    compound = tree.compounds[0]
    fields = {
        "form": "reception",
        "host": "property_manager",
        "weekday": "2",
        "starts_at": "09:00",
        "ends_at": "11:30",
        "place": "物业服务中心",
    }
    _, second = post_twice(client, reverse("staffing:stationed", args=[compound.pk]), fields, after='value="reception"')
    assert ReceptionDay.objects.filter(compound=compound, place="物业服务中心").count() == 1
    shows_replayed(client, second)


# ---------------------------------------------------------------------------------------------------- assignments


def test_a_grid_member_and_a_building_head_appointed_twice_are_one_term_each(client, tree):
    from staffing.models import BuildingHead, GridMember

    grid = tree.grids[0]
    member, head = walk.person(tree), walk.person(tree)
    client.force_login(tree.official)
    url = reverse("staffing:grid", args=[grid.pk])

    fields = {"form": "member", "side": "community", "person": member.pk, "start": "2026-03-02"}
    _, second = post_twice(client, url, fields, after='value="member"')
    assert GridMember.objects.filter(grid=grid, person=member).count() == 1
    shows_replayed(client, second)

    building = grid.buildings.first()
    fields = {"form": "head", "building": building.pk, "person": head.pk, "start": "2026-03-02"}
    post_twice(client, url, fields, after='value="head"')
    assert BuildingHead.objects.filter(building=building, person=head).count() == 1


def test_a_stationed_cadre_assigned_twice_is_one_term(client, tree):
    from staffing.models import StationedCadre

    compound = tree.compounds[0]
    cadre = walk.cadre_person(tree)
    client.force_login(tree.official)
    fields = {
        "form": "assign",
        "person": cadre.pk,
        "post": "secretary",
        "start": "2026-03-02",
        "office_hours": "周三上午",
    }

    url = reverse("staffing:stationed", args=[compound.pk])
    _, second = post_twice(client, url, fields, after='value="assign"')

    assert StationedCadre.objects.filter(compound=compound, person=cadre).count() == 1
    shows_replayed(client, second)


def test_a_sinkdown_member_and_post_added_twice_are_one_each(client, tree):
    from staffing.models import SinkDownMember, SinkDownPost

    team = walk.sinkdown_team(tree)
    officer = walk.dept_person(tree)
    client.force_login(tree.official)
    url = reverse("staffing:sinkdown-team", args=[team.pk])

    fields = {"form": "member", "person": officer.pk, "start": "2026-03-02"}
    _, second = post_twice(client, url, fields, after='value="member"')
    assert SinkDownMember.objects.filter(team=team, person=officer).count() == 1
    shows_replayed(client, second)

    fields = {"form": "post", "community": tree.communities[1].pk, "start": "2026-03-02"}
    post_twice(client, url, fields, after='value="post"')
    assert SinkDownPost.objects.filter(team=team, community=tree.communities[1]).count() == 1


def test_a_party_household_and_a_seat_posted_twice_are_one_each(client, tree):
    from staffing.models import PartyHousehold, SeatTerm

    grid = tree.grids[0]
    homes = [walk.household(tree, address=f"9单元90{i}") for i in range(5)]
    member = walk.person(tree, role="resident", is_party_member=True)
    client.force_login(tree.official)

    fields = {"form": "party", "person": member.pk, "since": "2026-03-02", "households": [h.pk for h in homes]}
    url = reverse("staffing:grid", args=[grid.pk])
    _, second = post_twice(client, url, fields, after='value="party"')
    assert PartyHousehold.objects.filter(person=member).count() == 1
    shows_replayed(client, second)

    lawyer = walk.person(tree, role="legal_adviser", community=None)
    compound = tree.compounds[0]
    fields = {"form": "appoint", "seat": "legal_adviser", "person": lawyer.pk, "start": "2026-03-02"}
    post_twice(client, reverse("staffing:team", args=[compound.pk]), fields, after='value="appoint"')
    assert SeatTerm.objects.filter(team__compound=compound, person=lawyer).count() == 1
