"""HTML → PDF with WeasyPrint. Fonts come from the machine (fonts-noto-cjk); nothing is fetched. The documents
are official and Chinese: rendered in Chinese whatever language is active."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=None).write_pdf()


def bar_chart(bars: list[dict], *, width: int = 520, height: int = 220, unit: str = "") -> dict:
    """Geometry of a vertical bar chart for an inline SVG: bars are {"label", "value", "colour"}."""
    top = max((b["value"] for b in bars), default=0) or 1
    plot_h = height - 50
    slot = (width - 40) / max(len(bars), 1)
    bar_w = slot * 0.6
    shapes = []
    for i, bar in enumerate(bars):
        h = plot_h * bar["value"] / top
        x = 30 + i * slot + (slot - bar_w) / 2
        shapes.append(
            {
                **bar,
                "x": round(x, 1),
                "y": round(20 + plot_h - h, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "cx": round(x + bar_w / 2, 1),
                "label_y": height - 12,
                "value_y": round(20 + plot_h - h - 5, 1),
            }
        )
    return {"width": width, "height": height, "bars": shapes, "base_y": 20 + plot_h, "unit": unit}
