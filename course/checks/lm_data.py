"""Public check of encode_names: how a batch of names becomes inputs X, targets Y and a mask.

Each name of n characters is read as T_x = n + 1 steps: the end token 0 first ("a name
starts"), then its characters; the targets are the characters, then the end token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from course.checks.expect import CheckFailure, describe, expect, expect_tuple
from course.checks.lm_expect import quietly
from course.checks.lm_samples import PERPLEXITY_VOCABULARY
from course.checks.report import Check, run_checks

# Lengths 4, 3, 9 and 1: T_x = 10, and every name but one is padded.
ENCODE_NAMES = ("lima", "rio", "sao paulo", "a")


def _codes(name: str) -> list[int]:
    """The indices of the characters of `name`, in order."""
    return [PERPLEXITY_VOCABULARY[character] for character in name]


def _row(codes: Sequence[int], T_x: int) -> np.ndarray:
    """`codes` padded with 0 (the end token, then padding) to length T_x."""
    return np.array([*codes, *[0] * (T_x - len(codes))])


def _encode(encode_names: Callable, names: Sequence[str] = ENCODE_NAMES) -> tuple:
    """X, Y, mask from encode_names(names, char_to_ix), their types and shapes checked."""
    result = encode_names(list(names), dict(PERPLEXITY_VOCABULARY))
    outputs = expect_tuple("encode_names", result, ("X", "Y", "mask"))
    m, longest = len(names), max(map(len, names))
    wanted = (m, 1 + longest)
    for label, value in zip(("X", "Y", "mask"), outputs, strict=True):
        if not isinstance(value, np.ndarray):
            raise CheckFailure(f"{label} should be a numpy array, got {describe(value)}")
        if value.shape == (m, longest):
            raise CheckFailure(
                f"{label} should have shape (m, T_x) = {wanted}, got {value.shape}: T_x is 1 + "
                f"the length of the longest name ({longest}), as the end token comes first in "
                "X and last in Y"
            )
        expect(
            value.shape == wanted,
            f"{label} should have shape (m, T_x) = {wanted} (one row per name, T_x = 1 + the "
            f"longest name), got {value.shape}",
        )
    for label, value in zip(("X", "Y"), outputs[:2], strict=True):
        expect(
            np.issubdtype(value.dtype, np.integer),
            f"{label} should hold integer indices (dtype int), got dtype {value.dtype}",
        )
    expect(
        np.issubdtype(outputs[2].dtype, np.floating),
        f"mask should hold the floats 1.0 and 0.0, got dtype {outputs[2].dtype}",
    )
    return outputs


def _expect_start_token(encode_names: Callable) -> None:
    X = _encode(encode_names)[0]
    if np.all(X[:, 0] == 0):
        return
    first = [_codes(name)[0] for name in ENCODE_NAMES]
    if list(X[:, 0]) == first:
        raise CheckFailure(
            "X[:, 0] holds the first character of each name: every row of X starts with the "
            'end token 0 (read as "a name starts"), and the characters follow at steps 1 to '
            "len(name)"
        )
    raise CheckFailure(f"X[:, 0] should be 0 (the end token) for every name, got {X[:, 0]}")


def _expect_inputs(encode_names: Callable) -> None:
    X = _encode(encode_names)[0]
    T_x = X.shape[1]
    for i, name in enumerate(ENCODE_NAMES):
        wanted = _row([0, *_codes(name)], T_x)
        expect(
            np.array_equal(X[i], wanted),
            f"X[{i}] should be {wanted} (the end token 0, the characters of {name!r} "
            f"at steps 1 to {len(name)}, then 0), got {X[i]}",
        )


def _expect_targets(encode_names: Callable) -> None:
    X, Y, _ = _encode(encode_names)
    if np.array_equal(X, Y):
        raise CheckFailure(
            "Y equals X: the targets are not shifted. Y[i, t] is the character that comes "
            "NEXT, X[i, t + 1], so that the model learns to predict it, not to copy its input"
        )
    T_x = Y.shape[1]
    for i, name in enumerate(ENCODE_NAMES):
        wanted = _row(_codes(name), T_x)
        expect(
            np.array_equal(Y[i], wanted),
            f"Y[{i}] should be {wanted}: the characters of {name!r}, then the end token 0, "
            f"then 0 (Y[i, t] = X[i, t + 1]); got {Y[i]}",
        )


def _expect_mask(encode_names: Callable) -> None:
    mask = _encode(encode_names)[2]
    lengths = np.array([len(name) for name in ENCODE_NAMES])
    counts = mask.sum(axis=1)
    if np.array_equal(counts, lengths):
        raise CheckFailure(
            f"mask counts {lengths} targets for names of {lengths} characters: a name of n "
            "characters has n + 1 targets, its characters and then the end token 0 (which "
            "teaches the model where names stop), so mask[i, t] = 1.0 for t = 0 .. n"
        )
    if np.all(mask == 1.0):
        raise CheckFailure(
            "mask is 1.0 everywhere: it should be 0.0 on the padding after each name"
        )
    T_x = mask.shape[1]
    for i, name in enumerate(ENCODE_NAMES):
        wanted = (np.arange(T_x) <= len(name)).astype(float)
        expect(
            np.array_equal(mask[i], wanted),
            f"mask[{i}] should be {wanted} (1.0 for the {len(name)} characters of {name!r} "
            f"and the end token, then 0.0), got {mask[i]}",
        )


def _expect_one_name(encode_names: Callable) -> None:
    X, Y, mask = _encode(encode_names, ["rio"])
    expect(
        mask.shape == (1, 4) and mask.sum() == 4,
        f"a batch of the single name 'rio' should give mask [[1. 1. 1. 1.]], got {mask}",
    )


def check_encode_names(encode_names: Callable) -> None:
    """Check encode_names(names, char_to_ix) -> (X, Y, mask), each (m, T_x)."""
    f = encode_names
    run_checks(
        "encode_names",
        [
            Check(
                "returns X, Y (ints) and mask (floats) of shape (m, T_x), T_x = 1 + longest",
                quietly(lambda: _encode(f)),
                required=True,
            ),
            Check("X starts every name with the end token 0", lambda: _expect_start_token(f)),
            Check(
                "X holds the characters at steps 1 .. len(name), then 0", lambda: _expect_inputs(f)
            ),
            Check("Y is X shifted by one: the next character, then 0", lambda: _expect_targets(f)),
            Check("mask is 1.0 at the characters and the end token only", lambda: _expect_mask(f)),
            Check("a batch of one name works", lambda: _expect_one_name(f)),
        ],
    )
