"""Public checks of the LSTM: lstm_cell_forward, lstm_forward and their backward passes.

Each check_* function prints a pass/fail table and raises AssertionError naming the
checks that failed, so it can sit in a notebook test cell.

Several checks open or close a gate completely: with its weights at 0 and its bias at
±40, sigmoid gives 1 or 0 to float64 precision, and the cell's behaviour becomes simple
enough to predict without the gate equations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course.activations import sigmoid
from course.checks.backward import backward_checks
from course.checks.cases import Backward, Forward
from course.checks.expect import (
    IDENTITY_ATOL,
    expect,
    expect_array,
    expect_close,
    max_abs_difference,
)
from course.checks.forward import forward_checks
from course.checks.report import Check, run_checks
from course.notation import LSTM_CACHE, SIGNATURES

OPEN, CLOSED = 40.0, -40.0

# Each gate, its weight and bias, and the activation of the gate (as in the cache).
_GATES = (("ft", "f", sigmoid), ("it", "i", sigmoid), ("cct", "c", np.tanh), ("ot", "o", sigmoid))


def _set_gate(parameters: dict, gate: str, bias: float | None = None) -> None:
    """Zero the weights of `gate` ("f", "i", "c" or "o"), and set its bias if given."""
    parameters[f"W{gate}"][...] = 0.0
    if bias is not None:
        parameters[f"b{gate}"][...] = bias


def _hold_memory(parameters: dict) -> None:
    """Open the forget gate (ft = 1) and close the update gate (it = 0)."""
    _set_gate(parameters, "f", OPEN)
    _set_gate(parameters, "i", CLOSED)


def _expect_gates_from_biases(f: Forward) -> None:
    values = f.values()
    for _, gate, _ in _GATES:
        _set_gate(values["parameters"], gate)
    cache = f.run(values)["cache"]
    expect(
        isinstance(cache, tuple | list) and len(cache) == len(LSTM_CACHE),
        "the cache does not have its 10 entries (see the cache check above)",
    )
    for name, gate, activation in _GATES:
        index = LSTM_CACHE.index(name)
        value = expect_array(name, cache[index], f.sizes, label=f"{name} (cache[{index}])")
        bias = values["parameters"][f"b{gate}"]
        expect_close(
            f"{name} (cache[{index}])",
            value,
            np.broadcast_to(activation(bias), value.shape),
            f"with W{gate} = 0, {name} should be {activation.__name__}(b{gate}): is b{gate} "
            f"added to that gate, and are the gates stored in the order ft, it, cct, ot?",
        )


def _expect_concatenation_order(f: Forward) -> None:
    n_a = f.sizes.n_a
    values = f.values()
    for _, gate, _ in _GATES:
        values["parameters"][f"W{gate}"][:, :n_a] = 0.0
    before = f.run(values)
    values["a_prev"] += 1.0
    after = f.run(values)
    for name in ("a_next", "c_next"):
        expect_close(
            name,
            after[name],
            before[name],
            f"with the first n_a = {n_a} columns of Wf, Wi, Wc and Wo at 0, a_prev should not "
            "matter: the gates multiply the stack [a_prev; xt], a_prev on top",
        )


def _expect_memory_kept(f: Forward) -> None:
    values = f.values()
    _hold_memory(values["parameters"])
    c_next = f.run(values)["c_next"]
    expect_close(
        "c_next",
        c_next,
        values["c_prev"],
        "with the forget gate open (ft = 1) and the update gate closed (it = 0), c_next should "
        "equal c_prev: is c_prev weighted by ft, and the candidate by it?",
    )


def _expect_memory_replaced(f: Forward) -> None:
    values = f.values()
    _set_gate(values["parameters"], "f", CLOSED)
    _set_gate(values["parameters"], "i", OPEN)
    _set_gate(values["parameters"], "c")
    c_next = f.run(values)["c_next"]
    expect_close(
        "c_next",
        c_next,
        np.broadcast_to(np.tanh(values["parameters"]["bc"]), c_next.shape),
        "with the forget gate closed (ft = 0), the update gate open (it = 1) and Wc = 0, "
        "c_next should be the candidate tanh(bc): is the candidate weighted by it?",
    )


def _expect_output_gate(f: Forward) -> None:
    values = f.values()
    _set_gate(values["parameters"], "o", OPEN)
    outputs = f.run(values)
    expect_close(
        "a_next",
        outputs["a_next"],
        np.tanh(outputs["c_next"]),
        "with the output gate open (ot = 1), a_next should be tanh(c_next): is a_next "
        "ot * tanh(c_next)?",
    )


def check_lstm_cell_forward(lstm_cell_forward: Callable) -> None:
    """Check lstm_cell_forward(xt, a_prev, c_prev, parameters)
    -> (a_next, c_next, yt_pred, cache)."""
    f = Forward(lstm_cell_forward, SIGNATURES["lstm_cell_forward"])
    properties = [
        Check(
            "with gate weights 0, each gate is set by its bias",
            lambda: _expect_gates_from_biases(f),
        ),
        Check("the gates read [a_prev; xt] in that order", lambda: _expect_concatenation_order(f)),
        Check("forget open, update closed: c_next = c_prev", lambda: _expect_memory_kept(f)),
        Check("forget closed, update open: c_next = candidate", lambda: _expect_memory_replaced(f)),
        Check("output gate open: a_next = tanh(c_next)", lambda: _expect_output_gate(f)),
    ]
    run_checks("lstm_cell_forward", forward_checks(f, properties))


def _expect_memory_starts_at_zero(f: Forward) -> None:
    values = f.values()
    _hold_memory(values["parameters"])
    c = f.run(values)["c"]
    expect_close(
        "c",
        c,
        np.zeros_like(c),
        "with the forget gate open and the update gate closed, the memory keeps its start "
        "value at every step, so c should be all 0: does lstm_forward start from "
        "c<0> = np.zeros((n_a, m))?",
    )


def check_lstm_forward(lstm_forward: Callable) -> None:
    """Check lstm_forward(x, a0, parameters) -> (a, y, c, caches)."""
    f = Forward(lstm_forward, SIGNATURES["lstm_forward"])
    properties = [
        Check("the memory starts at c<0> = 0", lambda: _expect_memory_starts_at_zero(f)),
    ]
    run_checks("lstm_forward", forward_checks(f, properties))


def _lstm_bias_pairs(b: Backward) -> tuple[tuple[str, slice, str], ...]:
    """Each gate's weight gradient, its columns that multiply xt, and its bias gradient."""
    return tuple((f"dW{gate}", slice(b.sizes.n_a, None), f"db{gate}") for _, gate, _ in _GATES)


def _expect_output_gate_gradient(b: Backward) -> None:
    values = b.values()
    gradients = b.run(values, da_next=np.zeros_like(values["da_next"]))
    for key in ("dWo", "dbo"):
        gap = max_abs_difference(gradients[key], np.zeros_like(gradients[key]))
        expect(
            gap <= IDENTITY_ATOL,
            f"with da_next = 0, {key} should be 0 (the output gate only reaches a_next), "
            f"but it has entries up to {gap:.1e}: is dot computed from da_next alone?",
        )


def _expect_memory_path(b: Backward) -> None:
    values = b.values()
    dc_prev = b.run(values, dc_next=np.zeros_like(values["dc_next"]))["dc_prev"]
    expect(
        max_abs_difference(dc_prev, np.zeros_like(dc_prev)) > IDENTITY_ATOL,
        "with dc_next = 0, dc_prev is 0, but c_prev still reaches the loss through c_next and "
        "a_next = ot * tanh(c_next): does dc_prev include the path through a_next?",
    )


def check_lstm_cell_backward(lstm_cell_backward: Callable, lstm_cell_forward: Callable) -> None:
    """Check lstm_cell_backward(da_next, dc_next, cache) -> gradients, on caches made by
    your own lstm_cell_forward, and against numerical slopes of that lstm_cell_forward."""
    b = Backward(lstm_cell_backward, lstm_cell_forward, SIGNATURES["lstm_cell_backward"])
    properties = [
        Check(
            "with da_next = 0 the output gate gets no gradient",
            lambda: _expect_output_gate_gradient(b),
        ),
        Check("dc_prev includes the path through a_next", lambda: _expect_memory_path(b)),
    ]
    run_checks("lstm_cell_backward", backward_checks(b, _lstm_bias_pairs(b), properties))


def check_lstm_backward(lstm_backward: Callable, lstm_forward: Callable) -> None:
    """Check lstm_backward(da, caches) -> gradients, on caches made by your own
    lstm_forward, and against numerical slopes of that lstm_forward."""
    b = Backward(lstm_backward, lstm_forward, SIGNATURES["lstm_backward"])
    run_checks("lstm_backward", backward_checks(b, _lstm_bias_pairs(b)))
