"""Public checks of the basic RNN: rnn_cell_forward, rnn_forward and their backward passes.

Each check_* function prints a pass/fail table and raises AssertionError naming the
checks that failed, so it can sit in a notebook test cell.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course.activations import softmax
from course.checks.backward import backward_checks, sequence_pattern_hint
from course.checks.cases import Backward, Forward
from course.checks.expect import IDENTITY_ATOL, expect, expect_close, max_abs_difference
from course.checks.forward import forward_checks
from course.checks.quantities import dependencies
from course.checks.report import Check, run_checks
from course.notation import SIGNATURES


def _expect_bias_only(f: Forward) -> None:
    values = f.values()
    values["xt"][...] = 0.0
    values["a_prev"][...] = 0.0
    a_next = f.run(values)["a_next"]
    ba = np.broadcast_to(values["parameters"]["ba"], a_next.shape)
    expect_close("a_next", a_next, np.tanh(ba), "is ba added, and tanh applied to the sum?")


def _expect_both_terms(f: Forward) -> None:
    before = f.run()["a_next"]
    for name, term in (("xt", "Wax @ xt"), ("a_prev", "Waa @ a_prev")):
        values = f.values()
        values[name] += 1.0
        gap = max_abs_difference(f.run(values)["a_next"], before)
        expect(gap > IDENTITY_ATOL, f"changing {name} did not change a_next: is {term} missing?")


def _expect_output_bias_only(f: Forward) -> None:
    values = f.values()
    values["parameters"]["Wya"][...] = 0.0
    yt_pred = f.run(values)["yt_pred"]
    by = values["parameters"]["by"]
    expect_close(
        "yt_pred",
        yt_pred,
        np.broadcast_to(softmax(by), yt_pred.shape),
        "with Wya = 0 every column of yt_pred should be softmax(by): is yt_pred the softmax "
        "of W_ya a⟨t⟩ + b_y?",
    )


def check_rnn_cell_forward(rnn_cell_forward: Callable) -> None:
    """Check rnn_cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache)."""
    f = Forward(rnn_cell_forward, SIGNATURES["rnn_cell_forward"])
    properties = [
        Check(
            "with xt = 0 and a_prev = 0, a_next is tanh(ba)",
            lambda: _expect_bias_only(f),
            steps=("a_next",),
        ),
        Check(
            "a_next depends on both xt and a_prev",
            lambda: _expect_both_terms(f),
            steps=("a_next",),
        ),
        Check(
            "with Wya = 0, each column of yt_pred is softmax(by)",
            lambda: _expect_output_bias_only(f),
            steps=("yt_pred",),
        ),
    ]
    run_checks("rnn_cell_forward", forward_checks(f, properties), dependencies("rnn_cell_forward"))


def check_rnn_forward(rnn_forward: Callable) -> None:
    """Check rnn_forward(x, a0, parameters) -> (a, y_pred, caches)."""
    f = Forward(rnn_forward, SIGNATURES["rnn_forward"])
    run_checks("rnn_forward", forward_checks(f), dependencies("rnn_forward"))


# dWax: every column multiplies x.
_RNN_BIAS = (("dWax", slice(None), "dba"),)

_RNN_CELL_RULES = {
    "dxt": "x⟨t⟩ reaches the pre-activation through W_ax",
    "da_prev": "a⟨t−1⟩ reaches the pre-activation through W_aa",
    "dWax": "W_ax multiplies x⟨t⟩ in the pre-activation",
    "dWaa": "W_aa multiplies a⟨t−1⟩ in the pre-activation",
    "dba": "b_a is added to every example's pre-activation",
}


def _rnn_cell_pattern(wrong: frozenset[str]) -> str:
    """Where to look in rnn_cell_backward, given the gradients that are off."""
    if wrong >= set(_RNN_CELL_RULES):
        return (
            "every gradient is off, and all of them start from the gradient of the "
            "pre-activation W_ax x⟨t⟩ + W_aa a⟨t−1⟩ + b_a: look there first (the slope of "
            "tanh, written with a⟨t⟩)"
        )
    keys = [key for key in _RNN_CELL_RULES if key in wrong]
    verb = "is" if len(keys) == 1 else "are"
    rules = "; ".join(_RNN_CELL_RULES[key] for key in keys)
    return f"only {' and '.join(keys)} {verb} off: {rules}"


def check_rnn_cell_backward(rnn_cell_backward: Callable, rnn_cell_forward: Callable) -> None:
    """Check rnn_cell_backward(da_next, cache) -> gradients, on caches made by your own
    rnn_cell_forward, and against numerical slopes of that rnn_cell_forward."""
    b = Backward(rnn_cell_backward, rnn_cell_forward, SIGNATURES["rnn_cell_backward"])
    run_checks("rnn_cell_backward", backward_checks(b, _RNN_BIAS, (), _rnn_cell_pattern))


def check_rnn_backward(rnn_backward: Callable, rnn_forward: Callable) -> None:
    """Check rnn_backward(da, caches) -> gradients, on caches made by your own
    rnn_forward, and against numerical slopes of that rnn_forward."""
    b = Backward(rnn_backward, rnn_forward, SIGNATURES["rnn_backward"])
    hint = sequence_pattern_hint(("dWax", "dWaa", "dba"), cell_state=False)
    run_checks("rnn_backward", backward_checks(b, _RNN_BIAS, (), hint))
