"""Match a wrong answer against the catalogue of known mistakes to give a hint.

Each catalogued mistake is the reference with one small patch (see catalogue.py). The
grader runs the buggy versions (instructor code, in the grader) on the same hidden case;
a student whose output and in-place changes are the same as a buggy version's very
probably made that mistake.
"""

from __future__ import annotations

import copy

from autograder.compare import compare, identical
from autograder.diagnose.catalogue import MISTAKES, mistake_functions
from autograder.reference import ReferenceSource
from autograder.specs import Case


def diagnose(
    reference: ReferenceSource, function: str, case: Case, value: object, args_after: object
) -> list[str]:
    """Hints of every catalogued mistake in `function` that reproduces the student's result.

    value, args_after: what the student's function returned on `case` and the arguments
    after the call, as decoded by the grader.
    """
    buggy_versions = mistake_functions(reference)
    hints = []
    for mistake in MISTAKES:
        if mistake.function != function:
            continue
        args = copy.deepcopy(list(case.args))
        try:
            buggy_value = buggy_versions[mistake.id](*args)
            matches = not compare(buggy_value, value, "") and identical(args, args_after)
        except Exception:  # noqa: BLE001  (a buggy version may crash where the student's did not)
            continue
        if matches and mistake.hint not in hints:
            hints.append(mistake.hint)
    return hints
