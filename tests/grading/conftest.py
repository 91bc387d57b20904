"""Fixtures for grading whole submissions built from the release notebook."""

from __future__ import annotations

import pytest

from autograder.assignment import load_assignment
from autograder.course_layout import CourseLayout
from autograder.demo_class import fill_solution_cells, read_release
from autograder.grading import Grader, grade_parsed
from autograder.notebook import parse_notebook
from autograder.reference import course_reference as reference_of
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


@pytest.fixture(scope="session")
def grading_of(layout):
    """assignment -> (its reference, a `grade_code` for it), built once per assignment."""
    built: dict = {}

    def of(assignment: str):
        if assignment not in built:
            plugin = load_assignment(layout.root, assignment)
            source = reference_of(layout.root, assignment)
            template = read_release(layout.release_notebook(assignment))
            grader = Grader(plugin, source, TEST_SECRET, isolation=Isolation.detect())

            def grade(code: dict[str, str], student: str = "student") -> dict:
                notebook = fill_solution_cells(template, code)
                return grade_parsed(grader, student, parse_notebook(notebook))

            built[assignment] = (source, grade)
        return built[assignment]

    return of
