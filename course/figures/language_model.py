"""The plots of assignment 2, the character-level language model.

Every function draws data it is given (names, a batch, training histories,
probabilities) and returns a matplotlib Figure; nothing here trains, samples or
computes a gradient, so no plot gives away a graded answer. A notebook shows the Figure
when a cell returns it.

Notation: V is the vocabulary size (the end token END = "\\n" at index 0 included),
m the number of names in a batch, T_x the length of a batch's padded sequences. A
training history is the dict `train` returns: "loss", "smooth_loss" and "grad_norm" of
shape (num_steps,), one value per step, and "val_perplexity" of shape
(num_steps // eval_every,), measured after steps eval_every, 2 * eval_every, ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

# Okabe-Ito colours (distinguishable by colour-blind readers), as in gradient_flow.py.
RNN_COLOR = "#d55e00"  # vermillion
LSTM_COLOR = "#0072b2"  # blue
ORIGINAL_COLOR = "#1a1a1a"
VALUE_CLIP_COLOR = "#d55e00"
NORM_CLIP_COLOR = "#0072b2"
NO_CLIP_COLOR = "#d55e00"
CLIP_COLOR = "#009e73"  # bluish green
BAR_COLOR = "#56b4e9"  # sky blue
MUTED = "#555555"
GRID_ALPHA = 0.3
RUN_COLORS = ("#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00")

TITLE_SIZE = 12.5
LABEL_SIZE = 11
TICK_SIZE = 10
LEGEND_SIZE = 10.5
NOTE_SIZE = 10  # the smallest text of these plots
WIDTH = 8.5  # inches: JupyterLab's output area beside the file browser is about 850 px wide,
# so a figure of this width is shown at full size and its 10-point text stays 10 points

END_GLYPH = "⏎"  # how the end token "\n" is shown
SPACE_GLYPH = "␣"  # how a space is shown where it would be invisible


def show_character(character: str) -> str:
    """A visible stand-in for a character: "⏎" for the end token, "␣" for a space."""
    return {"\n": END_GLYPH, " ": SPACE_GLYPH}.get(character, character)


def _new_figure(nrows: int, ncols: int, figsize: tuple[float, float], **kwargs) -> tuple:
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kwargs)
    plt.close(fig)  # the notebook shows the returned figure once, not twice
    return fig, axes


def _style(ax: Axes, xlabel: str, ylabel: str, title: str | None = None) -> None:
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, alpha=GRID_ALPHA)


def _note(ax: Axes, x: float, y: float, text: str, **kwargs) -> None:
    """A boxed note at axes coordinates (x, y)."""
    options = {
        "transform": ax.transAxes,
        "fontsize": NOTE_SIZE,
        "bbox": {"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "#c8c8c8"},
    }
    ax.text(x, y, text, **{**options, **kwargs})


def plot_name_lengths(names: Sequence[str]) -> Figure:
    """Histogram of the lengths of `names` (a sequence of strings), one bar per length.

    Marks the mean length, and says how many names are longer than 25 characters (the
    bars become too short to see there).
    """
    lengths = np.array([len(name) for name in names])
    if lengths.size == 0:
        raise ValueError("plot_name_lengths needs at least one name")
    fig, ax = _new_figure(1, 1, (WIDTH, 4.0))
    values, counts = np.unique(lengths, return_counts=True)
    ax.bar(values, counts, width=0.85, color=BAR_COLOR, edgecolor="#2b7bb9", label="names")
    mean = lengths.mean()
    ax.axvline(mean, color=RNN_COLOR, linewidth=2, linestyle="--", label=f"mean: {mean:.1f}")
    _style(
        ax,
        "name length (characters, END not counted)",
        "number of names",
        f"How long are the {lengths.size:,} names?",
    )
    ax.set_xlim(0, max(26.5, np.percentile(lengths, 99.5) + 1.5))
    ax.legend(fontsize=LEGEND_SIZE, loc="upper right")
    longest = int(lengths.max())
    longer = int(np.sum(lengths > 25))
    _note(
        ax,
        0.985,
        0.62,
        f"shortest: {lengths.min()}, longest: {longest}\n"
        f"{longer} names ({longer / lengths.size:.1%}) are longer than 25",
        ha="right",
        va="top",
    )
    return fig


def plot_batch(X: np.ndarray, Y: np.ndarray, mask: np.ndarray, ix_to_char: Sequence[str]) -> Figure:
    """Two grids of characters: the inputs X and the targets Y of a batch, the padding grey.

    X, Y: int arrays of shape (m, T_x) (indices into ix_to_char); mask: (m, T_x), 1.0 at
    the real targets and 0.0 on the padding. Column t shows the step ⟨t⟩ (t = 1..T_x);
    the end token is drawn as ⏎ and a space as ␣.
    """
    X, Y, mask = np.asarray(X), np.asarray(Y), np.asarray(mask)
    if not X.shape == Y.shape == mask.shape or X.ndim != 2:
        raise ValueError(
            f"X, Y and mask must have the same shape (m, T_x); got {X.shape}, {Y.shape}, "
            f"{mask.shape}"
        )
    m, T_x = X.shape
    names = ["“" + "".join(ix_to_char[int(ix)] for ix in X[i] if ix != 0) + "”" for i in range(m)]
    cell = min(0.42, (WIDTH - 1.9) / T_x)  # inches per character: long batches get smaller
    size = max(NOTE_SIZE, min(13.0, 31 * cell))
    fig, axes = _new_figure(2, 1, (max(6.5, 1.9 + T_x * cell), 2.4 + 2 * m * cell), squeeze=False)
    for ax, indices, name in (
        (axes[0, 0], X, r"inputs $X$: $x^{\langle t\rangle}$"),
        (axes[1, 0], Y, r"targets $Y$: $y^{\langle t\rangle}$, the next character"),
    ):
        for i, t in np.ndindex(m, T_x):
            real = mask[i, t] > 0
            ax.add_patch(
                Rectangle(
                    (t, i),
                    1,
                    1,
                    facecolor="#edf3fb" if real else "#e6e6e6",
                    edgecolor="#8aa9cf" if real else "#c8c8c8",
                    linewidth=1,
                )
            )
            character = ix_to_char[int(indices[i, t])]
            ax.text(
                t + 0.5,
                i + 0.5,
                show_character(character),
                ha="center",
                va="center",
                fontsize=size + 2 if character in "\n " else size,
                color="#1a1a1a" if real else "#9a9a9a",
            )
        ax.set_xlim(0, T_x)
        ax.set_ylim(m, 0)
        ax.set_aspect("equal")
        ax.set_xticks(np.arange(T_x) + 0.5, [str(t) for t in range(1, T_x + 1)])
        ax.set_yticks(np.arange(m) + 0.5, names)
        ax.tick_params(labelsize=TICK_SIZE, length=0)
        ax.set_xlabel(r"time step $t$", fontsize=LABEL_SIZE)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(name, fontsize=LABEL_SIZE, loc="left")
    fig.suptitle(
        f"One batch: m = {m} names, T_x = {T_x} steps\n"
        f"{END_GLYPH} = END,  {SPACE_GLYPH} = space,  grey = padding (mask = 0)",
        fontsize=TITLE_SIZE,
    )
    return fig


def plot_clipping(
    gradient: np.ndarray,
    by_value: np.ndarray,
    by_norm: np.ndarray,
    max_value: float,
    max_norm: float,
) -> Figure:
    """A 2-D gradient, clipped by value and by global norm, drawn as arrows.

    gradient, by_value, by_norm: arrays of shape (2,): the gradient and what the two
    clipping methods made of it. The square [-max_value, max_value]² is where value
    clipping puts every entry; the circle of radius max_norm, where norm clipping puts
    the whole vector. The legend gives each arrow's angle to the gradient's direction.
    """
    vectors = {"gradient": gradient, "by_value": by_value, "by_norm": by_norm}
    for name, vector in vectors.items():
        if np.shape(vector) != (2,):
            raise ValueError(f"{name} must have shape (2,), got {np.shape(vector)}")
    gradient, by_value, by_norm = (np.asarray(v, dtype=float) for v in vectors.values())
    fig = plt.figure(figsize=(WIDTH, 6.0))  # no constrained layout: it fights the equal aspect
    plt.close(fig)
    ax = fig.add_axes((0.09, 0.23, 0.89, 0.69))
    square = Rectangle(
        (-max_value, -max_value),
        2 * max_value,
        2 * max_value,
        facecolor="#fbe3c4",
        edgecolor=VALUE_CLIP_COLOR,
        alpha=0.45,
        linestyle="--",
        zorder=0,
        label=rf"clip by value: every entry in $[-{max_value:g}, {max_value:g}]$",
    )
    circle = Circle(
        (0, 0),
        max_norm,
        facecolor="#d6e6f5",
        edgecolor=NORM_CLIP_COLOR,
        alpha=0.6,
        linestyle="--",
        zorder=0,
        label=rf"clip by global norm: norm $\leq {max_norm:g}$",
    )
    ax.add_patch(square)
    ax.add_patch(circle)
    direction = gradient / np.linalg.norm(gradient)
    far = 10 * max(np.abs(gradient).max(), max_value, max_norm)
    ax.plot([0, direction[0] * far], [0, direction[1] * far], color=ORIGINAL_COLOR, lw=1, ls=":")

    def angle(vector: np.ndarray) -> float:
        cosine = vector @ gradient / (np.linalg.norm(vector) * np.linalg.norm(gradient))
        return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))

    handles = []
    for vector, color, name in (
        (gradient, ORIGINAL_COLOR, "gradient"),
        (by_value, VALUE_CLIP_COLOR, "clipped by value"),
        (by_norm, NORM_CLIP_COLOR, "clipped by global norm"),
    ):
        ax.add_patch(
            FancyArrowPatch(
                (0, 0),
                tuple(vector),
                arrowstyle="-|>",
                mutation_scale=18,
                linewidth=2.4,
                color=color,
                shrinkA=0,
                shrinkB=0,
                zorder=3,
            )
        )
        (handle,) = ax.plot(
            [],
            [],
            color=color,
            linewidth=2.4,
            label=f"{name}: ({vector[0]:.2f}, {vector[1]:.2f}), "
            f"norm {np.linalg.norm(vector):.2f}, turned {angle(vector):.0f}°",
        )
        handles.append(handle)
    ax.axhline(0, color="#999999", linewidth=0.8, zorder=1)
    ax.axvline(0, color="#999999", linewidth=0.8, zorder=1)
    box = 1.12 * max(max_value, max_norm)
    points = np.stack([gradient, by_value, by_norm])
    ax.set_xlim(min(-box, 1.1 * points[:, 0].min()), max(box, 1.1 * points[:, 0].max()))
    ax.set_ylim(min(-box, 1.1 * points[:, 1].min()), max(box, 1.1 * points[:, 1].max()))
    ax.set_aspect("equal")
    _style(
        ax,
        "first entry of the gradient",
        "second entry",
        "Clipping a gradient: by value bends it, by norm only shortens it",
    )
    fig.legend(
        handles=[*handles, square, circle],
        fontsize=NOTE_SIZE,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        frameon=True,
    )
    return fig


def _steps(n: int) -> np.ndarray:
    return np.arange(1, n + 1)


def _eval_steps(history: Mapping[str, np.ndarray], eval_every: int) -> np.ndarray:
    return eval_every * _steps(len(history["val_perplexity"]))


def plot_training(
    history: Mapping[str, np.ndarray],
    eval_every: int,
    V: int | None = None,
    title: str = "Training the language model",
) -> Figure:
    """The training curves of one run: the loss of every batch, raw and smoothed, and the
    validation perplexity.

    history: from `train`, with "loss" and "smooth_loss" (num_steps,) and
    "val_perplexity" (num_steps // eval_every,). V, if given, draws log(V), the loss of
    a uniform guess among the V characters, and notes that its perplexity is V.
    """
    loss = np.asarray(history["loss"], dtype=float)
    smooth = np.asarray(history["smooth_loss"], dtype=float)
    perplexity = np.asarray(history["val_perplexity"], dtype=float)
    fig, (left, right) = _new_figure(1, 2, (WIDTH, 4.0))
    steps = _steps(loss.size)
    left.plot(steps, loss, color=BAR_COLOR, linewidth=0.6, alpha=0.7, label="loss of each batch")
    left.plot(steps, smooth, color=LSTM_COLOR, linewidth=2.2, label="smoothed (moving average)")
    if V is not None:
        left.axhline(
            np.log(V), color=MUTED, linestyle="--", linewidth=1.2, label=f"uniform guess: log {V}"
        )
    _style(left, "training step", "cross-entropy per character", "Loss on the training batches")
    left.legend(fontsize=LEGEND_SIZE, loc="center right", bbox_to_anchor=(1.0, 0.64))
    top = np.percentile(loss, 99.5) if V is None else max(np.log(V), np.percentile(loss, 99.5))
    left.set_ylim(max(0.0, loss.min() - 0.15), top + 0.15)

    evaluated = _eval_steps(history, eval_every)
    right.plot(evaluated, perplexity, "o-", color=RNN_COLOR, linewidth=2, markersize=6)
    _style(right, "training step", "validation perplexity", "Perplexity on the validation names")
    if perplexity.size:
        right.annotate(
            f"{perplexity[-1]:.2f}",
            xy=(evaluated[-1], perplexity[-1]),
            xytext=(0, 10),
            textcoords="offset points",
            ha="center",
            fontsize=NOTE_SIZE,
            color=RNN_COLOR,
        )
        span = max(perplexity.max() - perplexity.min(), 0.5)
        right.set_ylim(perplexity.min() - 0.25 * span, perplexity.max() + 0.35 * span)
    last = max(steps[-1] if steps.size else 1, evaluated[-1] if evaluated.size else 1)
    right.set_xlim(0, 1.06 * last)
    if V is not None:
        _note(right, 0.97, 0.95, f"a uniform guess has perplexity {V}", ha="right", va="top")
    fig.suptitle(title, fontsize=TITLE_SIZE + 1)
    return fig


def plot_temperatures(
    probabilities: Mapping[float, np.ndarray], ix_to_char: Sequence[str], context: str
) -> Figure:
    """The next-character distribution at several temperatures, one bar chart per row.

    probabilities: temperature -> array of shape (V,) that sums to 1 (temperature 0:
    all the probability on the most likely character). context: the text the model has
    read, shown in the title (the end token as ⏎).
    """
    temperatures = list(probabilities)
    V = len(ix_to_char)
    for temperature in temperatures:
        if np.shape(probabilities[temperature]) != (V,):
            raise ValueError(
                f"probabilities[{temperature}] must have shape (V,) = ({V},), "
                f"got {np.shape(probabilities[temperature])}"
            )
    fig, axes = _new_figure(
        len(temperatures), 1, (WIDTH, 1.0 + 1.45 * len(temperatures)), sharex=True, squeeze=False
    )
    positions = np.arange(V)
    for ax, temperature, color in zip(axes[:, 0], temperatures, RUN_COLORS * V, strict=False):
        p = np.asarray(probabilities[temperature], dtype=float)
        ax.bar(positions, p, color=color, width=0.8)
        ax.set_ylim(0, 1.05)
        ax.set_yticks([0, 0.5, 1])
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(True, axis="y", alpha=GRID_ALPHA)
        label = "T = 0 (greedy)" if temperature == 0 else f"T = {temperature:g}"
        ax.set_ylabel(label, fontsize=LABEL_SIZE, rotation=0, ha="right", va="center")
        top = int(np.argmax(p))
        ax.text(
            0.99,
            0.9,
            f"most likely: {show_character(ix_to_char[top])} ({p[top]:.0%})",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=NOTE_SIZE,
        )
    bottom = axes[-1, 0]
    bottom.set_xticks(positions, [show_character(c) for c in ix_to_char])
    bottom.tick_params(axis="x", labelsize=LABEL_SIZE)
    bottom.set_xlabel("next character", fontsize=LABEL_SIZE)
    bottom.set_xlim(-0.7, V - 0.3)
    shown = "".join(show_character(c) if c == "\n" else c for c in context)
    fig.suptitle(
        f"Probability of the next character after “{shown}”, at temperature T",
        fontsize=TITLE_SIZE,
    )
    return fig


def plot_gradient_norms(
    histories: Mapping[str, Mapping[str, np.ndarray]], max_norm: float, V: int | None = None
) -> Figure:
    """Gradient norms (log scale) and smoothed losses of training runs, step by step.

    histories: label -> a history from `train` ("grad_norm", "loss" and "smooth_loss",
    each of shape (num_steps,)). max_norm: the clipping threshold, drawn as a line.
    V, if given, draws log(V), the loss of a uniform guess.
    """
    fig, (top, bottom) = _new_figure(2, 1, (WIDTH, 6.8), sharex=True)
    peaks = []
    for (label, history), color in zip(
        histories.items(), (NO_CLIP_COLOR, CLIP_COLOR, *RUN_COLORS), strict=False
    ):
        norms = np.asarray(history["grad_norm"], dtype=float)
        top.semilogy(_steps(norms.size), norms, color=color, linewidth=1.2, label=label)
        if norms.size and np.isfinite(norms).any():
            peak = int(np.nanargmax(norms))
            top.plot(peak + 1, norms[peak], "o", color=color, markersize=8, markerfacecolor="none")
            peaks.append(f"{label}: {norms[peak]:,.0f} at step {peak + 1}")
        loss = np.asarray(history["loss"], dtype=float)
        smooth = np.asarray(history["smooth_loss"], dtype=float)
        bottom.plot(_steps(loss.size), loss, color=color, linewidth=0.5, alpha=0.35)
        bottom.plot(_steps(smooth.size), smooth, color=color, linewidth=2.2, label=label)
    if peaks:
        _note(top, 0.14, 0.95, "largest norm (circled)\n" + "\n".join(peaks), va="top")
        highest = max(
            np.nanmax(np.asarray(h["grad_norm"], dtype=float)) for h in histories.values()
        )
        top.set_ylim(top=highest * 60)  # room above the spikes for the note and the legend
    top.axhline(
        max_norm,
        color=MUTED,
        linestyle="--",
        linewidth=1.2,
        label=f"max_norm = {max_norm:g}: the clipping threshold",
    )
    _style(
        top,
        "",
        "global gradient norm\n(before clipping, log scale)",
        "Exploding gradients, with and without clipping",
    )
    top.legend(fontsize=LEGEND_SIZE, loc="upper right")
    if V is not None:
        bottom.axhline(
            np.log(V), color=MUTED, linestyle="--", linewidth=1.2, label=f"uniform guess: log {V}"
        )
    _style(bottom, "training step", "loss per character\n(thin: each batch, thick: smoothed)")
    bottom.legend(fontsize=LEGEND_SIZE, loc="upper right")
    return fig


def plot_model_comparison(
    histories: Mapping[str, Mapping[str, np.ndarray]],
    eval_every: Mapping[str, int],
    seconds: Mapping[str, float],
) -> Figure:
    """Validation perplexity of several models, against training steps and training time.

    histories: label -> a history from `train` ("loss" (num_steps,), "val_perplexity"
    (num_steps // eval_every[label],)); seconds: label -> the measured wall-clock time of
    the whole run. The time of an evaluation is estimated as seconds * step / num_steps,
    assuming every step (and evaluation) takes the same time.
    """
    fig, (by_step, by_time) = _new_figure(1, 2, (WIDTH, 4.0), sharey=True)
    colors = {"RNN": RNN_COLOR, "LSTM": LSTM_COLOR}
    right = {by_step: 0.0, by_time: 0.0}
    for index, (label, history) in enumerate(histories.items()):
        # "RNN ..." and "LSTM ..." get the course's RNN and LSTM colours
        color = colors.get(label.split()[0], RUN_COLORS[index % len(RUN_COLORS)])
        perplexity = np.asarray(history["val_perplexity"], dtype=float)
        steps = _eval_steps(history, eval_every[label])
        times = seconds[label] * steps / len(history["loss"])
        for ax, x in ((by_step, steps), (by_time, times)):
            right[ax] = max(right[ax], float(x[-1]))
            ax.plot(x, perplexity, "o-", color=color, linewidth=2, markersize=5, label=label)
            ax.annotate(
                f"{perplexity[-1]:.2f}",
                xy=(x[-1], perplexity[-1]),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=NOTE_SIZE,
                color=color,
            )
    _style(by_step, "training step", "validation perplexity", "Per training step")
    _style(by_time, "training time (s)", "", "Per second of training")
    for ax in (by_step, by_time):
        ax.set_xlim(0, 1.18 * right[ax])
        ax.legend(fontsize=LEGEND_SIZE, loc="upper right")
    fig.suptitle("RNN or LSTM? Validation perplexity (lower is better)", fontsize=TITLE_SIZE + 1)
    return fig
