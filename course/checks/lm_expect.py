"""Expectations of assignment 2's public checks: the structure of what a graded function
returns (one number, a tuple, a dict of arrays of notation shapes), and values compared
with the likely mistakes, so that a failure names the one the student made.

The shapes and the finiteness of arrays are checked by course.checks.expect.expect_array,
in the notation of course.checks.lm_cases.LMSizes (V, n_a, m, T_x).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from course.checks.expect import IDENTITY_ATOL, CheckFailure, describe, expect_array
from course.checks.lm_cases import LMSizes


def same_number(a: float, b: float) -> bool:
    """a equals b up to round-off (a mistake changes a loss or a perplexity far more)."""
    return bool(np.isclose(a, b, rtol=1e-9, atol=IDENTITY_ATOL))


def likely_mistake(got: float, wrong: Mapping[str, float]) -> str:
    """ ": it looks like <description>" for the first mistake in `wrong` (description -> the
    number that mistake gives) that `got` equals, or ""."""
    return next(
        (f": it looks like {why}" for why, value in wrong.items() if same_number(got, value)), ""
    )


def expect_scalar(name: str, value: object) -> float:
    """`value` must be one finite number (a float, a numpy scalar or a 0-d array)."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise CheckFailure(
            f"{name} should be one number (a float), got an array of shape {value.shape}: "
            "sum or average down to a single number"
        )
    if not isinstance(value, int | float | np.number | np.ndarray):
        raise CheckFailure(f"{name} should be a float, got {describe(value)}")
    number = float(value)
    if not np.isfinite(number):
        raise CheckFailure(f"{name} is {number}: a log of 0, or an overflow in exp?")
    return number


def expect_dict(
    label: str, value: object, keys: Sequence[str], sizes: LMSizes, finite: bool = True
) -> dict:
    """`value` must be a dict holding exactly `keys`, each a float array of its notation
    shape (e.g. "dWya" (V, n_a)), finite unless `finite` is False (a check of its own
    then says why an entry is nan)."""
    if not isinstance(value, dict):
        raise CheckFailure(f"{label} should be a dict, got {describe(value)}")
    missing = [key for key in keys if key not in value]
    if missing:
        details = "; ".join(f"'{key}' (shape {sizes.describe(key)})" for key in missing)
        raise CheckFailure(f"{label} has no key {details}")
    extra = sorted(set(value) - set(keys))
    if extra:
        raise CheckFailure(
            f"{label} should hold exactly the keys {', '.join(keys)}, but it also holds "
            f"{', '.join(map(repr, extra))}"
        )
    for key in keys:
        array = value[key]
        if not finite and isinstance(array, np.ndarray):
            array = np.nan_to_num(array)
        expect_array(key, array, sizes, label=f"{label}['{key}']")
    return value


def quietly(run: Callable[[], object]) -> Callable[[], None]:
    """`run` as a check (course.checks.report.Check): its result is dropped, only what it
    raises counts (used by the checks that a function returns the right structure)."""

    def check() -> None:
        run()

    return check


def _first_match(
    got: Mapping[str, np.ndarray],
    candidates: Mapping[str, Mapping[str, np.ndarray]],
    rtol: float,
) -> str | None:
    """The first candidate (a description) that `got` matches, key by key."""
    for why, arrays in candidates.items():
        if all(np.allclose(got[key], arrays[key], rtol=rtol) for key in arrays):
            return why
    return None


def expect_matching(
    label: str,
    got: Mapping[str, np.ndarray],
    expected: Mapping[str, np.ndarray],
    rule: str,
    wrong: Mapping[str, Mapping[str, np.ndarray]],
    rtol: float = 1e-6,
) -> None:
    """got[key] must match expected[key] (within rtol) for every key; the message gives
    the worst entry, the `rule` it breaks, and the first mistake in `wrong` (description
    -> the arrays that mistake gives) that got matches."""
    for key, value in expected.items():
        if np.allclose(got[key], value, rtol=rtol, atol=0.0):
            continue
        error = np.abs(got[key] - value)
        index = tuple(int(i) for i in np.unravel_index(np.nanargmax(error), error.shape))
        why = _first_match(got, wrong, rtol)
        raise CheckFailure(
            f"{label} {key}{list(index)} should be {value[index]:.8g} ({rule}), got "
            f"{got[key][index]:.8g}" + (f": it looks like {why}" if why else "")
        )
