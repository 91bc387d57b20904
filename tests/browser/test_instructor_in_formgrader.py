"""The instructor after `rnn-autograde grade`, in nbgrader's formgrader in a real browser:
Manage Submissions lists every submission as graded with our score, Manual Grading shows
our checks in the test cells, and a score set there by hand is what `nbgrader export`
writes (screenshots: test-artifacts/browser/instructor-*.png).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nbgrader.api import Gradebook

from autograder import cli
from autograder.demo_class import fill_solution_cells, read_release, write_submission
from tests.assignments import ASSIGNMENT, NOTEBOOK, REPO, RNN, course_reference, mistaken_code
from tests.browser.conftest import jupyter_lab, shot

MANUAL = 1.5


def graded_course(root: Path) -> dict[str, dict]:
    """A course of two graded students; returns our results."""
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    (root / ".course_secret").write_text("browser test\n")
    reference = course_reference()
    release = read_release(REPO / "release" / ASSIGNMENT / NOTEBOOK)
    code = {"ann": dict(reference.solutions), "bo": mistaken_code(reference, [RNN.mistakes[0].id])}
    for student, solutions in code.items():
        notebook = fill_solution_cells(release, solutions)
        path = write_submission(root / "submitted", student, ASSIGNMENT, NOTEBOOK, notebook)
        (path.parent / "timestamp.txt").write_text("2026-11-30 09:15:00.000000 UTC")
    argv = ["--course", str(root), "grade", ASSIGNMENT, "--jobs", "2", "--no-progress"]
    assert cli.main(argv) == 0
    return json.loads((root / "results" / f"{ASSIGNMENT}.json").read_text())["students"]


def wait_for_manual_score(root: Path, student: str, cell: str, value: float) -> None:
    """Until the formgrader has saved `value` as the manual score (30 s at most)."""
    deadline = time.monotonic() + 30
    url = f"sqlite:///{root / 'gradebook.db'}"
    while True:
        with Gradebook(url, course_id="rnn-course") as gb:
            grade = gb.find_grade(cell, NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, student)
            if grade.manual_score == value:
                return
        assert time.monotonic() < deadline, "the formgrader did not save the manual score"
        time.sleep(0.2)


def exported_score(root: Path, student: str) -> float:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    command = [sys.executable, "-m", "nbgrader", "export", "--to", "grades.csv"]
    run = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    with open(root / "grades.csv") as rows:
        return float(
            next(r for r in csv.DictReader(rows) if r["student_id"] == student)["raw_score"]
        )


def test_the_instructor_sees_our_grades_and_overrides_one(tmp_path, new_page):
    ours = graded_course(tmp_path)
    notebook_id = NOTEBOOK.removesuffix(".ipynb")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", course_id="rnn-course") as gb:
        submission_id = gb.find_submission_notebook(notebook_id, ASSIGNMENT, "bo").id
    with jupyter_lab(tmp_path, tmp_path / "server.log") as lab:
        page = new_page()
        page.goto(f"{lab}/formgrader/manage_submissions/{ASSIGNMENT}")
        table = page.locator("table")
        table.get_by_text("bo", exact=True).wait_for(timeout=60_000)
        shot(page, "instructor-1-manage-submissions")
        # Columns: name, student id, timestamp, status, score, ...
        cells = [row.inner_text().split("\t") for row in table.locator("tbody tr").all()]
        rows = {cell[1].strip(): "\t".join(cell) for cell in cells if len(cell) > 4}
        for student, result in ours.items():
            shown = f"{result['score']:g} / {result['max_score']:g}"
            assert shown in rows.get(student, ""), rows
            assert "graded" in rows[student] and "needs autograding" not in rows[student]

        page.goto(f"{lab}/formgrader/submissions/{submission_id}/?index=0")
        score = page.locator("input.score#test_rnn_forward")
        score.wait_for(timeout=60_000)
        assert page.get_by_text("rnn_forward:", exact=False).first.is_visible()  # our table
        score.fill(str(MANUAL))
        score.press("Tab")  # the formgrader saves on change
        wait_for_manual_score(tmp_path, "bo", "test_rnn_forward", MANUAL)
        shot(page, "instructor-2-manual-grade")

    expected = ours["bo"]["score"] - ours["bo"]["functions"]["rnn_forward"]["score"] + MANUAL
    assert exported_score(tmp_path, "bo") == expected
