"""Funding 经费: "the community's account, used by the community, managed by the street" (社区账、社区用、街道管).

- FundPolicy: per district and year, the annual service fund of each community tier, the second-approval
  threshold and the year-end carry-over rule; FundOverride: one community's amount for a year, with a reason
  (append-only: the newest row counts, the older ones are its history); TierProration: a tier change during
  the year, settled pro rata by month.
- FundAccount and LedgerEntry: a double-entry ledger. Every entry moves a positive amount of fen from one
  account to another, so the books balance by construction; an account's balance is derived (money in − money
  out), never stored. Entries are never edited or deleted (a trigger in the migration refuses UPDATE and
  DELETE); a correction is a reversing entry. Community-side accounts can never go below zero (checked under a
  row lock of the account in funding.services.ledger).
- SpecialProject (district special funds for a named project) and Donation (to a community foundation): the
  other sources, each with its own account, so every yuan can be followed to the request that spent it.
- Disbursement: a community's request (purpose, category, amount, quotes and receipts), approved or rejected by
  its street, a second approval by the district above the threshold, then paid with a voucher number.
- YearEnd and CarryOver: the 1 January settlement of the previous year (carry over, return, or carry up to a cap).
- BonusPool, BonusQuarter, BonusAward: the yearly performance pool, split by quarter and allocated to community
  staff by their staff stars (funding.bonus holds the formula).
"""

from __future__ import annotations

import pghistory
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT, TenantQuerySet
from accounts.roles import Role
from compounds.models import DistrictOwned, Tier

R = Role
YEAR_RULE = Q(year__gte=2000, year__lte=2100)
POSITIVE = [MinValueValidator(1, message=_("金额必须大于 0。"))]
NON_NEGATIVE = [MinValueValidator(0, message=_("金额不能为负数。"))]


class CarryRule(models.TextChoices):
    CARRY = "carry", _("全部结转下年")
    RETURN = "return", _("全部收回区级")
    CAP = "cap", _("结转不超过上限，超出部分收回")


@pghistory.track()
class FundPolicy(DistrictOwned):
    """经费标准: a district's annual community service fund per tier for one year, applied to every community
    in one action (funding.services.policy.policy_apply)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    tier_a_fen = models.BigIntegerField(_("A类社区年度经费（分）"), validators=NON_NEGATIVE)
    tier_b_fen = models.BigIntegerField(_("B类社区年度经费（分）"), validators=NON_NEGATIVE)
    tier_c_fen = models.BigIntegerField(_("C类社区年度经费（分）"), validators=NON_NEGATIVE)
    tier_d_fen = models.BigIntegerField(_("D类社区年度经费（分）"), validators=NON_NEGATIVE)
    second_approval_fen = models.BigIntegerField(
        _("二次审批门槛（分）"),
        default=50_000_00,
        validators=NON_NEGATIVE,
        help_text=_("超过此金额的支出须区级二次审批"),
    )
    carry_rule = models.CharField(_("年末结余处理"), max_length=10, choices=CarryRule.choices, default=CarryRule.CARRY)
    carry_cap_fen = models.BigIntegerField(_("结转上限（分）"), default=0, validators=NON_NEGATIVE)
    applied_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_view = {R.STREET_STAFF: WHOLE_DISTRICT, R.COMMUNITY_CADRE: WHOLE_DISTRICT}
    scope_change = {}

    class Meta:
        verbose_name = _("经费标准")
        verbose_name_plural = _("经费标准")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="fund_policy_once_a_year",
                violation_error_message=_("本区该年度已有经费标准。"),
            ),
            models.CheckConstraint(
                name="fund_policy_year_plausible",
                condition=YEAR_RULE,
                violation_error_message=_("年度应在 2000 至 2100 之间。"),
            ),
            models.CheckConstraint(
                name="fund_policy_amounts_not_negative",
                condition=Q(tier_a_fen__gte=0, tier_b_fen__gte=0, tier_c_fen__gte=0, tier_d_fen__gte=0)
                & Q(second_approval_fen__gte=0, carry_cap_fen__gte=0),
                violation_error_message=_("金额不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年经费标准"

    def amount_for(self, tier: str) -> int:
        return {Tier.A: self.tier_a_fen, Tier.B: self.tier_b_fen, Tier.C: self.tier_c_fen, Tier.D: self.tier_d_fen}[
            tier
        ]


# Overrides and tier changes are their own history: a trigger (migration 0004) refuses UPDATE and DELETE.
HISTORY_IMMUTABLE_MESSAGE = _("已登记的单独核定和分类调整不能修改或删除：如需更正，请重新登记一条。")


@pghistory.track()
class FundOverride(DistrictOwned):
    """单独核定: one community's annual amount for a year instead of its tier's, with the reason. Append-only:
    the newest row is in force, the older ones are its history."""

    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="fund_overrides"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount_fen = models.BigIntegerField(_("核定金额（分）"), validators=NON_NEGATIVE)
    reason = models.CharField(_("核定理由"), max_length=200)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = {R.STREET_STAFF: "community__street", R.COMMUNITY_CADRE: "community"}
    scope_change = {}

    class Meta:
        verbose_name = _("单独核定经费")
        verbose_name_plural = _("单独核定经费")
        ordering = ["community", "-year", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="fund_override_amount_not_negative",
                condition=Q(amount_fen__gte=0) & YEAR_RULE,
                violation_error_message=_("核定金额不能为负数，年度应在 2000 至 2100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}年单独核定"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            from django.core.exceptions import ValidationError

            raise ValidationError(HISTORY_IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError(HISTORY_IMMUTABLE_MESSAGE)


@pghistory.track()
class TierProration(DistrictOwned):
    """年中调整分类: a community's tier changed from `from_month` of `year`; the year's fund is settled pro rata
    by month (the months before at the old tier's amount, the rest at the new one's) and the difference posted."""

    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    from_month = models.PositiveSmallIntegerField(_("起始月份"))
    old_tier = models.CharField(_("原分类"), max_length=1, choices=Tier.choices)
    new_tier = models.CharField(_("新分类"), max_length=1, choices=Tier.choices)
    old_annual_fen = models.BigIntegerField(_("原年度经费（分）"))
    new_annual_fen = models.BigIntegerField(_("新年度经费（分）"))
    delta_fen = models.BigIntegerField(_("调整金额（分）"))
    reason = models.CharField(_("调整理由"), max_length=200)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_view = {R.STREET_STAFF: "community__street", R.COMMUNITY_CADRE: "community"}
    scope_change = {}

    class Meta:
        verbose_name = _("年中分类调整")
        verbose_name_plural = _("年中分类调整")
        ordering = ["-year", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="tier_proration_month_1_to_12",
                condition=Q(from_month__gte=1, from_month__lte=12) & YEAR_RULE,
                violation_error_message=_("起始月份应为 1 至 12。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}年{self.from_month}月起 {self.old_tier}→{self.new_tier}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            from django.core.exceptions import ValidationError

            raise ValidationError(HISTORY_IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError(HISTORY_IMMUTABLE_MESSAGE)


class AccountKind(models.TextChoices):
    BUDGET = "budget", _("区级经费专户")
    DONORS = "donors", _("社会捐赠（来源）")
    SERVICE = "service", _("社区服务经费")
    PROJECT = "project", _("专项经费")
    FOUNDATION = "foundation", _("社区基金会")
    COMMITTED = "committed", _("已批准待支付")
    PAID = "paid", _("已支付")


# Accounts that stand for the outside world (where money comes from, where it has gone): their balance may
# be negative. Every other account is a pot of the community and never goes below zero.
OPEN_KINDS = (AccountKind.BUDGET, AccountKind.DONORS, AccountKind.PAID)
# The accounts a community may spend from.
SPENDABLE_KINDS = (AccountKind.SERVICE, AccountKind.PROJECT, AccountKind.FOUNDATION)


@pghistory.track()
class FundAccount(DistrictOwned):
    """账户: a pot of money. The district has one budget account, one donors' source and one paid-out account;
    each community a service-fund account, a foundation account and a committed (approved, not yet paid)
    account; each special project its own account. The balance is never stored: it is the sum of the
    entries (funding.selectors.balance)."""

    kind = models.CharField(_("类型"), max_length=12, choices=AccountKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    community = models.ForeignKey(
        "compounds.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_accounts",
    )
    street = models.ForeignKey(
        "compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project = models.OneToOneField(
        "funding.SpecialProject",
        verbose_name=_("专项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
    )

    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}
    scope_change = {R.STREET_STAFF: "street"}

    class Meta:
        verbose_name = _("经费账户")
        verbose_name_plural = _("经费账户")
        ordering = ["kind", "street__code", "community__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind"],
                condition=Q(kind__in=["budget", "donors", "paid"]),
                name="fund_account_one_district_account_per_kind",
                violation_error_message=_("本区已有该类型的区级账户。"),
            ),
            models.UniqueConstraint(
                fields=["community", "kind"],
                condition=Q(kind__in=["service", "foundation", "committed"]),
                name="fund_account_one_community_account_per_kind",
                violation_error_message=_("该社区已有该类型的账户。"),
            ),
            models.CheckConstraint(
                name="fund_account_community_side_has_community",
                condition=Q(kind__in=["budget", "donors", "paid"], community__isnull=True)
                | Q(~Q(kind__in=["budget", "donors", "paid"]), community__isnull=False, street__isnull=False),
                violation_error_message=_("社区账户必须属于一个社区，区级账户不属于社区。"),
            ),
            models.CheckConstraint(
                name="fund_account_project_has_project",
                condition=Q(kind="project", project__isnull=False) | Q(~Q(kind="project"), project__isnull=True),
                violation_error_message=_("专项账户必须对应一个专项。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def may_go_negative(self) -> bool:
        return self.kind in OPEN_KINDS


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("年度经费下达")
    ADJUSTMENT = "adjustment", _("经费调整")
    SPECIAL = "special", _("专项经费拨付")
    DONATION = "donation", _("社会捐赠")
    APPROVAL = "approval", _("支出批准（预留）")
    RELEASE = "release", _("批准撤回（释放）")
    PAYMENT = "payment", _("支付")
    RETURN = "return", _("年末收回")
    REVERSAL = "reversal", _("冲正")


class EntryQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError(IMMUTABLE_MESSAGE)

    def delete(self):
        from django.core.exceptions import ValidationError

        raise ValidationError(IMMUTABLE_MESSAGE)


IMMUTABLE_MESSAGE = _("已记账的分录不能修改或删除：如需更正，请登记一笔冲正分录。")


class EntryManager(models.Manager.from_queryset(EntryQuerySet)):
    pass


@pghistory.track()
class LedgerEntry(DistrictOwned):
    """分录: `amount_fen` moves from `debit_from` to `credit_to` (always positive: the direction is the pair).
    Never edited or deleted: the migration's trigger refuses UPDATE and DELETE on this table."""

    posted_at = models.DateTimeField(_("记账时间"))
    year = models.PositiveSmallIntegerField(_("所属年度"))
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    from_account = models.ForeignKey(
        FundAccount, verbose_name=_("付出账户"), on_delete=models.PROTECT, related_name="outgoing"
    )
    to_account = models.ForeignKey(
        FundAccount, verbose_name=_("收入账户"), on_delete=models.PROTECT, related_name="incoming"
    )
    amount_fen = models.BigIntegerField(_("金额（分）"), validators=POSITIVE)
    memo = models.CharField(_("摘要"), max_length=200)
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    street = models.ForeignKey(
        "compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disbursement = models.ForeignKey(
        "funding.Disbursement",
        verbose_name=_("支出申请"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    donation = models.ForeignKey(
        "funding.Donation",
        verbose_name=_("捐赠"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的分录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    posted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记账人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_by_name = models.CharField(_("记账人（名称）"), max_length=100)

    objects = EntryManager()

    scope_view = {
        R.STREET_STAFF: "street",
        R.COMMUNITY_CADRE: "community",
    }
    scope_change = {}

    class Meta:
        verbose_name = _("记账分录")
        verbose_name_plural = _("记账分录")
        ordering = ["-posted_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "year", "kind"], name="entry_district_year_kind"),
            models.Index(fields=["from_account", "amount_fen"], name="entry_from_amount"),
            models.Index(fields=["to_account", "amount_fen"], name="entry_to_amount"),
        ]
        constraints = [
            models.CheckConstraint(
                name="entry_amount_positive",
                condition=Q(amount_fen__gt=0),
                violation_error_message=_("金额必须大于 0。"),
            ),
            models.CheckConstraint(
                name="entry_two_different_accounts",
                condition=~Q(from_account=models.F("to_account")),
                violation_error_message=_("付出账户和收入账户不能相同。"),
            ),
            models.UniqueConstraint(
                fields=["to_account", "year"],
                condition=Q(kind="allocation"),
                name="entry_one_allocation_per_account_year",
                violation_error_message=_("该社区本年度经费已下达。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.memo}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            from django.core.exceptions import ValidationError

            raise ValidationError(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError(IMMUTABLE_MESSAGE)


@pghistory.track()
class SpecialProject(DistrictOwned):
    """专项经费: district special funds for a named project of one community, with its own account."""

    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey("compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("项目名称"), max_length=100)
    purpose = models.CharField(_("用途说明"), max_length=300)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount_fen = models.BigIntegerField(_("拨付金额（分）"), validators=POSITIVE)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}
    scope_change = {}

    class Meta:
        verbose_name = _("专项经费")
        verbose_name_plural = _("专项经费")
        ordering = ["-year", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                name="special_project_amount_positive",
                condition=Q(amount_fen__gt=0) & YEAR_RULE,
                violation_error_message=_("拨付金额必须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Donation(DistrictOwned):
    """社会捐赠: a gift to a community foundation (社区基金会), received into the community's foundation
    account. The donor's name is kept as given (an organisation or a person who agreed to be named)."""

    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey("compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    donor = models.CharField(_("捐赠方"), max_length=100)
    purpose = models.CharField(_("指定用途"), max_length=200, blank=True)
    amount_fen = models.BigIntegerField(_("金额（分）"), validators=POSITIVE)
    received_on = models.DateField(_("到账日期"))
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}
    scope_change = {}

    class Meta:
        verbose_name = _("社会捐赠")
        verbose_name_plural = _("社会捐赠")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="donation_amount_positive",
                condition=Q(amount_fen__gt=0),
                violation_error_message=_("金额必须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor}捐赠"


class Category(models.TextChoices):
    SERVICE = "service", _("居民服务活动")
    REPAIR = "repair", _("小区设施维修")
    ENVIRONMENT = "environment", _("环境整治")
    SAFETY = "safety", _("安全隐患整改")
    ELDERLY = "elderly", _("为老为小服务")
    CULTURE = "culture", _("文化体育活动")
    OFFICE = "office", _("办公运转")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    REQUESTED = "requested", _("待街道审批")
    SECOND = "second", _("待区级二次审批")
    APPROVED = "approved", _("已批准待支付")
    REJECTED = "rejected", _("已驳回")
    PAID = "paid", _("已支付")


@pghistory.track()
class Disbursement(DistrictOwned):
    """支出申请: a community asks to spend from one of its accounts; its street approves or rejects; above the
    policy's threshold a district official approves a second time; then it is paid with a voucher number.
    The street's approval reserves the money (an approval entry to the committed account) under a row lock of
    the account, so two requests can never both be approved with the last money."""

    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey("compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        FundAccount, verbose_name=_("支出账户"), on_delete=models.PROTECT, related_name="requests"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    purpose = models.CharField(_("用途"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"), validators=POSITIVE)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    needs_second = models.BooleanField(_("须二次审批"), default=False)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("街道审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("街道审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    second_at = models.DateTimeField(_("二次审批时间"), null=True, blank=True)
    second_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("二次审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("驳回时间"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        "accounts.User", verbose_name=_("驳回人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reject_reason = models.CharField(_("驳回理由"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    paid_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("支付登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    voucher_no = models.CharField(_("凭证号"), max_length=40, blank=True)

    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}
    scope_change = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("支出申请")
        verbose_name_plural = _("支出申请")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["district", "status"], name="disbursement_district_status")]
        constraints = [
            models.CheckConstraint(
                name="disbursement_amount_positive",
                condition=Q(amount_fen__gt=0),
                violation_error_message=_("金额必须大于 0。"),
            ),
            models.CheckConstraint(
                name="disbursement_rejected_has_reason",
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                violation_error_message=_("驳回必须填写理由。"),
            ),
            models.CheckConstraint(
                name="disbursement_paid_has_voucher",
                condition=~Q(status="paid") | ~Q(voucher_no=""),
                violation_error_message=_("支付必须填写凭证号。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community}：{self.purpose}"


class DocumentKind(models.TextChoices):
    QUOTE = "quote", _("报价单")
    RECEIPT = "receipt", _("发票/收据")
    OTHER = "other", _("其他材料")


@pghistory.track()
class DisbursementDocument(DistrictOwned):
    """报价单、发票: a document attached to a request, checked by accounts.uploads (content, size, name)."""

    disbursement = models.ForeignKey(
        Disbursement, verbose_name=_("支出申请"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), upload_to="funding/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_view = {R.STREET_STAFF: "disbursement__street", R.COMMUNITY_CADRE: "disbursement__community"}
    scope_change = {}

    class Meta:
        verbose_name = _("支出附件")
        verbose_name_plural = _("支出附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class YearEnd(DistrictOwned):
    """年末结转: the settlement of `year`'s unspent service funds under the rule then in force. One per district
    and year: running it again finds it and does nothing."""

    year = models.PositiveSmallIntegerField(_("年度"))
    rule = models.CharField(_("处理规则"), max_length=10, choices=CarryRule.choices)
    cap_fen = models.BigIntegerField(_("结转上限（分）"), default=0)
    carried_fen = models.BigIntegerField(_("结转合计（分）"), default=0)
    returned_fen = models.BigIntegerField(_("收回合计（分）"), default=0)
    run_at = models.DateTimeField(_("执行时间"))
    run_by_name = models.CharField(_("执行人"), max_length=100)

    scope_view = {R.STREET_STAFF: WHOLE_DISTRICT, R.COMMUNITY_CADRE: WHOLE_DISTRICT}
    scope_change = {}

    class Meta:
        verbose_name = _("年末结转")
        verbose_name_plural = _("年末结转")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="year_end_once", violation_error_message=_("该年度已完成年末结转。")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年末结转"


@pghistory.track()
class CarryOver(DistrictOwned):
    """One community's line of a year end: its unspent balance, what it carries into the next year and
    what went back to the district."""

    year_end = models.ForeignKey(YearEnd, verbose_name=_("年末结转"), on_delete=models.PROTECT, related_name="lines")
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey("compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    balance_fen = models.BigIntegerField(_("年末结余（分）"))
    carried_fen = models.BigIntegerField(_("结转下年（分）"))
    returned_fen = models.BigIntegerField(_("收回区级（分）"))

    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}
    scope_change = {}

    class Meta:
        verbose_name = _("结转明细")
        verbose_name_plural = _("结转明细")
        ordering = ["year_end", "street__code", "community__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year"], name="carry_over_once", violation_error_message=_("该社区该年度已结转。")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}年结转"


class PoolStatus(models.TextChoices):
    DRAFT = "draft", _("待计算")
    COMPUTED = "computed", _("已计算待审定")
    APPROVED = "approved", _("已审定")


@pghistory.track()
class BonusPool(DistrictOwned):
    """绩效奖励资金池: a district's yearly pool for community staff, split evenly by quarter (the remainder fen
    in the last quarter), with the formula: points per star grade, a cap and a floor per person (whole yuan)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    total_fen = models.BigIntegerField(_("年度资金池（分）"), validators=POSITIVE)
    points_1 = models.PositiveSmallIntegerField(_("一星分值"), default=8)
    points_2 = models.PositiveSmallIntegerField(_("二星分值"), default=11)
    points_3 = models.PositiveSmallIntegerField(_("三星分值"), default=14)
    points_4 = models.PositiveSmallIntegerField(_("四星分值"), default=17)
    points_5 = models.PositiveSmallIntegerField(_("五星分值"), default=20)
    cap_yuan = models.PositiveIntegerField(_("个人上限（元）"), default=5_220)
    floor_yuan = models.PositiveIntegerField(_("个人保底（元）"), default=1_000)
    qualifying_score = models.DecimalField(
        _("合格分数线"), max_digits=5, decimal_places=2, default=45, help_text=_("综合得分低于此线者不参与分配")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_view = {R.STREET_STAFF: WHOLE_DISTRICT, R.COMMUNITY_CADRE: WHOLE_DISTRICT}
    scope_change = {}

    class Meta:
        verbose_name = _("绩效奖励资金池")
        verbose_name_plural = _("绩效奖励资金池")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="bonus_pool_once_a_year",
                violation_error_message=_("本区该年度已有资金池。"),
            ),
            models.CheckConstraint(
                name="bonus_pool_floor_below_cap",
                condition=Q(floor_yuan__lte=models.F("cap_yuan")) & Q(total_fen__gt=0) & YEAR_RULE,
                violation_error_message=_("个人保底不能高于个人上限，资金池必须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年绩效奖励资金池"

    def points(self) -> dict[int, int]:
        return {1: self.points_1, 2: self.points_2, 3: self.points_3, 4: self.points_4, 5: self.points_5}

    def quarter_fen(self, quarter: int) -> int:
        base = self.total_fen // 4
        return base + (self.total_fen - 4 * base if quarter == 4 else 0)


@pghistory.track()
class BonusQuarter(DistrictOwned):
    """One quarter of a pool: computed from the quarter's approved staff stars, approved by the district, then
    a payroll XLSX built by a Celery task."""

    pool = models.ForeignKey(BonusPool, verbose_name=_("资金池"), on_delete=models.PROTECT, related_name="quarters")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    pool_yuan = models.PositiveIntegerField(_("本季度资金（元）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=PoolStatus.choices, default=PoolStatus.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审定人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payroll = models.FileField(_("工资发放表"), upload_to="funding/payroll/", blank=True)
    payroll_built_at = models.DateTimeField(_("发放表生成时间"), null=True, blank=True)

    scope_view = {R.STREET_STAFF: WHOLE_DISTRICT, R.COMMUNITY_CADRE: WHOLE_DISTRICT}
    scope_change = {}

    class Meta:
        verbose_name = _("季度绩效奖励")
        verbose_name_plural = _("季度绩效奖励")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "quarter"], name="bonus_quarter_once", violation_error_message=_("该季度已存在。")
            ),
            models.CheckConstraint(
                name="bonus_quarter_1_to_4",
                condition=Q(quarter__gte=1, quarter__lte=4),
                violation_error_message=_("季度应为 1 至 4。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度绩效奖励"


@pghistory.track()
class BonusAward(DistrictOwned):
    """One person's award of a quarter (whole yuan), with the grade and points it was computed from."""

    bonus_quarter = models.ForeignKey(
        BonusQuarter, verbose_name=_("季度"), on_delete=models.CASCADE, related_name="awards"
    )
    person = models.ForeignKey("staffing.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=30)
    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    street = models.ForeignKey(
        "compounds.Street", verbose_name=_("街道"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stars = models.PositiveSmallIntegerField(_("星级"))
    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=2)
    points = models.PositiveSmallIntegerField(_("分值"))
    amount_yuan = models.PositiveIntegerField(_("奖励金额（元）"))

    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community"}
    scope_change = {}

    class Meta:
        verbose_name = _("绩效奖励明细")
        verbose_name_plural = _("绩效奖励明细")
        ordering = ["bonus_quarter", "-amount_yuan", "person_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bonus_quarter", "person"],
                name="bonus_award_once",
                violation_error_message=_("该人员本季度已有奖励。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.amount_yuan}元"
