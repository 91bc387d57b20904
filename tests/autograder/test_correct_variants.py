"""Correct implementations written differently pass: same outputs as the reference.

Run with -s to print the largest difference of each variant from the reference; the
grader's tolerances must stay well above these numbers.
"""

from __future__ import annotations

from collections import Counter

import pytest

from autograder.assignment import Variant
from autograder.diagnose import patched_source
from tests.assignments import GRADED_FUNCTIONS, VARIANTS, course_reference
from tests.patch_checks import hidden_cases, run_against_reference

VARIANT_RTOL = 1e-9
VARIANT_ATOL = 1e-12


@pytest.fixture(scope="module")
def measurements() -> dict[str, str]:
    """Variant id -> its largest difference from the reference; printed at the end."""
    rows: dict[str, str] = {}
    yield rows
    print("\nCorrect variants: largest difference from the reference (rtol needed at atol=0)")
    for variant_id, row in rows.items():
        print(f"  {variant_id:50} {row}")


def test_variant_ids_are_unique() -> None:
    assert [i for i, n in Counter(v.id for v in VARIANTS).items() if n > 1] == []


def test_every_graded_function_has_a_variant() -> None:
    assert set(GRADED_FUNCTIONS) - {v.function for v in VARIANTS} == set()


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_variant_matches_reference(variant: Variant, measurements: dict[str, str]) -> None:
    reference = course_reference()
    source = patched_source(reference, variant.function, variant.find, variant.replace)
    function = reference.functions({variant.function: source})[variant.function]
    cases = hidden_cases("variants", variant.function)
    runs = [run_against_reference(function, variant.function, case, VARIANT_ATOL) for case in cases]
    for run in runs:
        assert run.raised is None, run.raised
        assert not run.mutated, "the variant changed its input arrays"
        assert run.difference is not None and run.difference.structure is None, run.describe()
    assert max(run.difference.rtol for run in runs) <= VARIANT_RTOL
    pure = [run_against_reference(function, variant.function, case, 0.0) for case in cases]
    worst_rtol = max(run.difference.rtol for run in pure)
    worst_abs = max(run.difference.max_abs for run in pure)
    measurements[variant.id] = f"rtol {worst_rtol:.2e}  max abs {worst_abs:.2e}"
