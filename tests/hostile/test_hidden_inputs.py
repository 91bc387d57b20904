"""Hidden inputs a submission reveals are of no use to the next submission.

A function can print its own hidden inputs into its error message (which reaches the
student's feedback), and a failed check shows one expected value. So each hidden case is
seeded by the secret, the student, the function, the case *and a digest of the submitted
code*: identical code gets identical results, any change of code (in any cell, since
cells share one namespace) gets fresh inputs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release
from autograder.grading import Grader, grade_parsed
from autograder.notebook import parse_notebook
from autograder.sandbox.isolation import Isolation
from tests.assignments import ASSIGNMENT, RNN, course_reference

REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)
STUDENT = "probing-student"
ECHO = """import numpy as np

def rnn_cell_forward(xt, a_prev, parameters):
    raise ValueError(f"INPUTS{xt.ravel()[:4].tolist()}INPUTS")
"""


@pytest.fixture(scope="module")
def grader() -> Grader:
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    return Grader(RNN, REFERENCE, b"hidden inputs test secret", isolation=isolation)


def grade(grader: Grader, code: dict[str, str]) -> dict:
    release = read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))
    return grade_parsed(grader, STUDENT, parse_notebook(fill_solution_cells(release, code)))


def revealed(result: dict) -> str:
    """The hidden inputs the echoing rnn_cell_forward printed into its feedback."""
    messages = " ".join(c["message"] for c in result["functions"]["rnn_cell_forward"]["checks"])
    found = re.search(r"INPUTS(\[.*?\])INPUTS", messages)
    assert found, messages
    return found.group(1)


def test_identical_code_gets_identical_results(grader):
    code = {**correct_code(REFERENCE), "rnn_cell_forward": ECHO}
    assert grade(grader, code) == grade(grader, code)


@pytest.mark.parametrize("changed", ["rnn_cell_forward", "lstm_forward"])
def test_any_change_of_code_gets_fresh_inputs(grader, changed):
    code = {**correct_code(REFERENCE), "rnn_cell_forward": ECHO}
    edited = {**code, changed: code[changed] + "\n# resubmitted\n"}
    assert revealed(grade(grader, code)) != revealed(grade(grader, edited))


def test_an_honest_resubmission_still_gets_full_marks(grader):
    code = correct_code(REFERENCE)
    edited = {name: cell + "\n# tidied up\n" for name, cell in code.items()}
    for version in (code, edited):
        result = grade(grader, version)
        assert result["score"] == result["max_score"], result
