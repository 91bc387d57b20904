"""The course's assignments as the tests see them, and assignment 1's names for short.

Assignment 1 ("RNN and LSTM step by step") is loaded from its grading package like any
other assignment; these helpers only spare each test the plumbing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

from autograder import demo_class, diagnose, reference
from autograder.assignment import load_assignment
from autograder.course_layout import CourseLayout

REPO = CourseLayout.discover(Path(__file__).parent).root
ASSIGNMENT = "rnn_step_by_step"
RNN = load_assignment(REPO, ASSIGNMENT)
NOTEBOOK = CourseLayout(REPO).source_notebook(ASSIGNMENT).name
GRADED_FUNCTIONS = RNN.function_names
SPECS = RNN.specs
MISTAKES = RNN.mistakes
VARIANTS = RNN.variants
SETUP_CELL = RNN.setup_cell
build_case = RNN.build_case


def course_reference(root: Path = REPO) -> reference.ReferenceSource:
    return reference.course_reference(root, ASSIGNMENT)


def mistake_functions(source: reference.ReferenceSource) -> dict[str, Callable]:
    return diagnose.mistake_functions(source, MISTAKES)


def mistaken_code(source: reference.ReferenceSource, mistake_ids: Iterable[str]) -> dict[str, str]:
    return demo_class.mistaken_code(source, RNN, mistake_ids)


def grading_module(name: str) -> ModuleType:
    """A module of assignment 1's grading package (loaded with the package)."""
    return importlib.import_module(f"rnn_course_assignments.{ASSIGNMENT}.{name}")
