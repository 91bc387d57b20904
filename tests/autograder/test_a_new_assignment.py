"""A new assignment needs no change to the engine: a notebook and a grading package.

A scratch course gets a small assignment of its own ("toy_softmax": one graded function,
one known mistake, one correct variant), written here as an instructor would, and
`rnn-autograde grade` grades a class of it through the sandbox: full marks for correct
code (the variant included), the mistake's hint for the mistaken one, a message for the
stub.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.assignment import assignment_names, load_assignment
from autograder.demo_class import fill_solution_cells, write_submission
from autograder.diagnose import patched_source
from autograder.reference import course_reference
from tests.assignments import REPO

NAME = "toy_softmax"
SOLUTION = '''import numpy as np


def softmax_columns(z):
    """Softmax of each column of z: (n, m) -> (n, m); every column sums to 1."""
    ### BEGIN SOLUTION
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
    ### END SOLUTION
'''
STUB = SOLUTION.split("    ### BEGIN SOLUTION")[0] + "    raise NotImplementedError()\n"
GRADING = """
from autograder.assignment import Assignment, Case, FunctionSpec, Mistake, Variant


def build_case(function, rng, reference, sizes=None, index=0):
    s = dict(sizes) if sizes else {"n": int(rng.integers(2, 8)), "m": int(rng.integers(2, 8))}
    return Case(function, (rng.standard_normal((s["n"], s["m"])),), s)


def no_backward(function, primal, reference):
    raise LookupError("toy_softmax has no backward function")


ASSIGNMENT = Assignment(
    name="toy_softmax",
    functions=(FunctionSpec("softmax_columns", outputs=("probabilities",)),),
    build_case=build_case,
    gradient_loss=no_backward,
    probe_sizes={},
    mistakes=(
        Mistake(
            "softmax_columns/rows",
            "softmax_columns",
            "e.sum(axis=0, keepdims=True)",
            "e.sum(axis=1, keepdims=True)",
            "Each column must sum to 1: normalize along axis 0, over the n entries.",
        ),
    ),
    variants=(
        Variant(
            "softmax_columns/no-shift", "softmax_columns", "z - z.max(axis=0, keepdims=True)", "z"
        ),
    ),
)
"""


def cell(source: str, grade_id: str, **nbgrader: object) -> dict:
    metadata = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False}
    metadata.update(nbgrader, schema_version=3)
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"nbgrader": metadata},
        "outputs": [],
        "source": source,
    }


def notebook(solution: str) -> dict:
    return {
        "cells": [
            cell("import numpy as np", "imports", locked=True),
            cell(solution, "softmax_columns", solution=True),
            cell("assert True", "test_softmax_columns", grade=True, locked=True, points=5),
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course whose only assignment is the toy one, with four students."""
    root = tmp_path_factory.mktemp("toy_course")
    shutil.copy(REPO / "nbgrader_config.py", root)
    source = root / "source" / NAME
    (source / "grading").mkdir(parents=True)
    (source / f"{NAME}.ipynb").write_text(json.dumps(notebook(SOLUTION)))
    (source / "grading" / "__init__.py").write_text(GRADING)
    release = notebook(STUB)
    plugin = load_assignment(root, NAME)
    reference = course_reference(root, NAME)
    mistake, variant = plugin.mistakes[0], plugin.variants[0]
    students = {
        "correct": SOLUTION,
        "variant": patched_source(reference, variant.function, variant.find, variant.replace),
        "mistaken": patched_source(reference, mistake.function, mistake.find, mistake.replace),
        "stub": STUB,
    }
    for student, code in students.items():
        submission = fill_solution_cells(release, {"softmax_columns": code})
        write_submission(root / "submitted", student, NAME, f"{NAME}.ipynb", submission)
    return root


@pytest.fixture(scope="module")
def results(course) -> dict:
    argv = ["--course", str(course), "grade", NAME, "--no-gradebook", "--no-progress"]
    assert cli.main(argv) == 0
    return json.loads((course / "results" / f"{NAME}.json").read_text())["students"]


def test_the_toy_assignment_is_found(course):
    assert assignment_names(course) == [NAME]


@pytest.mark.parametrize("student", ["correct", "variant"])
def test_correct_code_gets_full_marks(results, student):
    assert results[student]["score"] == results[student]["max_score"] == 5


def test_the_mistake_gets_its_hint(results):
    checks = results["mistaken"]["functions"]["softmax_columns"]["checks"]
    assert results["mistaken"]["score"] == 0
    assert "normalize along axis 0" in checks[0]["message"]


def test_the_stub_is_told_it_is_not_implemented(results):
    checks = results["stub"]["functions"]["softmax_columns"]["checks"]
    assert "not implemented yet" in checks[0]["message"]


def test_a_missing_assignment_is_named(course):
    with pytest.raises(FileNotFoundError, match="assignments here: toy_softmax"):
        load_assignment(course, "no_such_assignment")
