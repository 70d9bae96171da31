"""找回查询码 (/track/phone/): the public page where a resident who lost a tracking code types the phone number
they gave, receives a code by text message and, with it, sees the tracking links of their orders
(workorders.recovery). The answer after step 1 is the same whether the number filed or not; both steps are
rate limited per number and per client address (settings.RATE_LIMITS "track-recovery-*")."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.actors import SystemActor
from accounts.errors import error_page
from accounts.forms import CleanForm
from accounts.network import rate_limited, rate_window_seconds
from accounts.phones import PhoneField
from accounts.privacy import mask_phone
from workorders.recovery import tracking_recovery_send, tracking_recovery_verify

ACTOR = SystemActor(name="public:track_recovery")
PHONE_LIMIT, ADDRESS_LIMIT, VERIFY_LIMIT = "track-recovery-phone", "track-recovery-address", "track-recovery-verify"


class PhoneForm(CleanForm):
    phone = PhoneField(label=_("手机号"), required=True, error_messages={"required": _("请输入提交诉求时留的手机号。")})


class CodeForm(PhoneForm):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("请输入短信中的 6 位验证码。")},
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("验证码是 6 位数字。"))
        return code


def _limited(request: HttpRequest, limit: str, message: str) -> HttpResponse:
    response = error_page(request, 429, message)
    response["Retry-After"] = str(rate_window_seconds(limit))
    return _public_headers(response)


def _public_headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _phone_key(phone: str) -> str:
    """The rate limits' key for a number (the cache never holds the number itself)."""
    return salted_hmac("capillary.workorders.recovery.limit", phone, algorithm="sha256").hexdigest()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track_by_phone(request: HttpRequest) -> HttpResponse:
    """Step 1 (POST phone): send a code when the number filed, answer the same either way. Step 2 (POST phone and
    code): the orders' tracking links, or one message for a wrong, expired or never-sent code."""
    context: dict = {"minutes": settings.TRACK_RECOVERY_CODE_MINUTES}
    status = 200
    if request.method != "POST":
        context["phone_form"] = PhoneForm()
    elif "code" not in request.POST:
        form = PhoneForm(request.POST)
        if not form.is_valid():
            context["phone_form"], status = form, 400
        else:
            phone = form.cleaned_data["phone"]
            if rate_limited(request, limit=ADDRESS_LIMIT):
                return _limited(request, ADDRESS_LIMIT, _("获取验证码过于频繁，请一小时后再试。"))
            if rate_limited(request, limit=PHONE_LIMIT, key=_phone_key(phone)):
                return _limited(request, PHONE_LIMIT, _("该号码获取验证码过于频繁，请一小时后再试。"))
            tracking_recovery_send(actor=ACTOR, phone=phone)
            context.update(sent_to=mask_phone(phone), code_form=CodeForm(initial={"phone": phone}))
    else:
        form = CodeForm(request.POST)
        if rate_limited(request, limit=VERIFY_LIMIT):
            return _limited(request, VERIFY_LIMIT, _("尝试次数过多，请一小时后再试。"))
        orders = None
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            orders = tracking_recovery_verify(actor=ACTOR, phone=phone, code=form.cleaned_data["code"])
            if orders is None:
                form.add_error("code", _("验证码不正确或已过期，请核对短信或重新获取。"))
        if orders is None:
            context.update(code_form=form, sent_to=mask_phone(request.POST.get("phone", "")))
            status = 400
        else:
            context["orders"] = orders
    return _public_headers(render(request, "workorders/public/track_phone.html", context, status=status))
