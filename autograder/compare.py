"""Compare a student's returned value with the reference's, and say what differs.

The student's value was rebuilt by the grader from plain numbers (see sandbox/wire.py):
only float64 and int64 arrays, floats, ints, strings, None, tuples, lists, dicts and
`Unsupported` markers. Numbers compare by value (an int index equals the float index),
within `tolerance` = (atol, rtol): the grader's defaults unless a function sets its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from autograder.sandbox.wire import Unsupported
from autograder.tolerances import ATOL, RTOL


@dataclass(frozen=True)
class Mismatch:
    """One place where the student's value differs from the reference's.

    kind: "type", "length", "key", "shape", "not finite" or "values".
    error: for "values", the largest absolute error, and `relative` that error over the
        expected value there.
    """

    path: str
    kind: str
    detail: str
    error: float | None = None
    relative: float | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"


def describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, Unsupported):
        article = "an" if value.description[:1].lower() in "aeiou" else "a"
        return f"{article} {value.description}"
    if isinstance(value, tuple | list | dict):
        return f"a {type(value).__name__} of {len(value)} items"
    if value is None:
        return "None"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return f"the number {value:g}" if isinstance(value, float | int) else type(value).__name__


def _digits(value: float, error: float) -> str:
    """`value` with enough significant digits to show an error of `error` (6 at least)."""
    if not (np.isfinite(value) and np.isfinite(error)):
        return f"{value:g}"
    scale = max(abs(value), error, 1e-300)
    digits = min(17, max(6, int(np.ceil(np.log10(scale / max(error, 1e-300)))) + 2))
    return f"{value:.{digits}g}"


Tolerance = tuple[float, float]  # (atol, rtol)
DEFAULT_TOLERANCE: Tolerance = (ATOL, RTOL)


def _array_mismatch(
    path: str, expected: np.ndarray, actual: np.ndarray, tolerance: Tolerance
) -> Mismatch | None:
    atol, rtol = tolerance
    if actual.shape != expected.shape:
        return Mismatch(path, "shape", f"has shape {actual.shape}, expected shape {expected.shape}")
    if actual.dtype == expected.dtype == np.float64 and actual.tobytes() == expected.tobytes():
        return None  # exactly the reference's numbers: what most right answers give
    actual = np.asarray(actual, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        # The common case first: all finite and within the tolerance (a nan fails `<=`).
        close = np.abs(actual - expected) <= atol + rtol * np.abs(expected)
    if close.all() and np.isfinite(actual).all():
        return None
    # The same nan or inf in both counts as equal (only a buggy reference, the
    # diagnosis's, has any).
    alike = (np.isnan(expected) & np.isnan(actual)) | (np.isinf(expected) & (expected == actual))
    unexpected = ~np.isfinite(actual) & ~alike
    if unexpected.any():
        bad = tuple(int(i) for i in np.argwhere(unexpected)[0])
        return Mismatch(path, "not finite", f"contains {actual[bad]} (at index {list(bad)})")
    with np.errstate(invalid="ignore"):
        error = np.where(alike, 0.0, np.abs(actual - expected))
    error = np.where(np.isnan(error), np.inf, error)
    if np.all(error <= atol + rtol * np.abs(np.where(alike, 0.0, expected))):
        return None
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
    return Mismatch(
        path,
        "values",
        f"wrong values: largest error {error[worst]:.3g} at index {list(worst)} "
        f"(expected {_digits(expected[worst], error[worst])}, "
        f"got {_digits(actual[worst], error[worst])})",
        float(error[worst]),
        float(error[worst] / max(abs(expected[worst]), atol)),
    )


# (path pattern, the names of its entries, or one name with "{i}" for the index)
EntryNames = Sequence[tuple[str, Sequence[str] | str]]

_SEGMENT = re.compile(r"\[[^\]]*\]")


def _split(path: str) -> tuple[str, list[str]]:
    """ "caches[0][2]" -> ("caches", ["[0]", "[2]"])."""
    start = path.find("[")
    return (path, []) if start < 0 else (path[:start], _SEGMENT.findall(path[start:]))


def named_path(path: str, names: EntryNames) -> str:
    """`path` with the name of its deepest named entry, e.g. "ot (cache[7])".

    names: (pattern, entry names) pairs; a pattern is a path as written here ("cache"),
    where "[*]" stands for any index ("caches[0][*]"); names[i] names its entry [i], or
    names is one string in which "{i}" stands for the index ("the cache of step {i}").
    A path with no named entry is returned as it is.

    >>> names = [("cache", ("a_next", "ot")), ("caches[0]", "step {i}")]
    >>> named_path("cache[1]", names), named_path("caches[0][2]", names)
    ('ot (cache[1])', 'step 2 (caches[0][2])')
    """
    root, segments = _split(path)
    named = ""
    for k, segment in enumerate(segments):
        index = segment[1:-1]
        if not index.isdigit():
            continue
        for pattern, entries in names:
            pattern_root, pattern_segments = _split(pattern)
            if (
                pattern_root == root
                and len(pattern_segments) == k
                and all(p in ("[*]", s) for p, s in zip(pattern_segments, segments, strict=False))
                and (isinstance(entries, str) or int(index) < len(entries))
            ):
                name = entries.format(i=index) if isinstance(entries, str) else entries[int(index)]
                named = name + "".join(segments[k + 1 :])
    return f"{named} ({path})" if named else path


def compare(
    expected: object,
    actual: object,
    path: str,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    names: EntryNames = (),
) -> list[Mismatch]:
    """Every mismatch between `actual` and `expected` (tuples and lists are interchangeable).

    names: names of the entries of tuples (`FunctionSpec.entry_names`), so that each
    mismatch says which entry it is in ("ot (cache[7])"), see `named_path`.
    """
    found = _compare(expected, actual, path, tolerance)
    if names:
        found = [replace(m, path=named_path(m.path, names)) for m in found]
    return found


def _compare(
    expected: object, actual: object, path: str, tolerance: Tolerance = DEFAULT_TOLERANCE
) -> list[Mismatch]:
    atol, rtol = tolerance
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return [Mismatch(path, "type", f"is {describe(actual)}, expected {describe(expected)}")]
        found = _array_mismatch(path, expected, actual, tolerance)
        return [found] if found else []
    if isinstance(expected, tuple | list):
        if not isinstance(actual, tuple | list):
            return [Mismatch(path, "type", f"is {describe(actual)}, expected {describe(expected)}")]
        if len(actual) != len(expected):
            return [Mismatch(path, "length", f"has {len(actual)} items, expected {len(expected)}")]
        return [
            m
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for m in _compare(e, a, f"{path}[{i}]", tolerance)
        ]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Mismatch(path, "type", f"is {describe(actual)}, expected a dict")]
        missing = [key for key in expected if key not in actual]
        if missing:
            return [Mismatch(path, "key", f"has no key {missing[0]!r}")]
        return [
            m
            for key in expected
            for m in _compare(expected[key], actual[key], f"{path}[{key!r}]", tolerance)
        ]
    if isinstance(expected, float | int | np.floating | np.integer):
        number = isinstance(actual, float | int) and not isinstance(actual, bool)
        if not number or not abs(actual - expected) <= atol + rtol * abs(expected):
            return [Mismatch(path, "values", f"is {describe(actual)}, expected {expected:g}")]
        return []
    if isinstance(expected, str):
        if actual != expected:
            return [Mismatch(path, "values", f"is {describe(actual)}, expected {expected!r}")]
        return []
    if expected is None:
        return (
            []
            if actual is None
            else [Mismatch(path, "type", f"is {describe(actual)}, expected None")]
        )
    raise TypeError(f"cannot compare reference values of type {type(expected).__name__}")


def identical(before: object, after: object) -> bool:
    """True if two decoded values are exactly equal (used to spot in-place changes)."""
    if isinstance(before, np.ndarray):
        # The same array: the worker named it as sent, unchanged (see wire.Ledger).
        return before is after or (
            isinstance(after, np.ndarray) and np.array_equal(before, after)
        )
    if isinstance(before, tuple | list):
        return (
            isinstance(after, tuple | list)
            and len(before) == len(after)
            and all(identical(b, a) for b, a in zip(before, after, strict=True))
        )
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and before.keys() == after.keys()
            and all(identical(before[k], after[k]) for k in before)
        )
    return before == after


# Single precision (float32) agrees with float64 to about 7 significant digits.
_SINGLE_PRECISION = (1e-8, 1e-4)


def precision_hint(mismatches: list[Mismatch]) -> str | None:
    """A hint when every mismatch is a small relative error, as computing in float32 gives."""
    low, high = _SINGLE_PRECISION
    if mismatches and all(
        m.kind == "values" and m.relative is not None and low <= m.relative <= high
        for m in mismatches
    ):
        return (
            "your values agree with the reference to only about 4 to 8 significant digits: "
            "is part of the computation done in single precision (float32) or rounded? "
            "Grading compares in float64."
        )
    return None
