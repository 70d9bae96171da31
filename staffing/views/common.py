"""What the staffing pages share: the post-redirect-get of a form whose data a service takes, and the
staff-only guard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from accounts import onetime
from accounts.forms import errors_onto
from accounts.onetime import OneTimeTokenForm
from accounts.permissions import Forbidden, require


def require_staff(request: HttpRequest) -> None:
    if getattr(request.user, "district_id", None) is None:
        raise Forbidden(gettext("人员配备页面只对本区工作人员开放。"))
    require(request.user, "staffing.view")


def submit(
    request: HttpRequest, form: Any, call: Callable[[dict], Any], *, done: str, to: str | None = None
) -> HttpResponse | None:
    """Validate `form`, call the service with its data; on success a message and a redirect (to `to`, or back
    to this page), on a service's ValidationError the messages onto the form (the page re-renders). A form with a
    one-time token (accounts.onetime) calls the service once per token: posted again, it lands on the same page
    with a note that nothing was recorded twice."""
    if not form.is_valid():
        return None
    data = {name: value for name, value in form.cleaned_data.items() if name != onetime.FIELD}  # not the service's
    try:
        if isinstance(form, OneTimeTokenForm):  # a form that creates a record: once per its token
            outcome = onetime.once(
                request,
                form,
                district_id=request.user.district_id,
                create=lambda: call(data),
                url=lambda record: to or request.get_full_path(),
            )
            if outcome is None:  # the token was used for other content: the error is on the form
                return None
            if outcome.replayed:
                messages.info(request, onetime.REPLAYED_MESSAGE)
                return redirect(outcome.url)
        else:
            call(data)
    except ValidationError as error:
        errors_onto(form, error)
        return None
    messages.success(request, done)
    return redirect(to or request.get_full_path())


def which(request: HttpRequest) -> str:
    """The name of the form a POST is for (`<button name="form" value="...">`)."""
    return request.POST.get("form", "") if request.method == "POST" else ""
