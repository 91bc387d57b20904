"""Public checks of gradient clipping: clip_by_value and clip_by_global_norm.

Both take a dict of gradients ("dWax" (n_a, V), ..., "dby" (V, 1)) and return a new one.
Clipping by value moves each entry into [-max_value, max_value]; clipping by global norm
scales every gradient by one factor, max_norm / norm, when their global norm (of all
entries together, as one vector) exceeds max_norm, which keeps their direction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

import numpy as np

from course.checks.expect import (
    IDENTITY_ATOL,
    CheckFailure,
    expect_close,
    expect_leaves_inputs,
    expect_tuple,
)
from course.checks.lm_cases import PUBLIC_SIZES, RNN_KEYS, global_norm, gradient_dict
from course.checks.lm_expect import expect_dict, expect_scalar, quietly
from course.checks.report import Check, run_checks

MAX_VALUE = 2.0
# Gradients N(0, 1): their global norm is about 7.1, above CLIP_NORM and below KEEP_NORM.
CLIP_NORM, KEEP_NORM = 2.0, 20.0


def _gradients(scale: float, seed: int) -> dict[str, np.ndarray]:
    return gradient_dict(PUBLIC_SIZES, scale, seed)


# clip_by_value


def _clip_value(clip_by_value: Callable, gradients: Mapping[str, np.ndarray]) -> dict:
    clipped = clip_by_value(gradients, MAX_VALUE)
    return expect_dict("the clipped dict", clipped, RNN_KEYS, PUBLIC_SIZES)


def _expect_clipped_where(clip_by_value: Callable, region: str) -> None:
    """Entries of the original in `region` ("inside", "above", "below") end up right."""
    gradients = _gradients(3.0, seed=21)
    original = copy.deepcopy(gradients)
    clipped = _clip_value(clip_by_value, gradients)
    for key, g in original.items():
        where = {
            "inside": np.abs(g) <= MAX_VALUE,
            "above": g > MAX_VALUE,
            "below": g < -MAX_VALUE,
        }[region]
        wanted = {"inside": g, "above": MAX_VALUE, "below": -MAX_VALUE}[region]
        got = clipped[key]
        off = where & ~np.isclose(got, wanted, rtol=0.0, atol=IDENTITY_ATOL)
        if not np.any(off):
            continue
        index = tuple(int(i) for i in np.argwhere(off)[0])
        message = {
            "inside": "entries already inside [-max_value, max_value] must stay as they are",
            "above": "entries above max_value become max_value",
            "below": "entries below -max_value become -max_value: is the lower bound "
            "clipped too, not only the upper one?",
        }[region]
        raise CheckFailure(
            f"{key}{list(index)} was {g[index]:.4g} and became {got[index]:.4g} with max_value "
            f"= {MAX_VALUE:g}: {message}"
        )


def _expect_value_input_unchanged(clip_by_value: Callable) -> None:
    gradients = _gradients(3.0, seed=21)
    call = lambda: clip_by_value(gradients, MAX_VALUE)  # noqa: E731
    expect_leaves_inputs("clip_by_value", {"gradients": gradients}, call)


def check_clip_by_value(clip_by_value: Callable) -> None:
    """Check clip_by_value(gradients, max_value) -> a new dict of clipped gradients."""
    f = clip_by_value
    run_checks(
        "clip_by_value",
        [
            Check(
                "returns a dict with the keys and shapes of gradients",
                quietly(lambda: _clip_value(f, _gradients(3.0, seed=21))),
                required=True,
            ),
            Check(
                "entries inside [-max_value, max_value] are unchanged",
                lambda: _expect_clipped_where(f, "inside"),
            ),
            Check(
                "entries above max_value become max_value",
                lambda: _expect_clipped_where(f, "above"),
            ),
            Check(
                "entries below -max_value become -max_value",
                lambda: _expect_clipped_where(f, "below"),
            ),
            Check("leaves gradients unchanged", lambda: _expect_value_input_unchanged(f)),
        ],
    )


# clip_by_global_norm


def _clip_norm(
    clip_by_global_norm: Callable, gradients: Mapping[str, np.ndarray], max_norm: float
) -> tuple[dict, float]:
    result = clip_by_global_norm(gradients, max_norm)
    clipped, norm = expect_tuple("clip_by_global_norm", result, ("clipped", "norm"))
    expect_dict("the clipped dict", clipped, RNN_KEYS, PUBLIC_SIZES)
    return clipped, expect_scalar("norm", norm)


def _expect_global_norm(clip_by_global_norm: Callable) -> None:
    gradients = _gradients(1.0, seed=22)
    expected = global_norm(gradients)
    norm = _clip_norm(clip_by_global_norm, copy.deepcopy(gradients), CLIP_NORM)[1]
    if np.isclose(norm, expected, rtol=1e-9):
        return
    each = {key: float(np.linalg.norm(g)) for key, g in gradients.items()}
    wrong = {
        "the sum of the squares: the norm is its square root": expected**2,
        f"the norm after clipping (max_norm = {CLIP_NORM:g}): return the norm of the "
        "gradients you were given": CLIP_NORM,
        "the sum of the arrays' own norms: the global norm is the square root of the sum "
        "of the squares of every entry of every gradient": sum(each.values()),
        "the norm of the last gradient only: add up the squares of all of them": each["dby"],
        "the largest of the arrays' own norms: the global norm takes every gradient together": max(
            each.values()
        ),
    }
    why = next((w for w, value in wrong.items() if np.isclose(norm, value, rtol=1e-9)), "")
    raise CheckFailure(
        f"norm should be the global norm of all gradients together, sqrt(sum over every "
        f"gradient of its squared entries) = {expected:.6f}, got {norm:.6f}"
        + (f": it looks like {why}" if why else "")
    )


def _factors(clipped: Mapping[str, np.ndarray], gradients: Mapping[str, np.ndarray]) -> dict:
    """For each key, the factor c that makes clipped = c * gradient closest."""
    return {key: float(np.sum(clipped[key] * g) / np.sum(g * g)) for key, g in gradients.items()}


def _expect_scaled(clip_by_global_norm: Callable) -> None:
    gradients = _gradients(1.0, seed=22)
    norm = global_norm(gradients)
    clipped = _clip_norm(clip_by_global_norm, copy.deepcopy(gradients), CLIP_NORM)[0]
    factor = CLIP_NORM / norm
    factors = _factors(clipped, gradients)
    if max(factors.values()) - min(factors.values()) > 1e-9:
        listed = ", ".join(f"{key} by {c:.3f}" for key, c in factors.items())
        raise CheckFailure(
            f"the gradients were scaled by different factors ({listed}): clipping by global "
            f"norm scales every gradient by the same factor, max_norm / norm = {factor:.3f}, "
            "where norm is the norm of all of them together (not of each one)"
        )
    for key, g in gradients.items():
        expect_close(
            key,
            clipped[key],
            factor * g,
            f"with a global norm of {norm:.3f} above max_norm = {CLIP_NORM:g}, every gradient "
            f"should be multiplied by max_norm / norm = {factor:.4f}, got a factor "
            f"{factors[key]:.4f}",
        )


def _expect_kept(clip_by_global_norm: Callable) -> None:
    gradients = _gradients(1.0, seed=22)
    clipped = _clip_norm(clip_by_global_norm, copy.deepcopy(gradients), KEEP_NORM)[0]
    factors = _factors(clipped, gradients)
    for key, g in gradients.items():
        expect_close(
            key,
            clipped[key],
            g,
            f"the global norm {global_norm(gradients):.3f} is below max_norm = {KEEP_NORM:g}, "
            f"so the gradients must stay as they are, but {key} was scaled by "
            f"{factors[key]:.4f}: scale them only when the norm exceeds max_norm",
        )


def _expect_norm_input_unchanged(clip_by_global_norm: Callable) -> None:
    gradients = _gradients(1.0, seed=22)
    call = lambda: clip_by_global_norm(gradients, CLIP_NORM)  # noqa: E731
    expect_leaves_inputs("clip_by_global_norm", {"gradients": gradients}, call)


def check_clip_by_global_norm(clip_by_global_norm: Callable) -> None:
    """Check clip_by_global_norm(gradients, max_norm) -> (clipped, norm)."""
    f = clip_by_global_norm
    run_checks(
        "clip_by_global_norm",
        [
            Check(
                "returns a dict with the keys and shapes of gradients, and a float norm",
                quietly(lambda: _clip_norm(f, _gradients(1.0, seed=22), CLIP_NORM)),
                required=True,
            ),
            Check(
                "norm is the global norm of all gradients, before clipping",
                lambda: _expect_global_norm(f),
            ),
            Check(
                "above max_norm, every gradient is scaled by max_norm / norm",
                lambda: _expect_scaled(f),
            ),
            Check("at or below max_norm, the gradients are unchanged", lambda: _expect_kept(f)),
            Check("leaves gradients unchanged", lambda: _expect_norm_input_unchanged(f)),
        ],
    )
