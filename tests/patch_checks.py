"""Run a patched graded function against the reference on hidden cases, and measure.

Shared by tests/autograder/test_catalogue.py (every known mistake must be caught) and
tests/autograder/test_correct_variants.py (every correct variant must pass).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from autograder.assignment import Case
from autograder.seeds import case_rng
from tests.assignments import build_case, course_reference

CASES_PER_FUNCTION = 3
TEST_SECRET = b"test"


@dataclass(frozen=True)
class Difference:
    """How far `actual` is from `expected`, over every array and number they contain.

    structure: the first place where types, lengths, keys or shapes differ (then both
        numbers are inf).
    max_abs: the largest absolute difference.
    rtol: the smallest rtol with which np.allclose(actual, expected, rtol, atol) accepts
        every leaf, for the `atol` the difference was measured with.
    """

    structure: str | None = None
    max_abs: float = 0.0
    rtol: float = 0.0


def _structure(path: str, detail: str) -> Difference:
    return Difference(f"{path}: {detail}", np.inf, np.inf)


def _combine(parts: list[Difference]) -> Difference:
    for part in parts:
        if part.structure is not None:
            return part
    return Difference(
        None,
        max((p.max_abs for p in parts), default=0.0),
        max((p.rtol for p in parts), default=0.0),
    )


def _numbers(actual: object, expected: object, atol: float, path: str) -> Difference:
    a = np.asarray(actual)
    e = np.asarray(expected)
    if a.shape != e.shape:
        return _structure(path, f"shape {a.shape}, expected {e.shape}")
    if a.dtype.kind not in "biuf" or e.dtype.kind not in "biuf":
        return _structure(path, f"dtype {a.dtype}, expected {e.dtype}")
    a, e = a.astype(float), e.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where(a == e, 0.0, np.abs(a - e))
        gap = np.where(np.isnan(gap), np.inf, gap)
        excess = np.maximum(gap - atol, 0.0)
        ratio = np.where(excess > 0, excess / np.abs(e), 0.0)
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    return Difference(None, float(gap.max(initial=0.0)), float(ratio.max(initial=0.0)))


def difference(actual: object, expected: object, atol: float, path: str = "out") -> Difference:
    """Compare two nested values (tuples, lists, dicts, arrays, numbers) leaf by leaf.

    Containers must have the same type, length and keys; arrays the same shape.
    """
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return _structure(path, f"{type(actual).__name__}, expected an array")
        return _numbers(actual, expected, atol, path)
    if isinstance(expected, tuple | list | dict):
        if type(actual) is not type(expected):
            return _structure(path, f"{type(actual).__name__}, expected {type(expected).__name__}")
        if len(actual) != len(expected):
            return _structure(path, f"{len(actual)} items, expected {len(expected)}")
        if isinstance(expected, dict):
            if actual.keys() != expected.keys():
                return _structure(path, f"keys {sorted(actual)}, expected {sorted(expected)}")
            items = [(f"{path}[{k!r}]", actual[k], expected[k]) for k in expected]
        else:
            items = [
                (f"{path}[{i}]", a, e)
                for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            ]
        return _combine([difference(a, e, atol, p) for p, a, e in items])
    if isinstance(expected, int | float | np.number) and not isinstance(expected, bool):
        if not isinstance(actual, int | float | np.number) or isinstance(actual, bool):
            return _structure(path, f"{type(actual).__name__}, expected a number")
        return _numbers(actual, expected, atol, path)
    if actual == expected:
        return Difference()
    return _structure(path, f"{actual!r}, expected {expected!r}")


def identical(actual: object, expected: object) -> bool:
    """True if both values have the same structure and exactly the same numbers."""
    found = difference(actual, expected, atol=0.0)
    return found.structure is None and found.max_abs == 0.0


@dataclass(frozen=True)
class Run:
    """What a candidate did on one case, next to the reference.

    raised: "ExceptionType: message" if the candidate raised, else None.
    mutated: it changed its (deep-copied) arguments in place.
    difference: its output against the reference's (None if it raised).
    """

    raised: str | None
    mutated: bool
    difference: Difference | None

    def describe(self) -> str:
        if self.raised is not None:
            return f"raises {self.raised.splitlines()[0][:60]}"
        assert self.difference is not None
        parts = ["mutates its input"] if self.mutated else []
        if self.difference.structure is not None:
            parts.append(self.difference.structure)
        else:
            parts.append(f"rtol {self.difference.rtol:.2e}")
        return ", ".join(parts)


@cache
def reference_functions() -> dict[str, Callable]:
    """The instructor's graded functions, from the source notebook."""
    return course_reference().functions()


@cache
def hidden_cases(student: str, function: str) -> tuple[Case, ...]:
    """CASES_PER_FUNCTION hidden cases of `function`, seeded by `student`."""
    return tuple(
        build_case(function, case_rng(TEST_SECRET, student, function, k), reference_functions())
        for k in range(CASES_PER_FUNCTION)
    )


def run_against_reference(candidate: Callable, function: str, case: Case, atol: float) -> Run:
    """Call the reference and `candidate` on separate deep copies of the case's arguments."""
    expected = reference_functions()[function](*copy.deepcopy(case.args))
    args = copy.deepcopy(case.args)
    before = copy.deepcopy(args)
    try:
        actual = candidate(*args)
    except Exception as error:  # a buggy function may fail in any way
        return Run(f"{type(error).__name__}: {error}", False, None)
    return Run(None, not identical(args, before), difference(actual, expected, atol))
