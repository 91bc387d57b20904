"""Spot backward functions that differentiate numerically instead of backpropagating.

Central differences (or the complex step) applied to the student's own forward pass
give gradients as exact as backpropagation's, so no tolerance can tell them apart. Their
cost can: backpropagation costs about as much as two or three forward passes, while
numerical differentiation needs two forward passes per input number (hundreds to
thousands of them). So after its hidden cases, each backward function is timed once on
a larger "cost probe" case, against the student's own forward function on the same
inputs, both as CPU time of the worker measured by the grader (the worker's cgroup, or
/proc), in the same worker, so call overheads cancel. Once each; only a ratio over the
limit is measured a second time, keeping the least of both, before it is reported.

A ratio above COST_RATIO lists the function in `needs_review`: the instructor judges,
the score does not change. Measured on this project's machine with the implementations
of tests/hostile/numerical_differentiation.py: honest backward functions cost 1.0-1.5
forward passes on the probe; numerical ones 46 (complex step, the RNN cell) to
several thousand.
"""

from __future__ import annotations

import time

from autograder.assignment import FunctionSpec
from autograder.sandbox.session import WorkerFailure

COST_RATIO = 10.0


def _cpu_call(session, function: str, args: tuple, deadline: float) -> float | None:
    """The CPU seconds the worker spent on `function(*args)`; None if it did not return."""
    before = session.cpu_seconds()
    reply = session.call(function, args, None, (), deadline, "cost probe", discard=True)
    after = session.cpu_seconds()
    if reply.header.get("op") != "returned" or before is None or after is None:
        return None
    return after - before


def _least(first: float | None, again) -> float | None:
    """The least of `first` and `again()` (another measurement): a page fault or a cold
    cache only ever adds time."""
    second = again()
    return first if second is None else second if first is None else min(first, second)


def cost_review(grader, session, spec: FunctionSpec) -> str | None:
    """A needs-review note if `spec`'s backward function costs far more than the student's
    forward pass on the cost probe; None if it does not, or if it cannot be measured.

    The probe has a time limit of its own, the function's: it is the grader's extra."""
    if not spec.forward or getattr(session, "process", None) is None:
        return None
    seconds = grader.limits.seconds_per_function
    deadline = time.monotonic() + seconds
    case = grader.probe_case(spec.name)
    forward_args = tuple(case.primal[key] for key in spec.forward_inputs)
    try:
        forward = _cpu_call(session, spec.forward, forward_args, deadline)
    except WorkerFailure:
        return None
    if not forward:  # not defined, raised, or not measurable
        return None
    try:
        backward = _cpu_call(session, spec.name, case.args, deadline)
    except WorkerFailure:
        return (
            f"{spec.name}: did not finish a cost probe in {seconds:.0f} s, where "
            f"{spec.forward} took {forward * 1000:.1f} ms of CPU: was the gradient computed "
            "numerically instead of by backpropagation? (the score is not affected)"
        )
    if backward is None or backward <= COST_RATIO * forward:
        return None
    # Over the ratio: measure both again and keep the least of each, before saying so.
    try:
        forward = _least(forward, lambda: _cpu_call(session, spec.forward, forward_args, deadline))
        backward = _least(backward, lambda: _cpu_call(session, spec.name, case.args, deadline))
    except WorkerFailure:
        pass  # the first measurements stand
    if not forward or backward is None or backward <= COST_RATIO * forward:
        return None
    return (
        f"{spec.name}: cost {backward / forward:.0f} times the CPU time of a forward pass "
        f"({spec.forward}) on a cost probe (backpropagation costs about 2 or 3): was the "
        "gradient computed numerically instead of by backpropagation? (the score is not "
        "affected)"
    )
