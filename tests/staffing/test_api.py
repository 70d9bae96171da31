"""Standard API tests for every staffing endpoint (tests/api_testing.py), plus what the generated ones
cannot say: masking and the reveal log, the coverage figures, bad input in Chinese."""

import logging
from itertools import count

import pytest
from rest_framework.test import APIClient

from staffing.models import (
    BuildingHead,
    DutyRoster,
    DutyShift,
    GridMember,
    Household,
    Leave,
    PartyHousehold,
    Person,
    ReceptionDay,
    SeatTerm,
    ServiceTeam,
    SinkDownMember,
    SinkDownPost,
    SinkDownTask,
    SinkDownTeam,
    Sponsorship,
    StaffingImport,
    StarAssessment,
    StationedCadre,
    Visit,
    VolunteerService,
)
from tests.staffing import walk
from tests.staffing.api_base import StaffingAPITests

serial = count(1)


def phone() -> str:
    return f"137{next(serial):08d}"


class TestPersonAPI(StaffingAPITests):
    url_name = "staffing-api:person"
    model = Person
    writable = frozenset({"create", "update"})
    update_data = {"title": "副主任"}

    def make_object(self, tree):
        return walk.person(tree, phone=phone())

    def create_data(self, tree):
        return {"name": "新人员", "phone": phone(), "role": "community_worker", "community": tree.communities[0].pk}


class TestVolunteerServiceAPI(StaffingAPITests):
    url_name = "staffing-api:volunteer-service"
    model = VolunteerService

    def make_object(self, tree):
        return walk.volunteer_service(tree)

    def create_data(self, tree):
        return {
            "person": walk.person(tree, phone=phone()).pk,
            "community": tree.communities[0].pk,
            "served_on": "2026-03-01",
            "hours": "2.5",
            "activity": "清理楼道",
        }


class TestServiceTeamAPI(StaffingAPITests):
    url_name = "staffing-api:team"
    model = ServiceTeam
    read_only = True
    writable = frozenset()

    def make_object(self, tree):
        return walk.team(tree, compound=tree.compounds[next(serial) % 8])

    def create_data(self, tree):
        return {"compound": tree.compounds[0].pk, "formed_on": "2026-01-01"}


class TestSeatTermAPI(StaffingAPITests):
    url_name = "staffing-api:seat-term"
    model = SeatTerm
    detail_actions = ("end",)

    def make_object(self, tree):
        return walk.seat_term(tree, compound=tree.compounds[next(serial) % 4])

    def create_data(self, tree):
        return {
            "compound": tree.compounds[1].pk,
            "seat": "legal_adviser",
            "person": walk.person(tree, phone=phone(), role="legal_adviser", community=None).pk,
            "start": "2026-01-05",
        }


class TestSponsorshipAPI(StaffingAPITests):
    url_name = "staffing-api:sponsorship"
    model = Sponsorship
    reader_without_change = "street_staff"
    detail_actions = ("end",)

    def make_object(self, tree):
        return walk.sponsorship(tree, compound=tree.compounds[next(serial) % 8])

    def create_data(self, tree):
        return {"department": tree.department.pk, "compound": tree.compounds[3].pk, "start": "2026-01-01"}


class TestGridMemberAPI(StaffingAPITests):
    url_name = "staffing-api:grid-member"
    model = GridMember
    detail_actions = ("end",)

    def make_object(self, tree):
        return walk.grid_member(tree, phone=phone())

    def create_data(self, tree):
        return {
            "grid": tree.grids[1].pk,
            "side": "community",
            "person": walk.person(tree, phone=phone(), community=tree.communities[1]).pk,
            "start": "2026-02-01",
        }


class TestBuildingHeadAPI(StaffingAPITests):
    url_name = "staffing-api:building-head"
    model = BuildingHead
    detail_actions = ("end",)

    def make_object(self, tree):
        return walk.building_head(tree, building=tree.buildings[next(serial) % 8], phone=phone())

    def create_data(self, tree):
        return {
            "building": tree.buildings[2].pk,
            "person": walk.person(tree, phone=phone(), role="resident", community=tree.communities[1]).pk,
            "start": "2026-02-01",
        }


class TestPartyHouseholdAPI(StaffingAPITests):
    url_name = "staffing-api:party-household"
    model = PartyHousehold
    list_query_limit = 9

    def make_object(self, tree):
        return walk.party_household(tree, tag=str(next(serial)))

    def create_data(self, tree):
        tag = str(next(serial))
        homes = [walk.household(tree, address=f"{tag}-{i}").pk for i in range(5)]
        member = walk.person(tree, phone=phone(), role="resident", is_party_member=True)
        return {"person": member.pk, "grid": tree.grids[0].pk, "since": "2026-01-01", "households": homes}


class TestHouseholdAPI(StaffingAPITests):
    url_name = "staffing-api:household"
    model = Household
    writable = frozenset({"create", "update"})
    update_data = {"note": "独居，子女在外地"}

    def make_object(self, tree):
        return walk.household(tree, address=f"{next(serial)}单元101")

    def create_data(self, tree):
        return {
            "grid": tree.grids[0].pk,
            "compound": tree.compounds[0].pk,
            "address": "9单元909",
            "head_name": "新住户",
            "needs": ["elderly_alone"],
            "registered_on": "2026-03-01",
        }


class TestVisitAPI(StaffingAPITests):
    url_name = "staffing-api:visit"
    model = Visit
    writer = "grid_worker"

    def make_object(self, tree):
        return walk.visit(tree, address=f"{next(serial)}单元202")

    def create_data(self, tree):
        return {"household": walk.household(tree, address=f"{next(serial)}单元303").pk, "outcome": "well"}


class TestStationedCadreAPI(StaffingAPITests):
    url_name = "staffing-api:stationed-cadre"
    model = StationedCadre
    detail_actions = ("end",)

    def make_object(self, tree):
        return walk.stationed(tree, compound=tree.compounds[next(serial) % 2])

    def create_data(self, tree):
        return {
            "compound": tree.compounds[1].pk,
            "person": walk.cadre_person(tree).pk,
            "start": "2026-03-01",
            "office_hours": "周一至周五 9:00–17:00",
        }


class TestReceptionDayAPI(StaffingAPITests):
    url_name = "staffing-api:reception-day"
    model = ReceptionDay

    def make_object(self, tree):
        return walk.reception_day(tree)

    def create_data(self, tree):
        return {
            "compound": tree.compounds[0].pk,
            "host": "secretary",
            "weekday": 2,
            "starts_at": "09:00:00",
            "ends_at": "11:30:00",
            "place": "党群服务中心",
        }


class TestSinkDownTeamAPI(StaffingAPITests):
    url_name = "staffing-api:sinkdown-team"
    model = SinkDownTeam
    reader_without_change = "street_staff"

    def make_object(self, tree):
        return walk.sinkdown_team(tree, name=f"下沉{next(serial)}队")

    def create_data(self, tree):
        return {"name": "新组建服务队", "department": tree.department.pk, "formed_on": "2026-01-01"}


class TestSinkDownMemberAPI(StaffingAPITests):
    url_name = "staffing-api:sinkdown-member"
    model = SinkDownMember
    reader_without_change = "department_staff"
    detail_actions = ("end",)

    def make_object(self, tree):
        return walk.sinkdown_member(tree, name=f"下沉{next(serial)}队", phone=phone())

    def create_data(self, tree):
        team = walk.sinkdown_team(tree, name=f"下沉{next(serial)}队")
        return {"team": team.pk, "person": walk.dept_person(tree, phone=phone()).pk, "start": "2026-01-01"}


class TestSinkDownPostAPI(StaffingAPITests):
    url_name = "staffing-api:sinkdown-post"
    model = SinkDownPost
    detail_actions = ("end",)

    def make_object(self, tree):
        return walk.sinkdown_post(tree, name=f"下沉{next(serial)}队")

    def create_data(self, tree):
        team = walk.sinkdown_team(tree, name=f"下沉{next(serial)}队")
        return {"team": team.pk, "community": tree.communities[1].pk, "start": "2026-01-01"}


class TestSinkDownTaskAPI(StaffingAPITests):
    url_name = "staffing-api:sinkdown-task"
    model = SinkDownTask
    reader_without_change = "street_staff"

    def make_object(self, tree):
        return walk.sinkdown_task(tree, name=f"下沉{next(serial)}队")

    def create_data(self, tree):
        post = walk.sinkdown_post(tree, name=f"下沉{next(serial)}队")
        return {
            "team": post.team_id,
            "community": post.community_id,
            "task_type": "policy_outreach",
            "done_on": "2026-03-03",
            "title": "反诈宣传",
        }


class TestDutyRosterAPI(StaffingAPITests):
    url_name = "staffing-api:duty-roster"
    model = DutyRoster
    writer = "street_staff"

    def make_object(self, tree):
        return walk.roster(tree, name=f"值班表{next(serial)}")

    def create_data(self, tree):
        return {"street": tree.streets[0].pk, "name": "新值班表", "duty_phone": "029-85551234"}


class TestDutyShiftAPI(StaffingAPITests):
    url_name = "staffing-api:duty-shift"
    model = DutyShift
    writable = frozenset({"create", "delete"})
    writer = "street_staff"

    def make_object(self, tree):
        return walk.shift(tree, phone=phone())

    def create_data(self, tree):
        roster = walk.roster(tree, name=f"值班表{next(serial)}")
        return {"roster": roster.pk, "person": walk.street_person(tree, phone=phone()).pk, "day": "2026-03-14"}


class TestLeaveAPI(StaffingAPITests):
    url_name = "staffing-api:leave"
    model = Leave
    writer = "street_staff"

    def make_object(self, tree):
        return walk.leave(tree, phone=phone())

    def create_data(self, tree):
        return {"person": walk.street_person(tree, phone=phone()).pk, "day": "2026-03-10", "kind": "annual"}


class TestStarAssessmentAPI(StaffingAPITests):
    url_name = "staffing-api:star-assessment"
    model = StarAssessment
    read_only = True
    writable = frozenset()

    def make_object(self, tree):
        return walk.star_assessment(tree, phone=phone())

    def create_data(self, tree):
        return {"person": walk.person(tree, phone=phone()).pk, "year": 2026, "quarter": 1}


class TestStaffingImportAPI(StaffingAPITests):
    url_name = "staffing-api:import"
    model = StaffingImport
    reader_without_change = "street_staff"

    def make_object(self, tree):
        return walk.staffing_import(tree)

    def create_data(self, tree):
        return {"dry_run": True}

    def test_create(self, api_client, tree):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.as_user(api_client, tree, self.writer)
        csv = f"网格编码,类别,姓名,手机号,开始日期\n{tree.grids[0].code},社区,网格员丁,13811112222,2026-01-05\n"
        upload = SimpleUploadedFile("网格人员.csv", csv.encode())
        response = api_client.post(self.list_url(), {"file": upload, "dry_run": "false"}, format="multipart")
        assert response.status_code == 201, response.content
        assert response.data["status"] == "done" and response.data["result"]["counts"]["网格人员"]["created"] == 1
        assert GridMember.objects.filter(person__name="网格员丁").exists()
        bad = api_client.post(self.list_url(), {"file": SimpleUploadedFile("x.pdf", b"%PDF")}, format="multipart")
        assert bad.status_code == 400 and "不支持的文件类型" in bad.json()["file"][0]


# ---------------------------------------------------------------------------------------------------- beyond


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(tree.official)
    return client


@pytest.mark.django_db
def test_phones_are_masked_and_a_reveal_is_logged(api, tree, caplog):
    person = walk.person(tree, phone="13812341234")
    listed = api.get("/api/v1/staffing/people/").json()["results"]
    assert [p["phone"] for p in listed if p["id"] == person.pk] == ["138****1234"]
    assert "13812341234" not in api.get(f"/api/v1/staffing/people/{person.pk}/").content.decode()
    with caplog.at_level(logging.INFO, logger="capillary.personal_data"):
        revealed = api.post(f"/api/v1/staffing/people/{person.pk}/reveal-phone/")
    assert revealed.json() == {"phone": "13812341234"}
    [record] = [r for r in caplog.records if r.name == "capillary.personal_data"]
    assert (record.actor_id, record.object, record.object_id, record.fields) == (
        tree.official.pk,
        "staffing.person",
        person.pk,
        ["phone"],
    )
    # a grid worker sees the masked number but may not reveal it
    client = APIClient()
    client.force_authenticate(tree.grid_worker)
    assert client.post(f"/api/v1/staffing/people/{person.pk}/reveal-phone/").status_code == 403


@pytest.mark.django_db
def test_coverage_endpoint(api, tree, coverage_fixture):
    data = api.get("/api/v1/staffing/coverage/", {"on": "2026-06-30"}).json()
    assert data["district"]["compounds"] == 8 and data["district"]["full"] == 1 and data["district"]["rate"] == "0.1250"
    assert [s["full"] for s in data["streets"]] == [1, 0]
    assert data["vacancies"][0]["days"] == 176
    assert api.get("/api/v1/staffing/coverage/", {"on": "2026-02-30"}).status_code == 400


@pytest.mark.django_db
def test_bad_input_is_a_chinese_400_and_nothing_is_saved(api, tree, other_tree, crew):
    from tests.factories import PropertyFirmFactory
    from tests.staffing import factories as f

    stranger = f.property_staff(PropertyFirmFactory(district=tree.district, name="别家物业"), name="钱经理")
    body = {"compound": tree.compounds[0].pk, "seat": "property_manager", "person": stranger.pk, "start": "2026-01-05"}
    response = api.post("/api/v1/staffing/seat-terms/", body, format="json")
    assert response.status_code == 400 and "物业经理须来自为本小区服务的" in response.content.decode()
    foreign = f.officer(other_tree.streets[0], name="乙区人员")
    body = {"compound": tree.compounds[0].pk, "seat": "street_liaison", "person": foreign.pk, "start": "2026-01-05"}
    response = api.post("/api/v1/staffing/seat-terms/", body, format="json")
    assert response.status_code == 400 and "不在您的管辖范围内" in response.json()["person"][0]
    assert not SeatTerm.objects.exists()
    people_before = Person.objects.count()
    nul = api.post("/api/v1/staffing/people/", {"name": "张\x00三", "role": "resident"}, format="json")
    assert nul.status_code == 400
    huge = api.post("/api/v1/staffing/people/", {"name": "张" * 2_000_000, "role": "resident"}, format="json")
    assert huge.status_code == 400
    long = api.post("/api/v1/staffing/people/", {"name": "张" * 51, "role": "resident"}, format="json")
    assert long.status_code == 400 and "50" in long.json()["name"][0]
    bad_date = api.post(
        "/api/v1/staffing/duty-rosters/",
        {"street": tree.streets[0].pk, "name": "x", "day_starts": "25:00"},
        format="json",
    )
    assert bad_date.status_code == 400
    assert Person.objects.count() == people_before


@pytest.mark.django_db
def test_ending_a_term_on_a_date_past_the_calendar_is_a_400_and_the_term_is_unchanged(api, tree):
    """Found by the bad-input sweep (tests/test_bad_input.py): 0001-01-01 passed the serializer and broke the
    service's date arithmetic, a 500. A value the database or date arithmetic cannot take is the API's 400."""
    term = walk.seat_term(tree)
    before = SeatTerm.objects.filter(pk=term.pk).values_list().get()
    response = api.post(
        f"/api/v1/staffing/seat-terms/{term.pk}/end/", {"end": "0001-01-01", "reason": "换届"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "超出可处理的范围" in response.json()["detail"]
    assert SeatTerm.objects.filter(pk=term.pk).values_list().get() == before
