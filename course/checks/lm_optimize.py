"""Public check of optimize: one training step on a batch, lm_gradients, then
clip_by_global_norm, then update_parameters.

The checks see optimize from outside only: one SGD step with learning_rate 1 and no
clipping gives the gradients it uses (g = parameters - new parameters), and every other
call is compared with what those gradients, clipped by their global norm, give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from course.checks.expect import (
    CheckFailure,
    expect,
    expect_leaves_inputs,
    expect_tuple,
)
from course.checks.lm_cases import PUBLIC_SIZES, RNN_PARAMETERS, batch_inputs, global_norm
from course.checks.lm_expect import (
    expect_dict,
    expect_matching,
    expect_scalar,
    quietly,
)
from course.checks.lm_samples import OPTIMIZE_SETTINGS, expect_matches, load_sample
from course.checks.lm_updates import LEARNING_RATE
from course.checks.report import Check, run_checks

# optimize is run with learning_rate = 1, SGD and no clipping (a huge max_norm) first: the
# change of the parameters is then the gradient, g = parameters - new parameters, which
# the other checks compare with. max_norm = norm / 10 always clips, and clips some entries
# by value too (the squares of 47 entries below norm / 10 add up to less than norm²).
NO_CLIPPING = 1e12


def _optimize(
    optimize: Callable,
    learning_rate: float,
    max_norm: float,
    optimizer: str,
    memory: Mapping[str, np.ndarray] | None = None,
) -> tuple[float, dict, dict, float]:
    values = batch_inputs()
    p = values["parameters"]
    if memory is None:
        memory = {key: np.zeros_like(value) for key, value in p.items()}
    result = optimize(
        values["X"],
        values["Y"],
        values["mask"],
        p,
        dict(memory),
        learning_rate,
        max_norm,
        optimizer,
    )
    loss, new, new_memory, norm = expect_tuple(
        "optimize", result, ("loss", "parameters", "memory", "norm")
    )
    expect_dict("the new parameters", new, RNN_PARAMETERS, PUBLIC_SIZES)
    expect_dict("the new memory", new_memory, RNN_PARAMETERS, PUBLIC_SIZES)
    return expect_scalar("loss", loss), new, new_memory, expect_scalar("norm", norm)


def _raw_gradients(optimize: Callable) -> tuple[dict[str, np.ndarray], float]:
    """The gradients optimize uses, from one SGD step with learning_rate 1 and no clipping,
    and the norm it returned."""
    p = batch_inputs()["parameters"]
    _, new, _, norm = _optimize(optimize, 1.0, NO_CLIPPING, "sgd")
    return {key: p[key] - new[key] for key in p}, norm


def _expect_norm(optimize: Callable) -> None:
    g, norm = _raw_gradients(optimize)
    expected = global_norm(g)
    expect(
        np.isclose(norm, expected, rtol=1e-6),
        f"norm should be the global norm of the gradients, {expected:.6f} (measured from an "
        f"SGD step with learning_rate 1 and no clipping), got {norm:.6f}",
    )
    max_norm = expected / 10
    clipped_norm = _optimize(optimize, LEARNING_RATE, max_norm, "sgd")[3]
    if not np.isclose(clipped_norm, expected, rtol=1e-6):
        hint = (
            ": that is max_norm, the norm after clipping; return the norm before"
            if np.isclose(clipped_norm, max_norm, rtol=1e-6)
            else ""
        )
        raise CheckFailure(
            f"with max_norm = {max_norm:.4f} the returned norm should still be the norm of "
            f"the gradients before clipping, {expected:.6f}, got {clipped_norm:.6f}{hint}"
        )


def _expect_loss_before(optimize: Callable) -> None:
    still = _optimize(optimize, 0.0, NO_CLIPPING, "sgd")[0]
    moved = _optimize(optimize, 1.0, NO_CLIPPING, "sgd")[0]
    expect(
        np.isclose(still, moved, rtol=1e-12),
        f"the loss was {still:.6f} with learning_rate 0 but {moved:.6f} with learning_rate 1: "
        "return the loss of the batch before the update, the one lm_gradients computes",
    )


def _expect_clipped_update(optimize: Callable) -> None:
    g, _ = _raw_gradients(optimize)
    norm = global_norm(g)
    max_norm = norm / 10
    p = batch_inputs()["parameters"]
    new = _optimize(optimize, LEARNING_RATE, max_norm, "sgd")[1]
    lr = LEARNING_RATE
    expect_matching(
        "the new",
        new,
        {k: p[k] - lr * g[k] * max_norm / norm for k in p},
        f"an SGD step with the gradients scaled by max_norm / norm = {max_norm / norm:.3f}",
        {
            "the update used gradients that were not clipped: clip them by their global norm "
            "first, then update the parameters with the clipped ones": {
                k: p[k] - lr * g[k] for k in p
            },
            "the gradients were clipped by value, entry by entry: clip them by their global "
            "norm, one factor for all, which keeps their direction": {
                k: p[k] - lr * np.clip(g[k], -max_norm, max_norm) for k in p
            },
        },
    )


def _expect_clipped_memory(optimize: Callable) -> None:
    g, _ = _raw_gradients(optimize)
    norm = global_norm(g)
    max_norm = norm / 10
    memory = _optimize(optimize, LEARNING_RATE, max_norm, "adagrad")[2]
    expect_matching(
        "the new memory",
        memory,
        {k: np.square(g[k] * max_norm / norm) for k in g},
        "from zeros, Adagrad's memory becomes the squared clipped gradient",
        {
            "the memory got the gradients before clipping: clip first, then update": {
                k: np.square(g[k]) for k in g
            },
            "optimize passed 'sgd' to update_parameters: pass optimizer on": {
                k: np.zeros_like(g[k]) for k in g
            },
        },
    )


def _expect_optimize_sample(optimize: Callable) -> None:
    sample = load_sample("optimize")
    inputs = sample["inputs"]
    result = optimize(
        inputs["X"],
        inputs["Y"],
        inputs["mask"],
        inputs["parameters"],
        inputs["memory"],
        OPTIMIZE_SETTINGS["learning_rate"],
        OPTIMIZE_SETTINGS["max_norm"],
        OPTIMIZE_SETTINGS["optimizer"],
    )
    loss, parameters, memory, norm = expect_tuple(
        "optimize", result, ("loss", "parameters", "memory", "norm")
    )
    got = {"loss": loss, "parameters": parameters, "memory": memory, "norm": norm}
    expect_matches(got, sample["outputs"])


def _expect_optimize_inputs_unchanged(optimize: Callable) -> None:
    values = batch_inputs()
    memory = {key: np.ones_like(value) for key, value in values["parameters"].items()}
    values["memory"] = memory
    args = (values["X"], values["Y"], values["mask"], values["parameters"], memory)
    expect_leaves_inputs("optimize", values, lambda: optimize(*args, 0.1, 1.0, "adagrad"))


def check_optimize(optimize: Callable) -> None:
    """Check optimize(X, Y, mask, parameters, memory, learning_rate, max_norm,
    optimizer) -> (loss, parameters, memory, norm)."""
    f = optimize
    run_checks(
        "optimize",
        [
            Check(
                "returns loss, new parameters, new memory and norm",
                quietly(lambda: _optimize(f, LEARNING_RATE, 1.0, "adagrad")),
                required=True,
            ),
            Check("norm is the global norm before clipping", lambda: _expect_norm(f)),
            Check("loss is the loss before the update", lambda: _expect_loss_before(f)),
            Check(
                "the update uses the gradients clipped by global norm",
                lambda: _expect_clipped_update(f),
            ),
            Check("adagrad's memory gets the clipped gradients", lambda: _expect_clipped_memory(f)),
            Check("leaves its inputs unchanged", lambda: _expect_optimize_inputs_unchanged(f)),
            Check("matches the published sample output", lambda: _expect_optimize_sample(f)),
        ],
    )
