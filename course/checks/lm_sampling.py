"""Public check of sample: names drawn from a tiny model whose distributions are known.

The model is a hand-set RNN over V = 4 characters with n_a = 4 units: Wax = 2 I, Waa = 0,
ba = 0, by = 0 and Wya = LOGITS / tanh(2). After reading character k the hidden state is
tanh(2) e_k, so the scores of the next character are exactly LOGITS[:, k]: the model is a
table of next-character distributions, softmax(LOGITS[:, k] / temperature), and what it
samples after a prefix depends only on the prefix's last character (the end token 0 when
the prefix is empty). Its greedy path from the start is 2, 3, 1, then the end token 0.

Random draws are judged with the Dvoretzky-Kiefer-Wolfowitz inequality (Massart's tight
constant): for N independent draws from a distribution with cumulative distribution F,
the empirical one F_N satisfies P(max_k |F_N(k) - F(k)| > eps) <= 2 exp(-2 N eps²). With
eps = sqrt(log(2 / FALSE_ALARM) / (2 N)) a correct sampler fails one test with
probability at most FALSE_ALARM = 1e-7, so at most 3e-7 for the three tests below: below
1e-6, whatever generator it draws from (rng.choice, rng.random, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from course.activations import softmax
from course.checks.expect import CheckFailure, describe, expect
from course.checks.lm_expect import quietly
from course.checks.report import Check, run_checks

V = 4
# LOGITS[:, k]: the scores of the next character after reading character k.
LOGITS = np.array(
    [
        [0.0, -0.5, 1.0, 0.3],  # after the end token (the start of a name): argmax 2
        [1.2, 0.0, -0.3, 0.4],  # after 1: argmax 0, the end token
        [0.1, -0.2, 0.3, 1.1],  # after 2: argmax 3
        [0.2, 1.5, -0.5, 0.0],  # after 3: argmax 1
    ]
).T
GREEDY = [2, 3, 1, 0]
DRAWS = 2000
FALSE_ALARM = 1e-7
EPS = float(np.sqrt(np.log(2 / FALSE_ALARM) / (2 * DRAWS)))  # 0.065 for 2000 draws
SEED = 2024


def tiny_model() -> dict[str, np.ndarray]:
    """The parameters of the model above (an RNN: Wax, Waa, ba, Wya, by)."""
    return {
        "Wax": 2.0 * np.eye(V),
        "Waa": np.zeros((V, V)),
        "ba": np.zeros((V, 1)),
        "Wya": LOGITS / np.tanh(2.0),
        "by": np.zeros((V, 1)),
    }


def _sample(
    sample: Callable,
    temperature: float,
    max_length: int,
    prefix: Sequence[int] = (),
    rng: np.random.Generator | None = None,
) -> list[int]:
    """One call of sample on the tiny model, its result's structure checked."""
    rng = np.random.default_rng(SEED) if rng is None else rng
    indices = sample(tiny_model(), rng, temperature, max_length, list(prefix))
    if not isinstance(indices, list):
        raise CheckFailure(f"sample should return a list of indices, got {describe(indices)}")
    expect(
        len(indices) > 0,
        f"sample returned an empty list (max_length = {max_length}): it samples at least one "
        "index, and when that is the end token 0 it is in the list",
    )
    for ix in indices:
        expect(
            isinstance(ix, int | np.integer) and not isinstance(ix, bool) and 0 <= ix < V,
            f"every index should be an int in 0..V-1 = 0..{V - 1}, got {ix!r} in {indices}",
        )
    return [int(ix) for ix in indices]


def _expect_names(sample: Callable) -> None:
    rng = np.random.default_rng(SEED)
    max_length = 5
    for _ in range(200):
        indices = _sample(sample, 1.0, max_length, rng=rng)
        expect(
            0 < len(indices) <= max_length,
            f"with max_length = {max_length} a name has 1 to {max_length} indices, got {indices}",
        )
        expect(
            0 not in indices[:-1],
            f"got {indices}: the end token 0 ends a name, so stop right after appending it",
        )
        expect(
            indices[-1] == 0 or len(indices) == max_length,
            f"got {indices} with max_length = {max_length}: sampling stops only at the end "
            "token 0 (which is appended) or after max_length characters",
        )


def _expect_greedy(sample: Callable) -> None:
    got = _sample(sample, 0.0, 10)
    if got == GREEDY:
        return
    if got == GREEDY[:-1]:
        hint = "the end token 0 is missing at the end: append it, then stop"
    elif got[:1] == GREEDY[:1] and set(got) == {GREEDY[0]}:
        hint = (
            "the same character again and again: feed each sampled character back as the "
            "next input x<t+1>"
        )
    else:
        hint = "at temperature 0 take the character of largest score Wya a<t> + by at every step"
    raise CheckFailure(
        f"at temperature 0 this model's path is {GREEDY} (2 is the most likely first "
        f"character, 3 the most likely after 2, ...), got {got}: {hint}"
    )


def _expect_max_length(sample: Callable) -> None:
    for max_length in (1, 3, 4):
        got = _sample(sample, 0.0, max_length)
        wanted = GREEDY[:max_length]
        expect(
            got == wanted,
            f"with max_length = {max_length} the greedy path is {wanted}, got {got}: at most "
            "max_length indices, the end token included (stop when it is drawn)",
        )


def _expect_greedy_prefix(sample: Callable) -> None:
    for prefix in ([3], [2, 3]):
        got = _sample(sample, 0.0, 10, prefix)
        if got == [1, 0]:
            continue
        if got == GREEDY:
            hint = "that is the path from an empty prefix: read the prefix before sampling"
        elif got[: len(prefix)] == prefix:
            hint = "the returned list should hold the new characters only, not the prefix"
        else:
            hint = "read the end token 0, then the prefix, then sample from the state reached"
        raise CheckFailure(
            f"after the prefix {prefix} the greedy continuation is [1, 0] (the most likely "
            f"after 3 is 1, then the end token), got {got}: {hint}"
        )


def _distance(counts: np.ndarray, p: np.ndarray) -> float:
    """The largest gap between the empirical and the true cumulative distributions."""
    return float(np.max(np.abs(np.cumsum(counts) / counts.sum() - np.cumsum(p))))


def _expect_distribution(
    sample: Callable,
    temperature: float,
    prefix: Sequence[int],
    expected: np.ndarray,
    wrong: Mapping[str, np.ndarray],
) -> str:
    """DRAWS first characters after `prefix` must follow `expected` (a DKW test)."""
    rng = np.random.default_rng(SEED)
    first = [_sample(sample, temperature, 1, prefix, rng) for _ in range(DRAWS)]
    counts = np.bincount([indices[0] for indices in first], minlength=V)
    gap = _distance(counts, expected)
    if gap <= EPS:
        return f"largest gap {gap:.3f} <= {EPS:.3f}"
    why = next((w for w, p in wrong.items() if _distance(counts, p) <= EPS), "")
    which = (
        f"characters drawn after the prefix {list(prefix)}" if prefix else "first characters drawn"
    )
    raise CheckFailure(
        f"the {which} at temperature {temperature:g} have frequencies "
        f"{np.round(counts / DRAWS, 3)}, but the model gives {np.round(expected, 3)} "
        f"(gap {gap:.3f} in the cumulative frequencies, more than chance allows, {EPS:.3f})"
        + (f": {why}" if why else "")
    )


def _expect_draws(sample: Callable) -> str:
    z = LOGITS[:, 0]
    greedy = np.eye(V)[GREEDY[0]]
    return _expect_distribution(
        sample,
        1.0,
        [],
        softmax(z),
        {
            "it always takes the most likely character: draw at random from "
            "softmax(z / temperature) above temperature 0": greedy,
            "this is softmax(by) (all characters alike here): the first character comes from "
            "the state after reading the end token 0": np.full(V, 1 / V),
        },
    )


def _expect_temperature(sample: Callable) -> str:
    z, t = LOGITS[:, 0], 0.5
    return _expect_distribution(
        sample,
        t,
        [],
        softmax(z / t),
        {
            "these are the frequencies of temperature 1: divide the scores z by the "
            "temperature before the softmax": softmax(z),
            "the temperature is applied after the softmax: divide the scores z by it, "
            "then take the softmax": softmax(softmax(z) / t),
            "the scores are multiplied by the temperature: divide them by it": softmax(z * t),
        },
    )


def _expect_prefix_draws(sample: Callable) -> str:
    return _expect_distribution(
        sample,
        1.0,
        [1, 3],
        softmax(LOGITS[:, 3]),
        {
            "those of the start of a name: the prefix is not read before sampling": softmax(
                LOGITS[:, 0]
            ),
            "those after reading 1 only: read the whole prefix, in order": softmax(LOGITS[:, 1]),
        },
    )


def check_sample(sample: Callable) -> None:
    """Check sample(parameters, rng, temperature, max_length, prefix) -> list of indices,
    on a tiny model whose distributions are known (see this module's docstring)."""
    f = sample
    run_checks(
        "sample",
        [
            Check(
                "returns a list of ints in 0..V-1",
                quietly(lambda: _sample(f, 1.0, 6)),
                required=True,
            ),
            Check("names end with the end token 0, or at max_length", lambda: _expect_names(f)),
            Check("temperature 0 follows the most likely characters", lambda: _expect_greedy(f)),
            Check(
                "max_length counts every index, the end token too", lambda: _expect_max_length(f)
            ),
            Check("continues the prefix (temperature 0)", lambda: _expect_greedy_prefix(f)),
            Check("draws at temperature 1 follow softmax(z)", lambda: _expect_draws(f)),
            Check(
                "draws at temperature 0.5 follow softmax(z / 0.5)", lambda: _expect_temperature(f)
            ),
            Check(
                "draws after a prefix follow the model given it", lambda: _expect_prefix_draws(f)
            ),
        ],
    )
