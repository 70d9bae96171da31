"""Stationed cadres of a compound (驻点“两委”干部) with history, office hours and reception days; the page
also shows the service card residents will see (staffing.selectors.compound_service_card)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.permissions import has, require
from accounts.policy import access, object_view
from compounds.models import Compound
from staffing import selectors
from staffing.forms import EndForm, ReceptionForm, StationedForm
from staffing.models import ReceptionDay, StationedCadre
from staffing.services import stationed
from staffing.views.common import require_staff, submit, which


@object_view(Compound)
@login_required
@require_http_methods(["GET", "POST"])
def compound_stationed(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    compound = access(request.user, Compound.objects.select_related("community__street", "stationed_cadre"), pk=pk)
    today = timezone.localdate()
    actor = request.user
    may_manage = has(actor, "staffing.manage_stationed", compound)
    forms = {
        "assign": StationedForm(actor=actor, community=compound.community, initial={"start": today}),
        "end": EndForm(initial={"end": today}),
        "reception": ReceptionForm(actor=actor, compound=compound),
    }
    if request.method == "POST":
        require(actor, "staffing.manage_stationed", compound)
        name = which(request)
        if name == "assign":
            forms["assign"] = form = StationedForm(request.POST, actor=actor, community=compound.community)
            call = lambda d: stationed.stationed_cadre_assign(actor=actor, compound=compound, **d)  # noqa: E731
            done_text = gettext("已登记驻点干部。")
        elif name == "reception":
            forms["reception"] = form = ReceptionForm(request.POST, actor=actor, compound=compound)
            call = lambda d: stationed.reception_day_add(actor=actor, compound=compound, **d)  # noqa: E731
            done_text = gettext("已添加接待日。")
        elif name == "remove-reception":
            reception = access(
                actor, ReceptionDay.objects.filter(compound=compound), action="change", pk=request.POST.get("reception")
            )
            stationed.reception_day_remove(actor=actor, reception=reception)
            form, call, done_text = (
                EndForm({"term": 0, "end": today, "reason": "-"}),
                (lambda d: None),
                gettext("已停止该接待日。"),
            )
        else:
            forms["end"] = form = EndForm(request.POST)

            def call(d):
                term = access(actor, StationedCadre.objects.filter(compound=compound), action="change", pk=d["term"])
                return stationed.stationed_cadre_end(actor=actor, term=term, end=d["end"], reason=d["reason"])

            done_text = gettext("已结束驻点。")
        done = submit(request, form, call, done=done_text)
        if done is not None:
            return done
    context = {
        "compound": compound,
        "terms": StationedCadre.objects.visible_to(actor)
        .filter(compound=compound)
        .select_related("person")
        .order_by("-start"),
        "receptions": ReceptionDay.objects.visible_to(actor)
        .filter(compound=compound, is_active=True)
        .select_related("person"),
        "card": selectors.compound_service_card(compound.pk),
        "may_manage": may_manage,
        "forms": forms,
        "today": today,
    }
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "staffing/stationed.html", context, status=status)
