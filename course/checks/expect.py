"""Expectations with messages in the course notation, and the tolerances they use.

A check raises `CheckFailure` with a message that names the quantity, says how far off
it is, and suggests the likely mistake.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from course.notation import Signature, Sizes

# Two ways of writing the same formula in float64 differ by round-off: about 1e-15 here
# (inputs of order 1, at most a few dozen terms per sum). Real mistakes differ by 1e-3
# or more, so identities ("with xt = 0 and a_prev = 0, a_next equals tanh(ba)") use:
IDENTITY_ATOL = 1e-10
# The published sample is compared like the grader compares values (rtol, atol).
SAMPLE_RTOL = 1e-6
SAMPLE_ATOL = 1e-9


class CheckFailure(Exception):
    """A check found a problem; the message explains it.

    found: the quantities found wrong (e.g. ("ft",)), when the check can tell which of
        those it looks at; the report then says which later failures follow from them.
    """

    def __init__(self, message: str, found: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.found = tuple(found)


def expect(condition: bool, message: str, found: tuple[str, ...] = ()) -> None:
    if not condition:
        raise CheckFailure(message, found)


def describe(value: object) -> str:
    """A few words about a value a student returned, e.g. "an array of shape (5, 10)"."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if value is None:
        return "None"
    if isinstance(value, tuple | list | dict):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def _shape_hint(got: tuple[int, ...], expected: tuple[int, ...]) -> str:
    if got == expected[::-1]:
        return ": it looks transposed"
    if expected[-1:] == (1,) and got == expected[:-1]:
        return ": keep the summed axis with keepdims=True"
    if len(got) != len(expected):
        return f": it has {len(got)} axes instead of {len(expected)}"
    return ""


def expect_array(name: str, value: object, sizes: Sizes, label: str | None = None) -> np.ndarray:
    """`value` must be a finite float array with the notation shape of `name`.

    label: how to call it in messages (default: name), e.g. "cache[1]".
    """
    label = label or name
    wanted = sizes.describe(name)
    if not isinstance(value, np.ndarray):
        got = describe(value)
        raise CheckFailure(f"{label} should be a numpy array of shape {wanted}, got {got}")
    expected = sizes.shape(name)
    if value.shape != expected:
        raise CheckFailure(
            f"{label} should have shape {wanted}, got {value.shape}"
            + _shape_hint(value.shape, expected)
        )
    if not np.issubdtype(value.dtype, np.floating):
        raise CheckFailure(f"{label} should hold floats, got dtype {value.dtype}")
    if not np.all(np.isfinite(value)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(value))[0])
        raise CheckFailure(f"{label} contains {value[index]} at index {index}")
    return value


def max_abs_difference(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(got - expected))) if got.size else 0.0


def expect_close(
    name: str, got: np.ndarray, expected: np.ndarray, hint: str, found: tuple[str, ...] = ()
) -> None:
    """`got` must equal `expected` up to round-off; the message gives the largest gap."""
    gap = max_abs_difference(got, expected)
    if not gap <= IDENTITY_ATOL:
        raise CheckFailure(f"{name} is off by up to {gap:.1e}: {hint}", found)


def expect_tuple(function: str, result: object, returns: Sequence[str]) -> tuple:
    """`result` must be a tuple (or list) of len(returns) values."""
    if isinstance(result, tuple | list) and len(result) == len(returns):
        return tuple(result)
    if isinstance(result, tuple | list):
        got = f"{len(result)} values"
    elif result is None:
        got = "None: is the return statement missing?"
    else:
        got = describe(result)
    raise CheckFailure(
        f"{function} should return {len(returns)} values ({', '.join(returns)}), got {got}"
    )


def named_outputs(sig: Signature, result: object, sizes: Sizes) -> dict[str, Any]:
    """What `sig.name` returned, by name, after checking its structure and array shapes.

    Forward functions return a tuple (sig.returns, in order; the cache is not looked
    into here); backward functions return a dict with the keys sig.returns.
    """
    returns = ", ".join(sig.returns)
    if sig.is_backward:
        if not isinstance(result, dict):
            raise CheckFailure(
                f"{sig.name} should return a dict of gradients ({returns}), got {describe(result)}"
            )
        missing = [key for key in sig.returns if key not in result]
        if missing:
            details = "; ".join(f"'{key}' (shape {sizes.describe(key)})" for key in missing)
            raise CheckFailure(f"the gradients dict has no key {details}")
        outputs = {key: result[key] for key in sig.returns}
    else:
        outputs = dict(zip(sig.returns, expect_tuple(sig.name, result, sig.returns), strict=True))
    for name, value in outputs.items():
        if name not in ("cache", "caches"):
            expect_array(name, value, sizes)
    return outputs


def same_values(a: object, b: object) -> bool:
    """True if two arrays, or dicts, tuples or lists of them, hold the same numbers."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_values(a[k], b[k]) for k in a)
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and max_abs_difference(a, b) <= IDENTITY_ATOL
    return False


def expect_leaves_inputs(function: str, inputs: Mapping[str, object], call: Callable) -> None:
    """Run `call()`, which passes `inputs` (name -> value) to `function`, and check each
    input still holds the values it had before (`expect_unchanged`)."""
    kept = copy.deepcopy(inputs)
    call()
    expect_unchanged(function, kept, inputs)


def expect_unchanged(function: str, kept: Mapping[str, object], now: Mapping[str, object]) -> None:
    """Each argument in `now` must still hold the values of its copy in `kept`."""
    for name, value in kept.items():
        expect(
            same_values(now[name], value),
            f"{function} changed its argument {name} in place: compute new arrays "
            "(a = a + b, not a += b) and never write into the inputs",
        )


def expect_cache(
    label: str,
    cache: object,
    fields: tuple[str, ...],
    expected: Mapping[str, object],
    sizes: Sizes,
    sources: Mapping[str, str] | None = None,
) -> None:
    """`cache` must be a tuple of `fields` in order; each field that has an entry in
    `expected` must hold that value, the others must have their notation shape.

    sources: where an expected value comes from, for messages, e.g. {"a_prev": "a0"}.
    """
    layout = f"({', '.join(fields)})"
    if not isinstance(cache, tuple | list) or len(cache) != len(fields):
        raise CheckFailure(
            f"{label} should be the tuple {layout} of {len(fields)} items, got {describe(cache)}"
        )
    for index, (field, value) in enumerate(zip(fields, cache, strict=True)):
        where = f"{label}[{index}]"
        if field not in expected:
            expect_array(field, value, sizes, label=f"{where} ({field})")
            continue
        if same_values(value, expected[field]):
            continue
        wanted = expected[field]
        should = f"{where} should be {field}" + (
            f" = {sources[field]}" if field in (sources or {}) else ""
        )
        lookalike = [f for f, v in expected.items() if f != field and same_values(value, v)]
        if lookalike:
            raise CheckFailure(f"{should}, but it holds {lookalike[0]}: the order is {layout}")
        if (
            isinstance(value, np.ndarray)
            and isinstance(wanted, np.ndarray)
            and value.shape == wanted.shape
        ):
            gap = max_abs_difference(value, wanted)
            raise CheckFailure(f"{should}, but its values differ by up to {gap:.1e}")
        raise CheckFailure(f"{should}, but it holds {describe(value)}: the order is {layout}")
