"""`nbgrader export` plugins for Canvas and Moodle: one column per assignment, or per
graded function; manual scores count; no submission is an empty cell, not 0."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.gradebook import record_in_gradebook
from autograder.lms_export import CanvasExport, MoodleExport
from tests.assignments import REPO


def result(scores: dict[str, tuple[float, float]]) -> dict:
    functions = {f: {"score": s, "max_score": m, "checks": []} for f, (s, m) in scores.items()}
    total = sum(s for s, _ in scores.values())
    return {
        "score": total,
        "max_score": 25.0,
        "error": None,
        "needs_review": [],
        "functions": functions,
    }


@pytest.fixture
def course(tmp_path) -> Path:
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    first = {
        "ann": result({"cell": (10.0, 10.0), "loop": (5.0, 15.0)}),
        "bo": result({"cell": (0.0, 10.0), "loop": (15.0, 15.0)}),
    }
    record_in_gradebook(tmp_path, {"assignment": "first", "students": first})
    second = {"ann": result({"cell": (7.0, 10.0), "loop": (0.0, 15.0)})}
    record_in_gradebook(tmp_path, {"assignment": "second", "students": second})
    return tmp_path


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def export(course: Path, plugin, **options) -> list[list[str]]:
    out = course / "out.csv"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="rnn-course") as gb:
        plugin(to=str(out), **options).export(gb)
    return rows(out)


def test_canvas_one_column_per_assignment_through_nbgrader_export(course):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    command = [sys.executable, "-m", "nbgrader", "export", "--to", "canvas.csv"]
    command += ["--exporter=autograder.lms_export.CanvasExport"]
    run = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert rows(course / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "first", "second"],
        ["Points Possible", "", "", "", "", "25", "25"],
        ["ann", "", "", "ann", "", "15", "7"],
        ["bo", "", "", "bo", "", "15", ""],
    ]


def test_canvas_one_column_per_graded_function(course):
    table = export(course, CanvasExport, per_function=True)
    assert table[0][5:] == ["first: cell", "first: loop", "second: cell", "second: loop"]
    assert table[1][5:] == ["10", "15", "10", "15"]
    assert table[2][5:] == ["10", "5", "7", "0"]
    assert table[3][5:] == ["0", "15", "", ""]


def test_moodle_rows_and_manual_scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="rnn-course") as gb:
        gb.find_grade("test_cell", "first", "first", "bo").manual_score = 4.0
        gb.db.commit()
    assert export(course, MoodleExport) == [
        ["ID number", "First name", "Last name", "Email address", "first", "second"],
        ["ann", "", "", "", "15", "7"],
        ["bo", "", "", "", "19", ""],
    ]
