"""Server-rendered pages of the organisation tree: the district summary, the street dashboard and the
compound page. Every object comes through the policy (`access` / `visible_to`): another district's
street or compound is a 404."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from accounts.permissions import has
from accounts.policy import access, object_view
from compounds import selectors
from compounds.filtersets import CompoundFilterSet
from compounds.models import Community, Compound, ManagementMode, Street, Tier

PAGE_SIZE = 25

# Labels that come from the models in Chinese; listed here so that the English catalogue carries them
# (templates translate them with `{% translate value %}`).
MODEL_LABELS = [
    gettext_noop("市场化物业"),
    gettext_noop("国有兜底物业"),
    gettext_noop("社区托管"),
    gettext_noop("业主自管"),
    gettext_noop("A类（新建成熟物业小区）"),
    gettext_noop("B类（老旧密集小区）"),
    gettext_noop("C类（城郊安置小区）"),
    gettext_noop("D类（乡镇小型社区）"),
    gettext_noop("街道"),
    gettext_noop("镇"),
    gettext_noop("平台管理员"),
    gettext_noop("区级人员"),
    gettext_noop("街道工作人员"),
    gettext_noop("社区干部"),
    gettext_noop("网格员"),
    gettext_noop("物业企业人员"),
    gettext_noop("职能部门人员"),
]


class StreetCompoundFilter(CompoundFilterSet):
    """The street dashboard's filters: the API's CompoundFilterSet (same parameter names, so a dashboard URL
    and an API URL filter alike), with single-choice fields for the page's form. Every other filter of the
    API still works from the query string; the form shows these five."""

    form_fields = ("q", "community_id", "tier", "management_mode", "is_three_no")

    community_id = django_filters.ModelChoiceFilter(
        label=_("社区"), field_name="community", queryset=Community.objects.none(), empty_label=_("全部社区")
    )
    tier = django_filters.ChoiceFilter(
        label=_("社区分类"), field_name="community__tier", choices=Tier.choices, empty_label=_("全部分类")
    )
    management_mode = django_filters.ChoiceFilter(
        label=_("管理模式"), choices=ManagementMode.choices, empty_label=_("全部模式")
    )
    is_three_no = django_filters.BooleanFilter(
        label=_("三无小区"),
        widget=forms.Select(choices=[("", _("不限")), ("true", _("仅三无小区")), ("false", _("非三无小区"))]),
    )

    def __init__(self, *args, communities: QuerySet[Community], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["community_id"].queryset = communities
        self.filters["q"].label = _("搜索")

    def visible_fields(self) -> list:
        form = self.form
        for name in self.form_fields:
            if name != "q":
                form.fields[name].widget.attrs["data-autosubmit"] = ""
        form.fields["q"].widget.attrs.update({"placeholder": _("小区名称、地址或编码"), "type": "search"})
        return [form[name] for name in self.form_fields]


@require_safe
@login_required
def district_dashboard(request: HttpRequest) -> HttpResponse:
    """The district summary: every street the user sees, with its figures."""
    user = request.user
    if user.district_id is None:  # only platform administrators have no district (accounts.User's constraint)
        return redirect("admin:index")
    district = user.district
    streets = list(selectors.streets_with_figures(actor=user, district=district))
    figures = selectors.district_figures(actor=user, district=district)
    return render(
        request, "compounds/district_dashboard.html", {"district": district, "streets": streets, "figures": figures}
    )


@object_view(Street)
@require_safe  # a page to read: a write method is a 405, never the page again
@login_required
def street_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """One street: its communities with their figures and a filtered, paginated list of its compounds."""
    user = request.user
    street = access(user, Street.objects.select_related("district"), pk=pk)
    communities = list(selectors.communities_with_figures(actor=user, street=street))
    figures = selectors.street_figures(actor=user, street=street)
    compound_filter = StreetCompoundFilter(
        request.GET or None,
        queryset=selectors.street_compounds(actor=user, street=street),
        request=request,
        communities=Community.objects.visible_to(user).filter(street=street).order_by("code"),
    )
    page = Paginator(compound_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    other_streets = []
    if has(user, "compounds.view_all_streets"):
        other_streets = list(selectors.visible_streets(actor=user).filter(district=street.district).order_by("code"))
    return render(
        request,
        "compounds/street_dashboard.html",
        {
            "street": street,
            "communities": communities,
            "figures": figures,
            "filter": compound_filter,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            "other_streets": other_streets,
            "district_url": reverse("district-dashboard"),
        },
    )


@object_view(Compound)
@require_safe  # a page to read: a write method is a 405, never the page again
@login_required
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One compound: its facts, buildings, grids, firm, and its community's tier with history."""
    user = request.user
    compound = access(
        user,
        Compound.objects.select_related("community", "community__street", "property_firm", "district"),
        pk=pk,
    )
    context = {"compound": compound, **selectors.compound_detail(actor=user, compound=compound)}
    context["can_see_street"] = Street.objects.visible_to(user).filter(pk=compound.community.street_id).exists()
    return render(request, "compounds/compound_detail.html", context)
