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

RNN_COLOR = "#d55e00"  # Okabe-Ito vermillion and blue: distinguishable by colour-blind readers
LSTM_COLOR = "#0072b2"

SPECTRAL_RADIUS = 0.9  # of the RNN's W_aa
INPUT_SCALE = 0.5  # of W_ax (RNN) and of every LSTM W, relative to 1/sqrt(fan-in)
FORGET_BIAS = 2.0  # b_f of the LSTM: Γ_f starts near σ(2) ≈ 0.88
N_Y = 2  # the outputs play no part in dx; any n_y would do


def _sample_parameters(
    rng: np.random.Generator, n_x: int, n_a: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Scaled random parameters for the RNN and the LSTM (see plot_gradient_flow)."""
    q, _ = np.linalg.qr(rng.standard_normal((n_a, n_a)))
    rnn = {
        "Wax": INPUT_SCALE * rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
        "Waa": SPECTRAL_RADIUS * q,  # orthogonal q: every eigenvalue has modulus 0.9
        "Wya": rng.standard_normal((N_Y, n_a)) / np.sqrt(n_a),
        "ba": np.zeros((n_a, 1)),
        "by": np.zeros((N_Y, 1)),
    }
    lstm = {}
    for gate in "fico":
        lstm[f"W{gate}"] = INPUT_SCALE * rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
        lstm[f"b{gate}"] = np.zeros((n_a, 1))
    lstm["bf"] += FORGET_BIAS
    lstm["Wy"] = rng.standard_normal((N_Y, n_a)) / np.sqrt(n_a)
    lstm["by"] = np.zeros((N_Y, 1))
    return rnn, lstm


def _call(function: Callable[..., Any], role: str, *args: Any) -> Any:
    """Call the student's `function`, turning "not written yet" into a clear message."""
    try:
        return function(*args)
    except NotImplementedError as err:
        raise NotImplementedError(
            f"plot_gradient_flow needs your {role}: it still raises NotImplementedError. "
            f"Implement {role} (and pass its checks) first."
        ) from err


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
    lstm_forward: Callable[..., Any],
    lstm_backward: Callable[..., Any],
    *,
    n_x: int = 3,
    n_a: int = 8,
    m: int = 4,
    T_x: int = 30,
    seed: int = 0,
) -> Figure:
    """Plot how much of a gradient at the last step reaches each earlier step, RNN vs LSTM.

    Pass your own functions: rnn_forward(x, a0, parameters) -> (a, y_pred, caches),
    rnn_backward(da, caches) -> dict with "dx", lstm_forward(x, a0, parameters) ->
    (a, y, c, caches) and lstm_backward(da, caches) -> dict with "dx".

    The set-up (float64, seeded by `seed`):
    - x (n_x, m, T_x) standard normal; a0 (n_a, m) zeros (both models start at rest);
    - da (n_a, m, T_x): zero except da[:, :, T_x-1], standard normal. The loss speaks
      only at the last step, so dx⟨t⟩ is exactly what is left of it T_x - t steps back;
    - RNN: W_aa = 0.9 Q with Q a random orthogonal matrix, so its spectral radius (and
      norm) is 0.9 < 1; W_ax has scale 0.5/sqrt(n_x); biases 0. With spectral radius
      above 1 the same RNN's gradients could explode instead;
    - LSTM: every W (n_a, n_a + n_x) has scale 0.5/sqrt(n_a + n_x); b_f = 2, so the
      forget gates start near σ(2) ≈ 0.88 (mostly remembering, as LSTMs are often
      initialised); the other biases are 0. With b_f = 0 the LSTM forgets faster too.

    The y-axis (log scale) shows ‖dx⟨t⟩‖ / ‖dx⟨T_x⟩‖, the Frobenius norm over the
    (n_x, m) slice at step t, relative to the last step, so both curves start at 1.
    Raises NotImplementedError naming the function that is still a stub, and
    ValueError if a function returns something of the wrong shape.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, T_x))
    a0 = np.zeros((n_a, m))
    rnn_parameters, lstm_parameters = _sample_parameters(rng, n_x, n_a)
    da = np.zeros((n_a, m, T_x))
    da[:, :, T_x - 1] = rng.standard_normal((n_a, m))

    shape = (n_x, m, T_x)
    rnn_caches = _caches(
        _call(rnn_forward, "rnn_forward", x.copy(), a0.copy(), rnn_parameters), "rnn_forward", 3
    )
    rnn = _relative_norms(
        _call(rnn_backward, "rnn_backward", da.copy(), rnn_caches), "rnn_backward", shape
    )
    lstm_caches = _caches(
        _call(lstm_forward, "lstm_forward", x.copy(), a0.copy(), lstm_parameters), "lstm_forward", 4
    )
    lstm = _relative_norms(
        _call(lstm_backward, "lstm_backward", da.copy(), lstm_caches), "lstm_backward", shape
    )
    return _draw(rnn, lstm, T_x)


def _draw(rnn: np.ndarray, lstm: np.ndarray, T_x: int) -> Figure:
    """The figure: rnn and lstm are relative gradient norms for t = 1..T_x, shape (T_x,)."""
    steps = np.arange(1, T_x + 1)
    fig, ax = plt.subplots(figsize=(9.0, 5.4), layout="constrained")
    plt.close(fig)
    ax.semilogy(steps, rnn, "o-", color=RNN_COLOR, markersize=4, linewidth=2, label="RNN")
    ax.semilogy(steps, lstm, "s-", color=LSTM_COLOR, markersize=4, linewidth=2, label="LSTM")
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

    low = min(rnn.min(), lstm.min())
    ax.set_ylim(low / 6, max(1.0, rnn.max(), lstm.max()) * 2.5)
    for values, color, name, dy in ((rnn, RNN_COLOR, "RNN", -14), (lstm, LSTM_COLOR, "LSTM", -14)):
        ax.annotate(
            f"{name} at $t = 1$: {_readable(values[0])}",
            xy=(1, values[0]),
            xytext=(10, dy),
            textcoords="offset points",
            va="center",
            fontsize=10,
            color=color,
        )
    ax.text(
        0.97,
        0.05,
        r"Only step $T_x$ gets a gradient from the loss. Each step back:"
        "\n"
        r"$\bullet$ RNN: it is multiplied by $1 - (a^{\langle t\rangle})^2 \leq 1$"
        r" and by $W_{aa}^T$"
        "\n"
        r"   (norm 0.9), so it shrinks geometrically: it vanishes;"
        "\n"
        rf"$\bullet$ LSTM: along the cell state it is only multiplied by"
        "\n"
        rf"   $\Gamma_f \approx \sigma(b_f) = \sigma({FORGET_BIAS:g}) \approx 0.88$:"
        " no matrix, no tanh.",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        multialignment="left",
        fontsize=10,
        bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "#c8c8c8"},
    )
    return fig


def _readable(value: float) -> str:
    """0.09 as "0.09", 2.1e-05 as a mathtext 2×10⁻⁵."""
    if value >= 0.01:
        return f"{value:.2f}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"
