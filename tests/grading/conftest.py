"""Fixtures for grading whole submissions built from the release notebook."""

from __future__ import annotations

import pytest

from autograder.course_layout import CourseLayout
from autograder.demo_class import fill_solution_cells, read_release
from autograder.grading import Grader, grade_parsed
from autograder.notebook import parse_notebook
from autograder.sandbox.isolation import Isolation
from tests.assignments import ASSIGNMENT, RNN, course_reference

TEST_SECRET = b"test secret: not the course's"


@pytest.fixture(scope="session")
def layout() -> CourseLayout:
    return CourseLayout.discover()


@pytest.fixture(scope="session")
def reference(layout):
    return course_reference(layout.root)


@pytest.fixture(scope="session")
def release_template(layout) -> dict:
    return read_release(layout.release_notebook(ASSIGNMENT))


@pytest.fixture(scope="session")
def grader(reference) -> Grader:
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    return Grader(RNN, reference, TEST_SECRET, isolation=isolation)


@pytest.fixture(scope="session")
def grade_code(grader, release_template):
    """Grade the release notebook with the given solution cells filled in."""

    def grade(code: dict[str, str], student: str = "student") -> dict:
        notebook = fill_solution_cells(release_template, code)
        return grade_parsed(grader, student, parse_notebook(notebook))

    return grade
