"""Disbursements 支出申请: request → street approval (the money reserved) → district's second approval above the
threshold → payment with a voucher number; a rejection at either stage, with a reason (a reservation is
released by a new entry). The state changes are one table (TRANSITIONS)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.uploads import CheckedUpload, check_upload
from compounds.models import Community
from funding.models import (
    SPENDABLE_KINDS,
    AccountKind,
    Disbursement,
    DisbursementDocument,
    DocumentKind,
    EntryKind,
    FundAccount,
    FundPolicy,
    Status,
)
from funding.money import check_fen, fen_text
from funding.services.common import acting, actor_user, reach
from funding.services.ledger import balance, community_account, district_account, entry_post

TRANSITIONS = {
    "approve": {Status.REQUESTED},
    "second": {Status.SECOND},
    "reject": {Status.REQUESTED, Status.SECOND},
    "pay": {Status.APPROVED},
}
DEFAULT_THRESHOLD_FEN = FundPolicy._meta.get_field("second_approval_fen").default


def threshold_fen(district_id: int, year: int) -> int:
    policy = FundPolicy.objects.filter(district_id=district_id, year=year).first()
    return policy.second_approval_fen if policy else DEFAULT_THRESHOLD_FEN


def _check_state(disbursement: Disbursement, step: str) -> None:
    if disbursement.status not in TRANSITIONS[step]:
        raise ValidationError(
            gettext("该申请当前状态为“%(status)s”，不能执行此操作。") % {"status": disbursement.get_status_display()}
        )


@transaction.atomic
def disbursement_request(
    *,
    actor: Any,
    community: Community | int,
    purpose: str,
    category: str,
    amount_fen: Any,
    account: FundAccount | int | None = None,
    documents: list[CheckedUpload] | None = None,
    document_kind: str = DocumentKind.QUOTE,
    now: datetime | None = None,
) -> Disbursement:
    """The community asks to spend from one of its accounts (its service fund unless another is named)."""
    community = reach(actor, Community, community, action="view")
    acting(actor, "funding.request", community)
    amount = check_fen(amount_fen)
    if account is None:
        account = community_account(community, AccountKind.SERVICE)
    else:
        account = reach(actor, FundAccount, account, action="view")
    if account.community_id != community.pk or account.kind not in SPENDABLE_KINDS:
        raise ValidationError({"account": gettext("只能从本社区的服务经费、专项经费或基金会账户支出。")})
    available = balance(account)
    if amount > available:
        raise ValidationError(
            {"amount_fen": f"超出可用余额：{account.name}可用 {fen_text(available)}，申请 {fen_text(amount)}。"}
        )
    now = now or timezone.now()
    year = timezone.localdate(now).year
    disbursement = Disbursement(
        district_id=community.district_id,
        community=community,
        street_id=community.street_id,
        account=account,
        year=year,
        purpose=(purpose or "").strip(),
        category=category,
        amount_fen=amount,
        needs_second=amount > threshold_fen(community.district_id, year),
        requested_at=now,
        requested_by=actor_user(actor),
    )
    disbursement.full_clean()
    disbursement.save()
    for checked in documents or []:
        _store(actor, disbursement, checked, document_kind)
    return disbursement


def _store(actor: Any, disbursement: Disbursement, checked: CheckedUpload, kind: str) -> DisbursementDocument:
    checked = check_upload(checked.upload)  # again, whatever path it came by
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": gettext("附件类型应为报价单、发票/收据或其他材料。")})
    document = DisbursementDocument(
        district_id=disbursement.district_id,
        disbursement=disbursement,
        kind=kind,
        name=checked.name,
        content_type=checked.kind.content_type,
        uploaded_by=actor_user(actor),
    )
    document.file.save(checked.storage_name, checked.upload, save=False)
    document.save()
    return document


@transaction.atomic
def disbursement_attach(
    *, actor: Any, disbursement: Disbursement | int, upload: Any, kind: str = DocumentKind.RECEIPT
) -> DisbursementDocument:
    """A quote or receipt added to a request (a receipt typically after payment)."""
    disbursement = reach(actor, Disbursement, disbursement)
    acting(actor, "funding.attach", disbursement)
    checked = upload if isinstance(upload, CheckedUpload) else check_upload(upload)
    return _store(actor, disbursement, checked, kind)


@transaction.atomic
def disbursement_approve(*, actor: Any, disbursement: Disbursement | int, now: datetime | None = None) -> Disbursement:
    """The street approves: the amount moves from the community's account to its committed account (under the
    account's row lock: the last money can be approved once). Above the threshold it then waits for the
    district's second approval."""
    disbursement = reach(actor, Disbursement, disbursement, lock=True)
    acting(actor, "funding.approve", disbursement)
    _check_state(disbursement, "approve")
    now = now or timezone.now()
    entry_post(
        actor=actor,
        kind=EntryKind.APPROVAL,
        from_account=disbursement.account,
        to_account=community_account(disbursement.community, AccountKind.COMMITTED),
        amount_fen=disbursement.amount_fen,
        memo=f"批准：{disbursement.purpose}",
        year=disbursement.year,
        now=now,
        disbursement=disbursement,
    )
    disbursement.status = Status.SECOND if disbursement.needs_second else Status.APPROVED
    disbursement.approved_at, disbursement.approved_by = now, actor_user(actor)
    disbursement.save()
    return disbursement


@transaction.atomic
def disbursement_second_approve(
    *, actor: Any, disbursement: Disbursement | int, now: datetime | None = None
) -> Disbursement:
    """区级二次审批 of a request above the threshold, by someone other than the first approver."""
    disbursement = reach(actor, Disbursement, disbursement, lock=True)
    acting(actor, "funding.second_approve", disbursement)
    _check_state(disbursement, "second")
    disbursement.status = Status.APPROVED
    disbursement.second_at, disbursement.second_by = now or timezone.now(), actor_user(actor)
    disbursement.save()
    return disbursement


@transaction.atomic
def disbursement_reject(
    *, actor: Any, disbursement: Disbursement | int, reason: str, now: datetime | None = None
) -> Disbursement:
    """驳回 with a reason: by the street while it waits for the street, by the district while it waits for the
    second approval (the reservation goes back to the account by a release entry)."""
    disbursement = reach(actor, Disbursement, disbursement, lock=True)
    _check_state(disbursement, "reject")
    acting(
        actor, "funding.approve" if disbursement.status == Status.REQUESTED else "funding.second_approve", disbursement
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("驳回必须填写理由。")})
    now = now or timezone.now()
    if disbursement.status == Status.SECOND:
        entry_post(
            actor=actor,
            kind=EntryKind.RELEASE,
            from_account=community_account(disbursement.community, AccountKind.COMMITTED),
            to_account=disbursement.account,
            amount_fen=disbursement.amount_fen,
            memo=f"二次审批驳回，释放预留：{disbursement.purpose}",
            year=disbursement.year,
            now=now,
            disbursement=disbursement,
        )
    disbursement.status = Status.REJECTED
    disbursement.reject_reason = reason[:200]
    disbursement.rejected_at, disbursement.rejected_by = now, actor_user(actor)
    disbursement.full_clean()
    disbursement.save()
    return disbursement


@transaction.atomic
def disbursement_pay(
    *, actor: Any, disbursement: Disbursement | int, voucher_no: str, now: datetime | None = None
) -> Disbursement:
    """支付: recorded with its voucher number (unique in the district); the money leaves the committed account."""
    disbursement = reach(actor, Disbursement, disbursement, lock=True)
    acting(actor, "funding.pay", disbursement)
    _check_state(disbursement, "pay")
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise ValidationError({"voucher_no": gettext("请填写支付凭证号。")})
    if len(voucher_no) > 40:
        raise ValidationError({"voucher_no": gettext("凭证号不能超过 40 个字符。")})
    if Disbursement.objects.filter(district_id=disbursement.district_id, voucher_no=voucher_no).exists():
        raise ValidationError({"voucher_no": gettext("凭证号“%(no)s”已用于另一笔支付。") % {"no": voucher_no}})
    now = now or timezone.now()
    entry_post(
        actor=actor,
        kind=EntryKind.PAYMENT,
        from_account=community_account(disbursement.community, AccountKind.COMMITTED),
        to_account=district_account(disbursement.district_id, AccountKind.PAID),
        amount_fen=disbursement.amount_fen,
        memo=f"支付（凭证 {voucher_no}）：{disbursement.purpose}",
        year=disbursement.year,
        now=now,
        disbursement=disbursement,
    )
    disbursement.status = Status.PAID
    disbursement.voucher_no = voucher_no
    disbursement.paid_at, disbursement.paid_by = now, actor_user(actor)
    disbursement.save()
    return disbursement
