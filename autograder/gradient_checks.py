"""The grader's own gradient checks of backward functions.

For a backward case, the scalar loss L(θ) is the assignment's (`Assignment.gradient_loss`:
e.g. the forward output weighted by the case's upstream gradient), computed with the
REFERENCE forward in float64. Each gradient the student returns is checked along a
random direction v against the central difference (L(θ + εv) − L(θ − εv)) / 2ε: two
forward passes per gradient, and independent of the reference backward pass.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

import numpy as np

from autograder.assignment import Case, FunctionSpec, GradientLoss
from autograder.tolerances import GRADCHECK_EPS
from course.gradcheck import directional_check


def directional_errors(
    spec: FunctionSpec,
    case: Case,
    gradients: Mapping[str, np.ndarray],
    reference: Mapping[str, Callable],
    rng: np.random.Generator,
    gradient_loss: GradientLoss,
) -> dict[str, float]:
    """Relative error of each returned gradient (that has the right shape) along a random v."""
    primal = copy.deepcopy(case.primal)
    loss = gradient_loss(spec.name, primal, reference)
    errors = {}
    for key, input_name in spec.gradient_inputs:
        theta = primal[input_name] if input_name in primal else primal["parameters"][input_name]
        direction = rng.standard_normal(theta.shape)
        analytic = gradients.get(key)
        if isinstance(analytic, np.ndarray) and analytic.shape == theta.shape:
            errors[key] = directional_check(loss, theta, analytic, direction, eps=GRADCHECK_EPS)
    return errors
