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
from course.checks.backward import backward_checks, sequence_pattern_hint
from course.checks.cases import Backward, Forward
from course.checks.expect import (
    IDENTITY_ATOL,
    CheckFailure,
    expect,
    expect_array,
    expect_close,
    max_abs_difference,
)
from course.checks.forward import forward_checks
from course.checks.quantities import dependencies
from course.checks.report import Check, run_checks
from course.notation import LSTM_CACHE, LSTM_PARAMETERS, SIGNATURES

OPEN, CLOSED = 40.0, -40.0

# Each gate, its weight and bias, and the activation of the gate (as in the cache).
_GATES = (("ft", "f", sigmoid), ("it", "i", sigmoid), ("cct", "c", np.tanh), ("ot", "o", sigmoid))
# The gates in the course notation.
_SYMBOLS = {"ft": "Γ_f", "it": "Γ_i", "cct": "c̃⟨t⟩", "ot": "Γ_o"}
_ACTIVATION_NAMES = {sigmoid: "σ", np.tanh: "tanh"}


def _close(a: object, b: np.ndarray) -> bool:
    return (
        isinstance(a, np.ndarray)
        and a.shape == b.shape
        and max_abs_difference(a, b) <= IDENTITY_ATOL
    )


def _set_gate(parameters: dict, gate: str, bias: float | None = None) -> None:
    """Zero the weights of `gate` ("f", "i", "c" or "o"), and set its bias if given."""
    parameters[f"W{gate}"][...] = 0.0
    if bias is not None:
        parameters[f"b{gate}"][...] = bias


def _hold_memory(parameters: dict) -> None:
    """Open the forget gate (ft = 1) and close the update gate (it = 0)."""
    _set_gate(parameters, "f", OPEN)
    _set_gate(parameters, "i", CLOSED)


def _gate_hint(name: str, gate: str, activation, value: np.ndarray, bias: np.ndarray) -> str:
    """What `value`, the student's gate `name` with W{gate} = 0, looks like."""
    symbol, act = _SYMBOLS[name], _ACTIVATION_NAMES[activation]
    equation = f"{symbol} = {act}(W_{gate} [a⟨t−1⟩; x⟨t⟩] + b_{gate})"
    other = np.tanh if activation is sigmoid else sigmoid
    if _close(value, np.broadcast_to(other(bias), value.shape)):
        if activation is sigmoid:
            return (
                f"{symbol} looks like tanh(b_{gate}): a gate uses the sigmoid σ, which keeps "
                f"it between 0 and 1 (a fraction to let through), {equation}"
            )
        return (
            f"{symbol} looks like σ(b_{gate}): the candidate uses tanh, which lets it lie in "
            f"(−1, 1); the sigmoid is for the three gates, {equation}"
        )
    if _close(value, np.broadcast_to(activation(np.zeros_like(bias)), value.shape)):
        return (
            f"{symbol} is {act}(0) = {float(activation(0.0)):g} everywhere, whatever b_{gate}: "
            f"the bias b_{gate} is missing from {equation}"
        )
    return (
        f"with W_{gate} = 0, {symbol} should be {act}(b_{gate}): is b_{gate} added to that "
        "gate, and are the gates stored in the order ft, it, cct, ot?"
    )


def _expect_gates_from_biases(f: Forward) -> None:
    values = f.values()
    for _, gate, _ in _GATES:
        _set_gate(values["parameters"], gate)
    cache = f.run(values)["cache"]
    expect(
        isinstance(cache, tuple | list) and len(cache) == len(LSTM_CACHE),
        "the cache does not have its 10 entries (see the cache check above)",
        ("cache",),
    )
    for name, gate, activation in _GATES:
        index = LSTM_CACHE.index(name)
        value = expect_array(name, cache[index], f.sizes, label=f"{name} (cache[{index}])")
        bias = values["parameters"][f"b{gate}"]
        expect_close(
            f"{name} (cache[{index}])",
            value,
            np.broadcast_to(activation(bias), value.shape),
            _gate_hint(name, gate, activation, value, bias),
            (name,),
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
            ("concat",),
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
        ("c_next",),
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
        ("c_next",),
    )


def _expect_output_gate(f: Forward) -> None:
    values = f.values()
    _set_gate(values["parameters"], "o")
    outputs = f.run(values)
    a_next, c_next = outputs["a_next"], outputs["c_next"]
    ot = np.broadcast_to(sigmoid(values["parameters"]["bo"]), a_next.shape)
    if _close(a_next, ot * np.tanh(c_next)):
        return
    cache = outputs["cache"]
    own_ot = cache[7] if isinstance(cache, tuple | list) and len(cache) == 10 else None
    if _close(a_next, ot * c_next):
        hint = "a⟨t⟩ looks like Γ_o ∘ c⟨t⟩: squash the cell state with tanh before the gate"
    elif _close(a_next, np.tanh(c_next)):
        hint = "a⟨t⟩ looks like tanh(c⟨t⟩): the output gate Γ_o is missing from it"
    elif _close(a_next, np.tanh(ot * c_next)):
        hint = (
            "a⟨t⟩ looks like tanh(Γ_o ∘ c⟨t⟩): the output gate scales the squashed cell "
            "state, it does not go inside the tanh"
        )
    elif isinstance(own_ot, np.ndarray) and _close(a_next, own_ot * np.tanh(c_next)):
        raise CheckFailure(
            "with W_o = 0, Γ_o (cache[7]) should be σ(b_o) for every example, but yours "
            "differs: does the output gate use its own weights, Γ_o = σ(W_o [a⟨t−1⟩; x⟨t⟩] "
            "+ b_o)?",
            ("ot",),
        )
    else:
        hint = "is a_next Γ_o ∘ tanh(c_next)?"
    raise CheckFailure(
        "with W_o = 0 (so Γ_o = σ(b_o)), a_next should be Γ_o ∘ tanh(c_next), but it is off "
        f"by up to {max_abs_difference(a_next, ot * np.tanh(c_next)):.1e}: {hint}",
        ("a_next",),
    )


def check_lstm_cell_forward(lstm_cell_forward: Callable) -> None:
    """Check lstm_cell_forward(xt, a_prev, c_prev, parameters)
    -> (a_next, c_next, yt_pred, cache)."""
    f = Forward(lstm_cell_forward, SIGNATURES["lstm_cell_forward"])
    properties = [
        Check(
            "with gate weights 0, each gate is set by its bias",
            lambda: _expect_gates_from_biases(f),
            steps=("ft", "it", "cct", "ot"),
        ),
        Check(
            "the gates read [a_prev; xt] in that order",
            lambda: _expect_concatenation_order(f),
            steps=("concat",),
        ),
        Check(
            "forget open, update closed: c_next = c_prev",
            lambda: _expect_memory_kept(f),
            steps=("ft", "it", "c_next"),
        ),
        Check(
            "forget closed, update open: c_next = candidate",
            lambda: _expect_memory_replaced(f),
            steps=("ft", "it", "cct", "c_next"),
        ),
        Check(
            "with Wo = 0, a_next = σ(bo) * tanh(c_next)",
            lambda: _expect_output_gate(f),
            steps=("ot", "a_next"),
        ),
    ]
    run_checks(
        "lstm_cell_forward", forward_checks(f, properties), dependencies("lstm_cell_forward")
    )


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
        "c⟨0⟩ = 0, an (n_a, m) array of zeros?",
        ("c",),
    )


def check_lstm_forward(lstm_forward: Callable) -> None:
    """Check lstm_forward(x, a0, parameters) -> (a, y, c, caches)."""
    f = Forward(lstm_forward, SIGNATURES["lstm_forward"])
    properties = [
        Check(
            "the memory starts at c<0> = 0",
            lambda: _expect_memory_starts_at_zero(f),
            steps=("c",),
        ),
    ]
    run_checks("lstm_forward", forward_checks(f, properties), dependencies("lstm_forward"))


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
            (key,),
        )


def _expect_memory_path(b: Backward) -> None:
    values = b.values()
    dc_prev = b.run(values, dc_next=np.zeros_like(values["dc_next"]))["dc_prev"]
    expect(
        max_abs_difference(dc_prev, np.zeros_like(dc_prev)) > IDENTITY_ATOL,
        "with dc_next = 0, dc_prev is 0, but c_prev still reaches the loss through c_next and "
        "a_next = ot * tanh(c_next): does dc_prev include the path through a_next?",
        ("dc_prev",),
    )


def _expect_memory_through_forget_gate(b: Backward) -> None:
    values = b.values()
    cache = b.cache(values)
    expect(
        isinstance(cache, tuple | list) and len(cache) == len(LSTM_CACHE),
        "the cache of your lstm_cell_forward does not have its 10 entries: run "
        "check_lstm_cell_forward first",
    )
    zero = np.zeros_like(values["da_next"])
    dc_prev = b.gradients({**values, "da_next": zero}, cache)["dc_prev"]
    dc_next = values["dc_next"]
    gates = {name: cache[LSTM_CACHE.index(name)] for name in ("ft", "it", "cct", "ot")}
    expected = gates["ft"] * dc_next
    if _close(dc_prev, expected):
        return
    rule = (
        "c⟨t−1⟩ enters c⟨t⟩ = Γ_f ∘ c⟨t−1⟩ + Γ_i ∘ c̃⟨t⟩ only through the forget gate, so "
        "the gradient it gets from c⟨t⟩ is scaled by Γ_f alone"
    )
    for name in ("it", "ot", "cct"):
        if _close(dc_prev, gates[name] * dc_next):
            rule = f"your dc_prev is scaled by {_SYMBOLS[name]}, but {rule}"
            break
    raise CheckFailure(
        f"with da_next = 0, dc_prev is off by up to {max_abs_difference(dc_prev, expected):.1e}: "
        f"{rule}",
        ("dc_prev",),
    )


def _lstm_cell_pattern(wrong: frozenset[str]) -> str:
    """Where to look in lstm_cell_backward, given the gradients that are off."""
    gates = [gate for _, gate, _ in _GATES if {f"dW{gate}", f"db{gate}"} & wrong]
    inputs = sorted({"dxt", "da_prev"} & wrong)
    if wrong == {"dc_prev"}:
        return (
            "only dc_prev is off: c⟨t−1⟩ enters c⟨t⟩ = Γ_f ∘ c⟨t−1⟩ + Γ_i ∘ c̃⟨t⟩ through the "
            "forget gate alone"
        )
    if gates == ["f", "i", "c"]:
        return (
            "the gradients of Γ_f, Γ_i and c̃⟨t⟩ are off but not those of Γ_o: look at what "
            "they share, dc, the total gradient reaching c⟨t⟩ (from dc_next, and from da_next "
            "through a⟨t⟩ = Γ_o ∘ tanh(c⟨t⟩))"
        )
    if len(gates) == 1:
        gate = gates[0]
        symbol = {"f": "Γ_f", "i": "Γ_i", "c": "c̃⟨t⟩", "o": "Γ_o"}[gate]
        also = f" ({' and '.join(inputs)} add up all four gates' terms)" if inputs else ""
        return (
            f"dW{gate} and db{gate} are off{also}: look at the gradient with respect to "
            f"{symbol}'s pre-activation, and at which forward equation {symbol} appears in"
        )
    if not gates and inputs:
        return (
            "every weight and bias gradient is right, so the gates' gradients are: look at "
            f"how {' and '.join(inputs)} gather the terms of all four gates through W_f, W_i, "
            "W_c and W_o (the columns that multiply a⟨t−1⟩, then those that multiply x⟨t⟩)"
        )
    return ""


def check_lstm_cell_backward(lstm_cell_backward: Callable, lstm_cell_forward: Callable) -> None:
    """Check lstm_cell_backward(da_next, dc_next, cache) -> gradients, on caches made by
    your own lstm_cell_forward, and against numerical slopes of that lstm_cell_forward."""
    b = Backward(lstm_cell_backward, lstm_cell_forward, SIGNATURES["lstm_cell_backward"])
    keys = b.sig.returns
    properties = [
        Check(
            "with da_next = 0 the output gate gets no gradient",
            lambda: _expect_output_gate_gradient(b),
            uses=keys,
        ),
        Check(
            "with da_next = 0, dc_prev comes through the forget gate",
            lambda: _expect_memory_through_forget_gate(b),
            uses=keys,
        ),
        Check(
            "dc_prev includes the path through a_next",
            lambda: _expect_memory_path(b),
            uses=keys,
        ),
    ]
    checks = backward_checks(b, _lstm_bias_pairs(b), properties, _lstm_cell_pattern)
    run_checks("lstm_cell_backward", checks)


def check_lstm_backward(lstm_backward: Callable, lstm_forward: Callable) -> None:
    """Check lstm_backward(da, caches) -> gradients, on caches made by your own
    lstm_forward, and against numerical slopes of that lstm_forward."""
    b = Backward(lstm_backward, lstm_forward, SIGNATURES["lstm_backward"])
    hint = sequence_pattern_hint(tuple(f"d{p}" for p in LSTM_PARAMETERS[:8]), cell_state=True)
    run_checks("lstm_backward", backward_checks(b, _lstm_bias_pairs(b), (), hint))
