"""Tests of the course figures: they draw, render, say what matters and stay readable."""

from __future__ import annotations

import ast
import io
import itertools
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import course.figures as figures
from autograder.course_layout import find_course_root
from tests.assignments import GRADED_FUNCTIONS, course_reference

matplotlib.use("Agg")

FIGURES_DIR = Path(figures.__file__).parent
MIN_FONT_SIZE = 10.5  # in the figure; on screen see test_figure_files.py
PLOT_MIN_FONT_SIZE = 10  # the plots of students' results (shown as PNG outputs)

# For each diagram, labels it must show (compared after removing spaces and "$").
EXPECTED_LABELS: dict[str, list[str]] = {
    "draw_rnn_cell": [
        r"x^{\langlet\rangle}",
        r"a^{\langlet-1\rangle}",
        r"a^{\langlet\rangle}",
        r"\hat{y}^{\langlet\rangle}",
        "W_{ax}",
        "W_{aa}",
        "b_a",
        "W_{ya}",
        "b_y",
        r"\tanh",
        "softmax",
        r"\tanh(W_{ax}x^{\langlet\rangle}+W_{aa}a^{\langlet-1\rangle}+b_a)",
        r"\mathrm{softmax}(W_{ya}a^{\langlet\rangle}+b_y)",
    ],
    "draw_rnn_forward": [
        r"a^{\langle0\rangle}",
        r"a^{\langleT_x\rangle}",
        r"x^{\langle1\rangle}",
        r"x^{\langleT_x\rangle}",
        r"\hat{y}^{\langle1\rangle}",
        r"\hat{y}^{\langleT_x\rangle}",
        "sameparameters",
        "W_{ax},W_{aa},b_a",
        "(n_x,m,T_x)",
    ],
    "draw_rnn_cell_backward": [
        "da_{next}",
        "da_{prev}",
        r"dx^{\langlet\rangle}",
        "dW_{ax}",
        "dW_{aa}",
        "db_a",
        r"(1-(a^{\langlet\rangle})^2)\odotda_{next}",
        r"W_{ax}^T\,dz",
        r"W_{aa}^T\,dz",
        r"dz\,(x^{\langlet\rangle})^T",
        r"dz\,(a^{\langlet-1\rangle})^T",
        "(n_a,1)",
        "dxt",
    ],
    "draw_rnn_backward": [
        r"da_{out}^{\langle1\rangle}",
        r"da_{out}^{\langleT_x\rangle}",
        "da_{prev}",
        r"dx^{\langle1\rangle}",
        r"dx^{\langleT_x\rangle}",
        r"da^{\langle0\rangle}",
        "dW_{ax},\\dW_{aa},\\db_a",
        "sumover",
    ],
    "draw_lstm_cell": [
        "forgetgate",
        "updategate",
        "outputgate",
        "candidate",
        r"\Gamma_f^{\langlet\rangle}",
        r"\Gamma_i^{\langlet\rangle}",
        r"\Gamma_o^{\langlet\rangle}",
        r"\tilde{c}^{\langlet\rangle}",
        r"c^{\langlet-1\rangle}",
        r"c^{\langlet\rangle}",
        r"\sigma",
        r"\tanh",
        "softmax",
        r"\Gamma_f^{\langlet\rangle}\odotc^{\langlet-1\rangle}+\Gamma_i^{\langlet\rangle}\odot\tilde{c}^{\langlet\rangle}",
        r"\Gamma_o^{\langlet\rangle}\odot\tanh(c^{\langlet\rangle})",
        r"[a^{\langlet-1\rangle};\,x^{\langlet\rangle}]",
    ],
    "draw_lstm_forward": [
        r"c^{\langle0\rangle}",
        "=0",
        r"a^{\langle0\rangle}",
        r"c^{\langleT_x\rangle}",
        r"a^{\langleT_x\rangle}",
        r"x^{\langleT_x\rangle}",
        r"\hat{y}^{\langleT_x\rangle}",
    ],
    "draw_lstm_cell_backward": [
        "da_{next}",
        "dc_{next}",
        "da_{prev}",
        "dc_{prev}",
        r"dx^{\langlet\rangle}",
        "dz_o",
        "dz_c",
        "dz_i",
        "dz_f",
        r"dc_{next}+da_{next}\odot\Gamma_o^{\langlet\rangle}\odot(1-\tanh^2(c^{\langlet\rangle}))",
        r"dc\odot\Gamma_f^{\langlet\rangle}",
        "(W_f^{a})^T",
        "(W_f^{x})^T",
    ],
}
DIAGRAMS = sorted(EXPECTED_LABELS)


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _squeezed(text: str) -> str:
    return "".join(text.split()).replace("$", "")


@dataclass(frozen=True)
class Rendered:
    """A diagram, drawn once by Agg into `png`; `renderer` measures what was drawn."""

    name: str
    fig: Figure
    png: bytes
    renderer: RendererAgg


def _render(name: str, fig: Figure) -> Rendered:
    canvas = FigureCanvasAgg(fig)  # the figures come detached from pyplot, without a canvas
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return Rendered(name, fig, buffer.getvalue(), canvas.get_renderer())


@pytest.fixture(scope="module", params=DIAGRAMS)
def diagram(request: pytest.FixtureRequest) -> Rendered:
    """Each diagram, drawn once for all the tests below (mathtext layout is slow)."""
    return _render(request.param, getattr(figures, request.param)())


def test_public_api_lists_the_diagrams_and_the_plots() -> None:
    plots = {"plot_gradient_flow", "plot_name_lengths", "plot_batch", "plot_clipping"}
    plots |= {"plot_one_bit_memory", "explore_gradients", "with_sliders"}
    plots |= {"plot_training", "plot_temperatures", "plot_gradient_norms", "plot_model_comparison"}
    assert set(figures.__all__) == {*DIAGRAMS, *plots}


def test_diagram_is_a_figure_with_axes_that_renders_to_png(diagram: Rendered) -> None:
    name, fig = diagram.name, diagram.fig
    assert isinstance(fig, Figure), f"{name} returned {type(fig).__name__}, not a Figure"
    assert fig.axes, f"{name} has no Axes"
    assert diagram.png.startswith(b"\x89PNG"), f"{name} did not render to PNG"
    assert len(diagram.png) > 20_000, f"{name} rendered an almost empty image"


def test_diagram_shows_its_labels(diagram: Rendered) -> None:
    shown = "\n".join(_squeezed(t.get_text()) for t in _texts(diagram.fig))
    missing = [label for label in EXPECTED_LABELS[diagram.name] if label not in shown]
    assert not missing, f"{diagram.name} lacks the labels {missing}"


def test_diagram_text_is_large_enough(diagram: Rendered) -> None:
    too_small = [t.get_text() for t in _texts(diagram.fig) if t.get_fontsize() < MIN_FONT_SIZE]
    assert not too_small, f"{diagram.name}: text below {MIN_FONT_SIZE} pt: {too_small}"


def test_diagram_text_and_arrows_are_inside_the_figure(diagram: Rendered) -> None:
    frame = diagram.fig.bbox
    ax = diagram.fig.axes[0]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) >= 5, f"{diagram.name} draws only {len(arrows)} arrows"
    clipped = [
        repr(artist.get_text()) if isinstance(artist, Text) else "an arrow"
        for artist in [*_texts(diagram.fig), *arrows]
        if not _inside(artist.get_window_extent(diagram.renderer), frame)
    ]
    assert not clipped, f"{diagram.name}: clipped by the figure edge: {clipped}"


def test_diagram_text_never_overlaps(diagram: Rendered) -> None:
    boxes = [(t.get_text(), t.get_window_extent(diagram.renderer)) for t in _texts(diagram.fig)]
    overlapping = [
        (t1, t2) for (t1, b1), (t2, b2) in itertools.combinations(boxes, 2) if b1.overlaps(b2)
    ]
    assert not overlapping, f"{diagram.name}: overlapping text: {overlapping}"


def _inside(box: Bbox, frame: Bbox) -> bool:
    return box.x0 >= frame.x0 and box.y0 >= frame.y0 and box.x1 <= frame.x1 and box.y1 <= frame.y1


def test_figures_are_detached_from_pyplot_so_a_notebook_shows_them_once() -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    figures.draw_rnn_cell()
    assert plt.get_fignums() == before


# ---- plot_gradient_flow ----------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> dict[str, Callable]:
    root = find_course_root(Path(__file__).parent)
    return course_reference(root).functions()


def _plot_arguments(reference: dict[str, Callable]) -> dict[str, Callable]:
    names = ("rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward")
    return {name: reference[name] for name in names}


def _curves(fig: Figure) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    ax = fig.axes[0]
    return {
        line.get_label(): (np.asarray(line.get_xdata()), np.asarray(line.get_ydata()))
        for line in ax.get_lines()
        if isinstance(line, Line2D) and not line.get_label().startswith("_")
    }


@pytest.fixture(scope="module")
def gradient_plot(reference: dict[str, Callable]) -> Figure:
    return figures.plot_gradient_flow(**_plot_arguments(reference))


def test_plot_shows_the_rnn_gradient_vanishing_and_the_lstm_keeping_more(
    gradient_plot: Figure,
) -> None:
    curves = _curves(gradient_plot)
    assert set(curves) == {"RNN", "LSTM"}
    for steps, values in curves.values():
        np.testing.assert_array_equal(steps, np.arange(1, 31))
        assert np.all(values > 0)
    rnn, lstm = curves["RNN"][1], curves["LSTM"][1]
    rnn_decay, lstm_decay = rnn[-1] / rnn[0], lstm[-1] / lstm[0]
    assert rnn_decay >= 10, f"the RNN gradient shrinks only {rnn_decay:.3g}x from T_x to 1"
    assert lstm_decay < rnn_decay, f"LSTM decays {lstm_decay:.3g}x, RNN {rnn_decay:.3g}x"


def test_plot_is_labelled_on_a_log_axis_and_renders(gradient_plot: Figure) -> None:
    ax = gradient_plot.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["RNN", "LSTM"]
    notes = [t.get_text() for t in ax.texts]
    assert any("vanishes" in note for note in notes), "the plot should say what to notice"
    assert all(t.get_fontsize() >= PLOT_MIN_FONT_SIZE for t in _texts(gradient_plot))
    assert _render("plot_gradient_flow", gradient_plot).png.startswith(b"\x89PNG")


def test_plot_is_deterministic_for_a_seed(reference: dict[str, Callable]) -> None:
    arguments = _plot_arguments(reference)
    first = _curves(figures.plot_gradient_flow(**arguments, T_x=8, seed=3))
    again = _curves(figures.plot_gradient_flow(**arguments, T_x=8, seed=3))
    other = _curves(figures.plot_gradient_flow(**arguments, T_x=8, seed=4))
    np.testing.assert_array_equal(first["RNN"][1], again["RNN"][1])
    assert not np.array_equal(first["RNN"][1], other["RNN"][1])
    assert len(first["LSTM"][1]) == 8


@pytest.mark.parametrize("stub", ["rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward"])
def test_plot_names_the_function_that_is_still_a_stub(
    reference: dict[str, Callable], stub: str
) -> None:
    def not_written(*args: object) -> None:
        raise NotImplementedError

    arguments = {**_plot_arguments(reference), stub: not_written}
    expected = f"plot_gradient_flow needs your {stub}: it still raises NotImplementedError"
    with pytest.raises(NotImplementedError, match=expected):
        figures.plot_gradient_flow(**arguments, T_x=5)


def test_plot_reports_a_wrong_dx_shape(reference: dict[str, Callable]) -> None:
    def transposed(da: np.ndarray, caches: object) -> dict[str, np.ndarray]:
        gradients = reference["lstm_backward"](da, caches)
        return {**gradients, "dx": gradients["dx"].transpose(1, 0, 2)}

    arguments = {**_plot_arguments(reference), "lstm_backward": transposed}
    with pytest.raises(ValueError, match=r"lstm_backward returned dx of shape \(4, 3, 5\)"):
        figures.plot_gradient_flow(**arguments, T_x=5)


# ---- what course/figures may and may not contain -------------------------------------


def test_figures_define_no_graded_function() -> None:
    """Solutions never live in course/: no module here defines a graded function."""
    for module in FIGURES_DIR.glob("*.py"):
        tree = ast.parse(module.read_text())
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert not defined & set(GRADED_FUNCTIONS), (
            f"{module.name} defines {defined & set(GRADED_FUNCTIONS)}"
        )


def test_importing_course_does_not_import_matplotlib() -> None:
    code = "import sys, course; assert 'matplotlib' not in sys.modules, 'course imports matplotlib'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
