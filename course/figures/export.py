"""Write assignment 1's diagrams as SVG files, so the notebook shows them before any cell runs.

    python -m course.figures.export source/rnn_step_by_step/figures

writes one `<name>.svg` per diagram in `DIAGRAMS` (a markdown cell shows it with
`![...](figures/<name>.svg)`; nbgrader copies the folder into `release/`). The output
is deterministic: the same matplotlib version writes the same bytes (fixed
`svg.hashsalt`, no date in the metadata), so `tests/course/test_figure_files.py` can
regenerate the files and compare them with the committed ones.

How wide a figure may be follows from where it is shown: JupyterLab draws an image in a
markdown cell at its own size (1 inch = 96 CSS px), shrunk to the cell's width if it is
wider (`max-width: 100%`). See `DISPLAY_WIDTH_PX` and `displayed_font_size`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from course.figures.lstm_diagrams import draw_lstm_cell, draw_lstm_cell_backward, draw_lstm_forward
from course.figures.rnn_diagrams import (
    draw_rnn_backward,
    draw_rnn_cell,
    draw_rnn_cell_backward,
    draw_rnn_forward,
)

# File name (without .svg) -> the function that draws it, in the order the notebook shows them.
DIAGRAMS: dict[str, Callable[[], Figure]] = {
    "rnn_cell": draw_rnn_cell,
    "rnn_forward": draw_rnn_forward,
    "rnn_cell_backward": draw_rnn_cell_backward,
    "rnn_backward": draw_rnn_backward,
    "lstm_cell": draw_lstm_cell,
    "lstm_forward": draw_lstm_forward,
    "lstm_cell_backward": draw_lstm_cell_backward,
}

# The width, in CSS px, of a markdown cell's content in JupyterLab's default layout: a
# 1280 px wide browser window with the left side panel (the file browser) open, which is
# how JupyterLab first shows a notebook. Measured in JupyterLab 4.6 in headless Chromium
# at 1280 x 900: 840 px (1090 px once the file browser is closed). The diagrams must be
# readable in the layout every student sees first, so they are sized for the narrower
# cell: a diagram up to 840 px wide (14.58 units of drawing.UNIT inches) is shown at its
# own size; a wider one is shrunk, and its smallest text with it.
DISPLAY_WIDTH_PX = 840
CSS_PX_PER_INCH = 96

SVG_RC = {
    "svg.hashsalt": "rnn-course",  # ids of clip paths and glyphs: fixed, not random
    "svg.fonttype": "path",  # text as paths: the same look in every browser
    "svg.image_inline": True,
}


def displayed_scale(fig: Figure, display_width_px: float = DISPLAY_WIDTH_PX) -> float:
    """The factor by which JupyterLab shrinks `fig` to fit a cell `display_width_px` wide."""
    natural_px = fig.get_figwidth() * CSS_PX_PER_INCH
    return min(1.0, display_width_px / natural_px)


def displayed_font_size(
    font_size_pt: float, fig: Figure, display_width_px: float = DISPLAY_WIDTH_PX
) -> float:
    """The size, in pt on screen, at which text of `font_size_pt` in `fig` is shown."""
    return font_size_pt * displayed_scale(fig, display_width_px)


def write_svg(fig: Figure, path: Path) -> None:
    """Save `fig` to `path` as a deterministic SVG (no date, fixed ids)."""
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(path, format="svg", metadata={"Date": None})


def export(folder: Path) -> list[Path]:
    """Write every diagram of `DIAGRAMS` into `folder` (created if needed); the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in DIAGRAMS.items():
        path = folder / f"{name}.svg"
        write_svg(draw(), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m course.figures.export FOLDER", file=sys.stderr)
        return 2
    for path in export(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
