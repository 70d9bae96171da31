""" "2+4" teams: who may hold each seat, terms with history, a departure leaves a dated vacancy, the property
manager changes with the firm, and bad input is a Chinese error with nothing saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.actors import SystemActor
from accounts.permissions import Forbidden
from staffing import selectors
from staffing.models import SeatTerm, ServiceTeam, Sponsorship
from staffing.services import teams
from tests.factories import PropertyFirmFactory
from tests.staffing import factories as f
from tests.staffing.conftest import DAY, fill_all

pytestmark = pytest.mark.django_db


def test_a_full_team_has_six_holders_and_no_vacancy(tree, crew):
    # when: the official fills all six seats
    fill_all(tree, crew)
    # then
    [team] = selectors.compound_teams(
        actor=tree.official, on=DAY, compounds=type(tree.compounds[0]).objects.filter(pk=tree.compounds[0].pk)
    )
    assert team.full and team.filled == 6
    assert team.holders["service_chief"].department_id == tree.department.pk
    assert team.holders["property_manager"].property_firm_id == tree.firm.pk


def test_a_departure_leaves_a_vacancy_with_its_date_and_the_row_stays(tree, crew):
    terms = fill_all(tree, crew)
    # when: the police officer leaves on 1 March
    teams.seat_end(actor=tree.street_staff, term=terms["police_officer"], end=date(2026, 3, 1), reason="调离")
    # then: on 15 April the seat has been vacant for 45 days, and the term is history, not deleted
    [team] = [
        t
        for t in selectors.compound_teams(actor=tree.official, on=date(2026, 4, 15))
        if t.compound == tree.compounds[0]
    ]
    [vacancy] = team.vacancies
    assert (vacancy.seat, vacancy.since, vacancy.days) == ("police_officer", date(2026, 3, 1), 45)
    assert vacancy.reason == "张警官离任（调离）"
    term = SeatTerm.objects.get(pk=terms["police_officer"].pk)
    assert (term.start, term.end, term.end_reason) == (DAY, date(2026, 3, 1), "调离")
    # and before the departure the seat was held
    [before] = [
        t for t in selectors.compound_teams(actor=tree.official, on=date(2026, 2, 1)) if t.compound == tree.compounds[0]
    ]
    assert before.full


def test_overlapping_terms_are_refused_and_a_successor_replaces_the_holder(tree, crew):
    fill_all(tree, crew)
    other = f.police(tree.department, name="孙警官")
    # when: a second officer is appointed while the first holds the seat
    with pytest.raises(ValidationError, match="任期不能重叠"):
        teams.seat_appoint(
            actor=tree.official, compound=tree.compounds[0], seat="police_officer", person=other, start=date(2026, 2, 1)
        )
    assert SeatTerm.objects.filter(person=other).count() == 0
    # when: appointed as successor (接任)
    teams.seat_appoint(
        actor=tree.official,
        compound=tree.compounds[0],
        seat="police_officer",
        person=other,
        start=date(2026, 2, 1),
        replace_current=True,
    )
    # then: the history reads who held the seat from when to when
    history = list(
        SeatTerm.objects.filter(team__compound=tree.compounds[0], seat="police_officer")
        .order_by("start")
        .values_list("person__name", "start", "end", "end_reason")
    )
    assert history == [("张警官", DAY, date(2026, 2, 1), "由孙警官接任"), ("孙警官", date(2026, 2, 1), None, "")]


def test_a_property_manager_must_come_from_the_compounds_firm(tree, crew):
    stranger = f.property_staff(PropertyFirmFactory(district=tree.district, name="别家物业"), name="钱经理")
    with pytest.raises(ValidationError) as error:
        teams.seat_appoint(
            actor=tree.official, compound=tree.compounds[0], seat="property_manager", person=stranger, start=DAY
        )
    assert "物业经理须来自为本小区服务的" in str(error.value)
    assert not SeatTerm.objects.exists()


def test_the_service_chief_comes_from_the_department_that_takes_charge(tree, crew):
    # compound 1 has no 包抓 department: no service chief
    with pytest.raises(ValidationError, match="没有包抓部门"):
        teams.seat_appoint(
            actor=tree.official, compound=tree.compounds[1], seat="service_chief", person=crew.chief, start=DAY
        )
    # a police officer is not a street's liaison
    with pytest.raises(ValidationError, match="街道联系长须为"):
        teams.seat_appoint(
            actor=tree.official, compound=tree.compounds[0], seat="street_liaison", person=crew.police, start=DAY
        )


def test_the_property_manager_changes_with_the_contract(tree, crew):
    terms = fill_all(tree, crew)
    compound = tree.compounds[0]
    # when: another firm takes over the compound (the contract process changes Compound.property_firm)
    compound.property_firm = PropertyFirmFactory(district=tree.district, name="新接管物业")
    compound.save(update_fields=["property_firm"])
    # then: the seat shows as vacant at once, and the daily task ends the old manager's term with a date
    [team] = [t for t in selectors.compound_teams(actor=tree.official, on=date(2026, 5, 1)) if t.compound == compound]
    assert [v.seat for v in team.vacancies] == ["property_manager"]
    ended = teams.teams_end_stale_property_managers(
        actor=SystemActor(name="task:staffing.daily", district_id=tree.district.pk), on=date(2026, 5, 1)
    )
    assert ended == 1
    term = SeatTerm.objects.get(pk=terms["property_manager"].pk)
    assert term.end == date(2026, 5, 1) and "物业企业已更换" in term.end_reason
    assert (
        teams.teams_end_stale_property_managers(
            actor=SystemActor(name="task:staffing.daily", district_id=tree.district.pk), on=date(2026, 5, 1)
        )
        == 0
    )


def test_other_streets_and_districts_are_404_and_roles_without_the_rule_are_refused(tree, other_tree, crew):
    foreign_person = f.officer(other_tree.streets[0], name="乙区人员")
    with pytest.raises(Http404):
        teams.seat_appoint(
            actor=tree.official, compound=tree.compounds[0], seat="street_liaison", person=foreign_person, start=DAY
        )
    with pytest.raises(Http404):
        teams.seat_appoint(
            actor=tree.official, compound=other_tree.compounds[0], seat="street_liaison", person=crew.liaison, start=DAY
        )
    # street 1's staff do not reach street 2's compounds (404); a cadre may not appoint at all (403)
    with pytest.raises(Http404):
        teams.seat_appoint(
            actor=tree.street_staff, compound=tree.compounds[4], seat="legal_adviser", person=crew.lawyer, start=DAY
        )
    with pytest.raises(Forbidden):
        teams.seat_appoint(
            actor=tree.cadre, compound=tree.compounds[0], seat="legal_adviser", person=crew.lawyer, start=DAY
        )
    assert not SeatTerm.objects.exists()
    assert not ServiceTeam.objects.exists()


def test_sponsorship_changes_hands_with_history(tree, crew):
    police = tree.department
    from tests.factories import DepartmentFactory

    justice = DepartmentFactory(district=tree.district, name="长安区司法局", kind="justice")
    teams.sponsorship_set(actor=tree.official, department=justice, compound=tree.compounds[0], start=date(2026, 7, 1))
    rows = list(
        Sponsorship.objects.filter(compound=tree.compounds[0]).order_by("start").values_list("department", "end")
    )
    assert rows == [(police.pk, date(2026, 7, 1)), (justice.pk, None)]
    with pytest.raises(Forbidden):
        teams.sponsorship_set(actor=tree.street_staff, department=police, compound=tree.compounds[1], start=DAY)
