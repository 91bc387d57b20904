"""Match a wrong answer against the catalogue of known mistakes to give a hint.

Each catalogued mistake is the reference with one small patch (see patches.py). The
grader runs the buggy versions (instructor code, in the grader) on the same hidden case;
a student whose output and in-place changes are the same as a buggy version's very
probably made that mistake.
"""

from __future__ import annotations

import copy

from autograder.assignment import Case, Mistake
from autograder.compare import compare, identical
from autograder.diagnose.patches import mistake_functions
from autograder.reference import ReferenceSource


def diagnose(
    reference: ReferenceSource,
    mistakes: tuple[Mistake, ...],
    function: str,
    case: Case,
    value: object = None,
    args_after: object = None,
    raised: tuple[str, str] | None = None,
) -> list[str]:
    """Hints of every catalogued mistake in `function` that reproduces the student's result.

    Either the student's function returned `value` and left its arguments as `args_after`
    (both as decoded by the grader), or it `raised` (exception type name, message).
    """
    buggy_versions = mistake_functions(reference, mistakes)
    hints = []
    for mistake in mistakes:
        if mistake.function != function or mistake.hint in hints:
            continue
        args = copy.deepcopy(list(case.args))
        try:
            buggy_value = buggy_versions[mistake.id](*args)
        except Exception as error:  # noqa: BLE001  (some mistakes crash: that is their fingerprint)
            if raised == (type(error).__name__, str(error)):
                hints.append(mistake.hint)
            continue
        if raised is None and not compare(buggy_value, value, "") and identical(args, args_after):
            hints.append(mistake.hint)
    return hints
