"""Grading some of the class, or writing results elsewhere, loses no earlier result.

- `--student X` (or a `--submitted` folder holding some of the class) merges into the
  assignment's results: every other student's result, feedback page and report row stays
  as it was.
- `--json PATH` keeps its reports and feedback beside PATH and leaves the course's
  `results/` and `feedback/` untouched.
- A results file that cannot be read is never overwritten.
(Manual scores surviving a regrade: tests/autograder/test_gradebook.py.)
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.course_layout import CourseLayout
from autograder.demo_class import fill_solution_cells, write_submission
from tests.assignments import ASSIGNMENT, NOTEBOOK, RNN, mistaken_code

STUDENTS = ("s1", "s2", "s3")


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def grade(course: Path, *options: str) -> int:
    argv = ["--course", str(course), "grade", ASSIGNMENT, "--jobs", "1", "--no-progress"]
    return cli.main([*argv, "--no-gradebook", *options])


@pytest.fixture
def course(tmp_path, layout, reference, release_template, monkeypatch) -> Path:
    """A course of three correct students, graded once."""
    monkeypatch.setenv("RNN_COURSE_SECRET", "nothing lost")
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(layout.root / "nbgrader_config.py", root)
    shutil.copytree(layout.source_notebook(ASSIGNMENT).parent, root / "source" / ASSIGNMENT)
    notebook = fill_solution_cells(release_template, dict(reference.solutions))
    for student in STUDENTS:
        write_submission(root / "submitted", student, ASSIGNMENT, NOTEBOOK, notebook)
    assert grade(root) == 0
    return root


def results(path: Path) -> dict:
    return json.loads(path.read_text())["students"]


def resubmit_with_a_mistake(submitted: Path, student: str, reference, release_template) -> None:
    code = mistaken_code(reference, [RNN.mistakes[0].id])
    notebook = fill_solution_cells(release_template, code)
    write_submission(submitted, student, ASSIGNMENT, NOTEBOOK, notebook)


def test_grading_one_student_keeps_everyone_else(course, reference, release_template):
    layout = CourseLayout(course)
    results_json = course / "results" / f"{ASSIGNMENT}.json"
    before = results(results_json)
    feedback_before = snapshot(layout.feedback)
    resubmit_with_a_mistake(course / "submitted", "s2", reference, release_template)

    assert grade(course, "--student", "s2") == 0

    after = results(results_json)
    assert set(after) == set(STUDENTS)
    assert {s: after[s] for s in ("s1", "s3")} == {s: before[s] for s in ("s1", "s3")}
    assert after["s2"]["score"] < before["s2"]["score"]
    changed = {k for k, v in snapshot(layout.feedback).items() if feedback_before.get(k) != v}
    assert changed == {f"s2/{ASSIGNMENT}/{ASSIGNMENT}.html"}
    with open(course / "results" / ASSIGNMENT / "scores.csv") as rows:
        assert [row["student"] for row in csv.DictReader(rows)] == list(STUDENTS)


def test_a_submitted_folder_of_some_students_merges_too(course, reference, release_template):
    other = course / "late"
    resubmit_with_a_mistake(other, "s3", reference, release_template)
    assert grade(course, "--submitted", str(other)) == 0
    after = results(course / "results" / f"{ASSIGNMENT}.json")
    assert set(after) == set(STUDENTS) and after["s3"]["score"] < after["s1"]["score"]


def test_results_written_elsewhere_leave_the_course_reports_alone(course, tmp_path):
    layout = CourseLayout(course)
    course_files = snapshot(course / "results") | snapshot(layout.feedback)
    elsewhere = tmp_path / "trial" / "other.json"

    assert grade(course, "--json", str(elsewhere)) == 0

    assert snapshot(course / "results") | snapshot(layout.feedback) == course_files
    assert set(results(elsewhere)) == set(STUDENTS)
    assert (elsewhere.with_suffix("") / "scores.csv").is_file()
    assert (
        elsewhere.with_suffix("") / "feedback" / "s1" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    ).is_file()


def test_an_unreadable_results_file_is_not_overwritten(course, capsys):
    results_json = course / "results" / f"{ASSIGNMENT}.json"
    results_json.write_text('{"assignment": "rnn_step_by_step", "students": ')
    assert grade(course, "--student", "s1") == 1
    assert results_json.read_text() == '{"assignment": "rnn_step_by_step", "students": '
    assert "move it away" in capsys.readouterr().err


def test_a_feedback_page_that_cannot_be_written_loses_no_result(course):
    """The page is written by the grading process right after grading; a failure there
    is noted for the instructor and the result is still recorded."""
    blocked = course / "feedback" / "s2" / ASSIGNMENT
    shutil.rmtree(blocked)
    blocked.write_text("a file where the page's folder should be")
    assert grade(course) == 0
    graded = results(course / "results" / f"{ASSIGNMENT}.json")
    assert set(graded) == set(STUDENTS)
    assert graded["s2"]["score"] == 100
    assert any(
        "feedback of this submission could not be written" in note
        for note in graded["s2"]["needs_review"]
    )
    assert not graded["s1"]["needs_review"]
