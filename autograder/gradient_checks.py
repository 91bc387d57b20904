"""The grader's own gradient checks of backward functions.

For a backward case, the scalar loss is the forward output weighted by the case's
upstream gradient (L = Σ a ⊙ da, plus Σ c ⊙ dc for the LSTM cell), computed with the
REFERENCE forward in float64. Each gradient the student returns is checked along a
random direction v against the central difference (L(θ + εv) − L(θ − εv)) / 2ε: two
forward passes per gradient, and independent of the reference backward pass.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

import numpy as np

from autograder.specs import Case, FunctionSpec
from autograder.tolerances import GRADCHECK_EPS
from course.gradcheck import directional_check


def _loss(function: str, primal: dict, reference: Mapping[str, Callable]) -> Callable[[], float]:
    """L(θ) for the backward function `function`, reading θ from the arrays in `primal`."""
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


def directional_errors(
    spec: FunctionSpec,
    case: Case,
    gradients: Mapping[str, np.ndarray],
    reference: Mapping[str, Callable],
    rng: np.random.Generator,
) -> dict[str, float]:
    """Relative error of each returned gradient (that has the right shape) along a random v."""
    primal = copy.deepcopy(case.primal)
    loss = _loss(spec.name, primal, reference)
    errors = {}
    for key, input_name in spec.gradient_inputs:
        theta = primal[input_name] if input_name in primal else primal["parameters"][input_name]
        direction = rng.standard_normal(theta.shape)
        analytic = gradients.get(key)
        if isinstance(analytic, np.ndarray) and analytic.shape == theta.shape:
            errors[key] = directional_check(loss, theta, analytic, direction, eps=GRADCHECK_EPS)
    return errors
