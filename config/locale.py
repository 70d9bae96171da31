"""Simplified Chinese first: the UI is Chinese unless the user chose English with the switch.

Django's LocaleMiddleware also follows the browser's Accept-Language, so an officer on a browser set up
in English (or a resident's phone in English) got English pages they never asked for. Here only the
language cookie set by the switch (/i18n/setlang/) counts; the URL carries no language prefix.
"""

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
