"""The graded functions of assignment 1: what they return, what they call, how their
gradients are checked."""

from __future__ import annotations

from autograder.assignment import FunctionSpec
from course.notation import LSTM_CACHE, RNN_CACHE

SEQUENCE_LOOP = "(the loop over the T_x time steps)"


def _cache_names(fields: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...] | str], ...]:
    """What a cell's cache holds, in order, for feedback ("ot (cache[7])")."""
    return (("cache", fields),)


def _caches_names(fields: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...] | str], ...]:
    """A sequence's caches: (list of the step caches, x), each step cache `fields`."""
    return (
        ("caches", ("the list of step caches", "x")),
        ("caches[0]", "the cache of step {i}"),
        ("caches[0][*]", fields),
    )


_LSTM_PARAMS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        "rnn_cell_forward",
        outputs=("a_next", "yt_pred", "cache"),
        entry_names=_cache_names(RNN_CACHE),
    ),
    FunctionSpec(
        "rnn_forward",
        outputs=("a", "y_pred", "caches"),
        depends_on=("rnn_cell_forward",),
        loop_hint=SEQUENCE_LOOP,
        entry_names=_caches_names(RNN_CACHE),
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
    FunctionSpec(
        "lstm_cell_forward",
        outputs=("a_next", "c_next", "yt_pred", "cache"),
        entry_names=_cache_names(LSTM_CACHE),
    ),
    FunctionSpec(
        "lstm_forward",
        outputs=("a", "y", "c", "caches"),
        depends_on=("lstm_cell_forward",),
        loop_hint=SEQUENCE_LOOP,
        entry_names=_caches_names(LSTM_CACHE),
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
