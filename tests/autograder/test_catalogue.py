"""The catalogue of known mistakes: every patch applies, and the grader catches every one.

Run with -s to print, for each mistake, the smallest relative error (the rtol with which
np.allclose at the grader's atol would accept it) over the hidden cases: grading
tolerances must stay below these numbers.
"""

from __future__ import annotations

from collections import Counter

import pytest

from autograder.assignment import Mistake
from autograder.diagnose import PatchError, patched_source
from autograder.tolerances import ATOL, RTOL
from tests.assignments import GRADED_FUNCTIONS, MISTAKES, course_reference, mistake_functions
from tests.patch_checks import Run, hidden_cases, run_against_reference


@pytest.fixture(scope="module")
def measurements() -> dict[str, str]:
    """Mistake id -> what it does on the hidden cases; printed when the module ends."""
    rows: dict[str, str] = {}
    yield rows
    print("\nKnown mistakes: smallest rtol that would accept them (atol = grader's)")
    for mistake_id, row in rows.items():
        print(f"  {mistake_id:62} {row}")


def test_mistake_ids_are_unique() -> None:
    duplicates = [i for i, n in Counter(m.id for m in MISTAKES).items() if n > 1]
    assert not duplicates


def test_every_graded_function_has_at_least_three_mistakes() -> None:
    counts = Counter(m.function for m in MISTAKES)
    assert {f: counts[f] for f in GRADED_FUNCTIONS if counts[f] < 3} == {}


def test_patched_source_refuses_missing_or_repeated_text() -> None:
    reference = course_reference()
    with pytest.raises(PatchError, match="0 times"):
        patched_source(reference, "rnn_cell_forward", "no such code", "")
    with pytest.raises(PatchError, match="2 times"):
        patched_source(reference, "lstm_forward", "np.zeros((n_a, m, T_x))", "")


def test_mistake_functions_are_built_once() -> None:
    reference = course_reference()
    first, second = mistake_functions(reference), mistake_functions(reference)
    assert first.keys() == {m.id for m in MISTAKES}
    assert all(first[key] is second[key] for key in first)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_patch_applies_once(mistake: Mistake) -> None:
    assert mistake.id.startswith(f"{mistake.function}/")
    source = patched_source(course_reference(), mistake.function, mistake.find, mistake.replace)
    assert source != course_reference().solutions[mistake.function]
    assert mistake.hint and mistake.find.strip() not in mistake.hint


def _caught(run: Run) -> bool:
    if run.raised is not None or run.mutated:
        return True
    assert run.difference is not None
    return run.difference.structure is not None or run.difference.rtol > RTOL


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_caught(mistake: Mistake, measurements: dict[str, str]) -> None:
    buggy = mistake_functions(course_reference())[mistake.id]
    runs = [
        run_against_reference(buggy, mistake.function, case, ATOL)
        for case in hidden_cases("catalogue", mistake.function)
    ]
    rtols = [run.difference.rtol for run in runs if run.difference is not None]
    smallest = f"{min(rtols):.2e}" if rtols else "-"
    measurements[mistake.id] = f"min rtol {smallest:>9} | " + " ; ".join(
        run.describe() for run in runs
    )
    assert any(_caught(run) for run in runs), [run.describe() for run in runs]
