"""Charts as inline SVG geometry, drawn on the server: no script, no network, crisp on a phone and in a
screenshot, and readable without colour (every value is also written as text or listed beside the chart).
The templates are templates/portal/_line_chart.html and _bar_chart.html; the SVG scales to its box (viewBox)."""

from __future__ import annotations

from decimal import Decimal

# Series colours that stay apart for the common colour-vision deficiencies (Okabe–Ito).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")


def _num(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def line_chart(
    *, labels: list[str], series: list[dict], width: int = 480, height: int = 200, top: float = 100.0, unit: str = "%"
) -> dict:
    """Geometry of a line chart: `series` are {"name", "values"} (one value per label, None for a gap: a month
    without orders is not a 0). Values run 0..top."""
    left, right, upper, lower = 40, 12, 14, 30
    plot_w, plot_h = width - left - right, height - upper - lower
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(left + i * step, 1)

    def y(value: float) -> float:
        return round(upper + plot_h * (1 - min(max(value, 0.0), top) / top), 1)

    lines = []
    for n, line in enumerate(series):
        colour = line.get("colour") or COLOURS[n % len(COLOURS)]
        segments, current, dots = [], [], []
        for i, raw in enumerate(line["values"]):
            value = _num(raw)
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            point = (x(i), y(value))
            current.append(point)
            dots.append({"x": point[0], "y": point[1], "value": round(value, 1), "label": labels[i]})
        if current:
            segments.append(current)
        lines.append(
            {
                "name": line["name"],
                "colour": colour,
                "paths": [" ".join(f"{px},{py}" for px, py in seg) for seg in segments],
                "dots": dots,
            }
        )
    ticks = [{"y": y(top * f), "label": f"{round(top * f):g}{unit}"} for f in (0, 0.5, 1)]
    xlabels = [{"x": x(i), "label": label} for i, label in enumerate(labels)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "base_y": upper + plot_h,
        "label_y": height - 8,
        "ticks": ticks,
        "xlabels": xlabels,
        "lines": lines,
    }


def bar_chart(*, rows: list[dict], width: int = 520, bar: int = 22, top: float = 100.0, unit: str = "") -> dict:
    """Geometry of a horizontal bar chart: `rows` are {"label", "value", "colour"?, "note"?}, drawn in the given
    order (a ranking: first at the top). A None value draws no bar and says "—"."""
    label_w, value_w, gap = 110, 150, 8  # room right of a full bar for "98.55 · 123 件" or "98.55 · 1234 orders"
    plot_w = width - label_w - value_w
    height = len(rows) * (bar + gap) + gap
    bars = []
    for i, row in enumerate(rows):
        value = _num(row["value"])
        w = 0.0 if value is None else plot_w * min(max(value, 0.0), top) / top
        y0 = gap + i * (bar + gap)
        bars.append(
            {
                **row,
                "x": label_w,
                "y": y0,
                "w": round(w, 1),
                "h": bar,
                "text_y": y0 + bar * 0.7,
                "value_x": round(label_w + w + 6, 1),
                "shown": "—" if value is None else f"{value:g}{unit}",
                "colour": row.get("colour") or COLOURS[0],
            }
        )
    return {"width": width, "height": height, "label_x": label_w - 6, "bars": bars}
