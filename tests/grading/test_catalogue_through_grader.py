"""Every catalogued mistake costs points on its own function and earns its hint; every
correct variant earns full marks. Each is graded end to end, through the sandbox.

Functions are graded independently (a function's dependencies are served by the
reference), so one submission can carry one mistake or variant per function at once.
"""

from collections import defaultdict

import pytest

from autograder.demo_class import correct_code
from autograder.diagnose import patched_source
from tests.assignments import MISTAKES, VARIANTS


def _rounds(patches):
    """Group patches so that each round patches every function at most once."""
    per_function = defaultdict(list)
    for patch in patches:
        per_function[patch.function].append(patch)
    depth = max(len(p) for p in per_function.values())
    return [[p[i] for p in per_function.values() if i < len(p)] for i in range(depth)]


def _grade_rounds(patches, grade_code, reference) -> dict[str, dict]:
    """patch id -> the result of the patched function."""
    graded = {}
    for index, round_ in enumerate(_rounds(patches)):
        code = correct_code(reference)
        for patch in round_:
            code[patch.function] = patched_source(
                reference, patch.function, patch.find, patch.replace
            )
        result = grade_code(code, student=f"round-{index}")
        graded.update({patch.id: result["functions"][patch.function] for patch in round_})
    return graded


@pytest.fixture(scope="module")
def graded_mistakes(grade_code, reference):
    return _grade_rounds(MISTAKES, grade_code, reference)


@pytest.fixture(scope="module")
def graded_variants(grade_code, reference):
    return _grade_rounds(VARIANTS, grade_code, reference)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_loses_points_and_gets_its_hint(mistake, graded_mistakes):
    result = graded_mistakes[mistake.id]
    failed = [c for c in result["checks"] if not c["passed"]]
    assert result["score"] < result["max_score"], f"{mistake.id} kept full marks"
    messages = "\n".join(c["message"] for c in failed)
    assert mistake.hint in messages, f"no hint for {mistake.id}; messages:\n{messages}"


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_correct_variant_gets_full_marks(variant, graded_variants):
    result = graded_variants[variant.id]
    failed = [f"{c['name']}: {c['message']}" for c in result["checks"] if not c["passed"]]
    assert result["score"] == result["max_score"], "\n".join(failed)
