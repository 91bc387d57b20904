"""What the value tolerance does to backward functions that differentiate numerically.

Graded in this process, with no time limit, so that only the numbers decide:
- central differences of the forward pass are off by 1e-11 at best: every gradient
  fails the value checks (before the tolerance was tightened, all of them passed);
- the complex step is exact to round-off, like backpropagation: no tolerance can refuse
  it (the cost probe lists it for review instead; see test_hostile_batch.py).
"""

from __future__ import annotations

import pytest

from autograder.grading import INPUTS_CHECK, Grader, grade_function
from autograder.sandbox.in_process import InProcessSession
from tests.assignments import RNN, SPECS, course_reference
from tests.hostile.numerical_differentiation import BACKWARD_FUNCTIONS, NUMERICAL_BACKWARD

REFERENCE = course_reference()


@pytest.fixture(scope="module")
def grader() -> Grader:
    return Grader(RNN, REFERENCE, b"numerical differentiation")


def grade(grader: Grader, mechanism: str, function: str) -> dict:
    implementation = REFERENCE.functions({function: NUMERICAL_BACKWARD[mechanism][function]})
    session = InProcessSession({function: implementation[function]})
    return grade_function(grader, session, "numerical", SPECS[function])


@pytest.mark.parametrize("function", BACKWARD_FUNCTIONS)
def test_central_differences_fail_every_value_check(grader, function):
    result = grade(grader, "central", function)
    values = [c for c in result["checks"] if c["name"] != INPUTS_CHECK]
    assert [c["name"] for c in values if c["passed"]] == []
    assert all("wrong values" in c["message"] for c in values), values
    assert result["score"] == 0


@pytest.mark.parametrize("function", BACKWARD_FUNCTIONS)
def test_the_complex_step_is_as_exact_as_backpropagation(grader, function):
    result = grade(grader, "complex-step", function)
    assert result["score"] == result["max_score"], result["checks"]
