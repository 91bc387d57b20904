"""Checks every backward function gets: gradient keys and shapes, zero in gives zero out,
sums over the examples, the path through time (sequences), bias against weight
gradients, and the gradient check against the student's own forward function."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from course.checks.cases import GRADCHECK_SIZES, Backward, call
from course.checks.expect import (
    IDENTITY_ATOL,
    CheckFailure,
    expect,
    expect_close,
    expect_leaves_inputs,
    max_abs_difference,
)
from course.checks.report import EVERYTHING, Check
from course.checks.samples import sample_check
from course.gradcheck import GradcheckReport, gradcheck

# Largest relative error (course.gradcheck, element by element) a correct backward
# function may show against central differences of its own forward function, at
# GRADCHECK_SIZES with PUBLIC_SEED; measurements are in tests/test_reference_gradients.py.
CELL_THRESHOLD = 1e-7
SEQUENCE_THRESHOLD = 1e-6


def _expect_gradients(b: Backward) -> None:
    b.run()


def _expect_zero_in_zero_out(b: Backward) -> None:
    values = b.values()
    zeros = {name: np.zeros_like(values[name]) for name in b.sig.upstream}
    for key, gradient in b.run(values, **zeros).items():
        gap = float(np.max(np.abs(gradient)))
        expect(
            gap <= IDENTITY_ATOL,
            f"with {' and '.join(b.sig.upstream)} = 0 every gradient must be 0, but {key} has "
            f"entries up to {gap:.1e}: is a term added that does not come from the upstream "
            "gradient?",
            (key,),
        )


def _expect_inputs_unchanged(b: Backward) -> None:
    values = b.values()
    cache = b.cache(values)
    arguments = {name: values[name] for name in b.sig.upstream}
    arguments[b.sig.arguments[-1]] = cache
    expect_leaves_inputs(b.sig.name, arguments, lambda: b.gradients(values, cache))


def _one_example(values: dict, j: int) -> dict:
    return {
        name: value if name == "parameters" else value[:, j : j + 1]
        for name, value in values.items()
    }


def _expect_sum_over_examples(b: Backward) -> None:
    values = b.values()
    batch = b.run(values)
    alone = [b.run(_one_example(values, j)) for j in range(b.sizes.m)]
    for key, gradient in batch.items():
        if key[1:] not in b.sig.parameters:  # dxt, da_prev, dx, ...: one column per example
            stacked = np.concatenate([g[key] for g in alone], axis=1)
            hint = "example j's gradient must depend on example j only: are examples mixed?"
            expect_close(key, gradient, stacked, hint, (key,))
        else:
            total = sum(g[key] for g in alone)
            hint = (
                f"{key} of a batch should be the SUM of the m examples' {key} (no division by "
                "m; a bias gradient sums over axis 1 with keepdims=True)"
            )
            expect_close(key, gradient, total, hint, (key,))


def _expect_path_through_time(b: Backward) -> None:
    values = b.values()
    last_only = np.zeros_like(values["da"])
    last_only[:, :, -1] = values["da"][:, :, -1]
    gradients = b.run(values, da=last_only)
    for key, part in (("dx", gradients["dx"][:, :, 0]), ("da0", gradients["da0"])):
        expect(
            max_abs_difference(part, np.zeros_like(part)) > IDENTITY_ATOL,
            f"with da nonzero only at the last step, {key} of the first step is 0, but a<T_x> "
            "depends on it through the chain of hidden states: is the gradient da_prev "
            "carried back and added to da[:, :, t] of the step before?",
            (key,),
        )
    first_only = np.zeros_like(values["da"])
    first_only[:, :, 0] = values["da"][:, :, 0]
    dx = b.run(values, da=first_only)["dx"]
    expect_close(
        "dx[:, :, 1:]",
        dx[:, :, 1:],
        np.zeros_like(dx[:, :, 1:]),
        "with da nonzero only at the first step, later inputs cannot affect a<1>: "
        "is dx[:, :, t] stored at its own step t?",
        ("dx",),
    )


def gradient_report(b: Backward, every_parameter: bool = False) -> GradcheckReport:
    """Check b's gradients element by element against central differences of b's own
    forward function, at b's sizes and seed, with L = Σ output ⊙ upstream gradient.

    every_parameter: also check the parameters the backward function returns no gradient
    for (Wya, by or Wy, by: the hidden states do not depend on them), against 0.
    """
    sig, forward_sig = b.sig, b.sig.forward
    values = b.values()
    gradients = b.run(values)
    inputs = {name: values[name] for name in forward_sig.arguments if name != "parameters"}
    inputs.update(values["parameters"])
    analytic = {key[1:]: gradients[key] for key in sig.returns}
    if every_parameter:
        analytic.update({k: np.zeros_like(v) for k, v in inputs.items() if k not in analytic})
    picked = [forward_sig.returns.index(name[1:]) for name in sig.upstream]

    def forward(**arrays: np.ndarray) -> tuple[np.ndarray, ...]:
        parameters = {key: arrays[key] for key in sig.parameters}
        result = call(b.forward, forward_sig, {**arrays, "parameters": parameters})
        return tuple(result[i] for i in picked)

    upstream = tuple(values[name] for name in sig.upstream)
    threshold = SEQUENCE_THRESHOLD if sig.is_sequence else CELL_THRESHOLD
    return gradcheck(forward, inputs, upstream, analytic, threshold=threshold)


# Which gradients are off -> where to look, in the course notation ("" if nothing to add).
PatternHint = Callable[[frozenset[str]], str]


def _gradient_check(b: Backward, pattern_hint: PatternHint | None = None) -> str:
    report = gradient_report(replace(b, sizes=GRADCHECK_SIZES))
    if not report.passed():
        failed = ", ".join(f"{row.name} ({row.error:.1e})" for row in report.failed())
        loss = " + ".join(f"sum({name[1:]} * {name})" for name in b.sig.upstream)
        wrong = frozenset(row.name for row in report.failed())
        hint = pattern_hint(wrong) if pattern_hint else ""
        raise CheckFailure(
            f"these gradients do not match the slopes of your own {b.sig.forward.name}: "
            f"{failed}, relative error above {report.threshold:g}"
            + (f": {hint}" if hint else "")
            + "\n"
            f"with L = {loss}, element by element:\n{report}",
            tuple(row.name for row in report.failed()),
        )
    return f"max rel. error {report.max_error:.1e}"


def _expect_bias_agrees(b: Backward, pairs: Sequence[tuple[str, slice, str]]) -> None:
    values = b.values()
    x = "x" if b.sig.is_sequence else "xt"
    values[x] = np.ones_like(values[x])
    gradients = b.run(values)
    gaps = {}
    for weight, columns, bias in pairs:
        part = gradients[weight][:, columns]
        gap = max_abs_difference(part, np.broadcast_to(gradients[bias], part.shape))
        if gap > IDENTITY_ATOL:
            gaps[(weight, bias)] = gap
    if not gaps:
        return
    (weight, bias), gap = next(iter(gaps.items()))
    # Which are wrong: those that do not match the numerical slopes.
    report = gradient_report(replace(b, sizes=GRADCHECK_SIZES))
    involved = {name for pair in gaps for name in pair}
    wrong = [row.name for row in report.failed() if row.name in involved]
    if wrong:
        verb = "is the one that does" if len(wrong) == 1 else "are the ones that do"
        which = f"{', '.join(wrong)} {verb} not match the numerical slopes"
    else:
        which = "One of the two is wrong"
    shared = ""
    if b.sig.is_sequence and wrong:
        shared = (
            f": the parameters are shared by all T_x steps, so {', '.join(wrong)} must add up "
            "the gradients of every step"
        )
    others = f" (and {len(gaps) - 1} more pairs)" if len(gaps) > 1 else ""
    raise CheckFailure(
        f"{bias} and the columns of {weight} that multiply x differ by up to {gap:.1e}{others}: "
        f"with every input x equal to 1 they must be equal, as both add up the same "
        f"gradient over the examples{' and time steps' if b.sig.is_sequence else ''}. "
        f"{which}{shared}.",
        tuple(wrong) or tuple(involved),
    )


def backward_checks(
    b: Backward,
    bias_pairs: Sequence[tuple[str, slice, str]],
    properties: Sequence[Check] = (),
    pattern_hint: PatternHint | None = None,
) -> list[Check]:
    """All checks of a backward function, with its own `properties` before the gradient
    check. bias_pairs: (weight gradient, its columns that multiply x, bias gradient).
    pattern_hint: where to look, given which gradients the gradient check found off.

    Every check uses all the gradients (they come from the same intermediate results),
    so a failure after the first one says it follows from it (see report.py).
    """
    biases = ", ".join(bias for _, _, bias in bias_pairs)
    weights = ", ".join(weight for weight, _, _ in bias_pairs)
    keys = b.sig.returns
    checks = [
        Check(
            f"returns a dict {', '.join(b.sig.returns)} of the right shapes",
            lambda: _expect_gradients(b),
            required=True,
        ),
        Check(
            "leaves its inputs unchanged",
            lambda: _expect_inputs_unchanged(b),
            steps=(EVERYTHING,),
        ),
        Check(
            "zero upstream gradient gives zero gradients",
            lambda: _expect_zero_in_zero_out(b),
            uses=keys,
        ),
        Check(
            "gradients add up over the examples",
            lambda: _expect_sum_over_examples(b),
            uses=keys,
        ),
    ]
    if b.sig.is_sequence:
        checks.append(
            Check(
                "the gradient flows back through time",
                lambda: _expect_path_through_time(b),
                uses=keys,
            )
        )
    return [
        *checks,
        *properties,
        Check(
            f"{biases} match {weights} when every x is 1",
            lambda: _expect_bias_agrees(b, bias_pairs),
            uses=keys,
        ),
        Check(
            f"gradients match numerical slopes of your {b.sig.forward.name}",
            lambda: _gradient_check(b, pattern_hint),
            uses=keys,
        ),
        sample_check(b.function, b.sig),
    ]


def sequence_pattern_hint(parameters: Sequence[str], cell_state: bool) -> PatternHint:
    """Where to look in a backward pass over a sequence, given the gradients that are off
    (`parameters`: the gradient keys of the shared weights and biases; `cell_state`: the
    steps also pass back the gradient of c<t>, as in the LSTM)."""
    memory = " (and c⟨t⟩ gets the one carried back from step t+1)" if cell_state else ""

    def hint(wrong: frozenset[str]) -> str:
        if wrong <= set(parameters):
            return (
                "only weight or bias gradients are off: the parameters are shared by all "
                "T_x steps, so each of their gradients adds up the gradients of every step"
            )
        if wrong == {"da0"}:
            return "only da0 is off: it is the gradient that leaves the first step"
        if wrong == {"dx"}:
            return "only dx is off: dx[:, :, t] holds what step t returns for x⟨t⟩"
        return (
            "check what each step is given: the gradient reaching a⟨t⟩ is da⟨t⟩ plus the one "
            f"carried back from step t+1{memory}, each step uses its own cache, and the loop "
            "runs from the last step to the first"
        )

    return hint
