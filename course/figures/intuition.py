"""Small experiments that run the student's own functions to build intuition.

- `plot_one_bit_memory`: a hand-set one-unit LSTM keeps one bit for 10 steps of noise
  while a one-unit RNN forgets it; a heatmap shows the LSTM's gates at every step.
- `explore_gradients`: exploding and vanishing gradients, and clipping, with the
  spectral radius of W_aa and the forget-gate bias b_f as the controls.
- `with_sliders`: the same experiment with ipywidgets sliders where a front end shows
  them; a plain call with the default arguments everywhere else.

Nothing here computes a forward or backward pass itself: the student's functions are
passed in as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from course.figures.gradient_flow import (
    LSTM_COLOR,
    RNN_COLOR,
    _caches,
    _sample_parameters,
    gradient_ratios,
    per_step_factor,
)
from course.figures.student_code import call_student

# ---- one bit, ten steps ----------------------------------------------------------------

BIT_STEPS = 11  # step 1 writes the bit, steps 2..11 are the 10 steps it must survive
NOISE = 0.3  # standard deviation of the distracting input at steps 2..11
STRONG = 10.0  # how hard the "write" flag opens or shuts a gate
HOLD = 5.0  # gate bias: sigma(5) = 0.993, sigma(-5) = 0.007


def one_bit_parameters() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Hand-set parameters of a one-unit RNN and a one-unit LSTM (n_a = 1, n_x = 2,
    n_y = 2). The input x<t> = (value, write flag); concat = [a<t-1>; value; flag].

    LSTM: the flag shuts the forget gate and opens the update gate (write); without it
    the forget gate is sigma(5) = 0.993 and the update gate sigma(-5) = 0.007 (hold).
    The candidate is tanh(3 value) and the output gate is always sigma(5).
    RNN: a<t> = tanh(2 value + 0.8 a<t-1>): it has no gate, so every input is added.
    Both predict P(bit = +1) = softmax((3 a, -3 a)), the first row of y_hat.
    """
    rnn = {
        "Wax": np.array([[2.0, 0.0]]),
        "Waa": np.array([[0.8]]),
        "Wya": np.array([[3.0], [-3.0]]),
        "ba": np.zeros((1, 1)),
        "by": np.zeros((2, 1)),
    }
    lstm = {
        "Wf": np.array([[0.0, 0.0, -STRONG]]),
        "bf": np.array([[HOLD]]),
        "Wi": np.array([[0.0, 0.0, STRONG]]),
        "bi": np.array([[-HOLD]]),
        "Wc": np.array([[0.0, 3.0, 0.0]]),
        "bc": np.zeros((1, 1)),
        "Wo": np.zeros((1, 3)),
        "bo": np.array([[HOLD]]),
        "Wy": np.array([[3.0], [-3.0]]),
        "by": np.zeros((2, 1)),
    }
    return rnn, lstm


def one_bit_inputs(bit: int = 1, T_x: int = BIT_STEPS, seed: int = 0) -> np.ndarray:
    """x of shape (n_x, m, T_x) = (2, 1, T_x): the bit (+1 or -1) with the write flag at
    step 1, then noise without the flag."""
    x = np.zeros((2, 1, T_x))
    x[0, 0, 0], x[1, 0, 0] = bit, 1.0
    x[0, 0, 1:] = NOISE * np.random.default_rng(seed).standard_normal(T_x - 1)
    return x


def plot_one_bit_memory(
    rnn_forward: Callable[..., Any],
    lstm_forward: Callable[..., Any],
    *,
    bit: int = 1,
    T_x: int = BIT_STEPS,
    seed: int = 0,
) -> Figure:
    """Run your rnn_forward and lstm_forward on the one-bit task (one_bit_parameters,
    one_bit_inputs) and plot what each predicts at every step, then the LSTM's gates,
    candidate, cell state and hidden state (one unit) as a heatmap: rows are the
    quantities of the cache, columns the time steps."""
    figure = "plot_one_bit_memory"
    rnn_parameters, lstm_parameters = one_bit_parameters()
    x = one_bit_inputs(bit, T_x, seed)
    a0 = np.zeros((1, 1))
    rnn_result = call_student(
        rnn_forward, "rnn_forward", figure, x.copy(), a0.copy(), rnn_parameters
    )
    _caches(rnn_result, "rnn_forward", 3)
    lstm_result = call_student(
        lstm_forward, "lstm_forward", figure, x.copy(), a0.copy(), lstm_parameters
    )
    caches = _caches(lstm_result, "lstm_forward", 4)
    rnn_p = np.asarray(rnn_result[1])[0, 0, :]
    lstm_p = np.asarray(lstm_result[1])[0, 0, :]
    rows = {
        r"$\Gamma_f$ forget": 4,
        r"$\Gamma_i$ update": 5,
        r"$\tilde{c}$ candidate": 6,
        r"$\Gamma_o$ output": 7,
        r"$c$ cell state": 1,
        r"$a$ hidden state": 0,
    }
    table = np.array([[float(np.asarray(c[i])[0, 0]) for c in caches[0]] for i in rows.values()])

    steps = np.arange(1, T_x + 1)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9.0, 7.6), layout="constrained", height_ratios=(1.0, 1.25)
    )
    plt.close(fig)
    target = 1.0 if bit > 0 else 0.0
    top.plot(steps, lstm_p, "s-", color=LSTM_COLOR, linewidth=2, label="LSTM")
    top.plot(steps, rnn_p, "o-", color=RNN_COLOR, linewidth=2, label="RNN")
    top.axhline(target, color="#555555", linestyle=":", linewidth=1.5)
    top.axhline(0.5, color="#999999", linewidth=1)
    top.set_ylim(-0.05, 1.05)
    top.set_xticks(steps)
    top.set_xlim(0.5, T_x + 0.5)
    top.tick_params(labelsize=10)
    top.set_ylabel(r"predicted $P(\mathrm{bit} = +1)$", fontsize=11)
    top.set_title(
        f"Remember one bit ({bit:+d}, written at $t = 1$) through {T_x - 1} steps of noise",
        fontsize=12.5,
    )
    top.legend(loc="center left", fontsize=10.5)
    top.annotate(
        f"at $t = {T_x}$: LSTM {lstm_p[-1]:.2f}, RNN {rnn_p[-1]:.2f} (0.50 = a coin flip)",
        xy=(0.02, 0.25 if bit > 0 else 0.75),
        xycoords="axes fraction",
        fontsize=10.5,
        va="center",
    )

    image = bottom.imshow(table, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    bottom.set_yticks(range(len(rows)), list(rows), fontsize=11)
    bottom.set_xticks(range(T_x), [str(t) for t in steps], fontsize=10)
    bottom.set_xlabel(r"time step $t$", fontsize=11)
    bottom.set_title("Inside your LSTM (one unit): what each step computes", fontsize=12)
    for (row, column), value in np.ndenumerate(table):
        bottom.text(
            column,
            row,
            f"{value:.2f}",
            ha="center",
            va="center",
            fontsize=10,
            color="white" if abs(value) > 0.6 else "#1a1a1a",
        )
    colorbar = fig.colorbar(image, ax=bottom, fraction=0.04, pad=0.02)
    colorbar.ax.tick_params(labelsize=10)
    return fig


# ---- exploding gradients and clipping ---------------------------------------------------

SWEEP = np.round(np.geomspace(0.5, 8.0, 17), 3)  # spectral radii of the right-hand panel


def _rnn_weight_gradient(
    rnn_forward: Callable[..., Any],
    rnn_backward: Callable[..., Any],
    spectral_radius: float,
    *,
    n_x: int,
    n_a: int,
    m: int,
    T_x: int,
    seed: int,
) -> tuple[np.ndarray, float]:
    """dWaa of the student's RNN for a loss at the last step (the set-up of
    plot_gradient_flow), and the fraction of saturated hidden units (|a| > 0.99)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    parameters, _ = _sample_parameters(rng, n_x, n_a, spectral_radius)
    da = np.zeros((n_a, m, T_x))
    da[:, :, T_x - 1] = rng.standard_normal((n_a, m))
    figure = "explore_gradients"
    a, _, caches = call_student(
        rnn_forward, "rnn_forward", figure, x, np.zeros((n_a, m)), parameters
    )
    gradients = call_student(rnn_backward, "rnn_backward", figure, da, caches)
    return np.asarray(gradients["dWaa"], dtype=float), float(np.mean(np.abs(a) > 0.99))


def explore_gradients(
    rnn_forward: Callable[..., Any],
    rnn_backward: Callable[..., Any],
    lstm_forward: Callable[..., Any],
    lstm_backward: Callable[..., Any],
    *,
    spectral_radius: float = 2.0,
    forget_bias: float = 2.0,
    clip_value: float = 5.0,
    T_x: int = 30,
    n_x: int = 3,
    n_a: int = 8,
    m: int = 4,
    seed: int = 0,
) -> Figure:
    """Exploding and vanishing gradients, and clipping, on your own RNN and LSTM.

    Left: ||dx<t>|| / ||dx<T_x>|| as in plot_gradient_flow, with W_aa = spectral_radius
    times a random orthogonal matrix and the LSTM's forget-gate bias b_f = forget_bias.
    Right: the norm of your RNN's dW_aa for spectral radii from 0.5 to 8, before and
    after clipping every entry to [-clip_value, clip_value], and the share of saturated
    hidden units (|a| > 0.99).
    """
    sizes = {"n_x": n_x, "n_a": n_a, "m": m, "T_x": T_x, "seed": seed}
    rnn, lstm, forget = gradient_ratios(
        rnn_forward,
        rnn_backward,
        lstm_forward,
        lstm_backward,
        spectral_radius=spectral_radius,
        forget_bias=forget_bias,
        **sizes,
    )
    norms, clipped, saturated = [], [], []
    for radius in SWEEP:
        dWaa, share = _rnn_weight_gradient(rnn_forward, rnn_backward, radius, **sizes)
        norms.append(np.linalg.norm(dWaa))
        clipped.append(np.linalg.norm(np.clip(dWaa, -clip_value, clip_value)))
        saturated.append(share)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 5.2), layout="constrained")
    plt.close(fig)
    steps = np.arange(1, T_x + 1)
    left.semilogy(
        steps,
        rnn,
        "o-",
        color=RNN_COLOR,
        markersize=4,
        linewidth=2,
        label=rf"RNN, $\rho(W_{{aa}}) = {spectral_radius:g}$",
    )
    left.semilogy(
        steps,
        lstm,
        "s-",
        color=LSTM_COLOR,
        markersize=4,
        linewidth=2,
        label=rf"LSTM, $b_f = {forget_bias:g}$ (mean $\Gamma_f$ {forget or 0:.2f})",
    )
    left.axhline(1.0, color="#999999", linewidth=1)
    left.set_xlabel(r"time step $t$", fontsize=11)
    left.set_ylabel(r"$\|dx^{\langle t\rangle}\| / \|dx^{\langle T_x\rangle}\|$ (log)", fontsize=11)
    left.set_title(
        rf"Per step back: RNN $\times${per_step_factor(rnn):.2f}, "
        rf"LSTM $\times${per_step_factor(lstm):.2f}",
        fontsize=12,
    )
    left.legend(loc="best", fontsize=10)
    left.tick_params(labelsize=10)
    left.grid(True, alpha=0.3)

    right.loglog(SWEEP, norms, "o-", color=RNN_COLOR, linewidth=2, label=r"$\|dW_{aa}\|$")
    right.loglog(
        SWEEP,
        clipped,
        "--",
        color="#1a1a1a",
        linewidth=2,
        label=f"after clipping to $\\pm${clip_value:g}",
    )
    right.axvline(spectral_radius, color="#555555", linestyle=":", linewidth=1.5)
    right.set_xticks([0.5, 1, 2, 4, 8], ["0.5", "1", "2", "4", "8"])
    right.xaxis.set_minor_formatter(NullFormatter())
    right.set_xlabel(r"spectral radius $\rho$ of $W_{aa}$ (log)", fontsize=11)
    right.set_ylabel(r"$\|dW_{aa}\|$ of your RNN (log)", fontsize=11)
    right.set_title("Exploding gradients, and clipping", fontsize=12)
    right.tick_params(labelsize=10)
    right.grid(True, which="major", alpha=0.3)
    share = right.twinx()
    share.plot(SWEEP, saturated, ":", color="#0072b2", linewidth=2)
    share.set_ylim(0, 1.05)
    share.set_ylabel(r"share of units with $|a| > 0.99$ (dotted)", fontsize=11, color="#0072b2")
    share.tick_params(labelsize=10, colors="#0072b2")
    right.legend(loc="upper left", fontsize=10)
    return fig


def with_sliders(plot: Callable[..., Figure], **ranges: tuple[float, float, float, float]) -> Any:
    """`plot` with a slider per keyword argument, each given as (low, high, step, start).

    Where ipywidgets is installed, JupyterLab shows the sliders and redraws the figure
    when one moves (and this returns None). Without ipywidgets this returns `plot` drawn
    once, with the start values.
    """
    try:
        import ipywidgets
    except ImportError:
        print("(no ipywidgets here: change the arguments of the call above instead)")
        return plot(**{name: start for name, (_, _, _, start) in ranges.items()})
    sliders = {
        name: ipywidgets.FloatSlider(
            min=low, max=high, step=step, value=start, continuous_update=False
        )
        for name, (low, high, step, start) in ranges.items()
    }

    def redraw(**values: float) -> Figure:  # a plain function: interact cannot read a partial
        return plot(**values)

    ipywidgets.interact(redraw, **sliders)  # shows the sliders and the figure
    return None
