"""Single-precision code fails the float64 tolerance with a hint that says why."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading import Grader, grade_function
from autograder.sandbox.in_process import InProcessSession
from tests.assignments import RNN, SPECS, course_reference

REFERENCE = course_reference()
FUNCTIONS = REFERENCE.functions()


def in_float32(function):
    """`function` run on float32 copies of its array arguments."""

    def single(*args):
        def down(value):
            if isinstance(value, np.ndarray):
                return value.astype(np.float32)
            if isinstance(value, dict):
                return {k: down(v) for k, v in value.items()}
            if isinstance(value, tuple | list):
                return type(value)(down(v) for v in value)
            return value

        return function(*down(args))

    return single


@pytest.mark.parametrize("function", ["rnn_cell_forward", "lstm_cell_forward", "rnn_backward"])
def test_float32_code_is_told_about_precision(function):
    grader = Grader(RNN, REFERENCE, b"precision")
    session = InProcessSession({function: in_float32(FUNCTIONS[function])})
    result = grade_function(grader, session, "single", SPECS[function])
    failed = [c["message"] for c in result["checks"] if not c["passed"]]
    assert failed and all("single precision (float32)" in m for m in failed[:-1]), failed


def test_a_real_mistake_gets_no_precision_hint():
    grader = Grader(RNN, REFERENCE, b"precision")

    def wrong(xt, a_prev, parameters):
        a_next, yt_pred, cache = FUNCTIONS["rnn_cell_forward"](xt, a_prev, parameters)
        return a_next * 1.01, yt_pred, cache

    result = grade_function(
        grader, InProcessSession({"rnn_cell_forward": wrong}), "s", SPECS["rnn_cell_forward"]
    )
    assert not any("float32" in c["message"] for c in result["checks"])
