"""Dependency calls are answered only with the reference's own argument shapes."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.dependency_calls import call_mismatch, run_recording_calls, signature
from tests.assignments import build_case, course_reference

PARAMETERS = ("xt", "a_prev", "parameters")


@pytest.fixture(scope="module")
def recorded():
    """The calls the reference rnn_forward makes to rnn_cell_forward on one hidden case."""
    functions = course_reference().functions()
    case = build_case("rnn_forward", np.random.default_rng(7), functions)
    expected, allowed = run_recording_calls(
        functions["rnn_forward"], ("rnn_cell_forward",), case.args
    )
    return case, expected, allowed["rnn_cell_forward"]


def cell_args(case) -> list:
    x, a0, parameters = case.args
    return [x[:, :, 0].copy(), a0.copy(), dict(parameters)]


def test_recording_leaves_the_result_and_the_namespace_as_they_were(recorded):
    case, expected, allowed = recorded
    functions = course_reference().functions()
    again = functions["rnn_forward"](*case.args)
    assert all(np.array_equal(e, a) for e, a in zip(expected[:2], again[:2], strict=True))
    assert functions["rnn_forward"].__globals__["rnn_cell_forward"].__name__ == "rnn_cell_forward"
    assert len(allowed) == 1  # every time step calls with the same shapes


def test_the_reference_s_own_arguments_are_accepted(recorded):
    case, _, allowed = recorded
    assert call_mismatch("rnn_cell_forward", cell_args(case), allowed, PARAMETERS) is None


def test_tuples_and_lists_are_interchangeable():
    assert signature((np.zeros(2), [1.0])) == signature([np.zeros(2), (2.0,)])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.__setitem__(0, a[0][:, :1]), "argument 1 (xt) has shape"),
        (lambda a: a.__setitem__(0, np.ones((1,) * 8)), "argument 1 (xt) has shape (1, 1, 1"),
        (lambda a: a.__setitem__(1, a[1].tolist()), "argument 2 (a_prev) is a tuple or list"),
        (lambda a: a[2].pop("by"), "argument 3 (parameters) has the keys"),
        (lambda a: a[2].__setitem__("extra", np.zeros(3)), "argument 3 (parameters) has the keys"),
        (lambda a: a.append(np.zeros(1)), "takes 3 arguments, your code passed 4"),
    ],
)
def test_any_other_argument_is_refused_with_what_differs(recorded, change, message):
    case, _, allowed = recorded
    args = cell_args(case)
    change(args)
    refused = call_mismatch("rnn_cell_forward", args, allowed, PARAMETERS)
    assert refused is not None and message in refused, refused
