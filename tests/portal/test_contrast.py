"""Text stays readable: every rule of the site's own stylesheets that sets both a text colour and a solid
background (badges, list colours, state labels, alerts, buttons) has a WCAG 2 contrast ratio of at least 4.5:1
(AA for normal text). The grey-list badge was #fff on #8c8c8c, 3.4:1. Colours are read from the CSS itself,
custom properties of :root resolved; transparent, translucent and gradient backgrounds are not judged here."""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parents[2]
# The site's own stylesheets and the <style> blocks of its templates (not the vendored Leaflet, nor the API
# documentation pages that drf-spectacular styles).
SHEETS = sorted(
    [path for path in (ROOT / "static").rglob("*.css") if "vendor" not in path.parts]
    + [path for path in (ROOT / "templates").rglob("*.html") if "drf_spectacular" not in path.parts]
)
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
AA_NORMAL_TEXT = 4.5
HEX = re.compile(r"^#([0-9a-f]{3}|[0-9a-f]{6})$", re.IGNORECASE)
NAMED = {"white": "#ffffff", "black": "#000000"}


def _rules(path: Path):
    """(selector text, {property: value text}) for each style rule, @media blocks included."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"{[{%#].*?[}%#]}", "", "\n".join(STYLE_BLOCK.findall(text)))  # template tags dropped
    pending = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    while pending:
        rule = pending.pop(0)
        if rule.type == "at-rule" and rule.content is not None:
            pending[:0] = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        elif rule.type == "qualified-rule":
            declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            values = {
                d.lower_name: tinycss2.serialize(d.value).strip() for d in declarations if d.type == "declaration"
            }
            yield tinycss2.serialize(rule.prelude).strip(), values


def _variables() -> dict[str, str]:
    found = {}
    for path in SHEETS:
        for selector, values in _rules(path):
            if selector == ":root":
                found.update({name: value for name, value in values.items() if name.startswith("--")})
    return found


def _colour(value: str | None, variables: dict[str, str]) -> tuple[float, float, float] | None:
    """The sRGB triple of a solid colour value (#hex, a named one, var(--x)), else None."""
    if value is None:
        return None
    value = value.replace("!important", "").strip()
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if match:
        value = variables.get(match.group(1), "")
    value = NAMED.get(value.lower(), value)
    if not HEX.match(value):
        return None
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour_pairs():
    variables = _variables()
    for path in SHEETS:
        for selector, values in _rules(path):
            background = values.get("background-color", values.get("background"))
            text, ground = _colour(values.get("color"), variables), _colour(background, variables)
            if text is not None and ground is not None:
                yield f"{path.relative_to(ROOT)} {selector}", contrast(text, ground)


def test_the_formula_matches_wcag():
    assert round(contrast((1, 1, 1), (0, 0, 0)), 1) == 21.0
    assert round(contrast((1, 1, 1), _colour("#8c8c8c", {})), 1) == 3.4  # the old grey-list badge


def test_the_list_badges_are_judged():
    judged = {name.split(" ", 1)[1] for name, _ in colour_pairs()}
    assert {".badge.badge-red", ".badge.badge-grey", ".badge.badge-black"} <= judged


def test_every_text_on_a_solid_background_reaches_aa():
    low = {name: round(ratio, 2) for name, ratio in colour_pairs() if ratio < AA_NORMAL_TEXT}
    assert low == {}
