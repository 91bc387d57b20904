"""`nbgrader autograde` still works on these notebooks and agrees with rnn-autograde on
honest submissions: its test cells run the same checks (autograder.in_kernel)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release, write_submission
from autograder.results import read_results
from tests.assignments import ASSIGNMENT, GRADED_FUNCTIONS, course_reference

LAYOUT = CourseLayout.discover(Path(__file__).parent)
BIN = Path(sys.executable).parent
STUDENTS = {
    "honest_complete": GRADED_FUNCTIONS,
    "honest_rnn_only": GRADED_FUNCTIONS[:4],
}


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nbgrader_course")
    shutil.copy(LAYOUT.root / "nbgrader_config.py", root)
    shutil.copytree(LAYOUT.source_notebook(ASSIGNMENT).parent, root / "source" / ASSIGNMENT)
    run(str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force", cwd=root)
    release = root / "release" / ASSIGNMENT / LAYOUT.source_notebook(ASSIGNMENT).name
    reference = course_reference(LAYOUT.root)
    for student, functions in STUDENTS.items():
        notebook = fill_solution_cells(read_release(release), correct_code(reference, functions))
        write_submission(root / "submitted", student, ASSIGNMENT, release.name, notebook)
    return root


def nbgrader_scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: gradebook.find_submission(ASSIGNMENT, student).score for student in STUDENTS
        }


def test_nbgrader_autograde_agrees_on_honest_submissions(course):
    run(str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--create", "--force", cwd=course)
    theirs = nbgrader_scores(course)
    run(
        str(BIN / "rnn-autograde"),
        "--course",
        str(course),
        "grade",
        ASSIGNMENT,
        "--jobs",
        "2",
        "--no-progress",
        "--no-gradebook",
        cwd=course,
    )
    ours = {
        s: r["score"]
        for s, r in read_results(course / "results" / f"{ASSIGNMENT}.json")["students"].items()
    }
    points = course_reference(LAYOUT.root).points
    expected = {s: sum(points[f] for f in functions) for s, functions in STUDENTS.items()}
    assert theirs == ours == expected
