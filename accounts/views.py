"""Sign-in pages (Django's forms under accounts.text's rule), the lockout and rate-limit answers, the user's own
API keys and the district's reveal log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.apikeys import api_key_revoke
from accounts.filtersets import PersonalDataRevealFilterSet
from accounts.forms import LoginForm, PasswordChangeForm
from accounts.models import ApiKey, PersonalDataReveal
from accounts.permissions import require

LOCKOUT_MESSAGE = _("登录失败次数过多，该账号已在此网络地址暂时锁定，请 %(minutes)s 分钟后再试，或联系管理员。")
RATELIMIT_MESSAGE = _("请求过于频繁，请稍后再试。")


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/open311/"))


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): the Chinese lockout page, or under
    /api/ the API's error shape; 429 with Retry-After either way."""
    minutes = _lockout_minutes()
    message = LOCKOUT_MESSAGE % {"minutes": minutes}
    if _wants_json(request):
        response = JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def ratelimited(request: HttpRequest, exception=None) -> HttpResponse:
    """django-ratelimit's answer (RATELIMIT_VIEW) for a view that blocks: 429, in the API's shape under /api/ and
    /open311/, else the Chinese page."""
    from accounts.errors import error_page

    return error_page(request, 429, str(RATELIMIT_MESSAGE))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5+): the page header's sign-out button is a small form."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码. The user's API keys are revoked by the change itself (accounts.passwords)."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    http_method_names = ["get", "head", "post"]  # not FormView's PUT (taken as a POST)
    success_url = reverse_lazy("api-keys")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("密码已修改；您的 API 密钥已全部撤销，请重新申请。"))
        return response


@require_safe
@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    """我的 API 密钥: the signed-in user's keys (prefix, name, dates, state), newest first, each revocable."""
    keys = ApiKey.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(request, "accounts/api_keys.html", {"keys": keys, "now": timezone.now()})


@login_required
@require_POST
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own keys; another user's key is a 404, like a missing one."""
    key = ApiKey.objects.filter(user=request.user, pk=pk).first()
    if key is None:
        raise Http404("未找到该对象")
    api_key_revoke(actor=request.user, key=key)
    messages.success(
        request,
        gettext("密钥“%(name)s”（%(prefix)s…）已撤销，使用它的程序将无法再访问接口。")
        % {"name": key.name, "prefix": key.prefix},
    )
    return redirect("api-keys")


api_keys.tenancy_model = ApiKey
api_key_revoke_view.tenancy_model = ApiKey


@require_safe
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
