"""Grid pairs, building heads, party-member households, stationed cadres (kept in step with
Compound.stationed_cadre), reception days and sink-down teams."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.actors import SystemActor
from compounds.models import Compound
from staffing import selectors
from staffing.models import GridMember, PartyHousehold, ReceptionDay, StationedCadre
from staffing.services import grids, sinkdown, stationed, visits
from tests.staffing import factories as f

pytestmark = pytest.mark.django_db
DAY = date(2026, 1, 5)


def test_a_grid_is_paired_with_one_community_worker_and_one_property_staff(tree):
    worker = f.worker(tree.communities[0], name="社区网格员甲")
    manager = f.property_staff(tree.firm, name="物业网格员乙")
    grids.grid_member_assign(actor=tree.cadre, grid=tree.grids[0], side="community", person=worker, start=DAY)
    grids.grid_member_assign(actor=tree.cadre, grid=tree.grids[0], side="property", person=manager, start=DAY)
    [overview] = [g for g in selectors.grid_overview(actor=tree.cadre, today=DAY) if g.grid == tree.grids[0]]
    assert overview.paired and overview.community_member.person == worker
    figures = selectors.pairing_figures(actor=tree.official, today=DAY)
    assert (figures.grids, figures.paired, figures.unstaffed, figures.members) == (4, 1, 3, 2)
    # a successor replaces the community worker; the history stays
    successor = f.worker(tree.communities[0], name="社区网格员丙")
    grids.grid_member_assign(
        actor=tree.cadre, grid=tree.grids[0], side="community", person=successor, start=date(2026, 4, 1)
    )
    assert list(GridMember.objects.filter(side="community").order_by("start").values_list("end", flat=True)) == [
        date(2026, 4, 1),
        None,
    ]


def test_grid_members_come_from_the_grids_community_and_firms(tree):
    with pytest.raises(ValidationError, match="社区网格员须为"):
        grids.grid_member_assign(
            actor=tree.official, grid=tree.grids[0], side="community", person=f.worker(tree.communities[1]), start=DAY
        )
    from tests.factories import PropertyFirmFactory

    stranger = f.property_staff(PropertyFirmFactory(district=tree.district))
    with pytest.raises(ValidationError, match="物业网格员须为服务本网格小区的物业企业人员"):
        grids.grid_member_assign(actor=tree.official, grid=tree.grids[0], side="property", person=stranger, start=DAY)
    assert not GridMember.objects.exists()


def test_a_party_household_keeps_in_touch_with_five_to_fifteen_households(tree):
    member = f.resident(tree.communities[0], name="党员老马", is_party_member=True)
    homes = [
        visits.household_register(
            actor=tree.cadre,
            grid=tree.grids[0],
            compound=tree.compounds[0],
            address=f"1单元{i}01",
            head_name=f"住户{i}",
            registered_on=DAY,
        )
        for i in range(1, 8)
    ]
    with pytest.raises(ValidationError, match="联系 5 至 15 户，当前选择了 4 户"):
        grids.party_household_create(
            actor=tree.cadre, person=member, grid=tree.grids[0], since=DAY, households=homes[:4]
        )
    assert not PartyHousehold.objects.exists()
    party = grids.party_household_create(
        actor=tree.cadre, person=member, grid=tree.grids[0], since=DAY, households=homes[:6]
    )
    assert party.households.count() == 6
    with pytest.raises(ValidationError, match="未登记为中共党员"):
        grids.party_household_create(
            actor=tree.cadre, person=f.resident(tree.communities[0]), grid=tree.grids[0], since=DAY, households=homes
        )


def test_stationing_a_cadre_keeps_the_compounds_routing_field_in_step(tree):
    cadre = f.cadre(tree.communities[0], account=tree.cadre, name="驻点王")
    term = stationed.stationed_cadre_assign(
        actor=tree.street_staff, compound=tree.compounds[0], person=cadre, start=DAY, post="secretary",
        office_hours="周一至周五 9:00–17:00", today=DAY,
    )  # fmt: skip
    assert Compound.objects.get(pk=tree.compounds[0].pk).stationed_cadre == tree.cadre
    stationed.reception_day_add(
        actor=tree.cadre, compound=tree.compounds[0], host="secretary", weekday=2, starts_at=time(9),
        ends_at=time(11, 30), place="社区党群服务中心", person=cadre,
    )  # fmt: skip
    card = selectors.compound_service_card(tree.compounds[0].pk)
    assert (card.stationed_cadre, card.stationed_post, card.office_hours) == (
        "驻点王",
        "党组织书记",
        "周一至周五 9:00–17:00",
    )
    assert card.receptions[0].when == "每周三 09:00–11:30"
    # ending the stationing clears the routing field; the term stays as history
    stationed.stationed_cadre_end(
        actor=tree.cadre, term=term, end=date(2026, 3, 1), reason="换届", today=date(2026, 3, 2)
    )
    assert Compound.objects.get(pk=tree.compounds[0].pk).stationed_cadre is None
    assert StationedCadre.objects.get(pk=term.pk).end == date(2026, 3, 1)


def test_a_stationed_cadre_needs_a_cadre_account_of_the_community(tree):
    with pytest.raises(ValidationError, match="驻点干部须为"):
        stationed.stationed_cadre_assign(
            actor=tree.official, compound=tree.compounds[0], person=f.cadre(tree.communities[0]), start=DAY, today=DAY
        )


def test_a_future_stationing_takes_effect_through_the_daily_sync(tree):
    cadre = f.cadre(tree.communities[0], account=tree.cadre)
    stationed.stationed_cadre_assign(
        actor=tree.official, compound=tree.compounds[0], person=cadre, start=date(2026, 2, 1), today=DAY
    )
    assert Compound.objects.get(pk=tree.compounds[0].pk).stationed_cadre is None
    system = SystemActor(name="task:staffing.daily", district_id=tree.district.pk)
    assert stationed.stationed_cadres_sync(actor=system, today=date(2026, 2, 1)) == 1
    assert Compound.objects.get(pk=tree.compounds[0].pk).stationed_cadre == tree.cadre


def test_sinkdown_tasks_are_counted_per_community_and_type(tree):
    team = sinkdown.team_create(actor=tree.official, name="公安下沉一队", department=tree.department, formed_on=DAY)
    sinkdown.member_add(actor=tree.official, team=team, person=f.police(tree.department), start=DAY, is_leader=True)
    sinkdown.post_add(actor=tree.official, team=team, community=tree.communities[0], start=DAY)
    for task_type, day in [("safety_inspection", 10), ("safety_inspection", 12), ("dispute_mediation", 12)]:
        sinkdown.task_log(
            actor=tree.department_staff, team=team, community=tree.communities[0], task_type=task_type,
            done_on=date(2026, 2, day), title="夜间巡查",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="未下沉到"):
        sinkdown.task_log(
            actor=tree.department_staff, team=team, community=tree.communities[1], task_type="environment",
            done_on=date(2026, 2, 12), title="环境整治",
        )  # fmt: skip
    rows, totals = selectors.sinkdown_counts(actor=tree.official, start=date(2026, 1, 1), end=date(2026, 4, 1))
    [row] = rows
    assert (row.community_name, row.total, row.counts) == (
        tree.communities[0].name,
        3,
        {"safety_inspection": 2, "dispute_mediation": 1},
    )
    assert totals["safety_inspection"] == 2 and totals["policy_outreach"] == 0
    with pytest.raises(ValidationError, match="队员须为区级部门的工作人员"):
        sinkdown.member_add(actor=tree.official, team=team, person=f.worker(tree.communities[0]), start=DAY)


def test_a_reception_day_is_hosted_by_the_compounds_own_community_street_or_firm(tree, client):
    compound = tree.compounds[0]  # community 0, street 1, the district's firm
    secretary = f.cadre(tree.communities[0], name="接待书记")
    officer = f.officer(tree.streets[0], name="接待街道干部")
    manager = f.property_staff(tree.firm, name="接待物业经理")
    elsewhere = [
        f.cadre(tree.communities[1], name="邻社区书记"),  # the same street, another community
        f.officer(tree.streets[1], name="邻街道干部"),
        f.resident(tree.communities[0], name="本社区居民"),
        f.police(tree.department, name="派出所民警"),
    ]

    def add(person):
        return stationed.reception_day_add(
            actor=tree.street_staff, compound=compound, host="secretary", weekday=2, starts_at=time(9),
            ends_at=time(11, 30), place="党群服务中心", person=person,
        )  # fmt: skip

    # the compound's own people may host, through the service (and so the API)
    for person in (secretary, officer, manager):
        assert add(person).person == person
    # anyone else is refused with a reason, and nothing is saved
    for person in elsewhere:
        with pytest.raises(ValidationError) as refused:
            add(person)
        assert "接待人须为本小区所在社区的工作人员" in str(refused.value.message_dict["person"])
    assert ReceptionDay.objects.filter(compound=compound).count() == 3
    # and the page's select offers the hosts only (it offered the district's every person)
    client.force_login(tree.street_staff)
    page = client.get(reverse("staffing:stationed", args=[compound.pk])).content.decode()
    select = page[page.index('name="person"', page.index('value="reception"')) :]
    select = select[: select.index("</select>")]
    assert all(p.name in select for p in (secretary, officer, manager))
    assert not any(p.name in select for p in elsewhere)
