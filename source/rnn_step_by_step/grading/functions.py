"""The graded functions: what they return, what they call, how their gradients are checked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FunctionSpec:
    """How one graded function is called, compared and gradient-checked.

    outputs: names of the returned values, in order (a dict-returning backward function
        has one output, "gradients", whose keys are listed in `gradient_inputs`).
    depends_on: graded functions it is expected to call; while grading it, those are
        served by the reference so that one bug is not punished twice.
    gradient_inputs: for backward functions, gradient key -> the forward input it is the
        derivative of ("x", "a0", a parameter name, ...), see `autograder.gradient_checks`.
    forward: for backward functions, the forward function they differentiate, and
        `forward_inputs` the keys of the case's `primal` it is called with (in order).
    """

    name: str
    outputs: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    gradient_inputs: tuple[tuple[str, str], ...] = ()
    forward: str = ""
    forward_inputs: tuple[str, ...] = ()

    @property
    def is_backward(self) -> bool:
        return bool(self.gradient_inputs)

    @property
    def gradient_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.gradient_inputs)


_LSTM_PARAMS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")

SPECS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        FunctionSpec("rnn_cell_forward", outputs=("a_next", "yt_pred", "cache")),
        FunctionSpec(
            "rnn_forward", outputs=("a", "y_pred", "caches"), depends_on=("rnn_cell_forward",)
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
            "lstm_forward", outputs=("a", "y", "c", "caches"), depends_on=("lstm_cell_forward",)
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
            forward="lstm_forward",
            forward_inputs=("x", "a0", "parameters"),
            gradient_inputs=(("dx", "x"), ("da0", "a0"), *((f"d{p}", p) for p in _LSTM_PARAMS)),
        ),
    )
}
