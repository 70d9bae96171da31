"""People pages: the list (phones masked), registering and changing a person, and the person's page where
those who manage the person may reveal the full phone (logged)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import has, require
from accounts.policy import access, object_view
from accounts.privacy import record_reveal
from staffing import selectors
from staffing.forms import PICKER_KINDS, PersonForm, VolunteerServiceForm, person_label
from staffing.models import Person, PersonRole, VolunteerService
from staffing.services import people
from staffing.views.common import require_staff, submit

PAGE_SIZE = 30


def name_query(request: HttpRequest) -> str:
    """The `?q=` a list or the person picker searches names with: printable characters, 50 at most."""
    return "".join(ch for ch in (request.GET.get("q") or "") if ch.isprintable()).strip()[:50]


@require_safe
@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    people_ = Person.objects.visible_to(request.user).select_related(
        "street", "community__street", "department", "property_firm"
    )
    query = name_query(request)
    role = request.GET.get("role", "")
    if query:
        people_ = people_.filter(name__icontains=query)
    if role in PersonRole.values:
        people_ = people_.filter(role=role)
    page = Paginator(people_.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "q": query,
        "role": role,
        "roles": PersonRole.choices,
        "query": params.urlencode(),
        "may_add": has(request.user, "staffing.manage_people"),
    }
    return render(request, "staffing/person_list.html", context)


SEARCH_RESULTS = 20


@require_safe
@login_required
def person_search(request: HttpRequest) -> JsonResponse:
    """在册人员搜索 for the person picker (staffing.forms.PersonSearchSelect): `?q=` finds the active people of the
    user's scope by name, `?among=` narrowing them as the picker's field does (staffing.forms.PICKER_KINDS: the
    party members, the departments' officers), 20 at most. JSON: {"results": [{"value", "label", "group"}]}."""
    require_staff(request)
    among = request.GET.get("among", "")
    if among not in PICKER_KINDS:
        raise Http404(gettext("没有这类人员。"))
    query = name_query(request)
    if not query:
        return JsonResponse({"results": []})
    found = (
        Person.objects.visible_to(request.user)
        .filter(PICKER_KINDS[among], is_active=True, name__icontains=query)
        .select_related("property_firm", "department", "community__street", "street")
        .order_by("name", "pk")[:SEARCH_RESULTS]
    )
    return JsonResponse({"results": [{"value": p.pk, "label": person_label(p), "group": ""} for p in found]})


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    require(request.user, "staffing.manage_people")
    form = PersonForm(request.POST or None, actor=request.user)
    created: dict = {}

    def call(data: dict) -> None:
        created["person"] = people.person_create(actor=request.user, district_id=request.user.district_id, **data)

    if request.method == "POST":
        done = submit(request, form, call, done=gettext("已登记人员。"), to=reverse("staffing:people"))
        if done is not None:
            return done
    return render(request, "staffing/person_form.html", {"form": form}, status=400 if form.errors else 200)


@object_view(Person)
@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's page. POST action=reveal shows the full phone to those who manage the person, and
    records the reveal; POST action=edit changes the record."""
    require_staff(request)
    person = access(
        request.user, Person.objects.select_related("street", "community", "department", "property_firm"), pk=pk
    )
    may_edit = has(request.user, "staffing.manage_people", person)
    may_reveal = has(request.user, "staffing.reveal_phone", person)
    revealed = ""
    # The phone is not put into the form (that would show it without a reveal): blank keeps it.
    initial = {name: getattr(person, name) for name in PersonForm.base_fields if name not in ("phone", "form_token")}
    form = PersonForm(initial=initial, actor=request.user)
    form.fields["phone"].help_text = gettext("留空则不修改")
    action = request.POST.get("action") if request.method == "POST" else ""
    if action == "reveal":
        require(request.user, "staffing.reveal_phone", person)
        record_reveal(actor=request.user, obj=person, fields=["phone"], via=request.get_full_path())
        revealed = person.phone
    elif action == "edit":
        require(request.user, "staffing.manage_people", person)
        form = PersonForm(request.POST, actor=request.user)
        done = submit(
            request,
            form,
            lambda data: people.person_update(
                actor=request.user, person=person, **{k: v for k, v in data.items() if k != "phone" or v}
            ),
            done=gettext("已保存。"),
        )
        if done is not None:
            return done
    posts = {
        "seats": person.seats.select_related("team__compound").order_by("-start"),
        "grids": person.grid_posts.select_related("grid").order_by("-start"),
        "buildings": person.building_posts.select_related("building__compound").order_by("-start"),
        "stationed": person.stationed_terms.select_related("compound").order_by("-start"),
        "sinkdown": person.sinkdown_posts.select_related("team").order_by("-start"),
    }
    hours = person.volunteer_services.aggregate(total=Sum("hours"))["total"]
    context = {
        "person": person,
        "revealed": revealed,
        "may_edit": may_edit,
        "may_reveal": may_reveal,
        "form": form,
        "posts": posts,
        "hours": hours,
        "stars": person.stars.order_by("-year", "-quarter")[:8],
    }
    return render(request, "staffing/person_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def volunteers(request: HttpRequest) -> HttpResponse:
    """志愿者与服务时长: hours per person, the latest services and a form to record one."""
    require_staff(request)
    form = VolunteerServiceForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        require(request.user, "staffing.manage_people")
        done = submit(
            request,
            form,
            lambda data: people.volunteer_service_record(actor=request.user, **data),
            done=gettext("已登记志愿服务。"),
        )
        if done is not None:
            return done
    context = {
        "totals": list(selectors.volunteer_hours(actor=request.user)[:100]),
        "recent": VolunteerService.objects.visible_to(request.user).select_related("person", "community")[:30],
        "form": form,
        "may_record": has(request.user, "staffing.manage_people"),
        "roles": dict(PersonRole.choices),
    }
    return render(request, "staffing/volunteers.html", context, status=400 if form.errors else 200)
