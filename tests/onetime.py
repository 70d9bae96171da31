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


REPLAYED = "已经提交过，没有重复登记"


def post_twice(client, url: str, fields: dict, after: str = "") -> tuple:
    """Post the form of the page at `url` (its one-time token, as the page rendered it, the first after `after`)
    twice with the same `fields`, as a double tap would; both answers must be the redirect of a saved form.
    Returns (first, second)."""
    body = {**token_of(client.get(url), after=after), **fields}
    first, second = client.post(url, body), client.post(url, body)
    assert first.status_code == 302, first.content.decode()[-2000:]
    assert second.status_code == 302, second.content.decode()[-2000:]
    return first, second


def shows_replayed(client, second) -> str:
    """The page the second post landed on, which says nothing was recorded twice."""
    shown = client.get(second["Location"]).content.decode()
    assert REPLAYED in shown
    return shown
