"""No secret in a log line: API keys, tokens and passwords in query strings (Open311 sends `?api_key=…`) are
replaced by `***` before any handler writes the record.

The filter sits on the loggers that write request lines (runserver's `django.server`, gunicorn's access log,
`django.request`, `django.security`) and on the site's console handler (config/settings/base.py LOGGING), so a
record is cleaned whichever way it travels. `redact(text)` is the same rule for anything else that stores a URL
(the reveal log's `via`)."""

from __future__ import annotations

import logging
import re

SECRET_QUERY = re.compile(
    r"((?:api_key|apikey|access_token|token|key|password|passwd|secret)(?:=|%3D))[^&\s\"']*", re.IGNORECASE
)
REQUEST_LOGGERS = ("django.server", "django.request", "django.security", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    return SECRET_QUERY.sub(r"\1***", text or "")


class RedactSecretsFilter(logging.Filter):
    """Rewrites the record's message with secrets masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Put the filter on the request loggers (called from AccountsConfig.ready)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecretsFilter) for existing in logger.filters):
            logger.addFilter(RedactSecretsFilter())
