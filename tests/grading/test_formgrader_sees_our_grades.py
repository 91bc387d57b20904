"""After `rnn-autograde grade`, nbgrader's own API (what the formgrader shows) sees every
submission as autograded, with our score, and Manual Grading's notebooks show our checks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.demo_class import fill_solution_cells, write_submission
from tests.assignments import ASSIGNMENT, NOTEBOOK, RNN, mistaken_code

STAMP = "2026-11-30 09:15:00.000000 UTC"


@pytest.fixture(scope="module")
def course(tmp_path_factory, layout, reference, release_template) -> Path:
    root = tmp_path_factory.mktemp("formgrader")
    shutil.copy(layout.root / "nbgrader_config.py", root)
    shutil.copytree(layout.source_notebook(ASSIGNMENT).parent, root / "source" / ASSIGNMENT)
    (root / ".course_secret").write_text("formgrader test\n")
    students = {
        "ann": dict(reference.solutions),
        "bo": mistaken_code(reference, [RNN.mistakes[0].id]),
    }
    for student, code in students.items():
        notebook = fill_solution_cells(release_template, code)
        path = write_submission(root / "submitted", student, ASSIGNMENT, NOTEBOOK, notebook)
        (path.parent / "timestamp.txt").write_text(STAMP)
    argv = ["--course", str(root), "grade", ASSIGNMENT, "--jobs", "2", "--no-progress"]
    assert cli.main(argv) == 0
    return root


@pytest.fixture(scope="module")
def submissions(course) -> dict[str, dict]:
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    api = NbGraderAPI(coursedir=CourseDirectory(root=str(course)))
    return {s["student"]: s for s in api.get_submissions(ASSIGNMENT)}


def ours(course: Path) -> dict[str, dict]:
    return json.loads((course / "results" / f"{ASSIGNMENT}.json").read_text())["students"]


@pytest.mark.parametrize("student", ["ann", "bo"])
def test_manage_submissions_shows_each_as_autograded_with_our_score(course, submissions, student):
    submission = submissions[student]
    assert submission["autograded"] and submission["submitted"]
    assert submission["score"] == pytest.approx(ours(course)[student]["score"])
    assert submission["max_score"] == pytest.approx(ours(course)[student]["max_score"])


def test_manual_grading_notebooks_show_our_checks(course):
    notebook = json.loads((course / "autograded" / "bo" / ASSIGNMENT / NOTEBOOK).read_text())
    mistake = RNN.mistakes[0]
    outputs = {
        cell["metadata"]["nbgrader"]["grade_id"]: "".join(o["text"] for o in cell["outputs"])
        for cell in notebook["cells"]
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("test_")
    }
    assert set(outputs) == {f"test_{f}" for f in RNN.function_names}
    table = outputs[f"test_{mistake.function}"]
    assert "✗" in table and mistake.hint[:40] in table
    assert "✓" in outputs["test_lstm_forward"]
