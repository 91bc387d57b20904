"""Checks every forward function gets: outputs and cache layout, probabilities, examples
kept apart, time order (sequences), inputs left unchanged."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from course.checks.cases import Forward
from course.checks.expect import (
    IDENTITY_ATOL,
    CheckFailure,
    expect,
    expect_cache,
    expect_close,
    expect_leaves_inputs,
    max_abs_difference,
    same_values,
)
from course.checks.report import EVERYTHING, Check
from course.checks.samples import sample_check


def _expect_outputs(f: Forward) -> None:
    f.run()


def _expect_cell_cache(f: Forward) -> None:
    values = f.values()
    outputs = f.run(values)
    known = {**values, **outputs}
    expected = {field: known[field] for field in f.sig.cache if field in known}
    expect_cache("cache", outputs["cache"], f.sig.cache, expected, f.sizes)


def _expect_sequence_caches(f: Forward) -> None:
    values = f.values()
    outputs = f.run(values)
    caches, T_x = outputs["caches"], f.sizes.T_x
    expect(
        isinstance(caches, tuple | list) and len(caches) == 2,
        f"caches should be the pair (list of the T_x = {T_x} step caches, x)",
    )
    steps, x = caches
    expect(same_values(x, values["x"]), "caches[1] should be x, the whole input sequence")
    expect(
        isinstance(steps, tuple | list) and len(steps) == T_x,
        f"caches[0] should be a list of T_x = {T_x} caches, one per time step",
    )
    for t, step in enumerate(steps):
        expected = {"xt": values["x"][:, :, t], "parameters": values["parameters"]}
        sources = {"xt": f"x[:, :, {t}]"}
        for state in ("a", "c"):
            if state in outputs:
                expected[f"{state}_next"] = outputs[state][:, :, t]
                sources[f"{state}_next"] = f"{state}[:, :, {t}]"
                if t > 0:  # c<0> has a check of its own (lstm_forward)
                    expected[f"{state}_prev"] = outputs[state][:, :, t - 1]
                    sources[f"{state}_prev"] = (
                        f"{state}[:, :, {t - 1}] (the {state}_next of step {t - 1})"
                    )
        if t == 0:
            expected["a_prev"], sources["a_prev"] = values["a0"], "a0"
        try:
            expect_cache(f"caches[0][{t}]", step, f.sig.cache, expected, f.sizes, sources)
        except CheckFailure as failure:
            # A step cache that disagrees with a or c: one of the two is wrong.
            states = [s for s in ("a", "c") if f"should be {s}_" in str(failure)]
            raise CheckFailure(str(failure), ("caches", *states)) from None


def _expect_probabilities(f: Forward) -> None:
    name = next(name for name in f.sig.returns if name.startswith("y"))
    y = f.run()[name]
    expect(bool(np.all(y >= 0)), f"{name} has negative entries: it should hold probabilities")
    gap = max_abs_difference(y.sum(axis=0), np.ones(y.shape[1:]))
    expect(
        gap <= IDENTITY_ATOL,
        f"each column of {name} (one example's n_y class probabilities) should sum to 1, but "
        f"is off by up to {gap:.1e}: softmax over the wrong axis? softmax from course "
        "normalizes over axis 0",
    )


def _expect_examples_apart(f: Forward) -> None:
    before = f.run()
    changed = f.values()
    for name in f.sig.arguments:
        if name != "parameters":
            changed[name][:, 0] += 1.0
    after = f.run(changed)
    for name, value in before.items():
        if isinstance(value, np.ndarray):
            expect_close(
                f"{name}[:, 1:]",
                after[name][:, 1:],
                value[:, 1:],
                "changing example 0 (column 0 of the inputs) changed the other examples: "
                "examples must not mix (a sum or mean over axis 1, a wrong reshape?)",
                (name,),
            )


def _expect_time_order(f: Forward) -> None:
    before = f.run()
    changed = f.values()
    changed["x"][:, :, -1] += 1.0
    after = f.run(changed)
    for name in f.sig.returns[:-1]:  # a, y_pred (and c): all but the caches
        expect_close(
            f"{name}[:, :, :T_x-1]",
            after[name][:, :, :-1],
            before[name][:, :, :-1],
            "changing the last input x<T_x> changed earlier time steps: step t should read "
            "x[:, :, t] and store its results at index t",
            (name,),
        )


def _expect_state_carried(f: Forward) -> None:
    before = f.run()["a"]
    last = f.sizes.T_x - 1
    changed = f.values()
    changed["x"][:, :, 0] += 1.0
    gap = max_abs_difference(f.run(changed)["a"][:, :, last], before[:, :, last])
    expect(
        gap > IDENTITY_ATOL,
        f"changing x<1> did not change a<T_x> = a[:, :, {last}]: is each step's a_next "
        "passed on as the next step's a_prev?",
    )
    changed = f.values()
    changed["a0"] += 1.0
    gap = max_abs_difference(f.run(changed)["a"][:, :, 0], before[:, :, 0])
    expect(
        gap > IDENTITY_ATOL,
        "changing a0 did not change a<1> = a[:, :, 0]: is a0 the a_prev of the first step?",
    )


def _expect_inputs_unchanged(f: Forward) -> None:
    values = f.values()
    expect_leaves_inputs(f.sig.name, values, lambda: f.run(values))


def forward_checks(f: Forward, properties: Sequence[Check] = ()) -> list[Check]:
    """All checks of a forward function, with its own `properties` after the layout.

    Upstream first: a mistake fails the first check that can see it, and the checks
    after it that use what it found wrong say they follow from it (see report.py).
    """
    outputs = tuple(name for name in f.sig.returns if name not in ("cache", "caches"))
    prediction = next(name for name in f.sig.returns if name.startswith("y"))
    checks = [
        Check(
            f"returns {', '.join(f.sig.returns)} of the right shapes",
            lambda: _expect_outputs(f),
            required=True,
        ),
        Check(
            "leaves its inputs unchanged",
            lambda: _expect_inputs_unchanged(f),
            steps=(EVERYTHING,),
        ),
        Check(
            f"the columns of {prediction} are probabilities",
            lambda: _expect_probabilities(f),
            steps=(prediction,),
        ),
    ]
    if not f.sig.is_sequence:
        checks.append(
            Check(
                f"cache is ({', '.join(f.sig.cache)})",
                lambda: _expect_cell_cache(f),
                steps=("cache",),
            )
        )
    checks += [
        *properties,
        Check(
            "each example (column) is computed on its own",
            lambda: _expect_examples_apart(f),
            uses=outputs,
        ),
    ]
    if f.sig.is_sequence:
        states = tuple(name for name in ("a", "c") if name in outputs)
        checks += [
            Check("step t does not see later inputs", lambda: _expect_time_order(f), uses=outputs),
            Check(
                "the hidden state starts at a0 and is carried",
                lambda: _expect_state_carried(f),
                uses=("a",),
            ),
            Check(
                "caches is (list of step caches, x), each step's cache in order",
                lambda: _expect_sequence_caches(f),
                uses=("caches", *states),
            ),
        ]
    return [*checks, sample_check(f.function, f.sig)]
