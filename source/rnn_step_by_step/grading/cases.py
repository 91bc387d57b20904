"""Hidden inputs of assignment 1, randomized in size, and the losses of its gradient checks.

Sizes are drawn per case (n_x, n_a, n_y, m pairwise different, so a transposed or
misplaced axis shows up as a wrong shape) and values are scaled so that tanh and sigmoid
work in their responsive range: a saturated unit has a derivative near zero and would
hide most backward-pass mistakes (the notes' `randn` weights have that problem).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from autograder.assignment import Case
from course.notation import init_lstm_parameters, init_rnn_parameters

SIZE_CHOICES = range(2, 8)
T_X_CHOICES = range(2, 6)
# The cost probe of backward functions (autograder.backprop_cost): larger than any case.
PROBE_SIZES = {"n_x": 24, "n_a": 24, "n_y": 4, "m": 8, "T_x": 3}


def draw_sizes(rng: np.random.Generator) -> dict[str, int]:
    n_x, n_a, n_y, m = (int(v) for v in rng.choice(SIZE_CHOICES, size=4, replace=False))
    return {"n_x": n_x, "n_a": n_a, "n_y": n_y, "m": m, "T_x": int(rng.choice(T_X_CHOICES))}


def build_case(
    function: str,
    rng: np.random.Generator,
    reference: Mapping[str, Callable],
    sizes: Mapping[str, int] | None = None,
    index: int = 0,
) -> Case:
    """Draw one hidden case for `function` (of the given `sizes`, else random ones);
    backward caches come from `reference`. Every case is drawn alike (`index` unused)."""
    s = dict(sizes) if sizes else draw_sizes(rng)
    n_x, n_a, n_y, m, T_x = s["n_x"], s["n_a"], s["n_y"], s["m"], s["T_x"]
    if "_cell_" in function:  # one time step: T_x means nothing to the student here
        del s["T_x"]
    family = "lstm" if function.startswith("lstm") else "rnn"
    make_parameters = init_lstm_parameters if family == "lstm" else init_rnn_parameters
    parameters = make_parameters(n_x, n_a, n_y, rng, scale=rng.uniform(0.6, 1.2))
    x = rng.standard_normal((n_x, m, T_x))
    xt = x[:, :, 0].copy()
    a_prev = rng.standard_normal((n_a, m)) * 0.5
    c_prev = rng.standard_normal((n_a, m)) * 0.7

    if function == "rnn_cell_forward":
        return Case(function, (xt, a_prev, parameters), s)
    if function == "lstm_cell_forward":
        return Case(function, (xt, a_prev, c_prev, parameters), s)
    if function in ("rnn_forward", "lstm_forward"):
        return Case(function, (x, a_prev, parameters), s)
    if function == "rnn_cell_backward":
        da_next = rng.standard_normal((n_a, m))
        _, _, cache = reference["rnn_cell_forward"](xt, a_prev, parameters)
        primal = {"xt": xt, "a_prev": a_prev, "parameters": parameters, "da_next": da_next}
        return Case(function, (da_next, cache), s, primal)
    if function == "lstm_cell_backward":
        da_next = rng.standard_normal((n_a, m))
        dc_next = rng.standard_normal((n_a, m))
        cache = reference["lstm_cell_forward"](xt, a_prev, c_prev, parameters)[3]
        primal = {
            "xt": xt,
            "a_prev": a_prev,
            "c_prev": c_prev,
            "parameters": parameters,
            "da_next": da_next,
            "dc_next": dc_next,
        }
        return Case(function, (da_next, dc_next, cache), s, primal)
    if function in ("rnn_backward", "lstm_backward"):
        da = rng.standard_normal((n_a, m, T_x))
        caches = reference[f"{family}_forward"](x, a_prev, parameters)[-1]
        primal = {"x": x, "a0": a_prev, "parameters": parameters, "da": da}
        return Case(function, (da, caches), s, primal)
    raise KeyError(f"no hidden cases for {function!r}")


def gradient_loss(
    function: str, primal: dict, reference: Mapping[str, Callable]
) -> Callable[[], float]:
    """L(θ) for the backward function `function`: the forward output weighted by the
    case's upstream gradient (L = Σ a ⊙ da, plus Σ c ⊙ dc for the LSTM cell), computed
    with the reference forward pass, reading θ from the arrays in `primal`."""
    p = primal
    if function == "rnn_cell_backward":
        return lambda: float(
            np.sum(
                reference["rnn_cell_forward"](p["xt"], p["a_prev"], p["parameters"])[0]
                * p["da_next"]
            )
        )
    if function == "lstm_cell_backward":

        def lstm_cell_loss() -> float:
            a_next, c_next, _, _ = reference["lstm_cell_forward"](
                p["xt"], p["a_prev"], p["c_prev"], p["parameters"]
            )
            return float(np.sum(a_next * p["da_next"]) + np.sum(c_next * p["dc_next"]))

        return lstm_cell_loss
    family = function.split("_")[0]
    forward = reference[f"{family}_forward"]
    return lambda: float(np.sum(forward(p["x"], p["a0"], p["parameters"])[0] * p["da"]))
