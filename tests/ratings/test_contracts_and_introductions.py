"""Service contracts kept with their history, and the six-step introduction of a firm into a 三无 compound."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from compounds.models import ManagementMode
from ratings import services
from ratings.models import (
    Decision,
    Introduction,
    IntroductionStage,
    IntroductionStatus,
    ServiceContract,
    StepDocument,
)
from tests import samples
from tests.ratings import helpers as h

pytestmark = pytest.mark.django_db
D = datetime.date


def test_contracts_keep_history_and_never_overlap(tree):
    # given: a contract from 2020 ended at the start of 2023, and a new one from 2023
    compound = tree.compounds[0]
    old = services.contract_create(
        actor=tree.official, firm=tree.firm, compound=compound, start=D(2020, 1, 1), fee_fen=150
    )
    services.contract_end(actor=tree.official, contract=old, end=D(2023, 1, 1))
    other_firm = h.firm(tree, "新物业")
    services.contract_create(
        actor=tree.official, firm=other_firm, compound=compound, start=D(2023, 1, 1), fee_basis="per_sqm", fee_fen=85
    )

    # when: a third contract overlaps the current one
    with pytest.raises(ValidationError, match="合同期不能重叠"):
        services.contract_create(
            actor=tree.official, firm=tree.firm, compound=compound, start=D(2024, 6, 1), fee_fen=200
        )

    # then: both contracts stay, the ended one with its end date
    contracts = list(ServiceContract.objects.filter(compound=compound).order_by("start"))
    assert [(c.firm.name, c.start, c.end) for c in contracts] == [
        (tree.firm.name, D(2020, 1, 1), D(2023, 1, 1)),
        ("新物业", D(2023, 1, 1), None),
    ]
    assert contracts[1].fee_yuan == "0.85"


def test_contract_for_another_districts_firm_is_refused(tree, other_tree):
    with pytest.raises(Exception) as error:
        services.contract_create(
            actor=tree.official, firm=other_tree.firm, compound=tree.compounds[0], start=D(2024, 1, 1), fee_fen=1
        )
    assert "未找到" in str(error.value) or "不属于本区" in str(error.value)
    assert not ServiceContract.objects.exists()


def _step(actor, introduction, stage, decision=Decision.APPROVED, day=None, **extra):
    return services.introduction_record_step(
        actor=actor,
        introduction=introduction,
        stage=stage,
        date=day or D(2026, 3, stage),
        responsible=f"负责人{stage}",
        decision=decision,
        **extra,
    )


def test_six_steps_in_order_create_the_contract_and_hand_over_the_compound(tree):
    # given: a 三无 compound and a firm
    compound = h.three_no_compound(tree)
    assert compound.is_three_no
    firm = h.firm(tree, "引入物业")
    introduction = services.introduction_start(
        actor=tree.street_staff, compound=compound, firm=firm, fee_fen=120, contract_years=2
    )

    # when: the six steps are recorded in order, with a document on the first
    minutes = samples.pdf("居民意见征询会议纪要.pdf")
    _step(tree.street_staff, introduction, 1, documents=[minutes])
    for stage in range(2, 7):
        _step(tree.street_staff, introduction, stage)

    # then: the contract exists from the move-in day, the compound is commercially managed by the firm
    introduction.refresh_from_db()
    compound.refresh_from_db()
    assert introduction.status == IntroductionStatus.COMPLETED
    contract = introduction.contract
    assert (contract.firm, contract.compound, contract.start, contract.end) == (
        firm,
        compound,
        D(2026, 3, 6),
        D(2028, 3, 6),
    )
    assert contract.signed_at == D(2026, 3, 5) and contract.fee_fen == 120
    assert compound.management_mode == ManagementMode.COMMERCIAL and compound.property_firm == firm
    assert not compound.is_three_no
    document = StepDocument.objects.get()
    assert document.name == "居民意见征询会议纪要.pdf" and document.file.read() == samples.PDF
    assert document.content_type == "application/pdf" and document.size == len(samples.PDF)
    assert "居民" not in document.file.name  # stored under a random name


def test_a_step_cannot_be_skipped(tree):
    compound = h.three_no_compound(tree)
    introduction = services.introduction_start(actor=tree.official, compound=compound, firm=tree.firm, fee_fen=100)
    _step(tree.official, introduction, 1)
    with pytest.raises(ValidationError, match="不能跳过或重复步骤：下一步应为第 2 步“企业申请”"):
        _step(tree.official, introduction, IntroductionStage.COMMUNITY_REVIEW)
    with pytest.raises(ValidationError, match="不能跳过或重复步骤"):
        _step(tree.official, introduction, 1)
    assert list(introduction.steps.values_list("stage", flat=True)) == [1]


def test_a_negative_decision_stops_the_process(tree):
    compound = h.three_no_compound(tree)
    introduction = services.introduction_start(actor=tree.official, compound=compound, firm=tree.firm, fee_fen=100)
    _step(tree.official, introduction, 1)
    _step(tree.official, introduction, 2)
    _step(tree.official, introduction, 3, decision=Decision.REJECTED, note="居民反对收费标准")

    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.STOPPED
    with pytest.raises(ValidationError, match="该引入流程已终止，不能再记录步骤"):
        _step(tree.official, introduction, 4)
    compound.refresh_from_db()
    assert compound.is_three_no and compound.property_firm is None
    assert not ServiceContract.objects.filter(compound=compound).exists()
    # a new attempt may start once the old one has stopped
    services.introduction_start(actor=tree.official, compound=compound, firm=tree.firm, fee_fen=90)


def test_dates_cannot_go_backwards(tree):
    introduction = services.introduction_start(
        actor=tree.official, compound=h.three_no_compound(tree), firm=tree.firm, fee_fen=100
    )
    _step(tree.official, introduction, 1, day=D(2026, 3, 10))
    with pytest.raises(ValidationError, match="日期不能早于上一步"):
        _step(tree.official, introduction, 2, day=D(2026, 3, 9))


def test_only_three_no_compounds_use_the_six_steps(tree):
    with pytest.raises(ValidationError, match="不是“三无”小区"):
        services.introduction_start(actor=tree.official, compound=tree.compounds[0], firm=tree.firm, fee_fen=100)
    assert not Introduction.objects.exists()


def test_community_cadre_of_another_community_cannot_drive_the_process(tree):
    compound = h.three_no_compound(tree, community=3)  # not the cadre's community
    introduction = services.introduction_start(actor=tree.official, compound=compound, firm=tree.firm, fee_fen=100)
    from django.http import Http404

    with pytest.raises(Http404):
        _step(tree.cadre, introduction, 1)
    assert not introduction.steps.exists()
