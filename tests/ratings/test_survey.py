"""The public owner survey reached from the compound's QR code: no login, one answer per household per
quarter, a per-compound cap, a per-household rate limit (never per address), nothing taken outside an open
period."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from ratings.models import SurveyResponse
from tests import factories
from tests.ratings import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def survey_url(compound) -> str:
    return reverse("ratings:survey", kwargs={"public_token": compound.public_token})


def answer(client, compound, room="101", building="1号楼", level="satisfied", ip="10.0.0.1"):
    data = {"building": building, "room": room, "level": level, "comment": ""}
    return client.post(survey_url(compound), data, REMOTE_ADDR=ip)


def test_resident_answers_without_an_account(client, tree):
    # given: an open period and a compound with one building
    period = h.period(tree)
    compound = tree.compounds[0]

    # when
    page = client.get(survey_url(compound))
    response = answer(client, compound, room=" 1 0 1 ", level="very_satisfied")

    # then
    assert page.status_code == 200 and compound.name in page.content.decode()
    assert "很满意" in page.content.decode()
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    stored = SurveyResponse.objects.get()
    assert (stored.period, stored.compound, stored.firm, stored.household_key, stored.points) == (
        period,
        compound,
        tree.firm,
        "1号楼-101",
        100,
    )


def test_one_answer_per_household_per_quarter(client, tree):
    h.period(tree)
    compound = tree.compounds[0]
    assert answer(client, compound, room="101").status_code == 200
    again = answer(client, compound, room="101", level="very_dissatisfied", ip="10.0.0.2")
    assert again.status_code == 400
    assert "本季度已经填写过问卷，每户每季度只能填写一次" in again.content.decode()
    assert SurveyResponse.objects.get().level == "satisfied"


def test_building_must_be_one_of_the_compounds(client, tree):
    h.period(tree)
    response = answer(client, tree.compounds[0], building="99号楼")
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_answers_capped_at_the_compounds_households(client, tree):
    h.period(tree)
    compound = factories.CompoundFactory(community=tree.communities[0], property_firm=tree.firm, households=2)
    factories.BuildingFactory(compound=compound, name="1号楼")
    assert answer(client, compound, room="101", ip="10.0.0.1").status_code == 200
    assert answer(client, compound, room="102", ip="10.0.0.2").status_code == 200
    third = answer(client, compound, room="103", ip="10.0.0.3")
    assert third.status_code == 400 and "问卷数已达到住户总数" in third.content.decode()
    assert SurveyResponse.objects.filter(compound=compound).count() == 2


def test_households_behind_one_address_can_all_answer(client, tree, settings):
    # given a limit of 3 per household, and every household of the compound behind one NAT address
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey-household": "3/h"}
    h.period(tree)
    compound = tree.compounds[0]
    # then ten households answer from the same address
    for room in range(101, 111):
        assert answer(client, compound, room=str(room), ip="10.9.9.9").status_code == 200
    assert SurveyResponse.objects.filter(compound=compound).count() == 10


def test_the_same_household_twice_is_refused_and_its_retries_are_limited(client, tree, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey-household": "3/h"}
    h.period(tree)
    compound = tree.compounds[0]
    assert answer(client, compound, room="101", ip="10.0.0.1").status_code == 200
    # the same household from another address: one answer per household per quarter
    again = answer(client, compound, room="101", ip="10.0.0.2")
    assert again.status_code == 400 and "每户每季度只能填写一次" in again.content.decode()
    # retries of one household, from any address, are bounded
    answer(client, compound, room=" 101", ip="10.0.0.3")
    stuffed = answer(client, compound, room="101", ip="10.0.0.4")
    assert stuffed.status_code == 400 and "提交过于频繁" in stuffed.content.decode()
    # another household of the compound, and the same room number in another compound, are not affected
    assert answer(client, compound, room="102", ip="10.0.0.4").status_code == 200
    assert answer(client, tree.compounds[1], room="101", ip="10.0.0.4").status_code == 200
    assert SurveyResponse.objects.count() == 3


def test_answers_refused_once_the_period_has_left_open(client, tree):
    period = h.period(tree, status="scoring")
    response = answer(client, tree.compounds[0])
    assert response.status_code == 400
    assert "尚未开始或已经结束" in response.content.decode()
    assert not SurveyResponse.objects.filter(period=period).exists()


def test_unknown_token_is_404(client, tree):
    h.period(tree)
    assert client.get(reverse("ratings:survey", kwargs={"public_token": "no-such-token"})).status_code == 404


def test_survey_answer_goes_to_the_compounds_own_district(client, tree, other_tree):
    # given: both districts have an open period; the QR of district B's compound is scanned
    h.period(tree)
    other_period = h.period(other_tree)
    answer(client, other_tree.compounds[0])
    stored = SurveyResponse.objects.get()
    assert stored.period == other_period and stored.district == other_tree.district


def test_a_survey_answer_posted_twice_counts_once_and_the_second_tap_is_thanked(client, tree):
    from tests.onetime import token_of

    # given the survey page (a one-time token in its form)
    period = h.period(tree)
    compound = tree.compounds[0]
    body = {**token_of(client.get(survey_url(compound))), "building": "1号楼", "room": "101", "level": "satisfied"}

    # when the resident taps "submit" twice on a weak network
    first = client.post(survey_url(compound), body, REMOTE_ADDR="10.0.0.1")
    second = client.post(survey_url(compound), body, REMOTE_ADDR="10.0.0.1")

    # then one answer, and both taps land on the thanks page (the second one says it was not counted twice)
    assert SurveyResponse.objects.filter(period=period).count() == 1
    assert first.status_code == second.status_code == 200
    assert "感谢您的评价" in first.content.decode() and "没有重复计入" not in first.content.decode()
    assert "感谢您的评价" in second.content.decode() and "没有重复计入" in second.content.decode()
