"""The grader's gradient checks: all gradients together first, each on its own only to
name the wrong one."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.gradient_checks import directional_errors
from autograder.tolerances import GRADCHECK_MAX_ERROR
from tests.assignments import RNN, SPECS, build_case, course_reference

BACKWARD = [name for name in RNN.function_names if SPECS[name].is_backward]


@pytest.fixture(scope="module")
def functions():
    return course_reference().functions()


def reference_gradients(function: str, functions, seed: int):
    case = build_case(function, np.random.default_rng(seed), functions)
    value = functions[function](*case.args)
    gradients = value if isinstance(value, dict) else value[-1]
    return case, dict(gradients)


@pytest.mark.parametrize("function", BACKWARD)
def test_right_gradients_pass_together(function, functions):
    case, gradients = reference_gradients(function, functions, seed=3)
    errors = directional_errors(
        SPECS[function], case, gradients, functions, np.random.default_rng(0), RNN.gradient_loss
    )
    assert set(errors) == set(SPECS[function].gradient_keys)
    assert len(set(errors.values())) == 1  # one check for all of them
    assert max(errors.values()) <= GRADCHECK_MAX_ERROR


@pytest.mark.parametrize("function", BACKWARD)
def test_a_wrong_gradient_is_named_on_its_own(function, functions):
    case, gradients = reference_gradients(function, functions, seed=4)
    wrong = SPECS[function].gradient_keys[-1]
    gradients[wrong] = 1.5 * gradients[wrong] + 0.1
    errors = directional_errors(
        SPECS[function], case, gradients, functions, np.random.default_rng(0), RNN.gradient_loss
    )
    failing = {key for key, error in errors.items() if not error <= GRADCHECK_MAX_ERROR}
    assert failing == {wrong}
