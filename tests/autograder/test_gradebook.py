"""Recording results in nbgrader's gradebook: scores land where `nbgrader export` reads
them, one student at a time, and recording twice changes nothing."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from nbgrader import __version__
from nbgrader.api import Gradebook

from autograder import gradebook
from autograder.gradebook import GradebookError, record_in_gradebook

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ASSIGNMENT = "rnn_step_by_step"
NOTEBOOK = "rnn_step_by_step"
POINTS = {
    "rnn_cell_forward": 10.0,
    "rnn_forward": 10.0,
    "rnn_cell_backward": 15.0,
    "rnn_backward": 15.0,
    "lstm_cell_forward": 10.0,
    "lstm_forward": 10.0,
    "lstm_cell_backward": 15.0,
    "lstm_backward": 15.0,
}


def _student(scores: dict[str, float], error: str | None = None) -> dict[str, Any]:
    return {
        "score": sum(scores.values()),
        "max_score": sum(POINTS.values()),
        "error": error,
        "functions": {
            f: {"score": scores[f], "max_score": POINTS[f], "checks": []} for f in POINTS
        },
    }


def make_results() -> dict[str, Any]:
    partial = {**POINTS, "rnn_backward": 7.5, "lstm_cell_backward": 0.0, "lstm_backward": 3.0}
    return {
        "assignment": ASSIGNMENT,
        "students": {
            "alice": _student(dict(POINTS)),
            "bob": _student(partial),
            "carol": _student(dict.fromkeys(POINTS, 0.0), error="the notebook is not valid JSON"),
        },
    }


@pytest.fixture(scope="module")
def template_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course folder whose gradebook looks as `nbgrader generate_assignment` leaves it.

    Built once, since creating a gradebook runs `alembic` in a subprocess (5-10 s), and
    with the venv off PATH, as when `.venv/bin/rnn-autograde` runs unactivated.
    """
    root = tmp_path_factory.mktemp("template")
    shutil.copy(REPO / "nbgrader_config.py", root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", "/usr/bin:/bin")
        record_in_gradebook(root, {"assignment": ASSIGNMENT, "students": {}})
        assert os.environ["PATH"] == "/usr/bin:/bin"
    with _gradebook(root) as gb:
        for function, points in POINTS.items():
            gb.update_or_create_grade_cell(
                f"test_{function}", NOTEBOOK, ASSIGNMENT, max_score=points, cell_type="code"
            )
            gb.update_or_create_source_cell(
                f"test_{function}",
                NOTEBOOK,
                ASSIGNMENT,
                cell_type="code",
                locked=True,
                source="assert True",
                checksum="abc123",
            )
            gb.update_or_create_solution_cell(function, NOTEBOOK, ASSIGNMENT)
    return root


@pytest.fixture
def course(template_course: Path, tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(template_course, root)
    return root


def _gradebook(root: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="rnn-course")


def _auto_scores(root: Path, student: str) -> dict[str, float | None]:
    with _gradebook(root) as gb:
        return {
            f: gb.find_grade(f"test_{f}", NOTEBOOK, ASSIGNMENT, student).auto_score for f in POINTS
        }


def _dump(root: Path) -> list[str]:
    connection = sqlite3.connect(root / "gradebook.db")
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_scores_are_recorded(course: Path) -> None:
    results = make_results()
    record_in_gradebook(course, results)
    with _gradebook(course) as gb:
        for student, result in results["students"].items():
            submission = gb.find_submission(ASSIGNMENT, student)
            assert submission.score == result["score"]
            assert submission.max_score == 100.0
            assert not submission.needs_manual_grade
            # The solution cells made by generate_assignment got their comment rows.
            assert len(gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student).comments) == 8
        # What generate_assignment recorded is left as it was.
        assert gb.find_source_cell("test_rnn_forward", NOTEBOOK, ASSIGNMENT).checksum == "abc123"
        assert gb.find_grade_cell("test_rnn_forward", NOTEBOOK, ASSIGNMENT).max_score == 10.0
    expected = results["students"]["bob"]["functions"]
    assert _auto_scores(course, "bob") == {f: expected[f]["score"] for f in POINTS}
    assert set(_auto_scores(course, "carol").values()) == {0.0}


def test_optional_timestamp_is_recorded(course: Path) -> None:
    results = make_results()
    results["students"]["alice"]["timestamp"] = "2026-11-20 10:30:00+01:00"
    record_in_gradebook(course, results)
    with _gradebook(course) as gb:
        assert str(gb.find_submission(ASSIGNMENT, "alice").timestamp) == "2026-11-20 09:30:00"
        assert gb.find_submission(ASSIGNMENT, "bob").timestamp is None


def test_recording_twice_leaves_the_database_identical(course: Path) -> None:
    record_in_gradebook(course, make_results())
    before = _dump(course)
    record_in_gradebook(course, make_results())
    assert _dump(course) == before


def test_new_results_replace_old_scores(course: Path) -> None:
    record_in_gradebook(course, make_results())
    regraded = make_results()
    regraded["students"]["bob"] = _student(dict(POINTS))
    record_in_gradebook(course, regraded)
    assert _auto_scores(course, "bob") == POINTS


def test_manual_scores_are_kept_and_flagged(course: Path) -> None:
    record_in_gradebook(course, make_results())
    with _gradebook(course) as gb:
        grade = gb.find_grade("test_lstm_backward", NOTEBOOK, ASSIGNMENT, "bob")
        grade.manual_score = 12.0
        gb.db.commit()
    record_in_gradebook(course, make_results())
    with _gradebook(course) as gb:
        grade = gb.find_grade("test_lstm_backward", NOTEBOOK, ASSIGNMENT, "bob")
        assert (grade.auto_score, grade.manual_score, grade.score) == (3.0, 12.0, 12.0)
        assert grade.needs_manual_grade


def test_a_crash_never_leaves_a_student_half_recorded(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_in_gradebook(course, make_results())
    old_bob = _auto_scores(course, "bob")
    regraded = make_results()
    regraded["students"]["alice"] = _student({**POINTS, "rnn_forward": 1.0})
    regraded["students"]["bob"] = _student({**POINTS, "rnn_cell_forward": 99.0})
    regraded["students"]["dave"] = _student({**POINTS, "lstm_forward": 99.0})
    regraded["students"]["erin"] = _student(dict(POINTS))

    real_commit = gradebook._commit

    def commit_or_crash(connection: sqlite3.Connection) -> None:
        # Everything is written inside the transaction: fail, as a crash between a
        # student's writes and their commit would.
        if connection.execute("SELECT count(*) FROM grade WHERE auto_score = 99").fetchone()[0]:
            raise OSError("power cut")
        real_commit(connection)

    monkeypatch.setattr(gradebook, "_commit", commit_or_crash)
    with pytest.raises(GradebookError, match="2 student.*bob: power cut.*dave: power cut"):
        record_in_gradebook(course, regraded)
    monkeypatch.undo()

    assert _auto_scores(course, "bob") == old_bob  # not a single grade changed
    assert _auto_scores(course, "alice")["rnn_forward"] == 1.0  # the others went on
    assert _auto_scores(course, "erin") == POINTS
    with _gradebook(course) as gb:
        assert "dave" not in {s.id for s in gb.students}  # no trace of a new student


def test_bad_scores_are_refused(course: Path) -> None:
    results = make_results()
    results["students"]["bob"]["functions"]["rnn_forward"]["score"] = float("nan")
    with pytest.raises(GradebookError, match="bob: rnn_forward has no finite score"):
        record_in_gradebook(course, results)
    with _gradebook(course) as gb:
        assert {s.id for s in gb.students} == {"alice", "carol"}


def test_inconsistent_max_scores_write_nothing(course: Path) -> None:
    before = _dump(course)
    results = make_results()
    results["students"]["bob"]["functions"]["rnn_forward"]["max_score"] = 20.0
    with pytest.raises(ValueError, match="rnn_forward is worth 10 points"):
        record_in_gradebook(course, results)
    assert _dump(course) == before


def test_new_gradebook_is_stamped_for_nbgrader(template_course: Path) -> None:
    # Made with the venv off PATH (see template_course): nbgrader's alembic still ran.
    connection = sqlite3.connect(template_course / "gradebook.db")
    try:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        (course,) = connection.execute("SELECT course_id FROM assignment").fetchone()
    finally:
        connection.close()
    assert version and course == "rnn-course"  # the course id from nbgrader_config.py


def test_nbgrader_export_shows_the_scores(course: Path) -> None:
    results = make_results()
    record_in_gradebook(course, results)
    # nbgrader shells out to `alembic`, found on PATH.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [str(VENV_BIN / "nbgrader"), "export", "--to", "grades.csv"],
        cwd=course,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with (course / "grades.csv").open(newline="") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert set(rows) == set(results["students"])
    for student, result in results["students"].items():
        assert rows[student]["assignment"] == ASSIGNMENT
        assert float(rows[student]["raw_score"]) == result["score"]
        assert float(rows[student]["score"]) == result["score"]
        assert float(rows[student]["max_score"]) == 100.0
    assert float(rows["carol"]["score"]) == 0.0


RECORD_WITH_THE_LIBRARY = """
import json, sys
from pathlib import Path
from autograder.nbgrader_library import nbgrader_as_a_library, skip_unused_iri_parser

skip_unused_iri_parser()
nbgrader_as_a_library()  # as `rnn-autograde grade` does
from autograder.gradebook import record_in_gradebook

record_in_gradebook(Path(sys.argv[1]), json.loads(sys.argv[2]))
print(sys.modules["nbgrader"].__version__, *(m in sys.modules for m in EXPENSIVE))
"""
# Not needed where the gradebook has the assignment's structure already.
EXPENSIVE = ("jupyter_server", "nbgrader.api", "sqlalchemy")


def test_a_grading_run_records_with_nbgrader_as_a_library(course: Path) -> None:
    """Without nbgrader's server extensions (and jupyter_server) imported, nor its API
    where the structure is there already, the gradebook is exactly the one nbgrader's
    whole package writes."""
    results = make_results()
    code = f"EXPENSIVE = {EXPENSIVE!r}\n{RECORD_WITH_THE_LIBRARY}"
    argv = [sys.executable, "-c", code, str(course), json.dumps(results)]
    done = subprocess.run(argv, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [__version__, "False", "False", "False"]
    expected = results["students"]["bob"]["functions"]
    assert _auto_scores(course, "bob") == {f: expected[f]["score"] for f in POINTS}
    recorded = _dump(course)
    record_in_gradebook(course, results)  # this process loaded the whole package
    assert _dump(course) == recorded


def test_nbgrader_imported_already_stays_as_it_is() -> None:
    code = (
        "import nbgrader, sys\n"
        "from autograder.nbgrader_library import nbgrader_as_a_library\n"
        "before = sys.modules['nbgrader']\n"
        "nbgrader_as_a_library()\n"
        "print(sys.modules['nbgrader'] is before, hasattr(before, 'load_assignments'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_a_grade_cell_worth_other_points_is_changed_by_nbgrader(course: Path) -> None:
    results = make_results()
    for student in results["students"].values():
        student["functions"]["rnn_forward"]["max_score"] = 20.0
    record_in_gradebook(course, results)
    with _gradebook(course) as gb:
        cell = gb.find_grade_cell("test_rnn_forward", NOTEBOOK, ASSIGNMENT)
        assert cell.max_score == 20.0 and cell.cell_type == "code"
    assert _auto_scores(course, "alice")["rnn_forward"] == 10.0


def test_a_gradebook_of_another_schema_is_refused_untouched(course: Path) -> None:
    connection = sqlite3.connect(course / "gradebook.db")
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '0123456789ab'")
    connection.close()
    before = _dump(course)
    with pytest.raises(GradebookError, match="not in the schema this grader writes"):
        record_in_gradebook(course, make_results())
    assert _dump(course) == before
