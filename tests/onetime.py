"""Helpers for the tests of one-time form tokens (accounts.onetime): the token a page rendered, as a browser would
post it back."""

import re

TOKEN = re.compile(r'name="([\w-]*form_token)" value="([0-9a-f]{32})"')


def token_of(page, after: str = "") -> dict:
    """The page's one-time token field ({name: value}), the first one after `after` (a marker of one form on a page
    with several); fails when the form carries none."""
    html = page.content.decode()
    match = TOKEN.search(html, html.index(after) if after else 0)
    assert match, "the form carries no one-time token"
    return {match.group(1): match.group(2)}
