"""Under the Content-Security-Policy the pages still work in headless Chromium: the street's queue, an order's
page (reveal, filters) and the resident's QR form report no CSP violation, and their scripts and styles apply."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import SYSTEM
from workorders import services
from workorders.models import Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watched(page):
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.add_init_script(WATCH)
    return console


def violations(page, console) -> list[str]:
    found = page.evaluate("window.__cspViolations")
    return found + [line for line in console if "Content Security Policy" in line]


def test_queue_order_page_and_qr_form_run_without_csp_violations(browser, live_server, tree):
    category = services.categories_seed(actor=SYSTEM, district=tree.district)[0]
    order = services.work_order_file(
        actor=tree.official,
        compound=tree.compounds[0],
        category=category,
        channel=Channel.PHONE,
        title="楼道堆物",
        description="3号楼楼道堆满纸箱\n第二行",
        reporter_phone="13812345678",
    )
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    console = watched(page)
    sign_in(page, live_server, tree.street_staff.username)
    seen = {}
    for name, path in (
        ("queue", "/workorders/"),
        ("order", f"/workorders/{order.pk}/"),
        ("keys", "/accounts/keys/"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, name
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        seen[name] = violations(page, console)
    # control: the watch does see a violation (an inline style attribute injected into the page)
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')""")
    page.wait_for_timeout(200)
    assert any("style-src" in line for line in violations(page, console))
    # the order page's description keeps its line break (the .pre-line class that replaced a style attribute)
    page.goto(f"{live_server.url}/workorders/{order.pk}/")
    white_space = page.locator("p.pre-line").first.evaluate("node => getComputedStyle(node).whiteSpace")
    assert white_space == "pre-line"
    context.close()

    resident = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = resident.new_page()
    console = watched(page)
    response = page.goto(f"{live_server.url}/q/{tree.compounds[0].public_token}/")
    page.wait_for_load_state("networkidle")
    assert response.status == 200
    # the stylesheet applied (the public header is styled by intake.css)
    assert page.locator("header.public-header").evaluate("node => getComputedStyle(node).display") != "inline"
    seen["qr"] = violations(page, console)
    resident.close()
    assert seen == {"queue": [], "order": [], "keys": [], "qr": []}
