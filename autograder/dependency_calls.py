"""A graded function's calls to its dependencies, answered by the grader's reference.

While a function is graded (a pass over a sequence, say), its calls to the graded
functions it depends on (the cell of that pass) run the reference in
the grading process, so that one bug is not punished twice. Their arguments are data the
student chose: broadcasting 8-dimensional arrays or long nested lists could make the
reference build a huge result in the grader itself. So a call is answered only if its
arguments have exactly the structure and shapes of the calls the reference itself makes
on the same hidden case (recorded while computing the expected result): arrays of the
case's own shapes, dicts with exactly the case's keys, sequences of the same length.
A call to a dependency the reference does not call at all on the case is declined: the
student's own function answers it, inside the sandbox (clipping by value where the
reference clips by norm, say, is the student's choice, judged by the result).
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from autograder.compare import describe

Signature = tuple
AllowedCalls = dict[str, set[Signature]]


def signature(value: object) -> Signature:
    """The structure and shapes of `value`, as a hashable tuple."""
    if isinstance(value, np.ndarray):
        return ("array", tuple(value.shape))
    if isinstance(value, dict):
        return ("dict", tuple((key, signature(value[key])) for key in sorted(value, key=str)))
    if isinstance(value, tuple | list):
        return ("sequence", tuple(signature(item) for item in value))
    if isinstance(value, bool | int | float | np.integer | np.floating):
        return ("number",)
    if value is None:
        return ("none",)
    return ("other", type(value).__name__)


def run_recording_calls(
    function: Callable, dependencies: Iterable[str], args: tuple
) -> tuple[object, AllowedCalls]:
    """Run the reference `function(*args)` (on a copy of `args`) and record the signature
    of every call it makes to `dependencies`, which must be globals of its module."""
    namespace = function.__globals__
    allowed: AllowedCalls = {name: set() for name in dependencies}
    originals = {name: namespace[name] for name in allowed}

    def recorder(name: str) -> Callable:
        def record(*call_args: object) -> object:
            allowed[name].add(signature(list(call_args)))
            return originals[name](*call_args)

        return record

    try:
        namespace.update({name: recorder(name) for name in allowed})
        result = function(*copy.deepcopy(args))
    finally:
        namespace.update(originals)
    return result, allowed


def _first_difference(expected: Signature, actual: Signature, path: str) -> str | None:
    if expected == actual:
        return None
    if expected[0] != actual[0]:
        return f"{path} is {_kind(actual)}, expected {_kind(expected)}"
    if expected[0] == "array":
        return f"{path} has shape {actual[1]}, expected shape {expected[1]}"
    if expected[0] == "dict":
        keys, wanted = [k for k, _ in actual[1]], [k for k, _ in expected[1]]
        if keys != wanted:
            return f"{path} has the keys {keys}, expected exactly {wanted}"
        pairs = zip(expected[1], actual[1], strict=True)
        found = (_first_difference(e, a, f"{path}[{k!r}]") for (k, e), (_, a) in pairs)
        return next(d for d in found if d)
    if expected[0] == "sequence":
        if len(actual[1]) != len(expected[1]):
            return f"{path} has {len(actual[1])} items, expected {len(expected[1])}"
        pairs = enumerate(zip(expected[1], actual[1], strict=True))
        found = (_first_difference(e, a, f"{path}[{i}]") for i, (e, a) in pairs)
        return next(d for d in found if d)
    return f"{path} is {_kind(actual)}, expected {_kind(expected)}"


def _kind(sig: Signature) -> str:
    return {
        "array": "an array",
        "dict": "a dict",
        "sequence": "a tuple or list",
        "number": "a number",
        "none": "None",
    }.get(sig[0], f"a {sig[-1]}")


class Declined(Exception):
    """The reference makes no call to this dependency here: the student's own answers."""


def refusal_message(name: str, error: Exception) -> str:
    """What a refused (or failed) dependency call raises in the student's code."""
    message = f"the reference {name} could not run on the arguments your code passed"
    return f"{message} to it: {error}"[:1000]


def call_mismatch(
    name: str, args: list, allowed: set[Signature], parameters: tuple[str, ...] = ()
) -> str | None:
    """Why a call `name(*args)` is refused (None: it has an allowed signature).

    parameters: the names of `name`'s parameters, to name the wrong argument."""
    actual = signature(args)
    if actual in allowed:
        return None
    if not allowed:
        return f"the reference itself does not call {name} on this hidden case"
    expected = min(allowed, key=lambda sig: len(str(sig)))
    if len(actual[1]) != len(expected[1]):
        return f"{name} takes {len(expected[1])} arguments, your code passed {len(actual[1])}"
    pairs = enumerate(zip(expected[1], actual[1], strict=True))
    found = (_first_difference(e, a, _argument(i, parameters)) for i, (e, a) in pairs)
    return next((d for d in found if d), f"unexpected arguments ({describe(args)})")


def _argument(index: int, parameters: tuple[str, ...]) -> str:
    name = f" ({parameters[index]})" if index < len(parameters) else ""
    return f"argument {index + 1}{name}"


@functools.cache
def parameter_names(function: Callable) -> tuple[str, ...]:
    """The names of `function`'s parameters (looked up once per reference function)."""
    return tuple(inspect.signature(function).parameters)


def checked_reference(
    reference: Mapping[str, Callable], allowed: AllowedCalls
) -> Callable[[str, list], object]:
    """The oracle for a student's dependency calls: the reference, on allowed arguments;
    raises Declined for a dependency the reference does not call, ValueError otherwise."""

    def call(name: str, args: list) -> object:
        if not allowed.get(name):
            raise Declined(name)
        parameters = parameter_names(reference[name])
        refused = call_mismatch(name, args, allowed.get(name, set()), parameters)
        if refused:
            raise ValueError(refused)
        return reference[name](*args)

    return call


def run_with_checked_calls(
    function: Callable, dependencies: Iterable[str], reference: Mapping[str, Callable],
    allowed: AllowedCalls, args: list,
) -> object:
    """Run `function(*args)` (a known mistake's version, for the diagnosis) with its calls
    to `dependencies` checked as the student's are: a refused call raises what it raises
    in the student's code, a declined one runs the function's own namespace version."""
    namespace = function.__globals__
    own = {name: namespace[name] for name in dependencies}
    oracle = checked_reference(reference, allowed)

    def served(name: str) -> Callable:
        def call(*call_args: object) -> object:
            try:
                return oracle(name, list(call_args))
            except Declined:
                return own[name](*call_args)
            except Exception as error:  # noqa: BLE001  (as the worker reports it)
                raise RuntimeError(refusal_message(name, error)) from None

        return call

    try:
        namespace.update({name: served(name) for name in own})
        return function(*args)
    finally:
        namespace.update(own)
