"""Public check of update_parameters: one step of SGD or Adagrad on every parameter.

Adagrad keeps a memory per parameter, the sum of the squares of every gradient so far, and
divides each step by its square root (plus epsilon): parameters that got large gradients
take smaller steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from course.checks.expect import expect, expect_leaves_inputs, expect_tuple
from course.checks.lm_cases import PUBLIC_SIZES, RNN_PARAMETERS, gradient_dict, lm_parameters
from course.checks.lm_expect import expect_dict, expect_matching, quietly
from course.checks.report import Check, run_checks

LEARNING_RATE = 0.1
EPSILON = 1e-8  # update_parameters' default
# Updates are compared with expect_matching's rtol, 1e-6: a correct Adagrad that adds
# epsilon inside the square root differs by about 1e-8 relative here (every memory used
# is >= 0.5, or 0 where the gradient is 0 too).


def _update_inputs() -> dict[str, Any]:
    """Parameters, gradients and Adagrad memory of an RNN language model; at ba[0, 0] the
    gradient and the memory are both 0 (a unit that never got a gradient)."""
    rng = np.random.default_rng(31)
    parameters = lm_parameters("rnn", PUBLIC_SIZES.V, PUBLIC_SIZES.n_a, rng)
    gradients = gradient_dict(PUBLIC_SIZES, 1.0, seed=32)
    memory = {key: 0.5 + rng.random(value.shape) for key, value in parameters.items()}
    gradients["dba"][0, 0] = 0.0
    memory["ba"][0, 0] = 0.0
    return {"parameters": parameters, "gradients": gradients, "memory": memory}


def _update(
    update_parameters: Callable, values: Mapping[str, Any], optimizer: str
) -> tuple[dict, dict]:
    result = update_parameters(
        values["parameters"], values["gradients"], values["memory"], LEARNING_RATE, optimizer
    )
    new_parameters, new_memory = expect_tuple("update_parameters", result, ("parameters", "memory"))
    # nan at ba[0, 0] (memory and gradient 0) has a check of its own, with its reason
    expect_dict("the new parameters", new_parameters, RNN_PARAMETERS, PUBLIC_SIZES, finite=False)
    expect_dict("the new memory", new_memory, RNN_PARAMETERS, PUBLIC_SIZES)
    return new_parameters, new_memory


def _expect_sgd(update_parameters: Callable) -> None:
    values = _update_inputs()
    p, g = values["parameters"], values["gradients"]
    new = _update(update_parameters, _update_inputs(), "sgd")[0]
    lr = LEARNING_RATE
    expect_matching(
        "the new",
        new,
        {k: p[k] - lr * g[f"d{k}"] for k in p},
        "parameter - learning_rate * its gradient",
        {
            "a step up the gradient: gradient descent subtracts it": {
                k: p[k] + lr * g[f"d{k}"] for k in p
            },
            "learning_rate is not used": {k: p[k] - g[f"d{k}"] for k in p},
        },
    )


def _expect_sgd_memory(update_parameters: Callable) -> None:
    values = _update_inputs()
    memory = _update(update_parameters, _update_inputs(), "sgd")[1]
    for key, value in values["memory"].items():
        expect(
            np.array_equal(memory[key], value),
            f"with optimizer 'sgd' the memory {key} changed: SGD keeps no memory, so return "
            "the memory you were given as it is (only Adagrad adds the squared gradients)",
        )


def _adagrad_expected(values: Mapping[str, Any], epsilon: float = EPSILON) -> tuple[dict, dict]:
    """The parameters and memory after one Adagrad step, by the update rule."""
    p, g, memory = values["parameters"], values["gradients"], values["memory"]
    grown = {k: memory[k] + np.square(g[f"d{k}"]) for k in p}
    lr = LEARNING_RATE
    return {k: p[k] - lr * g[f"d{k}"] / (epsilon + np.sqrt(grown[k])) for k in p}, grown


def _expect_adagrad_memory(update_parameters: Callable) -> None:
    values = _update_inputs()
    g, memory = values["gradients"], values["memory"]
    got = _update(update_parameters, _update_inputs(), "adagrad")[1]
    expect_matching(
        "the new memory",
        got,
        _adagrad_expected(values)[1],
        "memory + gradient ** 2: the sum of the squares of every gradient so far",
        {
            "the memory was replaced by the squared gradient: add it to the memory you "
            "were given": {k: np.square(g[f"d{k}"]) for k in memory},
            "the gradient is added without squaring it": {
                k: memory[k] + g[f"d{k}"] for k in memory
            },
            "the memory is unchanged: Adagrad adds the squared gradient": memory,
        },
    )


def _expect_adagrad_zero_memory(update_parameters: Callable) -> None:
    values = _update_inputs()
    new = _update(update_parameters, _update_inputs(), "adagrad")[0]
    before, after = values["parameters"]["ba"][0, 0], new["ba"][0, 0]
    expect(
        before == after,
        f"where the memory and the gradient are both 0 (ba[0, 0]) Adagrad's step is "
        f"0 / (sqrt(0) + epsilon) = 0, so ba[0, 0] should stay {before:.6g}, but it became "
        f"{after:.6g}" + (": 0 / 0 gives nan: is epsilon missing?" if np.isnan(after) else ""),
    )


def _expect_adagrad_step(update_parameters: Callable) -> None:
    values = _update_inputs()
    p, g, memory = values["parameters"], values["gradients"], values["memory"]
    new = _update(update_parameters, _update_inputs(), "adagrad")[0]
    grown = _adagrad_expected(values)[1]
    lr = LEARNING_RATE
    new["ba"] = new["ba"].copy()
    new["ba"][0, 0] = p["ba"][0, 0]  # the check above looks at this entry
    expect_matching(
        "the new",
        new,
        _adagrad_expected(values)[0],
        "parameter - learning_rate * gradient / (sqrt(new memory) + epsilon)",
        {
            "the step is divided by the memory, not by its square root": {
                k: p[k] - lr * g[f"d{k}"] / (grown[k] + EPSILON) for k in p
            },
            "the step is divided by the old memory: add the squared gradient first, then "
            "divide by the square root of the new memory": {
                k: p[k] - lr * g[f"d{k}"] / (np.sqrt(memory[k]) + EPSILON) for k in p
            },
            "a plain SGD step: Adagrad divides it by sqrt(memory) + epsilon": {
                k: p[k] - lr * g[f"d{k}"] for k in p
            },
        },
    )


def _expect_update_inputs_unchanged(update_parameters: Callable) -> None:
    for optimizer in ("sgd", "adagrad"):
        values = _update_inputs()
        expect_leaves_inputs(
            f"update_parameters (with '{optimizer}')",
            values,
            lambda: _update(update_parameters, values, optimizer),  # noqa: B023  (called now)
        )


def check_update_parameters(update_parameters: Callable) -> None:
    """Check update_parameters(parameters, gradients, memory, learning_rate, optimizer)
    -> (parameters, memory), for "sgd" and "adagrad"."""
    f = update_parameters
    run_checks(
        "update_parameters",
        [
            Check(
                "returns new parameters and memory with the parameters' keys and shapes",
                quietly(lambda: [_update(f, _update_inputs(), o) for o in ("sgd", "adagrad")]),
                required=True,
            ),
            Check("sgd: parameter - learning_rate * gradient", lambda: _expect_sgd(f)),
            Check("sgd leaves the memory as it is", lambda: _expect_sgd_memory(f)),
            Check("adagrad: memory + squared gradient", lambda: _expect_adagrad_memory(f)),
            Check(
                "adagrad: a parameter with memory 0 and gradient 0 stays",
                lambda: _expect_adagrad_zero_memory(f),
            ),
            Check(
                "adagrad: step learning_rate * gradient / (sqrt(memory) + epsilon)",
                lambda: _expect_adagrad_step(f),
            ),
            Check("leaves its inputs unchanged", lambda: _expect_update_inputs_unchanged(f)),
        ],
    )
