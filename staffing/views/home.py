"""The staffing overview: coverage, grids, visits, duty and stars at a glance, by role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import has
from staffing import selectors
from staffing.services.visits import overdue_households
from staffing.views.common import require_staff


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    user = request.user
    if has(user, "staffing.my_grid"):
        return redirect("staffing:my-grid")
    today = timezone.localdate()
    coverage = selectors.team_coverage(actor=user, on=today)
    context = {
        "coverage": coverage,
        "pairing": selectors.pairing_figures(actor=user, today=today),
        "overdue": overdue_households(actor=user, today=today).count(),
        "duty": selectors.duty_today(actor=user),
        "longest": coverage.vacancies[:8],
        "today": today,
    }
    return render(request, "staffing/home.html", context)
