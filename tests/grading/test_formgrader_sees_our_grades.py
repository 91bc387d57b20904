"""After `rnn-autograde grade`, nbgrader's own tools take over:
- its API (what the formgrader shows) sees every submission as autograded, with our score;
- Manual Grading's notebooks show our checks in the test cells;
- a score overridden by hand changes what `nbgrader export` writes;
- `nbgrader release_feedback` releases our feedback pages.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
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
        (path.parent / "submission_secret.txt").write_text(f"secret-of-{student}")
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


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    command = [sys.executable, "-m", "nbgrader", *args]
    return subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=120)


def test_a_score_overridden_by_hand_is_what_nbgrader_export_writes(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="rnn-course") as gb:
        grade = gb.find_grade("test_rnn_forward", NOTEBOOK[: -len(".ipynb")], ASSIGNMENT, "bo")
        grade.manual_score = 1.5
        gb.db.commit()
    run = nbgrader(course, "export", "--to", "grades.csv")
    assert run.returncode == 0, run.stderr
    with open(course / "grades.csv") as rows:
        bo = next(r for r in csv.DictReader(rows) if r["student_id"] == "bo")
    expected = ours(course)["bo"]["score"] - ours(course)["bo"]["functions"]["rnn_forward"]["score"]
    assert float(bo["raw_score"]) == pytest.approx(expected + 1.5)


def test_nbgrader_release_feedback_sends_our_pages(course, tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    run = nbgrader(course, "release_feedback", ASSIGNMENT, f"--Exchange.root={exchange}")
    assert run.returncode == 0, run.stderr
    released = sorted((exchange / "rnn-course" / "feedback").glob("*.html"))
    assert len(released) == 2
    assert "Feedback on" in released[0].read_text()
