"""The graded functions of assignment 1: what they return, what they call, how their
gradients are checked."""

from __future__ import annotations

from autograder.assignment import FunctionSpec

SEQUENCE_LOOP = "(the loop over the T_x time steps)"

_LSTM_PARAMS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("rnn_cell_forward", outputs=("a_next", "yt_pred", "cache")),
    FunctionSpec(
        "rnn_forward",
        outputs=("a", "y_pred", "caches"),
        depends_on=("rnn_cell_forward",),
        loop_hint=SEQUENCE_LOOP,
    ),
    FunctionSpec(
        "rnn_cell_backward",
        outputs=("gradients",),
        forward="rnn_cell_forward",
        forward_inputs=("xt", "a_prev", "parameters"),
        gradient_inputs=(
            ("dxt", "xt"),
            ("da_prev", "a_prev"),
            ("dWax", "Wax"),
            ("dWaa", "Waa"),
            ("dba", "ba"),
        ),
    ),
    FunctionSpec(
        "rnn_backward",
        outputs=("gradients",),
        depends_on=("rnn_cell_backward",),
        loop_hint=SEQUENCE_LOOP,
        forward="rnn_forward",
        forward_inputs=("x", "a0", "parameters"),
        gradient_inputs=(
            ("dx", "x"),
            ("da0", "a0"),
            ("dWax", "Wax"),
            ("dWaa", "Waa"),
            ("dba", "ba"),
        ),
    ),
    FunctionSpec("lstm_cell_forward", outputs=("a_next", "c_next", "yt_pred", "cache")),
    FunctionSpec(
        "lstm_forward",
        outputs=("a", "y", "c", "caches"),
        depends_on=("lstm_cell_forward",),
        loop_hint=SEQUENCE_LOOP,
    ),
    FunctionSpec(
        "lstm_cell_backward",
        outputs=("gradients",),
        forward="lstm_cell_forward",
        forward_inputs=("xt", "a_prev", "c_prev", "parameters"),
        gradient_inputs=(
            ("dxt", "xt"),
            ("da_prev", "a_prev"),
            ("dc_prev", "c_prev"),
            *((f"d{p}", p) for p in _LSTM_PARAMS),
        ),
    ),
    FunctionSpec(
        "lstm_backward",
        outputs=("gradients",),
        depends_on=("lstm_cell_backward",),
        loop_hint=SEQUENCE_LOOP,
        forward="lstm_forward",
        forward_inputs=("x", "a0", "parameters"),
        gradient_inputs=(("dx", "x"), ("da0", "a0"), *((f"d{p}", p) for p in _LSTM_PARAMS)),
    ),
)
