"""Grading a stochastic function (a sampler): are its draws distributed as they should be?

A correct sampler may draw its random numbers in any way it likes (`rng.choice`, a
cumulative sum and `rng.random()`, the Gumbel-max trick, ...), so its draws cannot be
compared value by value. They are compared in distribution instead, with a test whose
false-alarm rate is bounded exactly, not asymptotically:

1. The assignment gives, for every step of every draw, the probability p the reference
   model gives the value drawn there, given the draw's earlier values, and the total
   probability F of the values it ranks before it (`Assignment.draw_probabilities`).
2. Each step becomes u = F + p·v, with v uniform on [0, 1) from the grader's own random
   source (the randomized probability integral transform). If the sampler is correct,
   every u is uniform on [0, 1) given everything before it, so the u of one draw are
   independent and uniform (Rosenblatt's transform; Brockwell 2007 for the randomized,
   discrete form). A draw that stopped early (at its end token) is padded with fresh
   uniforms of the grader's, up to `Case.steps_per_draw`: every draw then gives exactly
   that many values, and `Case.draws` draws give n independent uniforms in all.
3. The Kolmogorov-Smirnov distance D of n such values from the uniform distribution is
   compared with ε(n, β) = sqrt(ln(2/β) / 2n). By the Dvoretzky-Kiefer-Wolfowitz
   inequality with Massart's constant, P(D > ε) ≤ 2·exp(−2nε²) = β for every n. A case
   makes L + 1 such tests, L = steps_per_draw: all the values together, and the values
   of each step t on their own (a mistake at the first step only, such as a prefix not
   read, stands out there), each with β = α / (L + 1); by the union bound a correct
   sampler fails a case with probability at most α.
With α = FALSE_ALARM / (stochastic cases of the function), a correct sampler loses points
with probability at most FALSE_ALARM = 1e-6 per student (union bound over its cases),
treating numpy's generator as truly random. A draw the reference gives probability 0 (an
impossible value) fails at once: that never happens to correct code.

Where the grader's and the sampler's random numbers come from is fixed by the secret,
the student and their code, so grading the same submission twice gives the same result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from autograder.assignment import Case, DrawProbabilities

FALSE_ALARM = 1e-6


def threshold(n: int, alpha: float) -> float:
    """ε with P(D > ε) ≤ alpha for n independent uniforms (DKW, Massart's constant)."""
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * n))


def ks_distance(u: np.ndarray) -> float:
    """The Kolmogorov-Smirnov distance of the values u from the uniform on [0, 1)."""
    u = np.sort(np.asarray(u, dtype=float).ravel())
    n = u.size
    ranks = np.arange(1, n + 1) / n
    return float(max(np.max(ranks - u), np.max(u - (ranks - 1.0 / n))))


def transformed(
    below: np.ndarray, probability: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The randomized probability integral transforms u of every step (padding: fresh
    uniforms); below, probability: (draws, steps_per_draw), NaN past each draw's end."""
    v = rng.random(below.shape)
    padding = np.isnan(probability)
    return np.where(padding, rng.random(below.shape), np.nan_to_num(below + probability * v))


def judge(
    case: Case,
    draws: list,
    draw_probabilities: DrawProbabilities,
    function: str,
    reference: Mapping[str, Callable],
    rng: np.random.Generator,
    alpha: float,
) -> tuple[str | None, np.ndarray | None]:
    """(None if the draws pass, else why not; their transforms u, for the diagnosis)."""
    found = draw_probabilities(function, case, draws, reference)
    if isinstance(found, str):
        return found, None
    below, probability = found
    if np.any(probability == 0.0):
        draw, step = (int(i) for i in np.argwhere(probability == 0.0)[0])
        return (
            f"draw {draw + 1} made, at step {step + 1}, a choice the model gives "
            "probability 0: it cannot come from the model's distribution"
        ), None
    u = transformed(below, probability, rng)
    beta = alpha / (u.shape[1] + 1)
    tests = [("all steps", u)] + [(f"step {t + 1}", u[:, t]) for t in range(u.shape[1])]
    for label, values in tests:
        distance, limit = ks_distance(values), threshold(values.size, beta)
        if distance > limit:
            return (
                f"over {len(draws)} draws, the choices ({label}) are not distributed as the "
                f"model's probabilities say (distance {distance:.3f} from the expected "
                f"distribution, more than {limit:.3f}; correct code fails this check with "
                f"probability below {alpha:.1g})"
            ), u
    return None, u


def same_distribution(u: np.ndarray, w: np.ndarray, alpha: float = 1e-3) -> bool:
    """Whether two sets of transforms look alike (the Kolmogorov-Smirnov test for two
    samples, at level about alpha): matches a wrong sampler with a catalogued mistake."""
    u, w = np.sort(u.ravel()), np.sort(w.ravel())
    grid = np.concatenate([u, w])
    gap = np.max(np.abs(np.searchsorted(u, grid, "right") / u.size - np.searchsorted(
        w, grid, "right") / w.size))
    n = u.size * w.size / (u.size + w.size)
    return bool(gap <= math.sqrt(math.log(2.0 / alpha) / (2.0 * n)))
