"""The sampler check of autograder.stochastic: its false-alarm bound holds, its transform
is uniform for a correct sampler, and it rejects a sampler that draws from the wrong
distribution. Everything here is seeded: no test depends on luck or timing."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import stochastic
from autograder.assignment import Case

ALPHA = 0.05  # a level high enough to count rejections in a few thousand trials


def test_threshold_is_massarts_bound() -> None:
    n, alpha = 1000, 1e-6
    epsilon = stochastic.threshold(n, alpha)
    assert 2 * np.exp(-2 * n * epsilon**2) == pytest.approx(alpha)


def test_ks_distance_of_known_samples() -> None:
    assert stochastic.ks_distance(np.array([0.5])) == pytest.approx(0.5)
    assert stochastic.ks_distance((np.arange(100) + 0.5) / 100) == pytest.approx(0.005)
    assert stochastic.ks_distance(np.zeros(10)) == pytest.approx(1.0)


def test_uniform_samples_are_rejected_at_most_alpha_of_the_time() -> None:
    rng = np.random.default_rng(0)
    trials, n = 4000, 300
    rejected = sum(
        stochastic.ks_distance(rng.random(n)) > stochastic.threshold(n, ALPHA)
        for _ in range(trials)
    )
    # DKW is conservative: the true rate is below ALPHA; allow 3 standard deviations.
    assert rejected / trials <= ALPHA + 3 * np.sqrt(ALPHA * (1 - ALPHA) / trials)


# A toy sampler: draws of up to 3 categorical choices, stopping at 0 (like a name ending).
P = np.array([0.2, 0.5, 0.3])


def toy_probabilities(function: str, case: Case, draws: list, reference) -> tuple:
    below = np.full((len(draws), 3), np.nan)
    probability = np.full((len(draws), 3), np.nan)
    order = np.argsort(-P, kind="stable")
    rank_below = {int(ix): P[order[:k]].sum() for k, ix in enumerate(order)}
    for i, draw in enumerate(draws):
        for t, ix in enumerate(draw):
            below[i, t], probability[i, t] = rank_below[ix], P[ix]
    return below, probability


def toy_draws(rng: np.random.Generator, count: int, p: np.ndarray) -> list[list[int]]:
    draws = []
    for _ in range(count):
        draw = []
        while len(draw) < 3:
            draw.append(int(rng.choice(3, p=p)))
            if draw[-1] == 0:
                break
        draws.append(draw)
    return draws


def judge(draws: list, seed: int) -> str | None:
    case = Case("toy", (), {}, draws=len(draws), steps_per_draw=3)
    verdict, _ = stochastic.judge(
        case, draws, toy_probabilities, "toy", {}, np.random.default_rng(seed), 1e-6
    )
    return verdict


@pytest.mark.parametrize("seed", range(5))
def test_correct_draws_pass(seed: int) -> None:
    rng = np.random.default_rng(seed)
    assert judge(toy_draws(rng, 400, P), seed) is None


def test_transforms_of_correct_draws_are_uniform() -> None:
    rng = np.random.default_rng(1)
    draws = toy_draws(rng, 3000, P)
    below, probability = toy_probabilities("toy", None, draws, None)
    u = stochastic.transformed(below, probability, np.random.default_rng(2))
    assert stochastic.ks_distance(u) <= stochastic.threshold(u.size, 1e-3)


@pytest.mark.parametrize(
    "wrong", [np.array([0.3, 0.4, 0.3]), np.array([0.1, 0.7, 0.2])], ids=["flatter", "sharper"]
)
def test_draws_from_another_distribution_fail(wrong: np.ndarray) -> None:
    rng = np.random.default_rng(3)
    verdict = judge(toy_draws(rng, 1000, wrong), 3)
    assert verdict is not None and "not distributed as the model's probabilities" in verdict


def test_an_impossible_choice_fails_at_once() -> None:
    def never_two(function, case, draws, reference):
        below, probability = toy_probabilities(function, case, draws, reference)
        return below, np.where(np.isnan(probability), np.nan, 0.0)

    case = Case("toy", (), {}, draws=1, steps_per_draw=3)
    verdict, _ = stochastic.judge(
        case, [[2, 0]], never_two, "toy", {}, np.random.default_rng(0), 1e-6
    )
    assert "probability 0" in verdict


def test_same_distribution_tells_samples_apart() -> None:
    rng = np.random.default_rng(4)
    u, w = rng.random(2000), rng.random(2000)
    assert stochastic.same_distribution(u, w)
    assert not stochastic.same_distribution(u, rng.random(2000) ** 2)
