"""Sign-in pages (Django's forms under accounts.text's rule) and the district's reveal log."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.filtersets import PersonalDataRevealFilterSet
from accounts.forms import LoginForm
from accounts.models import PersonalDataReveal
from accounts.permissions import require


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5+): the page header's sign-out button is a small form."""


@login_required
def reveal_log(request: HttpRequest) -> HttpResponse:
    """个人信息查看记录: every reveal of personal data in the official's district, newest first, filterable by
    person, field, kind of record, record and date."""
    require(request.user, "accounts.read_reveal_log")
    reveals = PersonalDataReveal.objects.visible_to(request.user).select_related("actor", "content_type")
    log = PersonalDataRevealFilterSet(request.GET or None, queryset=reveals, request=request)
    page = Paginator(log.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if log.is_bound and not log.is_valid() else 200
    context = {"filter": log, "page": page, "query": query.urlencode()}
    return render(request, "accounts/reveal_log.html", context, status=status)
