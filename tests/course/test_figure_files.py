"""Assignment 1's diagrams ship as SVG files beside the notebook: up to date, shown by
markdown cells (so they are visible before any cell runs) and readable on screen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import pytest
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


@pytest.mark.parametrize("name", export.DIAGRAMS)
def test_smallest_text_is_at_least_10_pt_on_screen(name: str) -> None:
    """JupyterLab shows the SVG at its own size (96 px per inch), shrunk to fit a cell
    export.DISPLAY_WIDTH_PX wide: each text's size on screen is its font size times
    that shrink factor."""
    fig = export.DIAGRAMS[name]()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    smallest = min(texts, key=lambda t: t.get_fontsize())
    shown = export.displayed_font_size(smallest.get_fontsize(), fig)
    assert shown >= MIN_DISPLAYED_PT, (
        f"{name}: {smallest.get_text()!r} is {smallest.get_fontsize():g} pt in a figure "
        f"{fig.get_figwidth():.2f} in wide, shown at {shown:.1f} pt in a "
        f"{export.DISPLAY_WIDTH_PX} px wide cell"
    )


def test_displayed_font_size_shrinks_only_figures_wider_than_the_cell() -> None:
    fig = matplotlib.figure.Figure(figsize=(export.DISPLAY_WIDTH_PX / 96 / 2, 1))
    assert export.displayed_font_size(10, fig) == 10
    fig.set_figwidth(2 * export.DISPLAY_WIDTH_PX / 96)
    assert export.displayed_font_size(10, fig) == pytest.approx(5)
