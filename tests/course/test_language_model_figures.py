"""Tests of assignment 2's plots: each draws the data it is given, labelled and readable."""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

import course.figures as figures
from course.figures import language_model as lm

matplotlib.use("Agg")

MIN_FONT_SIZE = 10
IX_TO_CHAR = ("\n", " ", "a", "b", "e", "l", "m", "n", "r", "u")
CHAR_TO_IX = {c: ix for ix, c in enumerate(IX_TO_CHAR)}


def _history(num_steps: int, eval_every: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    loss = 3.0 - np.linspace(0, 0.8, num_steps) + 0.1 * rng.standard_normal(num_steps)
    smooth = np.empty(num_steps)
    value = np.log(30)
    for step, current in enumerate(loss):
        value = 0.99 * value + 0.01 * current
        smooth[step] = value
    return {
        "loss": loss,
        "smooth_loss": smooth,
        "grad_norm": np.exp(rng.standard_normal(num_steps)),
        "val_perplexity": np.linspace(14, 11, num_steps // eval_every),
    }


def _batch() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    names = ["ulm", "bern", "lule a"]
    T_x = 1 + max(len(name) for name in names)
    X = np.zeros((len(names), T_x), dtype=int)
    Y = np.zeros_like(X)
    mask = np.zeros(X.shape)
    for i, name in enumerate(names):
        indices = [CHAR_TO_IX[c] for c in name]
        X[i, 1 : len(name) + 1] = indices
        Y[i, : len(name)] = indices
        mask[i, : len(name) + 1] = 1.0
    return X, Y, mask


HISTORY = _history(400, 100, seed=0)
OTHER = _history(300, 50, seed=1)
PROBABILITIES = {
    0.0: np.eye(len(IX_TO_CHAR))[2],
    1.0: np.full(len(IX_TO_CHAR), 1 / len(IX_TO_CHAR)),
}
GRADIENT = np.array([2.4, 0.6])


def _drawn() -> dict[str, Figure]:
    return {
        "plot_name_lengths": lm.plot_name_lengths(["ulm", "bern", "lima", "sao paulo", "nis"]),
        "plot_batch": lm.plot_batch(*_batch(), IX_TO_CHAR),
        "plot_clipping": lm.plot_clipping(
            GRADIENT, np.clip(GRADIENT, -1, 1), GRADIENT / np.linalg.norm(GRADIENT), 1.0, 1.0
        ),
        "plot_training": lm.plot_training(HISTORY, 100, V=30, title="A run"),
        "plot_temperatures": lm.plot_temperatures(PROBABILITIES, IX_TO_CHAR, "\nlu"),
        "plot_gradient_norms": lm.plot_gradient_norms(
            {"no clipping": HISTORY, "clipping": OTHER}, max_norm=1.0, V=30
        ),
        "plot_model_comparison": lm.plot_model_comparison(
            {"RNN": HISTORY, "LSTM (n_a = 8)": OTHER},
            {"RNN": 100, "LSTM (n_a = 8)": 50},
            {"RNN": 4.0, "LSTM (n_a = 8)": 6.0},
        ),
    }


@pytest.fixture(scope="module")
def drawn() -> dict[str, Figure]:
    before = plt.get_fignums()
    result = _drawn()
    assert plt.get_fignums() == before, "a figure stays attached to pyplot: shown twice"
    for fig in result.values():
        FigureCanvasAgg(fig)
        fig.savefig(io.BytesIO(), format="png")  # lays out and renders every text
    return result


def _lines(ax) -> dict[str, Line2D]:
    return {line.get_label(): line for line in ax.get_lines()}


def test_every_plot_is_importable_from_course_figures(drawn):
    for name in drawn:
        assert getattr(figures, name) is getattr(lm, name)


def test_every_plot_is_a_figure_with_labelled_axes(drawn):
    for name, fig in drawn.items():
        assert isinstance(fig, Figure), name
        assert fig.axes, f"{name} has no Axes"
        for ax in fig.axes:
            assert ax.get_xlabel() or ax.get_ylabel() or ax.get_yticklabels(), name
        labelled = [ax for ax in fig.axes if ax.get_xlabel()]
        assert labelled, f"{name}: no Axes has an x label"


def test_every_text_is_at_least_10_points(drawn):
    for name, fig in drawn.items():
        small = {
            (text.get_text(), text.get_fontsize())
            for text in fig.findobj(Text)
            if text.get_text().strip() and text.get_visible() and text.get_fontsize() < 10
        }
        assert not small, f"{name} has text below {MIN_FONT_SIZE} pt: {sorted(small)}"


def test_name_lengths_counts_every_name(drawn):
    ax = drawn["plot_name_lengths"].axes[0]
    bars = [patch for patch in ax.patches if isinstance(patch, Rectangle)]
    heights = {round(bar.get_x() + bar.get_width() / 2): bar.get_height() for bar in bars}
    assert heights == {3: 2, 4: 2, 9: 1}
    assert ax.get_xlabel() and ax.get_ylabel()


def test_batch_shows_every_character_and_greys_the_padding(drawn):
    X, Y, mask = _batch()
    inputs, targets = drawn["plot_batch"].axes
    for ax, indices in ((inputs, X), (targets, Y)):
        cells = [text.get_text() for text in ax.texts]
        expected = [lm.show_character(IX_TO_CHAR[ix]) for ix in indices.ravel()]
        assert cells == expected
        greys = [patch.get_facecolor() for patch in ax.patches]
        grey = matplotlib.colors.to_rgba("#e6e6e6")
        assert [color == grey for color in greys] == list((mask == 0).ravel())
    assert [label.get_text() for label in inputs.get_yticklabels()] == [
        "“ulm”",
        "“bern”",
        "“lule a”",
    ]


def test_batch_rejects_shapes_that_differ():
    X, Y, mask = _batch()
    with pytest.raises(ValueError, match="same shape"):
        lm.plot_batch(X, Y[:, :-1], mask, IX_TO_CHAR)


def test_clipping_draws_the_three_vectors_given(drawn):
    fig = drawn["plot_clipping"]
    ax = fig.axes[0]
    arrows = [patch for patch in ax.patches if type(patch).__name__ == "FancyArrowPatch"]
    tips = [tuple(np.round(arrow._posA_posB[1], 6)) for arrow in arrows]
    by_norm = GRADIENT / np.linalg.norm(GRADIENT)
    assert tips == [(2.4, 0.6), (1.0, 0.6), tuple(np.round(by_norm, 6))]
    legend = " ".join(text.get_text() for text in fig.legends[0].get_texts())
    assert "turned 0°" in legend and "turned 17°" in legend


def test_clipping_rejects_vectors_that_are_not_2d():
    with pytest.raises(ValueError, match="shape"):
        lm.plot_clipping(np.ones(3), np.ones(2), np.ones(2), 1.0, 1.0)


def test_training_plots_the_history_it_was_given(drawn):
    loss_ax, perplexity_ax = drawn["plot_training"].axes[:2]
    lines = _lines(loss_ax)
    steps = np.arange(1, 401)
    np.testing.assert_array_equal(lines["loss of each batch"].get_xdata(), steps)
    np.testing.assert_array_equal(lines["loss of each batch"].get_ydata(), HISTORY["loss"])
    smooth = lines["smoothed (moving average)"]
    np.testing.assert_array_equal(smooth.get_ydata(), HISTORY["smooth_loss"])
    np.testing.assert_allclose(lines["uniform guess: log 30"].get_ydata(), np.log(30))
    (curve,) = perplexity_ax.get_lines()
    np.testing.assert_array_equal(curve.get_xdata(), [100, 200, 300, 400])
    np.testing.assert_array_equal(curve.get_ydata(), HISTORY["val_perplexity"])
    assert "perplexity" in perplexity_ax.get_ylabel()


def test_temperatures_draws_one_row_of_bars_per_temperature(drawn):
    axes = drawn["plot_temperatures"].axes
    assert len(axes) == len(PROBABILITIES)
    for ax, p in zip(axes, PROBABILITIES.values(), strict=True):
        np.testing.assert_allclose([bar.get_height() for bar in ax.patches], p)
    assert axes[0].get_ylabel() == "T = 0 (greedy)"
    ticks = [label.get_text() for label in axes[-1].get_xticklabels()]
    assert ticks[:2] == [lm.END_GLYPH, lm.SPACE_GLYPH]


def test_temperatures_rejects_a_distribution_of_the_wrong_size():
    with pytest.raises(ValueError, match="shape"):
        lm.plot_temperatures({1.0: np.ones(3) / 3}, IX_TO_CHAR, "")


def test_gradient_norms_plots_each_run_on_a_log_axis(drawn):
    top, bottom = drawn["plot_gradient_norms"].axes
    assert top.get_yscale() == "log"
    lines = _lines(top)
    np.testing.assert_array_equal(lines["no clipping"].get_ydata(), HISTORY["grad_norm"])
    np.testing.assert_array_equal(lines["clipping"].get_ydata(), OTHER["grad_norm"])
    np.testing.assert_array_equal(lines["clipping"].get_xdata(), np.arange(1, 301))
    threshold = lines["max_norm = 1: the clipping threshold"]
    np.testing.assert_array_equal(threshold.get_ydata(), [1.0, 1.0])
    smoothed = _lines(bottom)
    np.testing.assert_array_equal(smoothed["no clipping"].get_ydata(), HISTORY["smooth_loss"])
    assert bottom.get_xlabel() == "training step"


def test_model_comparison_plots_perplexity_against_steps_and_seconds(drawn):
    by_step, by_time = drawn["plot_model_comparison"].axes
    rnn, lstm = _lines(by_step)["RNN"], _lines(by_step)["LSTM (n_a = 8)"]
    np.testing.assert_array_equal(rnn.get_xdata(), [100, 200, 300, 400])
    np.testing.assert_array_equal(lstm.get_xdata(), 50 * np.arange(1, 7))
    np.testing.assert_array_equal(lstm.get_ydata(), OTHER["val_perplexity"])
    # the time of step k is seconds * k / num_steps
    np.testing.assert_allclose(_lines(by_time)["RNN"].get_xdata(), [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(_lines(by_time)["LSTM (n_a = 8)"].get_xdata(), np.arange(1, 7))
    assert rnn.get_color() == lm.RNN_COLOR and lstm.get_color() == lm.LSTM_COLOR
    assert by_time.get_xlabel() == "training time (s)"
