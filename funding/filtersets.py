"""Filters of the funding API, on the shared bases of compounds.filtersets (labels in Chinese, marked for the
English catalogue). Related choices are limited to what the requesting user may view: another district's id
answers like a missing one."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from compounds.filtersets import ChoicesFilter, StreetFilterMixin, TenantFilterSet, by_id
from compounds.models import Community
from funding.models import (
    AccountKind,
    BonusAward,
    BonusPool,
    BonusQuarter,
    CarryOver,
    Category,
    Disbursement,
    DisbursementDocument,
    Donation,
    EntryKind,
    FundAccount,
    FundOverride,
    FundPolicy,
    LedgerEntry,
    PoolStatus,
    SpecialProject,
    Status,
    TierProration,
    YearEnd,
)


class FundPolicyFilterSet(TenantFilterSet):
    search_fields = ("year",)

    class Meta:
        model = FundPolicy
        fields = ["year", "carry_rule"]


class FundOverrideFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("reason", "community__name")
    street_path = "community__street"
    community_id = by_id(Community, "community", _("社区"))

    class Meta:
        model = FundOverride
        fields = ["year"]


class TierProrationFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("reason", "community__name")
    street_path = "community__street"
    community_id = by_id(Community, "community", _("社区"))

    class Meta:
        model = TierProration
        fields = ["year", "new_tier", "old_tier"]


class FundAccountFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("name",)
    community_id = by_id(Community, "community", _("社区"))
    kind = ChoicesFilter(choices=AccountKind.choices, label=_("类型"))

    class Meta:
        model = FundAccount
        fields: list[str] = []


class LedgerEntryFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("memo",)
    community_id = by_id(Community, "community", _("社区"))
    account_id = django_filters.NumberFilter(method="filter_account", label=_("账户"))
    kind = ChoicesFilter(choices=EntryKind.choices, label=_("类型"))
    disbursement_id = by_id(Disbursement, "disbursement", _("支出申请"))
    posted_after = django_filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="gte", label=_("记账时间起"))
    posted_before = django_filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="lt", label=_("记账时间止"))

    class Meta:
        model = LedgerEntry
        fields = ["year"]

    def filter_account(self, queryset: Any, name: str, value: Any) -> Any:
        from django.db.models import Q

        return queryset.filter(Q(from_account_id=value) | Q(to_account_id=value)) if value is not None else queryset


class SpecialProjectFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("name", "purpose")
    community_id = by_id(Community, "community", _("社区"))

    class Meta:
        model = SpecialProject
        fields = ["year"]


class DonationFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("donor", "purpose")
    community_id = by_id(Community, "community", _("社区"))

    class Meta:
        model = Donation
        fields = ["received_on"]


class DisbursementFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("purpose", "voucher_no", "community__name")
    community_id = by_id(Community, "community", _("社区"))
    status = ChoicesFilter(choices=Status.choices, label=_("状态"))
    category = ChoicesFilter(choices=Category.choices, label=_("类别"))
    amount_min = django_filters.NumberFilter(field_name="amount_fen", lookup_expr="gte", label=_("金额下限（分）"))
    amount_max = django_filters.NumberFilter(field_name="amount_fen", lookup_expr="lte", label=_("金额上限（分）"))

    class Meta:
        model = Disbursement
        fields = ["year", "needs_second"]


class DisbursementDocumentFilterSet(TenantFilterSet):
    search_fields = ("name",)
    disbursement_id = by_id(Disbursement, "disbursement", _("支出申请"))

    class Meta:
        model = DisbursementDocument
        fields = ["kind"]


class YearEndFilterSet(TenantFilterSet):
    search_fields = ("run_by_name",)

    class Meta:
        model = YearEnd
        fields = ["year", "rule"]


class CarryOverFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("community__name",)
    community_id = by_id(Community, "community", _("社区"))

    class Meta:
        model = CarryOver
        fields = ["year"]


class BonusPoolFilterSet(TenantFilterSet):
    search_fields = ("year",)

    class Meta:
        model = BonusPool
        fields = ["year"]


class BonusQuarterFilterSet(TenantFilterSet):
    search_fields = ("year",)
    status = ChoicesFilter(choices=PoolStatus.choices, label=_("状态"))

    class Meta:
        model = BonusQuarter
        fields = ["year", "quarter"]


class BonusAwardFilterSet(StreetFilterMixin, TenantFilterSet):
    search_fields = ("person_name",)
    community_id = by_id(Community, "community", _("社区"))
    bonus_quarter_id = by_id(BonusQuarter, "bonus_quarter", _("季度"))

    class Meta:
        model = BonusAward
        fields = ["stars"]
