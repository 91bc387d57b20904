"""Match a wrong answer against the catalogue of known mistakes to give a hint.

Each catalogued mistake is the reference with one small patch (see patches.py). The
grader runs the buggy versions (instructor code, in the grader) on the same hidden case;
a student whose output and in-place changes are the same as a buggy version's very
probably made that mistake.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

import numpy as np

from autograder.assignment import Case, Mistake
from autograder.compare import compare, identical
from autograder.dependency_calls import AllowedCalls, run_with_checked_calls
from autograder.diagnose.patches import mistake_functions
from autograder.reference import ReferenceSource

ServedCalls = tuple[tuple[str, ...], Mapping[str, Callable], AllowedCalls]


def diagnose(
    reference: ReferenceSource,
    mistakes: tuple[Mistake, ...],
    function: str,
    case: Case,
    value: object = None,
    args_after: object = None,
    raised: tuple[str, str] | None = None,
    served: ServedCalls | None = None,
) -> list[str]:
    """Hints of every catalogued mistake in `function` that reproduces the student's result.

    Either the student's function returned `value` and left its arguments as `args_after`
    (both as decoded by the grader), or it `raised` (exception type name, message).
    served: (dependencies, reference functions, allowed calls): the buggy version's calls
    to its dependencies are then answered as the student's were (see dependency_calls).
    """
    buggy_versions = mistake_functions(reference, mistakes)
    hints = []
    for mistake in mistakes:
        if mistake.function != function or mistake.hint in hints:
            continue
        args = copy.deepcopy(list(case.args))
        buggy = buggy_versions[mistake.id]
        try:
            with np.errstate(all="ignore"):  # buggy code overflows: no news here
                if served:
                    buggy_value = run_with_checked_calls(buggy, *served, args)
                else:
                    buggy_value = buggy(*args)
        except Exception as error:  # noqa: BLE001  (some mistakes crash: that is their fingerprint)
            if raised == (type(error).__name__, str(error)):
                hints.append(mistake.hint)
            continue
        if raised is None and not compare(buggy_value, value, "") and identical(args, args_after):
            hints.append(mistake.hint)
    return hints
