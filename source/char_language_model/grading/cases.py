"""Hidden inputs of assignment 2, randomized in size and content, and the losses of its
gradient checks.

Every case has its own vocabulary: V - 1 letters in a random order after the end token
(index 0), so code that assumes the course's sorted alphabet shows up; names of
different lengths, so padding and the mask matter. Sizes V, n_a and m are pairwise
different, so a transposed or misplaced axis gives a wrong shape. Weights are scaled so
that tanh and the gates stay responsive (see assignment 1). The `index` of a case (0, 1,
2) picks the regime it covers where one case cannot cover all: clipping active or not,
SGD or Adagrad, greedy or random sampling.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping

import numpy as np

from autograder.assignment import Case
from autograder.sandbox.wire import RandomSource
from course.data.names import END
from course.notation import init_lstm_parameters, init_rnn_parameters

LETTERS = string.ascii_lowercase
GRADIENT_KEYS = ("dWax", "dWaa", "dba", "dWya", "dby")
DRAWS = 400  # draws of the sampler per random case (see autograder.stochastic)
# The cost probe of lm_loss_backward (autograder.backprop_cost): larger than any case.
PROBE_SIZES = {"V": 20, "n_a": 24, "m": 8, "T_x": 12}


def draw_sizes(rng: np.random.Generator) -> dict[str, int]:
    V, n_a, m = (int(v) for v in rng.permutation(np.arange(4, 9))[:3])
    return {"V": V, "n_a": n_a, "m": m}


def vocabulary(rng: np.random.Generator, V: int) -> dict[str, int]:
    """char_to_ix of V characters: END -> 0, then V - 1 letters at shuffled indices."""
    letters = rng.choice(list(LETTERS), size=V - 1, replace=False)
    indices = rng.permutation(np.arange(1, V))
    return {END: 0, **{str(c): int(i) for c, i in zip(letters, indices, strict=True)}}


def names(rng: np.random.Generator, char_to_ix: Mapping[str, int], count: int) -> list[str]:
    """`count` names of 1 to 6 letters of `char_to_ix`; the first is the longest, the last
    the shortest, so lengths always differ."""
    letters = [c for c in char_to_ix if c != END]
    lengths = rng.integers(1, 7, size=count)
    lengths[0], lengths[-1] = 6, 1 + rng.integers(0, 2)
    return ["".join(rng.choice(letters, size=int(n))) for n in lengths]


def rnn_parameters(rng: np.random.Generator, V: int, n_a: int) -> dict[str, np.ndarray]:
    return init_rnn_parameters(V, n_a, V, rng, scale=rng.uniform(0.7, 1.2))


def lstm_parameters(rng: np.random.Generator, V: int, n_a: int) -> dict[str, np.ndarray]:
    parameters = init_lstm_parameters(V, n_a, V, rng, scale=rng.uniform(0.7, 1.2))
    parameters["Wya"] = parameters.pop("Wy")
    return parameters


def _gradients(rng: np.random.Generator, V: int, n_a: int) -> dict[str, np.ndarray]:
    shapes = {"dWax": (n_a, V), "dWaa": (n_a, n_a), "dba": (n_a, 1), "dWya": (V, n_a)}
    shapes["dby"] = (V, 1)
    return {key: rng.standard_normal(shape) * rng.uniform(0.5, 3) for key, shape in shapes.items()}


def _global_norm(gradients: Mapping[str, np.ndarray]) -> float:
    return float(np.sqrt(sum(np.sum(g**2) for g in gradients.values())))


def build_case(
    function: str,
    rng: np.random.Generator,
    reference: Mapping[str, Callable],
    sizes: Mapping[str, int] | None = None,
    index: int = 0,
) -> Case:
    """Draw hidden case `index` of `function` (of the given `sizes`, else random ones)."""
    s = dict(sizes) if sizes else draw_sizes(rng)
    V, n_a, m = s["V"], s["n_a"], s["m"]
    char_to_ix = vocabulary(rng, V)
    batch = names(rng, char_to_ix, m)
    if "T_x" in s:  # the cost probe: names as long as asked
        batch[0] = batch[0] * s["T_x"]
    X, Y, mask = reference["encode_names"](batch, char_to_ix)
    T_x = X.shape[1]
    shown = {"V": V, "n_a": n_a, "m": m, "T_x": T_x}
    parameters = rnn_parameters(rng, V, n_a)

    if function == "encode_names":
        return Case(function, (batch, char_to_ix), {"V": V, "m": m})
    if function == "softmax":
        z = rng.standard_normal((V, m, T_x)) * 2
        z[:, 0, 0] += 800.0  # overflows exp unless the maximum is subtracted first
        z[1, -1, -1] = 750.0
        return Case(function, (z,), {"V": V, "m": m, "T_x": T_x})
    a = np.tanh(rng.standard_normal((n_a, m, T_x)))
    if function == "lm_loss":
        return Case(function, (a, Y, mask, parameters), shown)
    if function == "lm_loss_backward":
        y_hat = reference["lm_loss"](a, Y, mask, parameters)[1]
        primal = {"a": a, "Y": Y, "mask": mask, "parameters": parameters}
        return Case(function, (y_hat, a, Y, mask, parameters), shown, primal)
    if function == "lm_gradients":
        primal = {"X": X, "Y": Y, "mask": mask, "parameters": parameters}
        return Case(function, (X, Y, mask, parameters), shown, primal)
    if function == "perplexity":
        many = names(rng, char_to_ix, int(rng.integers(7, 11)))
        model = lstm_parameters(rng, V, n_a) if index == 2 else parameters
        batch_size = int(rng.integers(3, 5))  # several batches, of different target counts
        return Case(function, (many, model, char_to_ix, batch_size), {"V": V, "n_a": n_a})
    if function == "clip_by_value":
        gradients = _gradients(rng, V, n_a)
        return Case(function, (gradients, float(rng.uniform(0.5, 1.5))), {"V": V, "n_a": n_a})
    if function == "clip_by_global_norm":
        gradients = _gradients(rng, V, n_a)
        factor = (rng.uniform(0.2, 0.6), rng.uniform(1.5, 3.0), rng.uniform(0.3, 0.9))[index]
        max_norm = float(factor * _global_norm(gradients))
        return Case(function, (gradients, max_norm), {"V": V, "n_a": n_a})
    if function == "update_parameters":
        return _update_case(rng, parameters, V, n_a, index)
    if function == "optimize":
        return _optimize_case(rng, reference, X, Y, mask, parameters, shown, index)
    if function == "sample":
        return _sample_case(rng, char_to_ix, parameters, V, n_a, index)
    if function == "train":
        return _train_case(rng, char_to_ix, parameters, V, n_a, index)
    raise KeyError(f"no hidden cases for {function!r}")


def _memory(rng: np.random.Generator, parameters: Mapping[str, np.ndarray], zero: bool) -> dict:
    return {
        key: np.zeros_like(value) if zero else rng.uniform(0.1, 2.0, value.shape)
        for key, value in parameters.items()
    }


def _update_case(rng, parameters, V, n_a, index) -> Case:
    gradients = _gradients(rng, V, n_a)
    memory = _memory(rng, parameters, zero=index == 1)
    # A gradient entry of 0 where the memory is 0: Adagrad divides 0 by epsilon alone.
    gradients["dba"][0, 0] = 0.0
    memory["ba"][0, 0] = 0.0
    optimizer = "sgd" if index == 0 else "adagrad"
    learning_rate = float(rng.uniform(0.01, 0.5))
    args = (parameters, gradients, memory, learning_rate, optimizer)
    return Case("update_parameters", args, {"V": V, "n_a": n_a})


def _optimize_case(rng, reference, X, Y, mask, parameters, shown, index) -> Case:
    norm = _global_norm(reference["lm_gradients"](X, Y, mask, parameters)[1])
    max_norm = float(norm * (0.5, 0.5, 2.0)[index])  # clipping active in cases 0 and 1
    optimizer = "sgd" if index == 1 else "adagrad"
    memory = _memory(rng, parameters, zero=index == 0)
    learning_rate = float(rng.uniform(0.05, 0.5))
    args = (X, Y, mask, parameters, memory, learning_rate, max_norm, optimizer)
    return Case("optimize", args, shown)


def _sample_case(rng, char_to_ix, parameters, V, n_a, index) -> Case:
    """Case 0 is greedy (temperature 0: one answer, compared exactly); cases 1 and 2 are
    random, far below and far above temperature 1. All start from a prefix."""
    model = dict(parameters)
    # Inputs that move the state a lot (the prefix and each fed-back character matter),
    # and scores spread enough that the temperature changes the distribution markedly.
    model["Wax"] = parameters["Wax"] * 3.0
    model["Wya"] = parameters["Wya"] * 1.5
    max_length = int(rng.integers(6, 10))
    temperature = (0.0, float(rng.uniform(0.3, 0.5)), float(rng.uniform(2.0, 3.0)))[index]
    letters = [ix for c, ix in char_to_ix.items() if c != END]
    prefix = [int(ix) for ix in rng.choice(letters, size=int(rng.integers(2, 5)))]
    seed = int(rng.integers(2**62))
    args = (model, RandomSource(seed), temperature, max_length, prefix)
    sizes = {"V": V, "n_a": n_a}
    draws = 0 if temperature == 0 else DRAWS
    return Case("sample", args, sizes, draws=draws, steps_per_draw=max_length)


def _train_case(rng, char_to_ix, parameters, V, n_a, index) -> Case:
    train_names = names(rng, char_to_ix, int(rng.integers(9, 14)))
    validation_names = names(rng, char_to_ix, int(rng.integers(3, 6)))
    num_steps = int(rng.integers(5, 9))
    eval_every = int(rng.integers(2, 4))
    optimizer = "sgd" if index == 1 else "adagrad"
    args = (
        train_names,
        validation_names,
        parameters,
        char_to_ix,
        num_steps,
        3,  # batch_size
        float(rng.uniform(0.05, 0.3)),  # learning_rate
        float(rng.uniform(0.5, 2.0)),  # max_norm
        optimizer,
        eval_every,
        int(rng.integers(1000)),  # seed
        0,  # sample_every: no samples
        False,  # show_progress
    )
    return Case("train", args, {"V": V, "n_a": n_a, "steps": num_steps})


def gradient_loss(
    function: str, primal: dict, reference: Mapping[str, Callable]
) -> Callable[[], float]:
    """L(θ) for the backward function `function`, computed with the reference forward
    pass, reading θ from the arrays in `primal`: the loss of the batch itself."""
    p = primal
    if function == "lm_loss_backward":
        return lambda: float(reference["lm_loss"](p["a"], p["Y"], p["mask"], p["parameters"])[0])
    if function == "lm_gradients":
        return lambda: float(
            reference["lm_gradients"](p["X"], p["Y"], p["mask"], p["parameters"])[0]
        )
    raise KeyError(f"{function!r} has no gradient check")
