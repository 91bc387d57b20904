"""The class's histogram of total scores, as a small SVG written directly.

matplotlib would take most of a second to import and draw it, a third of a small class's
grading run; the figure is a few bars, ticks and labels, and SVG stays sharp at any zoom.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

WIDTH, HEIGHT = 700, 400
# The plot area: room for the title and legend above, tick labels and axis labels around.
LEFT, RIGHT, TOP, BOTTOM = 64, 680, 48, 346
BAR_COLOR, MEAN_COLOR = "#4c72b0", "#c44e52"


def histogram_svg(totals: list[float], top: float, bins: int, title: str) -> str:
    """Bars counting `totals` in `bins` equal bins from 0 to `top`, a dashed line at their
    mean with a legend above the plot, integer counts on the y axis."""
    top = top if top > 0 else 1.0
    scores = np.asarray(totals, dtype=float)
    edges = np.linspace(0.0, top, bins + 1)
    counts = np.histogram(np.clip(scores, 0.0, top), bins=edges)[0]
    y_ticks = round_ticks(max(int(counts.max(initial=0)), 1), most=6, integer=True)
    y_top = 1.05 * y_ticks[-1]  # the tallest bar stops short of the frame

    def x(value: float) -> float:
        return LEFT + (RIGHT - LEFT) * value / top

    def y(count: float) -> float:
        return BOTTOM - (BOTTOM - TOP) * count / y_top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text id="title" x="{LEFT}" y="{TOP - 16}" font-size="14">'
        f"{escape(title)} (n = {scores.size})</text>",
    ]
    for count in y_ticks:
        parts.append(
            f'<line x1="{LEFT - 5}" x2="{LEFT}" y1="{y(count):.1f}" y2="{y(count):.1f}" '
            f'stroke="#333"/><text x="{LEFT - 8}" y="{y(count) + 4:.1f}" '
            f'text-anchor="end">{count:g}</text>'
        )
    for value in round_ticks(top, most=10, integer=False):
        parts.append(
            f'<line x1="{x(value):.1f}" x2="{x(value):.1f}" y1="{BOTTOM}" y2="{BOTTOM + 5}" '
            f'stroke="#333"/><text x="{x(value):.1f}" y="{BOTTOM + 20}" '
            f'text-anchor="middle">{value:g}</text>'
        )
    for count, low, high in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            parts.append(
                f'<rect class="bar" x="{x(low):.1f}" y="{y(count):.1f}" '
                f'width="{x(high) - x(low):.1f}" height="{y(0) - y(count):.1f}" '
                f'fill="{BAR_COLOR}" stroke="white"/>'
            )
    if scores.size:
        mean = float(scores.mean())
        parts.append(
            f'<line id="mean" x1="{x(mean):.1f}" x2="{x(mean):.1f}" y1="{TOP}" y2="{BOTTOM}" '
            f'stroke="{MEAN_COLOR}" stroke-width="2" stroke-dasharray="7 4"/>'
            f'<g id="legend"><line x1="{RIGHT - 110}" x2="{RIGHT - 80}" y1="{TOP - 20}" '
            f'y2="{TOP - 20}" stroke="{MEAN_COLOR}" stroke-width="2" stroke-dasharray="7 4"/>'
            f'<text x="{RIGHT}" y="{TOP - 16}" text-anchor="end">mean {mean:.1f}</text></g>'
        )
    else:
        parts.append(
            f'<text x="{(LEFT + RIGHT) / 2}" y="{(TOP + BOTTOM) / 2}" '
            'text-anchor="middle">no students</text>'
        )
    parts += [
        f'<rect x="{LEFT}" y="{TOP}" width="{RIGHT - LEFT}" height="{BOTTOM - TOP}" '
        'fill="none" stroke="#333"/>',
        f'<text x="{(LEFT + RIGHT) / 2}" y="{HEIGHT - 14}" text-anchor="middle">'
        f"total score (out of {top:g})</text>",
        f'<text x="18" y="{(TOP + BOTTOM) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {(TOP + BOTTOM) / 2})">students</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def round_ticks(top: float, most: int, integer: bool) -> list[float]:
    """Evenly spaced round values from 0 that reach at least `top`, at most `most` steps
    (1, 2, 2.5 or 5 times a power of ten; whole numbers only if `integer`)."""
    raw = top / most
    magnitude = 10.0 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(f * magnitude for f in factors if f * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, round(step))
    count = math.ceil(top / step - 1e-9)
    return [round(k * step, 10) for k in range(count + 1)]
