"""The fund policy: amounts per tier applied in one action, a community's own amount with a reason (history
kept, the difference posted), a tier change during the year settled pro rata by month."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compounds.models import Tier
from funding.models import AccountKind, EntryKind, FundOverride, LedgerEntry, TierProration
from funding.money import fen_text, prorate_fen, yuan_to_fen
from funding.services import policy
from funding.services.ledger import balance, community_account
from tests.funding.conftest import NOW, YEAR, funded, system


def test_each_community_gets_its_tiers_amount(tree):
    tree.communities[1].tier = Tier.B
    tree.communities[1].save()
    tree.communities[3].tier = Tier.D
    tree.communities[3].save()
    funded(tree)
    amounts = [balance(community_account(c, AccountKind.SERVICE)) for c in tree.communities]
    assert amounts == [150_000_00, 300_000_00, 150_000_00, 100_000_00]


def test_only_the_district_sets_the_policy(tree):
    for user in (tree.street_staff, tree.cadre):
        with pytest.raises(PermissionDenied):
            policy.policy_set(actor=user, district=tree.district, year=YEAR, tier_a_fen=1)


def test_a_negative_amount_is_refused(tree):
    with pytest.raises(ValidationError, match="不能为负数"):
        policy.policy_set(actor=tree.official, district=tree.district, year=YEAR, tier_a_fen=-1)


def test_an_override_keeps_its_history_and_posts_the_difference(money):
    community = money.communities[0]
    policy.override_set(
        actor=money.official, community=community, year=YEAR, amount_fen=180_000_00, reason="新增养老服务站"
    )
    policy.override_set(actor=money.official, community=community, year=YEAR, amount_fen=170_000_00, reason="核减")
    assert balance(community_account(community, AccountKind.SERVICE)) == 170_000_00
    assert policy.entitlement_fen(community, YEAR) == 170_000_00
    history = list(FundOverride.objects.filter(community=community).values_list("reason", flat=True))
    assert history == ["核减", "新增养老服务站"]
    with pytest.raises(ValidationError, match="理由"):
        policy.override_set(actor=money.official, community=community, year=YEAR, amount_fen=1, reason="")
    with pytest.raises(PermissionDenied):
        policy.override_set(actor=money.street_staff, community=community, year=YEAR, amount_fen=1, reason="x")


def test_an_override_before_applying_is_what_gets_allocated(tree):
    from funding.services.ledger import accounts_open

    accounts_open(district=tree.district)
    policy.override_set(
        actor=tree.official, community=tree.communities[2], year=YEAR, amount_fen=99_999_99, reason="试点"
    )
    funded(tree)
    assert balance(community_account(tree.communities[2], AccountKind.SERVICE)) == 99_999_99


def test_a_tier_change_in_the_year_is_pro_rata_by_month(money):
    """A → B from July: 6 months at A (150,000) and 6 at B (300,000): the year's fund is 225,000 yuan,
    so 75,000 yuan is posted: (300,000 − 150,000) × 6 ÷ 12."""
    community = money.communities[0]
    row = policy.tier_change(
        actor=money.official,
        community=community,
        tier=Tier.B,
        year=YEAR,
        from_month=7,
        reason="老旧小区改造后人口增加",
        now=NOW,
    )
    assert row.delta_fen == 75_000_00
    assert balance(community_account(community, AccountKind.SERVICE)) == 225_000_00
    community.refresh_from_db()
    assert community.tier == Tier.B
    adjustment = LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT, community=community)
    assert "7月起" in adjustment.memo and "6 个月" in adjustment.memo
    # back down to D from October: 3 months × (100,000 − 300,000) ÷ 12 = −50,000
    row = policy.tier_change(
        actor=money.official, community=community, tier=Tier.D, year=YEAR, from_month=10, reason="撤并"
    )
    assert row.delta_fen == -50_000_00
    assert balance(community_account(community, AccountKind.SERVICE)) == 175_000_00
    assert TierProration.objects.count() == 2


def test_pro_rata_rounds_half_up_to_the_fen():
    # 100,000.01 yuan × 5 ÷ 12 = 41,666.670833… yuan → 4,166,667 fen
    assert prorate_fen(100_000_01, 5) == 4_166_667
    assert prorate_fen(1, 6) == 1  # half a fen rounds up
    assert prorate_fen(150_000_00, 12) == 150_000_00


def test_a_tier_change_cannot_take_back_money_already_spent(money):
    from funding.services import disbursements

    community = money.communities[0]
    request = disbursements.disbursement_request(
        actor=money.cadre, community=community, purpose="活动", category="service", amount_fen=140_000_00
    )
    disbursements.disbursement_approve(actor=money.street_staff, disbursement=request)
    with pytest.raises(ValidationError, match="余额不足"):
        policy.tier_change(
            actor=money.official, community=community, tier=Tier.D, year=YEAR, from_month=2, reason="撤并"
        )
    assert not TierProration.objects.exists()
    community.refresh_from_db()
    assert community.tier == Tier.A


@pytest.mark.parametrize(
    ("typed", "fen"), [("1234.56", 123456), ("¥1,234.5", 123450), ("100", 10000), ("0.01", 1), ("１２", 1200)]
)
def test_yuan_as_typed(typed, fen):
    assert yuan_to_fen(typed) == fen


@pytest.mark.parametrize(
    ("typed", "message"), [("-1", "负数"), ("1.005", "两位小数"), ("abc", "不是有效数字"), ("0", "大于 0")]
)
def test_bad_yuan(typed, message):
    with pytest.raises(ValidationError, match=message):
        yuan_to_fen(typed)


def test_money_is_shown_as_yuan():
    assert fen_text(123456) == "¥1,234.56"
    assert fen_text(5) == "¥0.05"
    assert fen_text(-150_000_00) == "-¥150,000.00"


def test_the_system_actor_applies_without_a_person(tree):
    funded(tree)
    assert LedgerEntry.objects.filter(kind=EntryKind.ALLOCATION).first().posted_by_name.startswith("系统")
    assert system(tree).district_id == tree.district.pk


def test_overrides_and_tier_changes_are_append_only_even_for_the_applications_role(money):
    """A correction is a new override; the old row stays as it was, whatever the app's database role tries."""
    from django.db import DatabaseError, connection, transaction

    from accounts import rls

    community = money.communities[0]
    first = policy.override_set(actor=money.official, community=community, year=YEAR, amount_fen=1, reason="误录")
    policy.override_set(actor=money.official, community=community, year=YEAR, amount_fen=160_000_00, reason="更正")
    change = policy.tier_change(
        actor=money.official, community=money.communities[1], tier=Tier.B, year=YEAR, from_month=7, reason="扩容"
    )
    first.amount_fen = 2
    with pytest.raises(ValidationError, match="不能修改或删除"):
        first.save()
    with pytest.raises(ValidationError, match="不能修改或删除"):
        change.delete()
    rls.create_app_role(connection)
    assert rls.grant_app_role(connection)
    for sql, pk in (
        ("UPDATE funding_fundoverride SET amount_fen = 2 WHERE id = %s", first.pk),
        ("DELETE FROM funding_fundoverride WHERE id = %s", first.pk),
        ("UPDATE funding_tierproration SET delta_fen = 0 WHERE id = %s", change.pk),
        ("DELETE FROM funding_tierproration WHERE id = %s", change.pk),
    ):
        with pytest.raises(DatabaseError, match="不能修改或删除"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SET LOCAL ROLE {rls.app_role()}")
            cur.execute(  # the row is in the role's district: row-level security lets it reach the trigger
                "SELECT set_config('capillary.district', %s, true)", [str(money.district.pk)]
            )
            cur.execute(sql, [pk])
    rows = policy.overrides_history(community)
    assert [(o.reason, o.amount_fen) for o in rows] == [("更正", 160_000_00), ("误录", 1)]
    change.refresh_from_db()
    assert change.delta_fen == 75_000_00


def _service(community) -> int:
    return balance(community_account(community, AccountKind.SERVICE))


def test_a_tier_change_before_the_allocation_is_posted_pro_rata_when_the_year_is_allocated(tree):
    """Policy set, not yet applied; A → B from March: the allocation is A's 150,000 yuan, then the difference
    (300,000 − 150,000) × 10 ÷ 12 = 125,000 yuan, so the year holds 275,000 yuan — not B's full 300,000."""
    from funding.services.ledger import accounts_open

    accounts_open(district=tree.district)
    policy.policy_set(
        actor=tree.official, district=tree.district, year=YEAR, tier_a_fen=150_000_00, tier_b_fen=300_000_00
    )
    community = tree.communities[0]
    row = policy.tier_change(
        actor=tree.official, community=community, tier=Tier.B, year=YEAR, from_month=3, reason="纳入老旧小区"
    )
    assert row.delta_fen == 125_000_00
    assert not LedgerEntry.objects.filter(community=community).exists()  # nothing to settle yet
    community.refresh_from_db()
    assert community.tier == Tier.B
    policy.policy_apply(actor=tree.official, district=tree.district, year=YEAR, now=NOW)
    assert _service(community) == 275_000_00
    entries = LedgerEntry.objects.filter(community=community).order_by("pk")
    assert [(e.kind, e.amount_fen) for e in entries] == [
        (EntryKind.ALLOCATION, 150_000_00),
        (EntryKind.ADJUSTMENT, 125_000_00),
    ]
    assert "A类标准" in entries[0].memo and "3月起" in entries[1].memo and "10 个月" in entries[1].memo
    # applying again posts nothing more; another community untouched keeps its tier's amount
    policy.policy_apply(actor=tree.official, district=tree.district, year=YEAR, now=NOW)
    assert _service(community) == 275_000_00 and _service(tree.communities[1]) == 150_000_00


def test_a_tier_change_needs_the_years_policy(tree):
    with pytest.raises(ValidationError, match="尚未设置经费标准"):
        policy.tier_change(
            actor=tree.official, community=tree.communities[0], tier=Tier.B, year=YEAR, from_month=3, reason="x"
        )
    assert not TierProration.objects.exists()
    tree.communities[0].refresh_from_db()
    assert tree.communities[0].tier == Tier.A


def test_a_tier_change_of_an_overridden_community_starts_from_its_own_amount(money):
    """Own amount 200,000 yuan, then D (100,000) from October: (100,000 − 200,000) × 3 ÷ 12 = −25,000."""
    community = money.communities[0]
    policy.override_set(actor=money.official, community=community, year=YEAR, amount_fen=200_000_00, reason="试点")
    row = policy.tier_change(
        actor=money.official, community=community, tier=Tier.D, year=YEAR, from_month=10, reason="撤并"
    )
    assert (row.old_annual_fen, row.new_annual_fen, row.delta_fen) == (200_000_00, 100_000_00, -25_000_00)
    assert _service(community) == 175_000_00
    assert policy.entitlement_fen(community, YEAR) == 175_000_00


def test_an_override_then_a_tier_change_both_before_the_allocation(tree):
    """Own amount 200,000 yuan, then B (300,000) from July, both before applying: 200,000 allocated, then
    (300,000 − 200,000) × 6 ÷ 12 = 50,000 posted — 250,000 yuan for the year."""
    from funding.services.ledger import accounts_open

    accounts_open(district=tree.district)
    policy.policy_set(
        actor=tree.official, district=tree.district, year=YEAR, tier_a_fen=150_000_00, tier_b_fen=300_000_00
    )
    community = tree.communities[1]
    policy.override_set(actor=tree.official, community=community, year=YEAR, amount_fen=200_000_00, reason="试点")
    policy.tier_change(actor=tree.official, community=community, tier=Tier.B, year=YEAR, from_month=7, reason="扩容")
    policy.policy_apply(actor=tree.official, district=tree.district, year=YEAR, now=NOW)
    amounts = list(LedgerEntry.objects.filter(community=community).order_by("pk").values_list("kind", "amount_fen"))
    assert amounts == [(EntryKind.ALLOCATION, 200_000_00), (EntryKind.ADJUSTMENT, 50_000_00)]
    assert _service(community) == 250_000_00


def test_the_policy_page_explains_the_rule_for_every_case(client, money):
    client.force_login(money.official)
    page = client.get("/funding/policy/").content.decode()
    assert "剩余月数 ÷ 12" in page and "单独核定过的社区为核定金额" in page and "下达时" in page


def test_a_community_with_nothing_on_1_january_gets_its_tier_change_as_one_allocation(tree):
    """Own amount 0 (no fund this year), then B (300,000) from July, before applying: 150,000 yuan, once."""
    from funding.services.ledger import accounts_open

    accounts_open(district=tree.district)
    policy.policy_set(
        actor=tree.official, district=tree.district, year=YEAR, tier_a_fen=150_000_00, tier_b_fen=300_000_00
    )
    community = tree.communities[3]
    policy.override_set(actor=tree.official, community=community, year=YEAR, amount_fen=0, reason="撤并过渡期")
    policy.tier_change(actor=tree.official, community=community, tier=Tier.B, year=YEAR, from_month=7, reason="新设")
    for _ in range(2):
        policy.policy_apply(actor=tree.official, district=tree.district, year=YEAR, now=NOW)
    entry = LedgerEntry.objects.get(community=community)
    assert (entry.kind, entry.amount_fen) == (EntryKind.ALLOCATION, 150_000_00)
    assert "7月起" in entry.memo
