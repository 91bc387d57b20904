"""Every catalogued mistake of every assignment costs points on its own function, and on
no other, and earns its hint; every correct variant earns full marks. Each is graded end
to end, through the sandbox.

Functions are graded independently (a function's dependencies are served by the
reference), so one submission can carry one mistake or variant per function at once.
"""

from collections import defaultdict

import pytest

from autograder.assignment import assignment_names, load_assignment
from autograder.demo_class import correct_code
from autograder.diagnose import patched_source
from tests.assignments import REPO

ASSIGNMENTS = assignment_names(REPO)
MISTAKES = [(a, m) for a in ASSIGNMENTS for m in load_assignment(REPO, a).mistakes]
VARIANTS = [(a, v) for a in ASSIGNMENTS for v in load_assignment(REPO, a).variants]


def _rounds(patches):
    """Group patches so that each round patches every function at most once."""
    per_function = defaultdict(list)
    for patch in patches:
        per_function[patch.function].append(patch)
    depth = max(len(p) for p in per_function.values())
    return [[p[i] for p in per_function.values() if i < len(p)] for i in range(depth)]


def _grade_rounds(patches, grading_of) -> dict[tuple[str, str], dict]:
    """(assignment, patch id) -> the whole result of the round that carried the patch."""
    graded = {}
    for assignment in ASSIGNMENTS:
        reference, grade_code = grading_of(assignment)
        mine = [patch for a, patch in patches if a == assignment]
        for index, round_ in enumerate(_rounds(mine) if mine else []):
            code = correct_code(reference)
            for patch in round_:
                code[patch.function] = patched_source(
                    reference, patch.function, patch.find, patch.replace
                )
            result = grade_code(code, student=f"round-{index}")
            graded.update({(assignment, patch.id): result for patch in round_})
    return graded


@pytest.fixture(scope="module")
def graded_mistakes(grading_of):
    return _grade_rounds(MISTAKES, grading_of)


@pytest.fixture(scope="module")
def graded_variants(grading_of):
    return _grade_rounds(VARIANTS, grading_of)


@pytest.mark.parametrize(("assignment", "mistake"), MISTAKES, ids=lambda p: getattr(p, "id", p))
def test_mistake_loses_points_and_gets_its_hint(assignment, mistake, graded_mistakes):
    result = graded_mistakes[(assignment, mistake.id)]["functions"][mistake.function]
    failed = [c for c in result["checks"] if not c["passed"]]
    assert result["score"] < result["max_score"], f"{mistake.id} kept full marks"
    messages = "\n".join(c["message"] for c in failed)
    assert mistake.hint in messages, f"no hint for {mistake.id}; messages:\n{messages}"


@pytest.mark.parametrize(("assignment", "mistake"), MISTAKES, ids=lambda p: getattr(p, "id", p))
def test_mistake_costs_no_other_function(assignment, mistake, graded_mistakes):
    """A round carries one mistake per function: every function's loss is its own."""
    functions = graded_mistakes[(assignment, mistake.id)]["functions"]
    patched = {p.function for a, p in MISTAKES if (a, p.id) in graded_mistakes
               and graded_mistakes[(a, p.id)] is graded_mistakes[(assignment, mistake.id)]}
    lost = {name for name, r in functions.items() if r["score"] < r["max_score"]}
    assert lost <= patched, f"points lost by functions without a mistake: {lost - patched}"


@pytest.mark.parametrize(("assignment", "variant"), VARIANTS, ids=lambda p: getattr(p, "id", p))
def test_correct_variant_gets_full_marks(assignment, variant, graded_variants):
    result = graded_variants[(assignment, variant.id)]["functions"][variant.function]
    failed = [f"{c['name']}: {c['message']}" for c in result["checks"] if not c["passed"]]
    assert result["score"] == result["max_score"], "\n".join(failed)
