"""Simplified Chinese first: the UI is Chinese unless the user chose English with the switch.

Django's LocaleMiddleware also follows the browser's Accept-Language, so an officer on a browser set up
in English (or a resident's phone in English) got English pages they never asked for. Here only the
language cookie set by the switch (/i18n/setlang/) counts; the URL carries no language prefix.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and translation.check_for_language(chosen) else settings.LANGUAGE_CODE
        language = translation.get_supported_language_variant(language)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# ---------------------------------------------------------------------------------------------------- of record
# Chinese is the language of record: what is kept in the database (timeline notes, reasons, an import's outcome,
# the reveal log's labels), printed (the PDFs, the poster, the exports) or matched against a street office's
# spreadsheet is Chinese, whatever language the request that wrote it reads in. The labels and messages are marked
# for translation (their msgids are the Chinese), so that pages show them in the reader's language; these two read
# them as written.


def of_record(text: Any) -> str:
    """A translatable text (a lazy label, a choice's label) in the language of record: its msgid."""
    with translation.override(None):
        return str(text)


def in_language_of_record[T](function: Callable[..., T]) -> Callable[..., T]:
    """Run `function` in the language of record, whatever the request's: for work whose messages are kept or whose
    input is matched against Chinese labels."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with translation.override(None):
            return function(*args, **kwargs)

    return wrapper
