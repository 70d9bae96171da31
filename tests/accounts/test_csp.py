"""The Content-Security-Policy (SECURE_CSP): present on every page, and no page of the site carries an inline
script, an inline style block without the request's nonce, an inline event handler or a style attribute —
each of which the policy would block in the browser (tests/browser/test_csp.py watches the console)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_tenancy_walk import routes

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    def __init__(self, nonce: str) -> None:
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style") and "src" not in attrs and attrs.get("nonce") != self.nonce:
            self.problems.append(f"<{tag}> without the nonce")
        if tag == "link" and attrs.get("rel") == "stylesheet" and "://" in (attrs.get("href") or ""):
            self.problems.append(f"a stylesheet from another site: {attrs['href']}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (inline event handler)")
            if name == "style":
                self.problems.append(f'<{tag} style="{value}"> (inline style attribute)')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def nonce_of(response) -> str | None:
    """The nonce in the policy; Django adds one only to responses whose template used {{ csp_nonce }}."""
    policy = response["Content-Security-Policy"]
    if "'nonce-" not in policy:
        return None
    return policy.split("'nonce-", 1)[1].split("'", 1)[0]


def check(response, url: str) -> list[str]:
    assert "Content-Security-Policy" in response, f"{url}: no CSP header"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
    if "text/html" not in response.get("Content-Type", ""):
        return []
    finder = InlineFinder(nonce_of(response))
    finder.feed(response.content.decode())
    return [f"{url}: {problem}" for problem in finder.problems]


def test_the_policy_is_strict(client, tree):
    client.force_login(tree.official)
    response = client.get(reverse("reveal-log"))  # a page with a nonced <style>
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ):
        assert directive in policy
    # a fresh nonce on each response, on the script and style sources
    nonce = nonce_of(response)
    assert nonce and f"style-src 'self' 'nonce-{nonce}'" in policy and f"script-src 'self' 'nonce-{nonce}'" in policy
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert nonce != nonce_of(client.get(reverse("reveal-log")))


def test_no_page_has_inline_script_or_style_without_the_nonce(client, tree, file_order_factory):
    order = file_order_factory()
    problems, checked = [], 0
    for user in (tree.official, tree.street_staff, tree.grid_worker):
        client.force_login(user)
        for route in routes():
            if [k for k in route.kwargs if k != "format"] or route.name.startswith(("api-schema", "admin:")):
                continue
            if "format" in route.kwargs:
                continue
            url = reverse(route.name)
            response = client.get(url)
            if response.status_code >= 400 and response.status_code != 403:
                continue
            problems += check(response, url)
            checked += 1
    client.force_login(tree.official)
    pages = [
        reverse("workorders:detail", args=[order.pk]),
        reverse("intake:report", args=[tree.compounds[0].public_token]),
        reverse("intake:track", args=[order.tracking_code]),
        reverse("admin:index"),
        "/no/such/page/",
    ]
    client.logout()
    pages.append(reverse("login"))
    for url in pages:
        problems += check(client.get(url), url)
    assert checked > 20
    assert not problems, "\n".join(sorted(set(problems)))
