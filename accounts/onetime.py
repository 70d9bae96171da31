"""One-time form tokens (issue 11): a page form that creates a record creates it once, however often the same
filled form is posted — a double tap, a resend on a weak network, the back button.

The form carries a hidden token, fresh with each empty form and kept through a re-display after an error
(`OneTimeTokenForm`). The view hands the service call to `once()`:

    outcome = onetime.once(request, form, district_id=household.district_id,
                           create=lambda: visits.visit_log(actor=request.user, ...),
                           url=lambda visit: reverse("staffing:visits-due"))
    if outcome is None:              # the token was used before for different content: the error is on the form
        ...re-render...
    if outcome.replayed:             # the same form again: nothing new was made, answer with the first result
        messages.info(request, onetime.REPLAYED_MESSAGE)
    return redirect(outcome.url)

`once` takes the token's row (`accounts.FormSubmission`, unique per scope and token) with INSERT … ON CONFLICT
DO NOTHING and SELECT … FOR UPDATE inside the transaction that creates the record: a second post of the same
form at the same moment waits for the first one's commit and then finds its result; when the first was refused
(a ValidationError from the service, the row rolled back with it) the second one tries again. Every app's page
forms use it; workorders' filing forms keep their own key table (`workorders.idempotency`, which also replays
the API's answers) and share the token field and the fingerprint from here."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.actors import SystemActor
from accounts.forms import CleanForm
from accounts.tenancy import tenant_context

FIELD = "form_token"
REPLAYED_MESSAGE = _("这张表单已经提交过，没有重复登记；以下是第一次提交的结果。")
REUSED_MESSAGE = _("这张表单已经提交过，内容与上次不同；如需再登记一条，请重新打开本页填写。")
STALE_MESSAGE = _("表单已失效，已为您换成新的，请再提交一次。")
IGNORED_FIELDS = ("csrfmiddlewaretoken", FIELD)


def new_form_token() -> str:
    return uuid.uuid4().hex


class OneTimeTokenForm(CleanForm):
    """A form that creates a record, with a one-time token: rendered fresh with each empty form and kept through a
    re-display after an error, so that the same filled form posted again creates nothing new (`once`)."""

    form_token = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput,
        # too long, too long for any text, a NUL…: said as the form's error in these words (accounts.text)
        error_messages={"hidden": STALE_MESSAGE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields[FIELD].initial = new_form_token()

    def _post_clean(self) -> None:
        stale = FIELD in self._errors
        super()._post_clean()  # the hidden token's error becomes the form's (accounts.text.CleanInputFormMixin)
        if stale:
            # A token the page never gave: the re-displayed form carries a fresh one, so that it can be sent again
            # as it is.
            self.renew_token()

    def renew_token(self) -> None:
        """After a refused reuse: the re-displayed form gets a fresh token (the next submit is a new record)."""
        self.data = self.data.copy()
        self.data[self.add_prefix(FIELD)] = new_form_token()


# ---------------------------------------------------------------------------------------------------- fingerprint


def _plain(value: Any) -> Any:
    """A JSON-able, order-independent picture of request data (uploaded files by name and size)."""
    if hasattr(value, "lists") and callable(value.lists):  # QueryDict / MultiValueDict
        return {str(k): [_plain(v) for v in vs] for k, vs in sorted(value.lists())}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda item: str(item[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "read") and hasattr(value, "size"):
        return f"<file {getattr(value, 'name', '')} {value.size}>"
    if hasattr(value, "pk"):
        return f"<{type(value).__name__} {value.pk}>"
    return value


def fingerprint(*parts: Any) -> str:
    """sha256 of the request's data: the same content gives the same digest whatever the order of its fields."""
    text = json.dumps([_plain(part) for part in parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def form_fingerprint(request: HttpRequest, endpoint: str, *, prefix: str = "") -> str:
    """The digest of a posted form (its fields but the CSRF and one-time tokens; its files by name and size)."""
    ignored = {f"{prefix}-{name}" if prefix else name for name in IGNORED_FIELDS} | set(IGNORED_FIELDS)
    content = {k: v for k, v in request.POST.lists() if k not in ignored}
    return fingerprint(endpoint, content, request.FILES)


# ---------------------------------------------------------------------------------------------------- once


@dataclass(frozen=True)
class Outcome:
    """What a form's post made: the record (None for a replay whose record is gone), the page that shows it, and
    whether this post was a replay of an earlier one."""

    record: Any
    url: str
    replayed: bool


def _scope_context(district_id: int):
    # The token's row is bookkeeping of the page, read and written as the system of the form's district (a public
    # page has no signed-in actor to scope it by).
    return tenant_context(SystemActor(name="accounts.onetime", district_id=district_id))


def _claim(*, district_id: int, scope: str, key: str, endpoint: str, digest: str):
    from accounts.models import FormSubmission

    with _scope_context(district_id):
        FormSubmission.objects.bulk_create(
            [FormSubmission(district_id=district_id, scope=scope, key=key, endpoint=endpoint, fingerprint=digest)],
            ignore_conflicts=True,
        )
        return FormSubmission.objects.select_for_update().get(scope=scope, key=key)


def once(
    request: HttpRequest,
    form: forms.Form,
    *,
    district_id: int,
    create: Callable[[], Any],
    url: Callable[[Any], str],
    scope: str | None = None,
) -> Outcome | None:
    """Run `create()` (a service call that makes one record, or raises ValidationError) once per form token.

    Returns the Outcome; None when the token was used before for different content (the error is then on the
    form, which gets a fresh token). A ValidationError from `create` propagates with nothing kept. A form without
    a token (an old page still open) creates as before. `scope` defaults to the signed-in user."""
    token = (form.cleaned_data.get(FIELD) or "").strip()
    if not token:
        record = create()
        return Outcome(record, url(record), False)
    scope = scope or f"user:{request.user.pk}"
    endpoint = request.resolver_match.view_name if request.resolver_match else request.path
    digest = form_fingerprint(request, endpoint, prefix=form.prefix or "")
    with transaction.atomic():
        row = _claim(district_id=district_id, scope=scope, key=token, endpoint=endpoint, digest=digest)
        if row.fingerprint != digest or row.endpoint != endpoint:
            reused = True
        elif row.result_url:
            return Outcome(_record_of(row, district_id), row.result_url, True)
        else:
            reused = False
            record = create()
            if isinstance(record, models.Model):
                row.content_type = ContentType.objects.get_for_model(record)
                row.object_id = str(record.pk)
            row.result_url = url(record)
            with _scope_context(district_id):
                row.save(update_fields=["content_type", "object_id", "result_url"])
    if reused:
        form.add_error(None, REUSED_MESSAGE)
        if isinstance(form, OneTimeTokenForm):
            form.renew_token()
        return None
    return Outcome(record, row.result_url, False)


def _record_of(row: Any, district_id: int) -> Any:
    if row.content_type_id is None:
        return None
    model = row.content_type.model_class()
    with _scope_context(district_id):
        return model._base_manager.filter(pk=row.object_id).first()
