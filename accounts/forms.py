"""Form helpers shared by every app's pages."""

from typing import Any

from django.core.exceptions import ValidationError


def errors_onto(form: Any, error: ValidationError) -> None:
    """A service's ValidationError onto the form: each field's messages onto that field when the form has
    it, everything else onto the form itself (shown above the fields). The page re-renders with what the
    user typed kept."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
