"""A plot that shows vanishing gradients: how much of a gradient survives going back in time.

It runs the student's own forward and backward functions (passed in as arguments);
nothing here computes a forward or backward pass itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course.figures.student_code import call_student

RNN_COLOR = "#d55e00"  # Okabe-Ito vermillion and blue: distinguishable by colour-blind readers
LSTM_COLOR = "#0072b2"

SPECTRAL_RADIUS = 0.9  # of the RNN's W_aa
INPUT_SCALE = 0.5  # of W_ax (RNN) and of every LSTM W, relative to 1/sqrt(fan-in)
FORGET_BIAS = 2.0  # b_f of the LSTM: Γ_f starts near σ(2) ≈ 0.88
N_Y = 2  # the outputs play no part in dx; any n_y would do


def _sample_parameters(
    rng: np.random.Generator,
    n_x: int,
    n_a: int,
    spectral_radius: float = SPECTRAL_RADIUS,
    forget_bias: float = FORGET_BIAS,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Scaled random parameters for the RNN and the LSTM (see plot_gradient_flow)."""
    q, _ = np.linalg.qr(rng.standard_normal((n_a, n_a)))
    rnn = {
        "Wax": INPUT_SCALE * rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
        "Waa": spectral_radius * q,  # orthogonal q: every eigenvalue has this modulus
        "Wya": rng.standard_normal((N_Y, n_a)) / np.sqrt(n_a),
        "ba": np.zeros((n_a, 1)),
        "by": np.zeros((N_Y, 1)),
    }
    lstm = {}
    for gate in "fico":
        lstm[f"W{gate}"] = INPUT_SCALE * rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
        lstm[f"b{gate}"] = np.zeros((n_a, 1))
    lstm["bf"] += forget_bias
    lstm["Wy"] = rng.standard_normal((N_Y, n_a)) / np.sqrt(n_a)
    lstm["by"] = np.zeros((N_Y, 1))
    return rnn, lstm


def _call(function: Callable[..., Any], role: str, *args: Any) -> Any:
    """Call the student's `function`, turning "not written yet" into a one-line message
    that names the function that actually raised (which may be one that `role` calls)."""
    return call_student(function, role, "plot_gradient_flow", *args)


def _caches(result: Any, role: str, n_outputs: int) -> Any:
    """The caches (last item) of a forward function's result, after checking its length."""
    if not isinstance(result, tuple) or len(result) != n_outputs:
        raise ValueError(
            f"plot_gradient_flow: {role} should return a tuple of {n_outputs} values "
            f"(the last one the caches), got {type(result).__name__}"
            + (f" of length {len(result)}" if isinstance(result, tuple) else "")
        )
    return result[-1]


def _relative_norms(gradients: Any, role: str, shape: tuple[int, int, int]) -> np.ndarray:
    """‖dx⟨t⟩‖ / ‖dx⟨T_x⟩‖ for t = 1..T_x, from the gradients dict of a backward function.

    gradients["dx"] must have shape (n_x, m, T_x) = `shape`.
    """
    if not isinstance(gradients, dict) or "dx" not in gradients:
        raise ValueError(f"plot_gradient_flow: {role} should return a dict with the key 'dx'")
    dx = np.asarray(gradients["dx"], dtype=float)
    if dx.shape != shape:
        raise ValueError(
            f"plot_gradient_flow: {role} returned dx of shape {dx.shape}; "
            f"expected (n_x, m, T_x) = {shape}"
        )
    if not np.all(np.isfinite(dx)):
        raise ValueError(f"plot_gradient_flow: {role} returned a dx with NaN or inf values")
    norms = np.linalg.norm(dx.reshape(-1, shape[2]), axis=0)
    if norms[-1] == 0:
        raise ValueError(
            f"plot_gradient_flow: {role} returned dx[:, :, T_x-1] = 0, but the gradient "
            "enters at the last step: is da[:, :, t] added to the carried gradient?"
        )
    return norms / norms[-1]


def plot_gradient_flow(
    rnn_forward: Callable[..., Any],
    rnn_backward: Callable[..., Any],
    lstm_forward: Callable[..., Any] | None = None,
    lstm_backward: Callable[..., Any] | None = None,
    *,
    n_x: int = 3,
    n_a: int = 8,
    m: int = 4,
    T_x: int = 30,
    seed: int = 0,
) -> Figure:
    """Plot how much of a gradient at the last step reaches each earlier step, RNN vs LSTM.

    Pass your own functions: rnn_forward(x, a0, parameters) -> (a, y_pred, caches),
    rnn_backward(da, caches) -> dict with "dx", and, once you have them,
    lstm_forward(x, a0, parameters) -> (a, y, c, caches) and lstm_backward(da, caches)
    -> dict with "dx". Without the LSTM functions only the RNN's curve is drawn.

    The set-up (float64, seeded by `seed`):
    - x (n_x, m, T_x) standard normal; a0 (n_a, m) zeros (both models start at rest);
    - da (n_a, m, T_x): zero except da[:, :, T_x-1], standard normal. The loss speaks
      only at the last step, so dx<t> is exactly what is left of it T_x - t steps back;
    - RNN: W_aa = 0.9 Q with Q a random orthogonal matrix, so its spectral radius (and
      norm) is 0.9 < 1; W_ax has scale 0.5/sqrt(n_x); biases 0;
    - LSTM: every W (n_a, n_a + n_x) has scale 0.5/sqrt(n_a + n_x); b_f = 2, so the
      forget gates start near sigma(2) = 0.88 (mostly remembering, as LSTMs are often
      initialised); the other biases are 0.

    The y-axis (log scale) shows ||dx<t>|| / ||dx<T_x>||, the Frobenius norm over the
    (n_x, m) slice at step t, relative to the last step, so the curves start at 1. The
    box in the corner gives the factor by which each curve shrinks per step back,
    measured on the plotted curve, and the mean forget gate of the LSTM run.
    Raises NotImplementedError naming the function that is still a stub, and
    ValueError if a function returns something of the wrong shape.
    """
    rnn, lstm, forget = gradient_ratios(
        rnn_forward,
        rnn_backward,
        lstm_forward,
        lstm_backward,
        n_x=n_x,
        n_a=n_a,
        m=m,
        T_x=T_x,
        seed=seed,
    )
    return _draw(rnn, lstm, forget, T_x)


def gradient_ratios(
    rnn_forward: Callable[..., Any],
    rnn_backward: Callable[..., Any],
    lstm_forward: Callable[..., Any] | None = None,
    lstm_backward: Callable[..., Any] | None = None,
    *,
    n_x: int = 3,
    n_a: int = 8,
    m: int = 4,
    T_x: int = 30,
    seed: int = 0,
    spectral_radius: float = SPECTRAL_RADIUS,
    forget_bias: float = FORGET_BIAS,
) -> tuple[np.ndarray, np.ndarray | None, float | None]:
    """||dx<t>|| / ||dx<T_x>|| for t = 1..T_x for the RNN and (if given) the LSTM, and
    the LSTM's mean forget gate; the set-up of plot_gradient_flow."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = np.zeros((n_a, m))
    rnn_parameters, lstm_parameters = _sample_parameters(
        rng, n_x, n_a, spectral_radius, forget_bias
    )
    da = np.zeros((n_a, m, T_x))
    da[:, :, T_x - 1] = rng.standard_normal((n_a, m))

    shape = (n_x, m, T_x)
    rnn_caches = _caches(
        _call(rnn_forward, "rnn_forward", x.copy(), a0.copy(), rnn_parameters), "rnn_forward", 3
    )
    rnn = _relative_norms(
        _call(rnn_backward, "rnn_backward", da.copy(), rnn_caches), "rnn_backward", shape
    )
    if lstm_forward is None or lstm_backward is None:
        return rnn, None, None
    lstm_caches = _caches(
        _call(lstm_forward, "lstm_forward", x.copy(), a0.copy(), lstm_parameters), "lstm_forward", 4
    )
    lstm = _relative_norms(
        _call(lstm_backward, "lstm_backward", da.copy(), lstm_caches), "lstm_backward", shape
    )
    return rnn, lstm, _mean_forget_gate(lstm_caches)


def _mean_forget_gate(caches: Any) -> float | None:
    """The mean of the forget gates ft (cache[4] of each cell cache), if the caches hold them."""
    try:
        gates = np.array([np.asarray(cache[4], dtype=float) for cache in caches[0]])
    except (TypeError, IndexError, ValueError):
        return None
    return float(gates.mean()) if gates.size and np.all((gates >= 0) & (gates <= 1)) else None


def per_step_factor(ratios: np.ndarray) -> float:
    """The factor by which a curve of relative norms changes per step back, on average:
    the geometric mean over the steps, (ratios[0] / ratios[-1]) ** (1 / (T_x - 1))."""
    return float((ratios[0] / ratios[-1]) ** (1 / (len(ratios) - 1)))


def _draw(rnn: np.ndarray, lstm: np.ndarray | None, forget: float | None, T_x: int) -> Figure:
    """The figure: rnn and lstm are relative gradient norms for t = 1..T_x, shape (T_x,)."""
    steps = np.arange(1, T_x + 1)
    fig, ax = plt.subplots(figsize=(9.0, 5.4), layout="constrained")
    plt.close(fig)
    curves = [(rnn, RNN_COLOR, "RNN", "o-")]
    if lstm is not None:
        curves.append((lstm, LSTM_COLOR, "LSTM", "s-"))
    for values, color, name, style in curves:
        ax.semilogy(steps, values, style, color=color, markersize=4, linewidth=2, label=name)
    ax.set_title(
        rf"Vanishing gradients: how much of the gradient at step $T_x = {T_x}$ reaches step $t$",
        fontsize=12.5,
    )
    ax.set_xlabel(r"time step $t$", fontsize=11)
    ax.set_ylabel(
        r"$\|dx^{\langle t\rangle}\|\ /\ \|dx^{\langle T_x\rangle}\|$  (log scale)", fontsize=11
    )
    ax.set_xlim(0.5, T_x + 0.5)
    ax.tick_params(labelsize=10)
    ax.grid(True, which="major", axis="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize=10.5, frameon=True)

    every = np.concatenate([values for values, *_ in curves])
    ax.set_ylim(every.min() / 6, max(1.0, every.max()) * 2.5)
    for values, color, name, *_ in curves:
        ax.annotate(
            f"{name} at $t = 1$: {_readable(values[0])}",
            xy=(1, values[0]),
            xytext=(10, -14),
            textcoords="offset points",
            va="center",
            fontsize=10,
            color=color,
        )
    lines = [
        r"Only step $T_x$ gets a gradient from the loss. Each step back:",
        r"$\bullet$ RNN: multiplied by $1 - (a^{\langle t\rangle})^2 \leq 1$ and by $W_{aa}^T$"
        rf" (norm {SPECTRAL_RADIUS:g}):",
        rf"   here $\times${per_step_factor(rnn):.2f} per step on average: it vanishes.",
    ]
    if lstm is not None:
        gate = rf"$\Gamma_f$ (mean here {forget:.2f})" if forget is not None else r"$\Gamma_f$"
        lines += [
            rf"$\bullet$ LSTM: along $c$ only multiplied by {gate}: no matrix, no tanh;",
            rf"   with the path through $a$, $\times${per_step_factor(lstm):.2f} per step"
            " on average.",
        ]
    ax.text(
        0.97,
        0.05,
        "\n".join(lines),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        multialignment="left",
        fontsize=10,
        bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "#c8c8c8"},
    )
    return fig


def _readable(value: float) -> str:
    """0.09 as "0.09", 2.1e-05 as a mathtext 2x10^-5."""
    if value >= 0.01:
        return f"{value:.2f}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"
