"""Public check of perplexity: exp of the mean cross-entropy per target, over every target
of every name, whatever the batches the names are read in.

A model that gives every character probability 1/V has perplexity V: the perplexity is
the number of characters the model hesitates between, on average.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from course.checks.expect import CheckFailure, expect, expect_leaves_inputs
from course.checks.lm_cases import lm_parameters
from course.checks.lm_expect import expect_scalar, likely_mistake, quietly, same_number
from course.checks.lm_samples import (
    PERPLEXITY_BATCH_SIZE,
    PERPLEXITY_N_A,
    PERPLEXITY_NAMES,
    PERPLEXITY_VOCABULARY,
    expect_matches,
    load_sample,
)
from course.checks.report import Check, run_checks


def _perplexity_parameters() -> dict[str, np.ndarray]:
    V = len(PERPLEXITY_VOCABULARY)
    return lm_parameters("rnn", V, PERPLEXITY_N_A, np.random.default_rng(5))


def _perplexity(
    perplexity: Callable,
    parameters: Mapping[str, np.ndarray] | None = None,
    names: Sequence[str] = PERPLEXITY_NAMES,
    batch_size: int = PERPLEXITY_BATCH_SIZE,
) -> float:
    parameters = _perplexity_parameters() if parameters is None else parameters
    value = perplexity(list(names), parameters, dict(PERPLEXITY_VOCABULARY), batch_size)
    number = expect_scalar("the perplexity", value)
    expect(number >= 1.0, f"the perplexity is exp(a mean cross-entropy) >= 1, got {number:.6g}")
    return number


def _expect_uniform_perplexity(perplexity: Callable) -> None:
    parameters = _perplexity_parameters()
    parameters["Wya"][...] = 0.0
    parameters["by"][...] = 0.0
    V = len(PERPLEXITY_VOCABULARY)
    got = perplexity(list(PERPLEXITY_NAMES), parameters, dict(PERPLEXITY_VOCABULARY), 2)
    got = expect_scalar("the perplexity", got)
    if same_number(got, V):
        return
    hint = ""
    if same_number(got, np.log(V)):
        hint = ": that is log V, the mean cross-entropy itself; the perplexity is its exp"
    elif same_number(got, np.exp(V)):
        hint = ": that is exp(V): is exp applied to perplexities (already exp of a loss)?"
    raise CheckFailure(
        f"a model that gives every character probability 1/V (Wya = 0, by = 0) should have "
        f"perplexity V = {V}, got {got:.6g}{hint}"
    )


def _expect_batches_combined(perplexity: Callable) -> None:
    names, size = PERPLEXITY_NAMES, PERPLEXITY_BATCH_SIZE
    split = _perplexity(perplexity)
    whole = _perplexity(perplexity, batch_size=len(names))
    if same_number(split, whole):
        return
    batches = [names[start : start + size] for start in range(0, len(names), size)]
    each = np.array([_perplexity(perplexity, names=b, batch_size=len(b)) for b in batches])
    targets = np.array([sum(len(name) + 1 for name in b) for b in batches])
    counts = np.array([len(b) for b in batches])
    wrong = {
        "the mean of the batches' perplexities": float(np.mean(each)),
        "exp of the mean of the batches' losses, as if every batch held as many targets": float(
            np.exp(np.mean(np.log(each)))
        ),
        "the batches' losses weighted by their number of names m, not of targets sum(mask)": float(
            np.exp(np.sum(counts * np.log(each)) / np.sum(counts))
        ),
    }
    raise CheckFailure(
        f"with batch_size = {size} the perplexity is {split:.6f}, but with all {len(names)} "
        f"names in one batch it is {whole:.6f}: it must not depend on how the names are split. "
        f"The batches hold {', '.join(map(str, targets))} targets: add up the cross-entropies "
        "of all targets (each batch's mean loss times its sum(mask)), divide by the number of "
        "targets, then take exp" + likely_mistake(split, wrong)
    )


def _expect_perplexity_sample(perplexity: Callable) -> None:
    sample = load_sample("perplexity")
    got = _perplexity(perplexity, sample["inputs"]["parameters"])
    expect_matches({"perplexity": got}, sample["outputs"])


def _expect_parameters_unchanged(perplexity: Callable) -> None:
    parameters = _perplexity_parameters()
    call = lambda: _perplexity(perplexity, parameters)  # noqa: E731
    expect_leaves_inputs("perplexity", {"parameters": parameters}, call)


def check_perplexity(perplexity: Callable) -> None:
    """Check perplexity(names, parameters, char_to_ix, batch_size) -> a float >= 1."""
    f = perplexity
    run_checks(
        "perplexity",
        [
            Check("returns one float >= 1", quietly(lambda: _perplexity(f)), required=True),
            Check(
                "a model predicting 1/V everywhere has perplexity V",
                lambda: _expect_uniform_perplexity(f),
            ),
            Check("does not depend on batch_size", lambda: _expect_batches_combined(f)),
            Check("leaves the parameters unchanged", lambda: _expect_parameters_unchanged(f)),
            Check("matches the published sample output", lambda: _expect_perplexity_sample(f)),
        ],
    )
