"""The figures that run a student's functions: the one-bit memory, the gradient
experiment with its sliders, and the plot of vanishing gradients; each says what it
shows, and names the function that is still a stub."""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from autograder.course_layout import find_course_root
from course.figures import explore_gradients, plot_gradient_flow, plot_one_bit_memory, with_sliders
from course.figures.gradient_flow import per_step_factor
from course.figures.student_code import NotReadyYet
from tests.assignments import course_reference

matplotlib.use("Agg")

PLOT_MIN_FONT_SIZE = 10


@pytest.fixture(scope="module")
def reference() -> dict[str, Callable]:
    return course_reference(find_course_root(Path(__file__).parent)).functions()


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _readable(fig: Figure) -> None:
    small = [t.get_text() for t in _texts(fig) if t.get_fontsize() < PLOT_MIN_FONT_SIZE]
    assert not small, f"text below {PLOT_MIN_FONT_SIZE} pt: {small}"


def _line(fig: Figure, axes: int, label: str) -> np.ndarray:
    (line,) = [ln for ln in fig.axes[axes].get_lines() if ln.get_label() == label]
    return np.asarray(line.get_ydata())


# ---- one bit, ten steps ----------------------------------------------------------------


def test_the_lstm_keeps_the_bit_and_the_rnn_forgets_it(reference) -> None:
    up = plot_one_bit_memory(reference["rnn_forward"], reference["lstm_forward"], bit=1)
    down = plot_one_bit_memory(reference["rnn_forward"], reference["lstm_forward"], bit=-1)
    assert _line(up, 0, "LSTM")[-1] > 0.95 and _line(down, 0, "LSTM")[-1] < 0.05
    # The RNN's last answer does not depend on the bit: only on the noise after it.
    assert abs(_line(up, 0, "RNN")[-1] - _line(down, 0, "RNN")[-1]) < 0.01
    _readable(up)


def test_the_heatmap_shows_the_gates_the_reading_cell_describes(reference) -> None:
    fig = plot_one_bit_memory(reference["rnn_forward"], reference["lstm_forward"])
    heatmap = fig.axes[1]
    rows = [t.get_text() for t in heatmap.get_yticklabels()]
    assert [row.split("$")[1] for row in rows] == [
        r"\Gamma_f",
        r"\Gamma_i",
        r"\tilde{c}",
        r"\Gamma_o",
        "c",
        "a",
    ]
    table = np.asarray(heatmap.get_images()[0].get_array())
    assert table.shape == (6, 11)
    forget, update, _, _, cell, _ = table
    assert forget[0] < 0.02 and update[0] > 0.98  # write
    assert np.all(forget[1:] > 0.99) and np.all(update[1:] < 0.01)  # hold
    assert round(cell[0], 2) == 0.99 and round(cell[-1], 2) == 0.93  # as the notebook says


def test_one_bit_names_the_stub(reference) -> None:
    def lstm_forward(x, a0, parameters):
        raise NotImplementedError()

    with pytest.raises(NotReadyYet, match="plot_one_bit_memory needs your lstm_forward"):
        plot_one_bit_memory(reference["rnn_forward"], lstm_forward)


# ---- exploding gradients and clipping ---------------------------------------------------


def test_explore_shows_explosion_and_clipping(reference) -> None:
    names = ("rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward")
    fig = explore_gradients(*(reference[n] for n in names), spectral_radius=2.0, clip_value=5.0)
    left, right = fig.axes[0], fig.axes[1]
    rnn = np.asarray(left.get_lines()[0].get_ydata())
    assert per_step_factor(rnn) > 1, "with spectral radius 2 the RNN's gradient should grow"
    norms, clipped = (np.asarray(line.get_ydata()) for line in right.get_lines()[:2])
    assert np.all(clipped <= norms + 1e-12)
    assert norms.max() > 100 * norms[0], "the gradient should explode as rho grows"
    assert norms[-1] < norms.max() / 10, "saturation at large rho should cut it (tanh caveat)"
    _readable(fig)


def test_a_small_forget_bias_makes_the_lstm_forget(reference) -> None:
    names = ("rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward")
    functions = [reference[n] for n in names]
    keep = explore_gradients(*functions, forget_bias=5.0)
    forget = explore_gradients(*functions, forget_bias=-2.0)
    lstm_keep = np.asarray(keep.axes[0].get_lines()[1].get_ydata())
    lstm_forget = np.asarray(forget.axes[0].get_lines()[1].get_ydata())
    assert per_step_factor(lstm_keep) > 0.95 > 0.8 > per_step_factor(lstm_forget)


def test_sliders_without_ipywidgets_draw_once_with_the_start_values(monkeypatch) -> None:
    real_import = builtins.__import__

    def no_widgets(name, *args, **kwargs):
        if name == "ipywidgets":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_widgets)
    calls = []
    with_sliders(lambda **values: calls.append(values), rho=(0.5, 8.0, 0.1, 2.0))
    assert calls == [{"rho": 2.0}]


def test_sliders_with_ipywidgets_start_at_the_given_values() -> None:
    pytest.importorskip("ipywidgets")
    calls = []
    shown = with_sliders(lambda **values: calls.append(values), rho=(0.5, 8.0, 0.1, 2.0))
    assert calls and calls[-1] == {"rho": 2.0}
    assert shown is None  # interact displays the sliders; nothing more to show


# ---- plot_gradient_flow ----------------------------------------------------------------


def test_gradient_flow_blames_the_cell_function_that_raised(reference) -> None:
    """rnn_backward is written, but the rnn_cell_backward it calls is not."""

    def rnn_cell_backward(da_next, cache):
        raise NotImplementedError()

    def rnn_backward(da, caches):
        return rnn_cell_backward(da[:, :, -1], caches[0][-1])

    message = (
        "plot_gradient_flow needs your rnn_cell_backward: it still raises NotImplementedError "
        "(your rnn_backward calls it). To see this figure, finish Exercise 3 first"
    )
    with pytest.raises(NotReadyYet, match=re.escape(message)):
        plot_gradient_flow(reference["rnn_forward"], rnn_backward)


def test_not_ready_shows_one_line_without_a_traceback() -> None:
    error = NotReadyYet("plot_gradient_flow needs your rnn_backward")
    assert error._render_traceback_() == ["NotReadyYet: plot_gradient_flow needs your rnn_backward"]


def test_gradient_flow_draws_the_rnn_alone_before_the_lstm_exists(reference) -> None:
    fig = plot_gradient_flow(reference["rnn_forward"], reference["rnn_backward"])
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["RNN"]
    assert "LSTM" not in "\n".join(t.get_text() for t in fig.axes[0].texts)


def test_the_box_states_the_factors_measured_on_the_curves(reference) -> None:
    """The caption agrees with the plot: the per-step factors and the mean forget gate
    it prints are those of the curves drawn (0.69, 0.92 and 0.88 with the reference)."""
    names = ("rnn_forward", "rnn_backward", "lstm_forward", "lstm_backward")
    fig = plot_gradient_flow(*(reference[n] for n in names))
    ax = fig.axes[0]
    rnn, lstm = _line(fig, 0, "RNN"), _line(fig, 0, "LSTM")
    box = ax.texts[-1].get_text()
    assert f"{per_step_factor(rnn):.2f} per step" in box
    assert f"{per_step_factor(lstm):.2f} per step" in box
    assert (f"{per_step_factor(rnn):.2f}", f"{per_step_factor(lstm):.2f}") == ("0.69", "0.92")
    assert "mean here 0.88" in box
    assert f"{rnn[0]:.0e}" == "2e-05" and f"{lstm[0]:.2f}" == "0.09"  # as the notebook says
