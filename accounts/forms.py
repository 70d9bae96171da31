"""Form helpers shared by every app's pages."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import ValidationError

from accounts.text import CleanInputFormMixin


def errors_onto(form: Any, error: ValidationError) -> None:
    """A service's ValidationError onto the form: each field's messages onto that field when the form has
    it, everything else onto the form itself (shown above the fields). The page re-renders with what the
    user typed kept."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CleanForm(CleanInputFormMixin, forms.Form):
    """The base of every form of the site: accounts.text's rule on every field (no NUL, no control character,
    bounded length), with Chinese messages."""


class CleanModelForm(CleanInputFormMixin, forms.ModelForm):
    """CleanForm for model forms."""


class SearchSelect(forms.Select):
    """A select with a search box above it that asks `search_url` as one types (static/js/picker.js fills the
    select's results group): for choices among more than a page can list. Subclasses name the template that lays
    out the box, the select and the status line (workorders' unit picker, staffing's person picker)."""

    def __init__(self, *args: Any, search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_url = search_url

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context


class LoginForm(CleanInputFormMixin, AuthenticationForm):
    """Django's sign-in form under the same rule."""


class PasswordChangeForm(CleanInputFormMixin, DjangoPasswordChangeForm):
    """Django's password change form under the same rule."""
