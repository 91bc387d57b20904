"""Drawing primitives shared by every course diagram: canvas, box, node, arrow, panel.

A diagram lives on one Axes whose data units are "diagram units": every figure uses
the same scale (`UNIT` inches per unit), so boxes, arrows and fonts look alike from
one figure to the next. Shapes return their geometry (`Box`, `Node`) so arrows can
start and end exactly on their edges instead of at guessed coordinates.

Colours carry meaning across the whole course:
- `FORWARD` (blue): values flowing forward;
- `GRADIENT` (red): gradients flowing backward;
- `PARAM_GRADIENT` (orange): gradients of the parameters;
- `WIRE` (grey): the forward wiring drawn faintly behind a backward pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

Point = tuple[float, float]

UNIT = 0.6  # inches per diagram unit, the same in every diagram

FORWARD = "#1f5fa8"
GRADIENT = "#c62828"
PARAM_GRADIENT = "#e07b00"
WIRE = "#a9a9a9"
INK = "#1a1a1a"
MUTED = "#555555"

CELL_FILL = "#edf3fb"
CELL_EDGE = "#8aa9cf"
SIGMOID_FILL = "#fbe3c4"
TANH_FILL = "#d9efd6"
LINEAR_FILL = "#ffffff"
PANEL_FILL = "#f6f6f6"
PANEL_EDGE = "#c8c8c8"

TITLE_SIZE = 14
LABEL_SIZE = 12
TEXT_SIZE = 11
SMALL_SIZE = 10.5  # the smallest text any course figure uses (10 pt on screen: export.py)

# The unrolled diagrams (RNN and LSTM forward passes) share one layout, narrow enough to be
# shown at full size in JupyterLab's default layout (export.DISPLAY_WIDTH_PX): the width,
# the centres of the cells of steps 1, 2 and T_x, and the cells' width, in diagram units.
UNROLLED_WIDTH = 14.5
UNROLLED_X = (2.9, 6.4, 11.6)
UNROLLED_CELL = 2.3


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle given by its centre and size, in diagram units."""

    x: float
    y: float
    w: float
    h: float

    @property
    def left(self) -> Point:
        return (self.x - self.w / 2, self.y)

    @property
    def right(self) -> Point:
        return (self.x + self.w / 2, self.y)

    @property
    def top(self) -> Point:
        return (self.x, self.y + self.h / 2)

    @property
    def bottom(self) -> Point:
        return (self.x, self.y - self.h / 2)

    def at_top(self, dx: float) -> Point:
        """The point on the top edge `dx` to the right of the centre."""
        return (self.x + dx, self.y + self.h / 2)

    def at_bottom(self, dx: float) -> Point:
        """The point on the bottom edge `dx` to the right of the centre."""
        return (self.x + dx, self.y - self.h / 2)

    def at_left(self, dy: float) -> Point:
        """The point on the left edge `dy` above the centre."""
        return (self.x - self.w / 2, self.y + dy)

    def at_right(self, dy: float) -> Point:
        """The point on the right edge `dy` above the centre."""
        return (self.x + self.w / 2, self.y + dy)


@dataclass(frozen=True)
class Node:
    """A small circle (an elementwise operation), given by its centre and radius."""

    x: float
    y: float
    r: float

    @property
    def center(self) -> Point:
        return (self.x, self.y)

    @property
    def left(self) -> Point:
        return (self.x - self.r, self.y)

    @property
    def right(self) -> Point:
        return (self.x + self.r, self.y)

    @property
    def top(self) -> Point:
        return (self.x, self.y + self.r)

    @property
    def bottom(self) -> Point:
        return (self.x, self.y - self.r)


def canvas(width: float, height: float, *, bottom: float = 0.0) -> tuple[Figure, Axes]:
    """A blank figure `width` x `height` diagram units, with one Axes filling it.

    The Axes has equal aspect, no frame and data limits (0, width) x (bottom, bottom +
    height).
    The figure is detached from pyplot (closed), so a notebook shows it once: when a
    cell returns it.
    """
    fig = plt.figure(figsize=(width * UNIT, height * UNIT))
    plt.close(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(bottom, bottom + height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def title(ax: Axes, xy: Point, text: str, subtitle: str | None = None) -> None:
    """A bold title centred at `xy`, with an optional one-line subtitle under it."""
    ax.text(*xy, text, ha="center", va="center", fontsize=TITLE_SIZE, weight="bold", color=INK)
    if subtitle:
        ax.text(
            xy[0], xy[1] - 0.6, subtitle, ha="center", va="center", fontsize=TEXT_SIZE, color=MUTED
        )


def region(
    ax: Axes,
    lower_left: Point,
    size: tuple[float, float],
    *,
    name: str | None = None,
    fill: str = CELL_FILL,
    edge: str = CELL_EDGE,
    name_corner: str = "upper left",
) -> Box:
    """A large rounded area (a cell), with its name in a corner ("upper left" or "lower right")."""
    (x0, y0), (w, h) = lower_left, size
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.35",
            facecolor=fill,
            edgecolor=edge,
            linewidth=1.5,
            zorder=0,
        )
    )
    if name:
        upper_left = name_corner == "upper left"
        ax.text(
            x0 + 0.25 if upper_left else x0 + w - 0.25,
            y0 + h - 0.25 if upper_left else y0 + 0.25,
            name,
            ha="left" if upper_left else "right",
            va="top" if upper_left else "bottom",
            fontsize=TEXT_SIZE,
            style="italic",
            color=MUTED,
            zorder=1,
        )
    return Box(x0 + w / 2, y0 + h / 2, w, h)


def box(
    ax: Axes,
    center: Point,
    size: tuple[float, float],
    text: str,
    *,
    fill: str = LINEAR_FILL,
    edge: str = INK,
    color: str = INK,
    fontsize: float = LABEL_SIZE,
    caption: str | None = None,
) -> Box:
    """A rounded box with `text` in it (and an optional smaller `caption` under the text)."""
    (x, y), (w, h) = center, size
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.12",
            facecolor=fill,
            edgecolor=edge,
            linewidth=1.4,
            zorder=3,
        )
    )
    if caption is None:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=color, zorder=4)
    else:
        ax.text(
            x,
            y + h * 0.17,
            text,
            ha="center",
            va="center",
            fontsize=fontsize,
            color=color,
            zorder=4,
        )
        ax.text(
            x,
            y - h * 0.25,
            caption,
            ha="center",
            va="center",
            fontsize=SMALL_SIZE,
            color=MUTED,
            zorder=4,
        )
    return Box(x, y, w, h)


def node(ax: Axes, center: Point, op: str, *, color: str = INK, radius: float = 0.27) -> Node:
    """A circle marking an elementwise operation: `op` is "mul" (⊙) or "add" (+).

    The symbol is drawn with lines, not text, so it is exactly centred.
    """
    if op not in ("mul", "add"):
        raise ValueError(f"node op must be 'mul' or 'add', got {op!r}")
    x, y = center
    ring = Circle(center, radius, facecolor="white", edgecolor=color, linewidth=1.5, zorder=5)
    ax.add_patch(ring)
    if op == "mul":
        ax.add_patch(Circle(center, radius * 0.22, facecolor=color, edgecolor="none", zorder=6))
    else:
        arm = radius * 0.6
        ax.plot([x - arm, x + arm], [y, y], color=color, linewidth=1.5, zorder=6)
        ax.plot([x, x], [y - arm, y + arm], color=color, linewidth=1.5, zorder=6)
    return Node(x, y, radius)


def arrow(
    ax: Axes,
    points: Sequence[Point],
    *,
    color: str = FORWARD,
    linewidth: float = 1.8,
    head: bool = True,
    dashed: bool = False,
    zorder: float = 2,
) -> FancyArrowPatch:
    """A polyline through `points` with an arrowhead at the last point (unless `head=False`).

    Give points on the edges of boxes and nodes (e.g. `box.left`) so the arrow lands on them.
    """
    if len(points) < 2:
        raise ValueError("an arrow needs at least two points")
    path = Path(list(points), [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
    patch = FancyArrowPatch(
        path=path,
        arrowstyle="-|>" if head else "-",
        mutation_scale=15,
        color=color,
        linewidth=linewidth,
        linestyle=(0, (4, 2.5)) if dashed else "-",
        shrinkA=0,
        shrinkB=0,
        joinstyle="miter",
        capstyle="butt",
        zorder=zorder,
    )
    ax.add_patch(patch)
    return patch


def wire(ax: Axes, points: Sequence[Point], *, color: str = WIRE, linewidth: float = 1.6) -> None:
    """A plain line (no arrowhead), e.g. the forward wiring behind a backward pass."""
    xs, ys = zip(*points, strict=True)
    ax.plot(
        xs,
        ys,
        color=color,
        linewidth=linewidth,
        solid_joinstyle="miter",
        solid_capstyle="butt",
        zorder=1.5,
    )


def dot(ax: Axes, xy: Point, *, color: str = FORWARD, size: float = 0.09) -> None:
    """A filled junction dot where a line splits in two."""
    ax.add_patch(Circle(xy, size, facecolor=color, edgecolor="none", zorder=5))


def label(
    ax: Axes,
    xy: Point,
    text: str,
    *,
    color: str = INK,
    fontsize: float = LABEL_SIZE,
    ha: str = "center",
    va: str = "center",
    backdrop: bool = False,
    shape: str | None = None,
) -> None:
    """Text at `xy`; with `backdrop`, on a white patch so it stays readable over lines.

    `shape` (e.g. "$(n_a, m)$") is written smaller and grey just under the text.
    """
    bbox = (
        {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
        if backdrop
        else None
    )
    ax.text(*xy, text, ha=ha, va=va, fontsize=fontsize, color=color, bbox=bbox, zorder=7)
    if shape:
        ax.text(
            xy[0],
            xy[1] - 0.45,
            shape,
            ha=ha,
            va=va,
            fontsize=SMALL_SIZE,
            color=MUTED,
            bbox=bbox,
            zorder=7,
        )


@dataclass(frozen=True)
class Row:
    """One line of an equation panel: `lhs = rhs`, with an optional grey note at the right."""

    lhs: str
    rhs: str
    note: str = ""
    color: str | None = None  # None: the panel's colour


def panel(
    ax: Axes, lower_left: Point, size: tuple[float, float], heading: str | None = None
) -> float:
    """A shaded rounded background for equations or notes, with an optional heading.

    Returns the y just below the heading (the top of the free space inside).
    """
    (x0, y0), (w, h) = lower_left, size
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.25",
            facecolor=PANEL_FILL,
            edgecolor=PANEL_EDGE,
            linewidth=1.0,
            zorder=0,
        )
    )
    top = y0 + h - 0.2
    if heading:
        ax.text(
            x0 + 0.3, top - 0.25, heading, ha="left", va="center", fontsize=TEXT_SIZE, color=MUTED
        )
        top -= 0.55
    return top


def equations(
    ax: Axes,
    rows: Sequence[Row],
    *,
    x_equals: float,
    y_first: float,
    line_height: float,
    note_x: float | None = None,
    color: str = INK,
    fontsize: float = TEXT_SIZE,
) -> None:
    """Rows of equations aligned on their "=" signs, at `x_equals`.

    The first row is centred on `y_first`, the next ones `line_height` lower; notes
    (grey, smaller) start at `note_x`. A row with an empty `lhs` continues the one above.
    """
    for i, row in enumerate(rows):
        y = y_first - i * line_height
        ink = row.color or color
        if row.lhs:
            ax.text(
                x_equals - 0.25, y, row.lhs, ha="right", va="center", fontsize=fontsize, color=ink
            )
            ax.text(x_equals, y, "=", ha="center", va="center", fontsize=fontsize, color=ink)
        ax.text(x_equals + 0.25, y, row.rhs, ha="left", va="center", fontsize=fontsize, color=ink)
        if row.note and note_x is not None:
            ax.text(note_x, y, row.note, ha="left", va="center", fontsize=SMALL_SIZE, color=MUTED)


def equation_panel(
    ax: Axes,
    lower_left: Point,
    size: tuple[float, float],
    rows: Sequence[Row],
    *,
    equals_at: float,
    note_at: float | None = None,
    heading: str | None = None,
    color: str = INK,
    fontsize: float = TEXT_SIZE,
) -> None:
    """A `panel` holding one column of `equations`, spread evenly under the heading.

    `equals_at` and `note_at` are distances from the panel's left edge.
    """
    x0, y0 = lower_left
    top = panel(ax, lower_left, size, heading)
    step = (top - (y0 + 0.2)) / len(rows)
    equations(
        ax,
        rows,
        x_equals=x0 + equals_at,
        y_first=top - step / 2,
        line_height=step,
        note_x=None if note_at is None else x0 + note_at,
        color=color,
        fontsize=fontsize,
    )


def at(symbol: str, step: str = "t") -> str:
    r"""Mathtext (without dollars) for `symbol` at time step `step`: at("a", "t-1") is
    a^{\langle t-1\rangle}, the course's superscript notation."""
    return rf"{symbol}^{{\langle {step}\rangle}}"


def sym(symbol: str, step: str = "t") -> str:
    """`at(symbol, step)` as a stand-alone mathtext label (with dollars)."""
    return f"${at(symbol, step)}$"


def color_key(ax: Axes, y: float, items: Sequence[tuple[float, str, str, bool]]) -> None:
    """A one-line colour key at height `y`: for each (x, colour, text, dashed), a short
    arrow sample starting at x followed by its text."""
    for x, color, text, dashed in items:
        arrow(ax, [(x, y), (x + 0.8, y)], color=color, dashed=dashed, head=color != WIRE)
        ax.text(x + 1.0, y, text, ha="left", va="center", fontsize=SMALL_SIZE, color=MUTED)
