"""The top floor's pages: each role's home (/) and the compound's public page behind its QR code (/q/<token>/).

Homes read through portal.selectors (the lower apps' selectors, scoped by accounts.policy). The public page is
keyed by the compound's unguessable public token (residents have no account: the token *is* the scope)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.roles import Role
from compounds.models import Compound
from portal import selectors

HANDLERS = (Role.FIRM_STAFF, Role.DEPARTMENT_STAFF, Role.COMMUNITY_CADRE)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own work: handlers on 我的工单, street staff on their cockpit, district officials
    on the street ranking, grid workers on their grid; the platform administrator on the admin."""
    user = request.user
    if user.is_platform_admin or user.district_id is None:
        return redirect("admin:index")
    now = timezone.now()
    if user.role == Role.STREET_STAFF and user.street_id:
        context = selectors.street_cockpit(actor=user, now=now)
        return render(request, "portal/home_street.html", {**context, "street": user.street})
    if user.role == Role.DISTRICT_OFFICIAL:
        context = selectors.district_home(actor=user, now=now)
        return render(request, "portal/home_district.html", {**context, "district": user.district})
    if user.role == Role.GRID_WORKER:
        return render(request, "portal/home_grid.html", selectors.grid_home(actor=user, now=now))
    if user.role in HANDLERS:
        return redirect("workorders:mine")
    return redirect("district-dashboard")


def _public_headers(response: HttpResponse) -> HttpResponse:
    """As the other public pages keyed by a secret: not cached by proxies, not indexed, no Referer elsewhere."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def compound_public(request: HttpRequest, public_token: str) -> HttpResponse:
    """The compound's public page, where its QR code leads: who serves it, its firm and list, this month's
    orders, and the two buttons — report a problem (码上反馈) and, while a quarter is open, the owners' survey."""
    compound = get_object_or_404(
        Compound.objects.select_related("community__street", "property_firm"), public_token=public_token
    )
    context = {"compound": compound, **selectors.compound_public(compound=compound, now=timezone.now())}
    return _public_headers(render(request, "portal/compound_public.html", context))
