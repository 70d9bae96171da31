import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.actors import SystemActor
from compounds.services import community_set_tier

SYSTEM = SystemActor(name="tests")  # the system acting in tests (accounts.actors)

pytestmark = pytest.mark.django_db


def test_a_tier_change_is_kept_as_history(tree):
    # given
    community = tree.communities[0]
    community_set_tier(actor=SYSTEM, community=community, tier="B", reason="老旧小区集中", effective_year=2024)
    # when
    community_set_tier(actor=tree.official, community=community, tier="A", reason="完成改造", effective_year=2026)
    # then
    community.refresh_from_db()
    assert (community.tier, community.tier_since, community.tier_reason) == ("A", 2026, "完成改造")
    assert [(c.tier, c.effective_year) for c in community.tier_history.all()] == [("A", 2026), ("B", 2024)]


def test_a_back_dated_change_is_history_but_not_current(tree):
    community = tree.communities[0]
    community_set_tier(actor=SYSTEM, community=community, tier="C", reason="安置小区", effective_year=2026)
    community_set_tier(actor=SYSTEM, community=community, tier="D", reason="补录", effective_year=2023)
    community.refresh_from_db()
    assert community.tier == "C"
    assert community.tier_history.count() == 2


def test_bad_tier_or_missing_reason_is_refused_and_nothing_changes(tree):
    community = tree.communities[0]
    with pytest.raises(ValidationError) as error:
        community_set_tier(actor=SYSTEM, community=community, tier="E", reason="x", effective_year=2026)
    assert "A、B、C、D" in str(error.value)
    with pytest.raises(ValidationError):
        community_set_tier(actor=SYSTEM, community=community, tier="B", reason=" ", effective_year=2026)
    community.refresh_from_db()
    assert community.tier == "A" and not community.tier_history.exists()


def test_another_districts_community_is_not_found(tree, other_tree):
    with pytest.raises(Http404):
        community_set_tier(
            actor=tree.official, community=other_tree.communities[0], tier="B", reason="x", effective_year=2026
        )
    assert not other_tree.communities[0].tier_history.exists()


def test_a_tier_recorded_in_advance_takes_effect_on_new_years_day(tree):
    from compounds.services import communities_apply_due_tiers

    # given tier A this year and tier B recorded for next year
    community = tree.communities[0]
    year = timezone.localdate().year
    community_set_tier(actor=SYSTEM, community=community, tier="A", reason="成熟物业", effective_year=year)
    community_set_tier(actor=SYSTEM, community=community, tier="B", reason="纳入老旧改造", effective_year=year + 1)
    community.refresh_from_db()
    assert community.tier == "A"
    # when New Year's Day comes (the beat task, acting as the system across districts), twice
    assert communities_apply_due_tiers(actor=SYSTEM, year=year + 1) == 1
    assert communities_apply_due_tiers(actor=SYSTEM, year=year + 1) == 0
    # then B applies, with its reason
    community.refresh_from_db()
    assert (community.tier, community.tier_since, community.tier_reason) == ("B", year + 1, "纳入老旧改造")


def test_the_new_year_task_acts_as_the_system_and_a_districts_system_only_in_its_district(tree, other_tree):
    from compounds.services import communities_apply_due_tiers
    from compounds.tasks import apply_due_tiers_task

    year = timezone.localdate().year
    ours, theirs = tree.communities[0], other_tree.communities[0]
    ours_before = ours.tier
    for community in (ours, theirs):
        community_set_tier(actor=SYSTEM, community=community, tier="D", reason="乡镇社区", effective_year=year + 1)
    # a system actor bound to the other district applies only that district's change
    assert communities_apply_due_tiers(actor=SystemActor(name="t", district_id=other_tree.district.pk), year=year + 1)
    ours.refresh_from_db(), theirs.refresh_from_db()
    assert (ours.tier, theirs.tier) == (ours_before, "D")
    # the beat task (no arguments) sweeps every district as the system; the change it makes is in the history
    # under the task's name
    community_set_tier(actor=SYSTEM, community=ours, tier="C", reason="安置社区", effective_year=year)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *a, **k: timezone.datetime(year + 1, 1, 1).date())
        assert apply_due_tiers_task.apply().get() == 1
    ours.refresh_from_db()
    assert ours.tier == "D"
