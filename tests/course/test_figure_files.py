"""Assignment 1's diagrams ship as SVG files beside the notebook: up to date, shown by
markdown cells (so they are visible before any cell runs) and readable on screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from course.figures import export

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = REPO / "source" / "rnn_step_by_step"
FIGURES = ASSIGNMENT / "figures"
NOTEBOOK = ASSIGNMENT / "rnn_step_by_step.ipynb"
REGENERATE = "python -m course.figures.export source/rnn_step_by_step/figures"

# The smallest text a diagram may show, in pt on screen, at export.DISPLAY_WIDTH_PX.
MIN_DISPLAYED_PT = 10.0
# The width of a markdown cell's content in JupyterLab's default layout (file browser
# open), in CSS px: measured in JupyterLab 4.6, headless Chromium, 1280 x 900 window.
JUPYTERLAB_DEFAULT_CELL_PX = 840


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("figures")
    export.export(folder)
    return folder


@pytest.mark.parametrize("name", export.DIAGRAMS)
def test_committed_svg_is_up_to_date(name: str, regenerated: Path) -> None:
    committed = FIGURES / f"{name}.svg"
    assert committed.is_file(), f"{committed} is missing: run `{REGENERATE}`"
    assert committed.read_bytes() == (regenerated / f"{name}.svg").read_bytes(), (
        f"{committed.relative_to(REPO)} is out of date with course.figures: run `{REGENERATE}` "
        "and commit the result"
    )


def test_export_is_deterministic(tmp_path: Path) -> None:
    fig = export.DIAGRAMS["rnn_cell"]()
    export.write_svg(fig, tmp_path / "a.svg")
    export.write_svg(fig, tmp_path / "b.svg")
    text = (tmp_path / "a.svg").read_text()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    assert "<dc:date>" not in text


def test_no_stray_svg_in_the_figures_folder() -> None:
    shipped = {p.stem for p in FIGURES.glob("*.svg")}
    assert shipped == set(export.DIAGRAMS), (
        f"not made by export.py: {shipped - set(export.DIAGRAMS)}"
    )


def _markdown_images() -> list[str]:
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", markdown)


def test_every_diagram_is_shown_by_a_markdown_cell() -> None:
    images = _markdown_images()
    expected = [f"figures/{name}.svg" for name in export.DIAGRAMS]
    assert sorted(images) == sorted(expected), images
    # ... in the order the notebook teaches them
    assert images == expected


def test_no_code_cell_draws_a_diagram() -> None:
    """A diagram drawn by a code cell would be missing until that cell runs."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert not re.search(r"\bdraw_(rnn|lstm)_\w+\(", code)


def _svg_width_px(path: Path) -> float:
    """The width at which a browser draws the SVG file at `path` (its `width`, in pt)."""
    match = re.search(r'<svg\b[^>]*\bwidth="([0-9.]+)pt"', path.read_text())
    assert match, f"{path.name}: no width in pt on its <svg> element"
    return float(match[1]) * export.CSS_PX_PER_INCH / 72


def _smallest_text(fig: Figure) -> Text:
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    return min(texts, key=lambda t: t.get_fontsize())


def _shown_pt(font_size_pt: float, width_px: float) -> float:
    """Text of `font_size_pt` in an image `width_px` wide, as JupyterLab shows it in a cell
    export.DISPLAY_WIDTH_PX wide (an image wider than the cell is shrunk to fit it)."""
    return font_size_pt * min(1.0, export.DISPLAY_WIDTH_PX / width_px)


def test_display_width_is_jupyterlabs_default_layout() -> None:
    """The diagrams must be readable in the layout a student sees first (file browser
    open, 840 px in a 1280 px window), not only with more room."""
    assert export.DISPLAY_WIDTH_PX <= JUPYTERLAB_DEFAULT_CELL_PX


@pytest.mark.parametrize("name", export.DIAGRAMS)
def test_smallest_text_is_at_least_10_pt_on_screen(name: str) -> None:
    """JupyterLab shows the SVG at its own size (its width in pt, 96 px per inch), shrunk
    to fit a cell export.DISPLAY_WIDTH_PX wide: each text's size on screen is its font
    size times that shrink factor. The width is read from the shipped file."""
    fig = export.DIAGRAMS[name]()
    smallest = _smallest_text(fig)
    width_px = _svg_width_px(FIGURES / f"{name}.svg")
    assert width_px == pytest.approx(fig.get_figwidth() * export.CSS_PX_PER_INCH), (
        f"{name}.svg is not drawn at the figure's size"
    )
    shown = _shown_pt(smallest.get_fontsize(), width_px)
    assert shown >= MIN_DISPLAYED_PT, (
        f"{name}: {smallest.get_text()!r} is {smallest.get_fontsize():g} pt in a figure "
        f"{width_px:.0f} px wide, shown at {shown:.1f} pt in a "
        f"{export.DISPLAY_WIDTH_PX} px wide cell"
    )


@pytest.mark.parametrize("name", export.DIAGRAMS)
def test_diagram_fits_the_cell_so_it_is_shown_at_its_own_size(name: str) -> None:
    """Every diagram is drawn on the same scale (drawing.UNIT), so the same font looks the
    same size in all of them: none may be wider than the cell, or it would be shrunk."""
    width_px = _svg_width_px(FIGURES / f"{name}.svg")
    assert width_px <= export.DISPLAY_WIDTH_PX, (
        f"{name}.svg is {width_px:.0f} px wide, wider than the {export.DISPLAY_WIDTH_PX} px "
        "cell: JupyterLab shrinks it (and its text) to fit"
    )


def test_the_10_pt_check_fails_for_a_wider_figure_or_smaller_text() -> None:
    fig = Figure(figsize=(export.DISPLAY_WIDTH_PX / export.CSS_PX_PER_INCH, 2))
    fig.text(0.5, 0.5, "label", fontsize=MIN_DISPLAYED_PT)
    width_px = fig.get_figwidth() * export.CSS_PX_PER_INCH
    assert _shown_pt(_smallest_text(fig).get_fontsize(), width_px) == MIN_DISPLAYED_PT
    assert _shown_pt(MIN_DISPLAYED_PT, width_px * 1.05) < MIN_DISPLAYED_PT
    fig.text(0.5, 0.2, "note", fontsize=MIN_DISPLAYED_PT - 0.5)
    assert _shown_pt(_smallest_text(fig).get_fontsize(), width_px) < MIN_DISPLAYED_PT


def test_displayed_font_size_shrinks_only_figures_wider_than_the_cell() -> None:
    fig = matplotlib.figure.Figure(figsize=(export.DISPLAY_WIDTH_PX / 96 / 2, 1))
    assert export.displayed_font_size(10, fig) == 10
    fig.set_figwidth(2 * export.DISPLAY_WIDTH_PX / 96)
    assert export.displayed_font_size(10, fig) == pytest.approx(5)
