"""course.checks, checked both ways: the reference and every correct variant pass; stubs,
hand-made wrong versions and every catalogued mistake fail with a message that names the
quantity. Also the notation the checks are built on."""

from __future__ import annotations

import doctest
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import course
import course.checks
import course.notation
from autograder.diagnose import patched_source
from course.checks.cases import PUBLIC_SEED, PUBLIC_SIZES, call, draw_values
from course.checks.expect import CheckFailure
from course.checks.report import Check, Dependencies, PublicCheckFailed, run_checks
from course.notation import SIGNATURES, Sizes, init_lstm_parameters, lstm_shapes, rnn_shapes
from tests.assignments import (
    GRADED_FUNCTIONS,
    MISTAKES,
    VARIANTS,
    course_reference,
    mistake_functions,
)

SOURCE = course_reference()
REFERENCE = SOURCE.functions()
BACKWARD = [name for name in GRADED_FUNCTIONS if name.endswith("_backward")]


def run_check(name: str, implementation: Callable, forward: Callable | None = None) -> None:
    """The public check of `name` on `implementation` (a backward check also gets a forward
    function: the reference's unless given)."""
    check = getattr(course.checks, f"check_{name}")
    if SIGNATURES[name].is_backward:
        check(implementation, forward or REFERENCE[SIGNATURES[name].forward.name])
    else:
        check(implementation)


def stub(name: str) -> Callable:
    """What the student notebook holds before any work: a function `name` that raises."""
    namespace: dict = {}
    exec(f"def {name}(*args):\n    raise NotImplementedError()", namespace)
    return namespace[name]


def changed(name: str, change: Callable) -> Callable:
    """The reference of `name` with `change` applied to what it returns."""
    reference = REFERENCE[name]
    return lambda *args: change(reference(*args))


def swapped(items: tuple, i: int, j: int) -> tuple:
    items = list(items)
    items[i], items[j] = items[j], items[i]
    return tuple(items)


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_the_reference_passes(name, capsys):
    run_check(name, REFERENCE[name])
    out = capsys.readouterr().out
    assert re.search(rf"Public checks of {name}: (\d+) of \1 passed", out), out
    assert "FAIL" not in out


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_a_stub_is_reported_as_not_implemented(name, capsys):
    with pytest.raises(AssertionError, match=f"^{name} is not implemented yet$"):
        run_check(name, stub(name))
    assert f"{name} is not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize("name", BACKWARD)
def test_a_backward_check_names_the_unimplemented_forward(name):
    forward = SIGNATURES[name].forward.name
    with pytest.raises(AssertionError, match=f"^{forward} is not implemented yet$"):
        run_check(name, REFERENCE[name], forward=stub(forward))


CELLS = {
    "rnn_forward": ("rnn_cell_forward", "xt, a_prev, parameters"),
    "lstm_forward": ("lstm_cell_forward", "xt, a_prev, c_prev, parameters"),
    "rnn_backward": ("rnn_cell_backward", "da_next, cache"),
    "lstm_backward": ("lstm_cell_backward", "da_next, dc_next, cache"),
}


@pytest.mark.parametrize("name", CELLS)
def test_a_sequence_check_names_the_unimplemented_cell_it_calls(name, capsys):
    cell, arguments = CELLS[name]
    stub_cell = f"def {cell}({arguments}):\n    raise NotImplementedError()\n"
    sequence = SOURCE.functions({cell: stub_cell})[name]
    with pytest.raises(AssertionError, match=f"^{cell} is not implemented yet$"):
        run_check(name, sequence)
    assert f"{cell} is not implemented yet" in capsys.readouterr().out


def test_an_exception_is_shown_with_its_type_and_the_check(capsys):
    def rnn_cell_forward(xt, a_prev, parameters):
        raise ValueError("shapes (5,5) and (3,10) not aligned")

    with pytest.raises(AssertionError) as failure:
        run_check("rnn_cell_forward", rnn_cell_forward)
    message = str(failure.value)
    assert "returns a_next, yt_pred, cache of the right shapes" in message
    assert "ValueError: shapes (5,5) and (3,10) not aligned" in message
    out = capsys.readouterr().out
    assert 'raise ValueError("shapes' in out  # the line of the student's code
    assert "skip" in out


def _changes_xt(xt, a_prev, parameters):
    xt += 1.0
    return REFERENCE["rnn_cell_forward"](xt, a_prev, parameters)


WRONG_VERSIONS = [
    (
        "rnn_cell_forward",
        "a_next-transposed",
        changed("rnn_cell_forward", lambda out: (out[0].T, *out[1:])),
        "a_next should have shape (n_a, m) = (5, 10), got (10, 5)",
    ),
    (
        "rnn_cell_forward",
        "cache-order",
        changed("rnn_cell_forward", lambda out: (*out[:2], swapped(out[2], 1, 2))),
        "cache[1] should be a_prev, but it holds xt",
    ),
    (
        "rnn_cell_forward",
        "normalized-over-examples",
        changed(
            "rnn_cell_forward",
            lambda out: (out[0], out[1] / out[1].sum(axis=1, keepdims=True), out[2]),
        ),
        "each column of yt_pred",
    ),
    ("rnn_cell_forward", "changes-its-input", _changes_xt, "changed its argument xt in place"),
    (
        "rnn_forward",
        "y_pred-axes-swapped",
        changed("rnn_forward", lambda out: (out[0], out[1].transpose(1, 0, 2), out[2])),
        "y_pred should have shape (n_y, m, T_x) = (2, 10, 4), got (10, 2, 4)",
    ),
    (
        "rnn_forward",
        "caches-without-x",
        changed("rnn_forward", lambda out: (*out[:2], (out[2][0],))),
        "caches should be the pair",
    ),
    (
        "rnn_cell_backward",
        "dWax-scaled",
        changed("rnn_cell_backward", lambda g: {**g, "dWax": 1.1 * g["dWax"]}),
        "dWax is the one that does not match the numerical slopes",
    ),
    (
        "rnn_cell_backward",
        "dba-missing",
        changed("rnn_cell_backward", lambda g: {k: v for k, v in g.items() if k != "dba"}),
        "has no key 'dba' (shape (n_a, 1) = (5, 1))",
    ),
    (
        "rnn_cell_backward",
        "dba-averaged",
        changed("rnn_cell_backward", lambda g: {**g, "dba": g["dba"] / g["dxt"].shape[1]}),
        "dba of a batch should be the SUM",
    ),
    (
        "rnn_backward",
        "da0-zero",
        changed("rnn_backward", lambda g: {**g, "da0": np.zeros_like(g["da0"])}),
        "da0",
    ),
    (
        "rnn_backward",
        "dx-time-reversed",
        changed("rnn_backward", lambda g: {**g, "dx": g["dx"][:, :, ::-1]}),
        "dx",
    ),
    (
        "lstm_cell_forward",
        "ft-it-swapped-in-cache",
        changed("lstm_cell_forward", lambda out: (*out[:3], swapped(out[3], 4, 5))),
        "ft (cache[4]) is off",
    ),
    (
        "lstm_cell_forward",
        "c_next-transposed",
        changed("lstm_cell_forward", lambda out: (out[0], out[1].T, *out[2:])),
        "c_next should have shape (n_a, m) = (5, 10), got (10, 5)",
    ),
    (
        "lstm_forward",
        "y-and-c-swapped",
        changed("lstm_forward", lambda out: (out[0], out[2], out[1], out[3])),
        "y should have shape (n_y, m, T_x) = (2, 10, 4), got (5, 10, 4)",
    ),
    (
        "lstm_cell_backward",
        "dc_prev-extra-axis",
        changed("lstm_cell_backward", lambda g: {**g, "dc_prev": g["dc_prev"][..., None]}),
        "dc_prev should have shape (n_a, m) = (5, 10), got (5, 10, 1)",
    ),
    (
        "lstm_cell_backward",
        "dbf-dbo-swapped",
        changed("lstm_cell_backward", lambda g: {**g, "dbf": g["dbo"], "dbo": g["dbf"]}),
        "dbo should be 0",
    ),
    (
        "lstm_backward",
        "da0-zero",
        changed("lstm_backward", lambda g: {**g, "da0": np.zeros_like(g["da0"])}),
        "da0",
    ),
    (
        "lstm_backward",
        "dWc-scaled",
        changed("lstm_backward", lambda g: {**g, "dWc": 1.1 * g["dWc"]}),
        "dWc",
    ),
]


def test_every_graded_function_has_wrong_versions():
    assert {name for name, *_ in WRONG_VERSIONS} == set(GRADED_FUNCTIONS)


@pytest.mark.parametrize(
    ("name", "wrong", "quantity"),
    [(name, wrong, quantity) for name, _, wrong, quantity in WRONG_VERSIONS],
    ids=[f"{name}/{slug}" for name, slug, *_ in WRONG_VERSIONS],
)
def test_a_wrong_version_fails_naming_the_quantity(name, wrong, quantity):
    with pytest.raises(AssertionError, match="failed \\d+ public check") as failure:
        run_check(name, wrong)
    assert quantity in str(failure.value)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_every_catalogued_mistake_fails(mistake):
    buggy = mistake_functions(SOURCE)[mistake.id]
    with pytest.raises(AssertionError, match="public check"):
        run_check(mistake.function, buggy)


# What the one FAIL of a catalogued mistake says (its cause), where the checks recognise
# the mistake itself rather than only the quantity it breaks.
CAUSES = {
    "rnn_cell_forward/softmax-over-examples": "softmax over the wrong axis",
    "rnn_forward/input-off-by-one": "step t should read x[:, :, t]",
    "rnn_backward/mutates-da": "changed its argument da in place",
    "rnn_backward/dWax-not-accumulated": "dWax is the one that does not match",
    "rnn_backward/dba-not-accumulated": "dba is the one that does not match",
    "lstm_cell_forward/gates-f-i-swapped": "is c_prev weighted by ft",
    "lstm_cell_forward/candidate-sigmoid": "c̃⟨t⟩ looks like σ(b_c)",
    "lstm_cell_forward/output-gate-uses-Wf": "does the output gate use its own weights",
    "lstm_cell_forward/a-without-output-gate": "the output gate Γ_o is missing",
    "lstm_cell_forward/a-without-tanh": "a⟨t⟩ looks like Γ_o ∘ c⟨t⟩",
    **{
        f"lstm_cell_forward/{role}-gate-tanh": f"{symbol} looks like tanh(b_{gate})"
        for gate, symbol, role in (
            ("f", "Γ_f", "forget"),
            ("i", "Γ_i", "update"),
            ("o", "Γ_o", "output"),
        )
    },
    **{f"lstm_cell_forward/b{gate}-missing": f"the bias b_{gate} is missing" for gate in "fico"},
    "lstm_cell_forward/output-gate-inside-tanh": "a⟨t⟩ looks like tanh(Γ_o ∘ c⟨t⟩)",
    "lstm_forward/c0-is-a0": "c should be all 0",
    "lstm_cell_backward/dc_prev-missing-path-through-a_next": "the path through a_next",
    "lstm_cell_backward/dc_prev-through-update-gate": "your dc_prev is scaled by Γ_i",
    "lstm_cell_backward/dc_prev-through-output-gate": "your dc_prev is scaled by Γ_o",
    "lstm_cell_backward/dft-uses-c_next": "Γ_f's pre-activation",
    "lstm_cell_backward/dit-uses-c_prev": "Γ_i's pre-activation",
    "lstm_cell_backward/dot-without-tanh": "Γ_o's pre-activation",
    "lstm_cell_backward/candidate-derivative-tanh-twice": "c̃⟨t⟩'s pre-activation",
    "lstm_cell_backward/tanh-derivative-of-c-unsquashed": "the total gradient reaching c⟨t⟩",
    "lstm_cell_backward/output-gate-term-missing": "every weight and bias gradient is right",
    "lstm_backward/dWf-not-accumulated": "dWf is the one that does not match",
}


def test_every_expected_cause_names_a_catalogued_mistake():
    assert set(CAUSES) <= {mistake.id for mistake in MISTAKES}


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_a_catalogued_mistake_gives_one_fail_that_names_its_cause(mistake, capsys):
    """One row FAILs with a cause; every other failing row says it follows from it."""
    buggy = mistake_functions(SOURCE)[mistake.id]
    with pytest.raises(PublicCheckFailed) as failure:
        run_check(mistake.function, buggy)
    failed = [o for o in failure.value.outcomes if o.status == "FAIL"]
    causes = [o for o in failed if not o.follows]
    table = capsys.readouterr().out
    assert len(causes) == 1, table
    assert not causes[0].detail.startswith("follows from"), table
    assert all(o.detail.startswith("follows from ") for o in failed if o.follows), table
    assert str(failure.value).startswith(f"{mistake.function} failed 1 public check(s)")
    if mistake.id in CAUSES:
        assert CAUSES[mistake.id] in causes[0].detail, table


def test_a_failure_follows_from_one_above_only_through_what_it_uses(capsys):
    def fails(found: tuple[str, ...] = ()):
        def run():
            raise CheckFailure("wrong", found)

        return run

    dependencies = Dependencies({"c": ("a",)}, {"a": "A", "b": "B"})
    checks = [
        Check("a is right", fails(("a",)), steps=("a", "b")),
        Check("c is right", fails(), uses=("c",)),  # c is computed from a
        Check("c's own step is right", fails(), steps=("c",)),  # whatever a is
        Check("b is right", fails(), steps=("b",)),  # a was found wrong, not b
        Check("undeclared", fails()),  # declares nothing: always its own cause
    ]
    with pytest.raises(PublicCheckFailed) as failure:
        run_checks("f", checks, dependencies)
    details = [(o.name, o.follows, o.detail) for o in failure.value.outcomes]
    assert details == [
        ("a is right", False, "wrong"),
        ("c is right", True, "follows from A above"),
        ("c's own step is right", False, "wrong"),
        ("b is right", False, "wrong"),
        ("undeclared", False, "wrong"),
    ]
    assert str(failure.value).startswith("f failed 4 public check(s) (1 more fail only")
    assert "follows from A above" in capsys.readouterr().out


def test_two_mistakes_give_two_causes():
    """A missing b_f does not hide a missing tanh in a<t> = Γ_o ∘ tanh(c<t>): the check of
    the output gate sets Γ_o and reads c<t> from the outputs, so Γ_f cannot explain it."""
    cell = SOURCE.solutions["lstm_cell_forward"]
    for find, replace in (
        ("Wf @ concat + bf)", "Wf @ concat)"),
        ("a_next = ot * np.tanh(c_next)", "a_next = ot * c_next"),
    ):
        cell = cell.replace(find, replace)
    buggy = SOURCE.functions({"lstm_cell_forward": cell})["lstm_cell_forward"]
    with pytest.raises(PublicCheckFailed) as failure:
        run_check("lstm_cell_forward", buggy)
    causes = [o.detail for o in failure.value.outcomes if o.status == "FAIL" and not o.follows]
    assert len(causes) == 2
    assert "the bias b_f is missing" in causes[0]
    assert "squash the cell state with tanh" in causes[1]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_every_correct_variant_passes(variant):
    source = patched_source(SOURCE, variant.function, variant.find, variant.replace)
    run_check(variant.function, SOURCE.functions({variant.function: source})[variant.function])


def test_no_graded_function_is_defined_in_course():
    package = Path(course.__file__).parent
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in GRADED_FUNCTIONS:
            assert f"def {name}(" not in text, f"{path} defines {name}"


# The notation the checks are built on.


def test_the_notation_docstring_example_runs():
    assert doctest.testmod(course.notation).failed == 0


def test_parameter_shapes_follow_the_notation():
    assert rnn_shapes(3, 5, 2) == {
        "Wax": (5, 3),
        "Waa": (5, 5),
        "Wya": (2, 5),
        "ba": (5, 1),
        "by": (2, 1),
    }
    shapes = lstm_shapes(3, 5, 2)
    assert all(shapes[f"W{gate}"] == (5, 8) and shapes[f"b{gate}"] == (5, 1) for gate in "fico")
    assert shapes["Wy"] == (2, 5) and shapes["by"] == (2, 1)
    assert Sizes(3, 5, 2, m=10, T_x=4).describe("dWf") == "(n_a, n_a + n_x) = (5, 8)"


def test_builders_are_seeded_float64():
    first, again = init_lstm_parameters(3, 5, 2, rng=4), init_lstm_parameters(3, 5, 2, rng=4)
    assert all(v.dtype == np.float64 and np.array_equal(v, again[k]) for k, v in first.items())


@pytest.mark.parametrize("name", ["rnn_forward", "lstm_forward"])
def test_public_inputs_keep_the_units_responsive(name):
    """Saturated units (slope near 0) would hide backward mistakes: measure the slopes of
    tanh (1 - a²) and of the sigmoid gates (4 g (1 - g), 1 at the centre) on the public case."""
    values = draw_values(SIGNATURES[name], PUBLIC_SIZES, PUBLIC_SEED)
    caches = call(REFERENCE[name], SIGNATURES[name], values)[-1][0]
    fields = SIGNATURES[name].cache
    for field in ("a_next", "ft", "it", "cct", "ot"):
        if field not in fields:
            continue
        unit = np.stack([cache[fields.index(field)] for cache in caches])
        slope = 4 * unit * (1 - unit) if field in ("ft", "it", "ot") else 1 - unit**2
        assert np.mean(slope) > 0.5, f"{field}: mean slope {np.mean(slope):.2f}"
        assert np.mean(slope < 0.05) < 0.1, f"{field}: {np.mean(slope < 0.05):.0%} saturated"
