"""Public checks of the model's predictions and their loss: softmax and lm_loss.

y_hat<t> = softmax(Wya a<t> + by), a probability vector over the V characters for every
name i and step t; the loss of a batch is the mean, over its N = sum(mask) real targets,
of the cross-entropy -log y_hat[Y[i, t], i, t].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from course.activations import softmax as stable_softmax
from course.checks.expect import (
    IDENTITY_ATOL,
    CheckFailure,
    describe,
    expect,
    expect_array,
    expect_close,
    expect_leaves_inputs,
    expect_tuple,
    expect_unchanged,
    max_abs_difference,
)
from course.checks.lm_cases import PUBLIC_SIZES, LMSizes, loss_inputs
from course.checks.lm_expect import (
    expect_scalar,
    likely_mistake,
    quietly,
    same_number,
)
from course.checks.lm_samples import (
    expect_matches,
    load_sample,
)
from course.checks.report import Check, run_checks

_AXES = {1: "axis 1 (the m examples)", 2: "axis 2 (the T_x time steps)"}


# softmax


def _scores(shape: tuple[int, ...] = (5, 3, 4), seed: int = 1) -> np.ndarray:
    """Scores z of shape (V, m, T_x) = (5, 3, 4) by default, of order 2."""
    return 2.0 * np.random.default_rng(seed).standard_normal(shape)


def _softmax(softmax: Callable, z: np.ndarray) -> np.ndarray:
    p = softmax(z)
    if not isinstance(p, np.ndarray):
        raise CheckFailure(f"softmax should return a numpy array, got {describe(p)}")
    expect(p.shape == z.shape, f"softmax(z) should have the shape of z, {z.shape}, got {p.shape}")
    expect(np.issubdtype(p.dtype, np.floating), f"p should hold floats, got dtype {p.dtype}")
    return p


def _expect_sums(softmax: Callable, z: np.ndarray) -> None:
    p = _softmax(softmax, z)
    if not np.all(np.isfinite(p)):
        raise CheckFailure(f"softmax(z) contains {p[~np.isfinite(p)][0]} for scores of order 2")
    expect(bool(np.all(p >= 0)), "p has negative entries: it should hold probabilities")
    gap = max_abs_difference(p.sum(axis=0), np.ones(p.shape[1:]))
    if gap <= IDENTITY_ATOL:
        return
    for axis, label in _AXES.items():
        if axis < p.ndim and np.allclose(p.sum(axis=axis), 1.0, rtol=0.0, atol=IDENTITY_ATOL):
            raise CheckFailure(
                f"p sums to 1 over {label} instead of axis 0: each column p[:, i, t] holds "
                "the probabilities of the V characters, so normalize over axis 0"
            )
    raise CheckFailure(f"each p[:, i, t] should sum to 1, but is off by up to {gap:.1e}")


def _expect_ratios(softmax: Callable) -> None:
    z = _scores()
    p = _softmax(softmax, z)
    expect(bool(np.all(p > 0)), "p has entries <= 0: exp of a finite score is positive")
    expect_close(
        "log p[v] - log p[0]",
        np.log(p) - np.log(p[:1]),
        z - z[:1],
        "p[:, i, t] should be proportional to exp(z[:, i, t]), so log p[v] - log p[0] = "
        "z[v] - z[0]: is exp applied to z, and the result divided by its sum over axis 0?",
    )


def _expect_large_scores(softmax: Callable) -> None:
    z = _scores()
    p = _softmax(softmax, z)
    for shift in (1000.0, -1000.0):
        shifted = _softmax(softmax, z + shift)
        label = f"softmax(z {'+' if shift > 0 else '-'} {abs(shift):.0f})"
        if not np.all(np.isfinite(shifted)):
            bad = shifted[~np.isfinite(shifted)][0]
            raise CheckFailure(
                f"{label} contains {bad}: exp({shift:.0f}) "
                f"{'overflows to inf' if shift > 0 else 'underflows to 0'} and the division "
                "gives nan. Subtract each column's maximum from z before exp: the softmax "
                "does not change when the same number is added to every score of a column"
            )
        expect_close(
            label,
            shifted,
            p,
            "adding the same number to every score of a column must not change the softmax",
        )


def _expect_z_unchanged(softmax: Callable) -> None:
    z = _scores()
    kept = z.copy()
    softmax(z)
    expect_unchanged("softmax", {"z": kept}, {"z": z})


def check_softmax(softmax: Callable) -> None:
    """Check softmax(z) -> p over axis 0, for scores z of shape (V, ...)."""
    run_checks(
        "softmax",
        [
            Check(
                "returns floats of the shape of z, (V, m, T_x)",
                quietly(lambda: _softmax(softmax, _scores())),
                required=True,
            ),
            Check(
                "each p[:, i, t] is non-negative and sums to 1",
                lambda: _expect_sums(softmax, _scores()),
            ),
            Check("p is proportional to exp(z) in each column", lambda: _expect_ratios(softmax)),
            Check(
                "works on scores of shape (V, m) too",
                lambda: _expect_sums(softmax, _scores((5, 3), seed=2)),
            ),
            Check("no overflow for scores like z ± 1000", lambda: _expect_large_scores(softmax)),
            Check("leaves z unchanged", lambda: _expect_z_unchanged(softmax)),
        ],
    )


# lm_loss


def _loss(lm_loss: Callable, values: Mapping[str, Any] | None = None) -> tuple[float, np.ndarray]:
    """(loss, y_hat) of lm_loss on `values` (default: the public case), checked."""
    values = loss_inputs() if values is None else values
    result = lm_loss(values["a"], values["Y"], values["mask"], values["parameters"])
    loss, y_hat = expect_tuple("lm_loss", result, ("loss", "y_hat"))
    n_a, m, T_x = values["a"].shape
    expect_array("y_hat", y_hat, LMSizes.of(len(values["parameters"]["by"]), n_a, m, T_x))
    return expect_scalar("loss", loss), y_hat


def _expect_probabilities(lm_loss: Callable) -> None:
    y_hat = _loss(lm_loss)[1]
    expect(bool(np.all(y_hat >= 0)), "y_hat has negative entries: it should hold probabilities")
    gap = max_abs_difference(y_hat.sum(axis=0), np.ones(y_hat.shape[1:]))
    expect(
        gap <= IDENTITY_ATOL,
        f"each y_hat[:, i, t] (the V probabilities of the next character) should sum to 1, "
        f"but is off by up to {gap:.1e}: is the softmax taken over axis 0?",
    )


def _expect_output_bias_only(lm_loss: Callable) -> None:
    values = loss_inputs()
    values["parameters"]["Wya"][...] = 0.0
    y_hat = _loss(lm_loss, values)[1]
    by = values["parameters"]["by"]
    expect_close(
        "y_hat",
        y_hat,
        np.broadcast_to(stable_softmax(by)[:, :, np.newaxis], y_hat.shape),
        "with Wya = 0 every y_hat[:, i, t] should be softmax(by): is y_hat<t> the softmax of "
        "Wya a<t> + by, with by added to every column?",
    )


def _expect_positions_apart(lm_loss: Callable) -> None:
    before = _loss(lm_loss)[1]
    values = loss_inputs()
    values["a"][:, 0, 0] += 1.0
    after = _loss(lm_loss, values)[1]
    others = np.ones(after.shape[1:], dtype=bool)
    others[0, 0] = False
    expect(
        max_abs_difference(after[:, 0, 0], before[:, 0, 0]) > IDENTITY_ATOL,
        "changing a<1> of name 0 (a[:, 0, 0]) did not change y_hat[:, 0, 0]: is y_hat<t> "
        "computed from a<t>?",
    )
    expect_close(
        "y_hat at the other positions",
        after[:, others],
        before[:, others],
        "changing a[:, 0, 0] changed other names or time steps: y_hat[:, i, t] depends on "
        "a[:, i, t] only (Wya multiplies the n_a axis of a, keeping the m and T_x axes)",
    )


def _target_entropies(y_hat: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """-log y_hat[Y[i, t], i, t], shape (m, T_x)."""
    return -np.log(np.take_along_axis(y_hat, Y[np.newaxis], axis=0)[0])


def _wrong_losses(entropies: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """What typical mistakes compute instead of the mean over the N real targets."""
    masked, N, m = float(np.sum(mask * entropies)), float(np.sum(mask)), mask.shape[0]
    return {
        f"the SUM over the N = {N:.0f} real targets, not their mean": masked,
        f"divided by m = {m} (names), not by N = sum(mask) = {N:.0f} (real targets)": masked / m,
        f"the mean over all m * T_x = {mask.size} positions: the padding (mask = 0) counts "
        f"too; use only the N = {N:.0f} real targets": float(np.mean(entropies)),
        "the padding is in the sum: multiply each -log y_hat[Y[i, t], i, t] by mask[i, t] "
        "before adding up": float(np.sum(entropies)) / N,
    }


def _expect_uniform_loss(lm_loss: Callable) -> None:
    values = loss_inputs()
    values["parameters"]["Wya"][...] = 0.0
    values["parameters"]["by"][...] = 0.0
    loss = _loss(lm_loss, values)[0]
    V = PUBLIC_SIZES.V
    if not same_number(loss, np.log(V)):
        entropies = np.full(values["mask"].shape, np.log(V))
        raise CheckFailure(
            f"with Wya = 0 and by = 0 every y_hat is 1/V, so the loss should be log V = "
            f"{np.log(V):.6f}, got {loss:.6f}"
            + likely_mistake(loss, _wrong_losses(entropies, values["mask"]))
        )


def _expect_mean_over_targets(lm_loss: Callable) -> None:
    values = loss_inputs()
    loss, y_hat = _loss(lm_loss, values)
    entropies = _target_entropies(y_hat, values["Y"])
    mask = values["mask"]
    expected = float(np.sum(mask * entropies) / np.sum(mask))
    if not same_number(loss, expected):
        raise CheckFailure(
            f"loss is {loss:.6f}, but the mean of -log y_hat[Y[i, t], i, t] (from your y_hat) "
            f"over the N = sum(mask) = {np.sum(mask):.0f} real targets is {expected:.6f}"
            + likely_mistake(loss, _wrong_losses(entropies, mask))
        )


def _expect_loss_sample(lm_loss: Callable) -> None:
    sample = load_sample("lm_loss")
    loss, y_hat = _loss(lm_loss, sample["inputs"])
    expect_matches({"loss": loss, "y_hat": y_hat}, sample["outputs"])


def _expect_loss_inputs_unchanged(lm_loss: Callable) -> None:
    values = loss_inputs()
    expect_leaves_inputs("lm_loss", values, lambda: _loss(lm_loss, values))


def check_lm_loss(lm_loss: Callable) -> None:
    """Check lm_loss(a, Y, mask, parameters) -> (loss, y_hat (V, m, T_x))."""
    f = lm_loss
    run_checks(
        "lm_loss",
        [
            Check(
                "returns loss (a float) and y_hat (V, m, T_x)",
                quietly(lambda: _loss(f)),
                required=True,
            ),
            Check("each y_hat[:, i, t] is a probability vector", lambda: _expect_probabilities(f)),
            Check(
                "with Wya = 0, each y_hat[:, i, t] is softmax(by)",
                lambda: _expect_output_bias_only(f),
            ),
            Check("y_hat[:, i, t] depends on a[:, i, t] only", lambda: _expect_positions_apart(f)),
            Check("predicting 1/V everywhere gives loss log V", lambda: _expect_uniform_loss(f)),
            Check(
                "loss is the mean of -log y_hat over the real targets (mask = 1)",
                lambda: _expect_mean_over_targets(f),
            ),
            Check("leaves its inputs unchanged", lambda: _expect_loss_inputs_unchanged(f)),
            Check("matches the published sample output", lambda: _expect_loss_sample(f)),
        ],
    )
