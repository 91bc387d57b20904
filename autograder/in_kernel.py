"""The hidden part of the notebook's autograder test cells, for `nbgrader autograde`.

nbgrader runs the student's code and these tests in one kernel, so a determined student
can tamper with them there (see README: use `rnn-autograde grade` for real grading). The
checks are the very ones `rnn-autograde` uses, so an honest submission gets the same
points either way: a function earns its test cell's points when every check passes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from autograder.assignment import assignment_names, load_assignment
from autograder.course_layout import CourseLayout
from autograder.grading import Grader, grade_function
from autograder.reference import course_reference
from autograder.sandbox.in_process import InProcessSession
from autograder.secret import read_secret

NBGRADER_STUDENT = "nbgrader-autograde"


@cache
def _grader(function: str) -> Grader:
    """The grader of the assignment that grades `function`."""
    layout = CourseLayout.discover()
    for name in assignment_names(layout.root):
        assignment = load_assignment(layout.root, name)
        if function in assignment.function_names:
            reference = course_reference(layout.root, name)
            return Grader(assignment, reference, read_secret(layout, create=False))
    raise LookupError(f"no assignment of {layout.root} grades a function {function!r}")


def assert_passes_hidden_checks(function: str, implementation: Callable) -> None:
    """Raise AssertionError listing every failed hidden check of `implementation`."""
    grader = _grader(function)
    result = grade_function(
        grader,
        InProcessSession({function: implementation}),
        NBGRADER_STUDENT,
        grader.specs[function],
    )
    failed = [c for c in result["checks"] if not c["passed"]]
    if failed:
        lines = "\n".join(f"- {c['name']}: {c['message']}" for c in failed)
        raise AssertionError(f"{function} failed {len(failed)} hidden check(s):\n{lines}")
    print(f"{function}: all {len(result['checks'])} hidden checks passed")
