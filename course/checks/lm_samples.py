"""The published sample of assignment 2: inputs of some graded functions and the outputs
the instructor's solution gives for them, stored as plain numbers in
`course/data/language_model_samples.npz` (written by
source/char_language_model/grading/public_samples.py).

Keys are "<function>/inputs/<name>" and "<function>/outputs/<name>", nested dicts flattened
with "/" (e.g. "optimize/outputs/parameters/Wya", "train/outputs/history/loss"). Indices
(X, Y) are int64, everything else float64. What is not an array (the names a function
reads, the optimizer, the step counts) is written below, in the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from course.checks.expect import SAMPLE_ATOL, SAMPLE_RTOL, CheckFailure
from course.checks.lm_cases import LMSizes, batch_inputs, lm_parameters, loss_inputs

SAMPLE_FILE = "data/language_model_samples.npz"

# The sample's settings: other sizes and seeds than the property checks.
SAMPLE_SIZES = LMSizes.of(V=6, n_a=4, m=4, T_x=5)
SAMPLE_LENGTHS = (4, 2, 1, 3)
SAMPLE_SEED = 20240611

# perplexity: names of very different lengths, read 2 at a time (batches of 3 + 1 + 4,
# 6 + 9 and 4 targets) by a model over their own small vocabulary.
PERPLEXITY_NAMES = ("ulm", "rio", "sao paulo", "bern", "al ain", "lima", "nis")
PERPLEXITY_CHARACTERS = ["\n", *sorted(set("".join(PERPLEXITY_NAMES)))]
PERPLEXITY_VOCABULARY = {c: ix for ix, c in enumerate(PERPLEXITY_CHARACTERS)}
PERPLEXITY_BATCH_SIZE = 2
PERPLEXITY_N_A = 6

# optimize: Adagrad on one batch, with a max_norm its gradients exceed.
OPTIMIZE_SETTINGS = {"learning_rate": 0.1, "max_norm": 1.0, "optimizer": "adagrad"}

# train: a few steps on real names (course.data's corpus), validation every 2 steps.
TRAIN_NAMES, VALIDATION_NAMES, TRAIN_N_A = 40, 20, 8
TRAIN_SETTINGS: dict[str, Any] = {
    "num_steps": 6,
    "batch_size": 4,
    "learning_rate": 0.1,
    "max_norm": 5.0,
    "optimizer": "adagrad",
    "eval_every": 2,
    "seed": 0,
}


def build_inputs(V_train: int) -> dict[str, dict[str, Any]]:
    """The sample's array inputs, by function (V_train: the corpus's vocabulary size)."""
    rng = np.random.default_rng(SAMPLE_SEED)
    seeds = rng.integers(2**31, size=5)
    optimize = batch_inputs("rnn", SAMPLE_SIZES, SAMPLE_LENGTHS, int(seeds[1]))
    optimize["memory"] = {
        name: 0.1 * rng.standard_normal(value.shape) ** 2
        for name, value in optimize["parameters"].items()
    }
    V = len(PERPLEXITY_VOCABULARY)
    return {
        "lm_loss": loss_inputs(SAMPLE_SIZES, SAMPLE_LENGTHS, int(seeds[0])),
        "lm_gradients": batch_inputs("rnn", SAMPLE_SIZES, SAMPLE_LENGTHS, int(seeds[2])),
        "optimize": optimize,
        "perplexity": {
            "parameters": lm_parameters("rnn", V, PERPLEXITY_N_A, np.random.default_rng(seeds[3]))
        },
        "train": {
            "parameters": lm_parameters("rnn", V_train, TRAIN_N_A, np.random.default_rng(seeds[4]))
        },
    }


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, np.ndarray]:
    """Nested dicts of arrays and numbers -> {"a/b/c": array}: ints int64, others float64."""
    flat: dict[str, np.ndarray] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}/"))
        else:
            array = np.asarray(value)
            dtype = np.int64 if np.issubdtype(array.dtype, np.integer) else np.float64
            flat[f"{prefix}{key}"] = array.astype(dtype)
    return flat


def nest(flat: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The inverse of `flatten`, as fresh copies (0-d arrays stay 0-d arrays)."""
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        *path, leaf = key.split("/")
        node = tree
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = value.copy()
    return tree


@cache
def _stored() -> dict[str, np.ndarray]:
    resource = resources.files("course").joinpath(SAMPLE_FILE)
    with resource.open("rb") as file, np.load(file, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def load_sample(function: str) -> dict[str, Any]:
    """The published sample of `function`: {"inputs": {...}, "outputs": {...}}, nested
    as the function takes and returns them, as fresh copies."""
    prefix = f"{function}/"
    return nest({k.removeprefix(prefix): v for k, v in _stored().items() if k.startswith(prefix)})


def expect_matches(
    got: Mapping[str, Any],
    expected: Mapping[str, Any],
    rtol: float = SAMPLE_RTOL,
    atol: float = SAMPLE_ATOL,
    hint: str = "",
) -> None:
    """Every value in `expected` (nested dicts of arrays) must match the one at the same
    place in `got` within rtol and atol; the message lists each output that is off."""
    wanted = flatten(expected)
    received = flatten(got)
    gaps = []
    for name, value in wanted.items():
        if name not in received:
            gaps.append(f"{name} is missing")
            continue
        other = received[name]
        if other.shape != value.shape:
            gaps.append(f"{name} has shape {other.shape}, expected {value.shape}")
        elif not np.allclose(other, value, rtol=rtol, atol=atol):
            error = np.abs(other - value)
            worst = np.unravel_index(np.argmax(error), error.shape) if error.ndim else ()
            where = f" at index {tuple(int(i) for i in worst)}" if worst else ""
            gaps.append(
                f"{name} differs by up to {error[worst]:.1e}{where}: expected "
                f"{value[worst]:.8g}, got {other[worst]:.8g}"
            )
    if gaps:
        raise CheckFailure("\n".join(gaps) + (f"\n{hint}" if hint else ""))
