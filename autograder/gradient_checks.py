"""The grader's own gradient checks of backward functions.

For a backward case, the scalar loss L(θ) is the assignment's (`Assignment.gradient_loss`:
e.g. the forward output weighted by the case's upstream gradient), computed with the
REFERENCE forward in float64, and independent of the reference backward pass. The
gradients the student returns are checked along a random direction v against the
central difference (L(θ + εv) − L(θ − εv)) / 2ε: first all together, every input moved
at once (two forward passes); only if that fails, each on its own (two passes each), to
say which one is wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

import numpy as np

from autograder.assignment import Case, FunctionSpec, GradientLoss
from autograder.tolerances import GRADCHECK_EPS, GRADCHECK_MAX_ERROR
from course.gradcheck import directional_check, joint_directional_check


def directional_errors(
    spec: FunctionSpec,
    case: Case,
    gradients: Mapping[str, np.ndarray],
    reference: Mapping[str, Callable],
    rng: np.random.Generator,
    gradient_loss: GradientLoss,
) -> dict[str, float]:
    """Relative error of each returned gradient (that has the right shape) along a random
    v: the error of all of them together where that passes, else each one's own."""
    primal = copy.deepcopy(case.primal)
    loss = gradient_loss(spec.name, primal, reference)
    checked = {}  # key -> (input, its direction, the student's gradient)
    for key, input_name in spec.gradient_inputs:
        theta = primal[input_name] if input_name in primal else primal["parameters"][input_name]
        direction = rng.standard_normal(theta.shape)
        analytic = gradients.get(key)
        if isinstance(analytic, np.ndarray) and analytic.shape == theta.shape:
            checked[key] = (theta, direction, analytic)
    if not checked:
        return {}
    thetas, directions, analytics = zip(*checked.values(), strict=True)
    together = joint_directional_check(loss, thetas, analytics, directions, eps=GRADCHECK_EPS)
    if together <= GRADCHECK_MAX_ERROR:
        return dict.fromkeys(checked, together)
    return {
        key: directional_check(loss, theta, analytic, direction, eps=GRADCHECK_EPS)
        for key, (theta, direction, analytic) in checked.items()
    }
