"""Filters of the ratings API, on the shared bases of compounds.filtersets (labels in Chinese, marked for
the English catalogue).

Every related choice (`period`, `firm`, `compound`) is limited to what the requesting user may view, and a
refused id gets one message that does not repeat it: an id of another district answers exactly like an id
that does not exist (a 400 with the same body), so the filter never confirms that a row exists elsewhere.
The filter names are the model's field names (`?firm=3&period=7`).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from compounds.filtersets import NOT_VISIBLE, ScopedIdFilter, TenantFilterSet, scoped
from compounds.models import Compound, PropertyFirm
from ratings.models import (
    FirmScore,
    Introduction,
    PanelScore,
    RatingPeriod,
    Report,
    SeriousIncident,
    ServiceContract,
    SurveyResponse,
    WorkOrderRecord,
)


class RatingsIdFilter(ScopedIdFilter):
    """An object by primary key among those the user may view; a refused id answers without echoing it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", NOT_VISIBLE)
        super().__init__(*args, **kwargs)


def period_filter() -> RatingsIdFilter:
    return RatingsIdFilter(field_name="period", queryset=scoped(RatingPeriod), label=_("考评季度"))


def firm_filter() -> RatingsIdFilter:
    return RatingsIdFilter(field_name="firm", queryset=scoped(PropertyFirm), label=_("物业企业"))


def compound_filter() -> RatingsIdFilter:
    return RatingsIdFilter(field_name="compound", queryset=scoped(Compound), label=_("小区"))


class ServiceContractFilterSet(TenantFilterSet):
    search_fields = ("firm__name", "compound__name")
    firm = firm_filter()
    compound = compound_filter()

    class Meta:
        model = ServiceContract
        fields = ["fee_basis"]


class IntroductionFilterSet(TenantFilterSet):
    search_fields = ("firm__name", "compound__name")
    compound = compound_filter()
    firm = firm_filter()

    class Meta:
        model = Introduction
        fields = ["status"]


class RatingPeriodFilterSet(TenantFilterSet):
    search_fields = ()

    class Meta:
        model = RatingPeriod
        fields = ["year", "quarter", "status"]


class PanelScoreFilterSet(TenantFilterSet):
    search_fields = ("firm__name",)
    period = period_filter()
    firm = firm_filter()

    class Meta:
        model = PanelScore
        fields = ["party"]


class WorkOrderRecordFilterSet(TenantFilterSet):
    search_fields = ("firm__name",)
    period = period_filter()
    firm = firm_filter()

    class Meta:
        model = WorkOrderRecord
        fields = ["source"]


class SeriousIncidentFilterSet(TenantFilterSet):
    search_fields = ("firm__name", "description")
    period = period_filter()
    firm = firm_filter()

    class Meta:
        model = SeriousIncident
        fields: list[str] = []


class SurveyResponseFilterSet(TenantFilterSet):
    search_fields = ("compound__name", "firm__name")
    period = period_filter()
    compound = compound_filter()
    firm = firm_filter()

    class Meta:
        model = SurveyResponse
        fields = ["level"]


class FirmScoreFilterSet(TenantFilterSet):
    search_fields = ("firm__name",)
    period = period_filter()
    firm = firm_filter()

    class Meta:
        model = FirmScore
        fields = ["list_kind"]


class ReportFilterSet(TenantFilterSet):
    search_fields = ()
    period = period_filter()

    class Meta:
        model = Report
        fields = ["kind"]
