"""The one conflict: what an actor asked for clashes with what is already stored (two filings of one external
number, say). The API answers 409 (accounts.api.exceptions) and a page its 409 page (ConflictMiddleware);
neither side is dropped or merged silently: the service has stored what it could and the error names both.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class Conflict(Exception):
    """Raised after the fact (outside the service's transaction, so that what was kept stays kept)."""

    status_code = 409

    def __init__(self, message: str, *, code: str = "conflict", objects: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        # What clashed, for the answer: e.g. {"existing_order": 12, "new_order": 13}.
        self.objects = dict(objects or {})


class ConflictMiddleware:
    """A page that lets a Conflict through answers 409 with the message (never a 500)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Conflict):
            return render(request, "409.html", {"message": exception.message}, status=409)
        return None
