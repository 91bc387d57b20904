"""Record results in nbgrader's gradebook, so `nbgrader export` and formgrader see them.

The assignment's structure (assignment, notebook, grade cells) is nbgrader's to make:
where the gradebook lacks any of it (a new gradebook, a grade cell added or changed), it
is made with nbgrader's own `update_or_create_*` calls. Where it is all there, as after
`nbgrader generate_assignment` or an earlier grading run, nbgrader (and SQLAlchemy, half
a second of CPU to import) is not needed: each student is then written with SQL on
nbgrader's tables, in the schema version this module knows (`SCHEMA_VERSION`), and
committed once: the student's row, submission and all grades, or nothing. (nbgrader's
own calls commit one by one, so a crash in the middle could leave a student
half-recorded.)

Grade cells are `test_<function>`, as in the source notebook, with the function's
max_score. Each grade gets `auto_score`; an instructor's `manual_score` is left alone
(it wins in nbgrader's totals) and, as `nbgrader autograde` does, such a grade is
flagged for manual review again. Recording the same results twice changes nothing.
"""

from __future__ import annotations

import math
import os
import shutil
import sqlite3
import sysconfig
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traitlets.config.loader import PyFileConfigLoader

from autograder.nbgrader_library import parse_timestamp

# `import nbgrader` pulls in jupyter_server and nbformat's validator (3-5 s), so nbgrader
# is imported only when the gradebook's structure must be made.
if TYPE_CHECKING:
    from nbgrader.api import Gradebook

DEFAULT_COURSE_ID = "default_course"  # nbgrader's own default
# The alembic revision of nbgrader's gradebook schema that the SQL below is written for:
# the newest of nbgrader 0.9, the series pyproject.toml allows.
SCHEMA_VERSION = "e43177bfe90b"


class GradebookError(RuntimeError):
    """Some students could not be recorded; their earlier gradebook entries are unchanged."""


def record_in_gradebook(
    course_root: Path, results: dict[str, Any], notebook: str | None = None
) -> None:
    """Set every student's auto scores in <course_root>/gradebook.db, one transaction each.

    notebook: the notebook's name without .ipynb (default: the assignment's name)."""
    students: dict[str, dict[str, Any]] = results["students"]
    max_scores = grade_cell_max_scores(students)
    with GradebookRecorder(course_root, results["assignment"], max_scores, notebook) as recorder:
        recorder.open()  # the assignment's structure, even for no students
        for student_id in sorted(students):
            recorder.record(student_id, students[student_id])
    recorder.check()


class GradebookRecorder:
    """Records students one at a time, as their results come in (a context manager).

    The gradebook is opened, and the assignment's structure checked (or made), by
    `open` or at the first student: not before grading starts.
    One student's failure does not stop the others: `check`, once done, raises
    GradebookError listing every student not recorded (left as they were).
    max_scores: {function: max_score}, the grade cells `test_<function>`.
    """

    def __init__(
        self,
        course_root: Path,
        assignment: str,
        max_scores: dict[str, float],
        notebook: str | None = None,
    ) -> None:
        self.course_root = Path(course_root).resolve()
        self.assignment = assignment
        self.notebook = notebook or assignment
        self.max_scores = max_scores
        self.connection: sqlite3.Connection | None = None
        self.failures: dict[str, Exception] = {}

    def open(self) -> sqlite3.Connection:
        if self.connection is not None:
            return self.connection
        path = self.course_root / "gradebook.db"
        if not (path.is_file() and self._connect(path)):
            self._make_structure()  # by nbgrader, then read as any other
            if not self._connect(path):
                raise GradebookError(
                    f"{path} is not in the schema this grader writes (nbgrader's revision "
                    f"{SCHEMA_VERSION}): `nbgrader db upgrade` brings an older gradebook "
                    "to it; nothing was recorded"
                )
        return self.connection

    def _connect(self, path: Path) -> bool:
        """Open the gradebook and read the assignment's structure; False (and nothing
        kept open) if it lacks any of it."""
        connection = _connect(path)
        structure = _read_structure(connection, self.assignment, self.notebook, self.max_scores)
        if structure is None:
            connection.close()
            return False
        self.connection, self.structure = connection, structure
        return True

    def _make_structure(self) -> None:
        """The assignment, its notebook and grade cells, made with nbgrader's API."""
        url = f"sqlite:///{self.course_root / 'gradebook.db'}"
        gb = _open_gradebook(url, course_id(self.course_root))
        try:
            gb.update_or_create_assignment(self.assignment)
            gb.update_or_create_notebook(self.notebook, self.assignment)
            for function, max_score in self.max_scores.items():
                gb.update_or_create_grade_cell(
                    grade_cell_name(function),
                    self.notebook,
                    self.assignment,
                    max_score=max_score,
                    cell_type="code",
                )
        finally:
            gb.close()

    def record(self, student_id: str, result: dict[str, Any]) -> None:
        try:
            connection = self.open()
            _record_student(
                connection, self.structure, self.notebook, student_id, result,
                list(self.max_scores),
            )
        except Exception as exc:  # one student's failure must not stop the others
            self.failures[student_id] = exc

    def __enter__(self) -> GradebookRecorder:
        return self

    def __exit__(self, *exc) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def check(self) -> None:
        """Raise GradebookError if any student could not be recorded."""
        if self.failures:
            listing = "; ".join(f"{sid}: {error}" for sid, error in self.failures.items())
            raise GradebookError(
                f"{len(self.failures)} student(s) not recorded (left as they were): {listing}"
            ) from next(iter(self.failures.values()))


def grade_cell_name(function: str) -> str:
    """The nbgrader grade_id of the hidden-test cell of `function`."""
    return f"test_{function}"


def grade_cell_max_scores(students: dict[str, dict[str, Any]]) -> dict[str, float]:
    """{function: max_score} over all students, in first-seen order.

    Raises ValueError, before anything is written, if students disagree on a max_score.
    """
    max_scores: dict[str, float] = {}
    for student_id in sorted(students):
        for function, fn in (students[student_id].get("functions") or {}).items():
            value = float(fn["max_score"])
            if max_scores.setdefault(function, value) != value:
                raise ValueError(
                    f"{function} is worth {max_scores[function]:g} points for some students "
                    f"and {value:g} for {student_id}: the results are inconsistent"
                )
    return max_scores


def course_id(course_root: Path) -> str:
    """`CourseDirectory.course_id` from the course's nbgrader_config.py, as nbgrader reads it."""
    if not (Path(course_root) / "nbgrader_config.py").is_file():
        return DEFAULT_COURSE_ID
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
    value = config.CourseDirectory.get("course_id", DEFAULT_COURSE_ID)
    return str(value).strip() or DEFAULT_COURSE_ID


def _open_gradebook(url: str, course: str) -> Gradebook:
    """Open the gradebook; a new database needs the `alembic` command on PATH.

    nbgrader runs `alembic heads` to stamp a new database, and fails with
    FileNotFoundError when the venv is not activated (e.g. `.venv/bin/rnn-autograde`).
    """
    from nbgrader.api import Gradebook

    scripts = sysconfig.get_path("scripts")
    if shutil.which("alembic") is not None or not (Path(scripts) / "alembic").exists():
        return Gradebook(url, course_id=course)
    saved = os.environ.get("PATH")
    os.environ["PATH"] = os.pathsep.join(filter(None, [scripts, saved]))
    try:
        return Gradebook(url, course_id=course)
    finally:
        if saved is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = saved


@dataclass(frozen=True)
class _MasterNotebook:
    """One notebook of the assignment, as plain data: read once per run."""

    id: str
    name: str
    graded_cells: dict[str, str]  # cell id -> grade cell name (grade and task cells)
    commented_cells: tuple[str, ...]  # cell ids (solution and task cells)


@dataclass(frozen=True)
class _Structure:
    assignment_id: str
    notebooks: tuple[_MasterNotebook, ...]


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; each student's is explicit.
    return sqlite3.connect(path, timeout=60.0, isolation_level=None)


def _read_structure(
    connection: sqlite3.Connection, assignment: str, notebook: str, max_scores: dict[str, float]
) -> _Structure | None:
    """The assignment's structure, if the gradebook has all of it as `open` would make it
    (the known schema, every grade cell with its max_score); None if not."""
    try:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except (sqlite3.Error, TypeError):  # no such table, or no row: not nbgrader's yet
        return None
    row = connection.execute("SELECT id FROM assignment WHERE name = ?", (assignment,)).fetchone()
    if version != SCHEMA_VERSION or row is None:
        return None
    graded = _cells_query("grade_cells", "task_cells")
    commented = _cells_query("solution_cells", "task_cells")
    notebooks = tuple(
        _MasterNotebook(
            notebook_id,
            name,
            dict(connection.execute(graded, (notebook_id,))),
            tuple(cell for cell, _ in connection.execute(commented, (notebook_id,))),
        )
        for notebook_id, name in connection.execute(
            "SELECT id, name FROM notebook WHERE assignment_id = ?", (row[0],)
        )
    )
    ours = [master for master in notebooks if master.name == notebook]
    if not ours:
        return None
    cells = {
        name: (max_score, cell_type)
        for name, max_score, cell_type in connection.execute(
            "SELECT base_cell.name, max_score, cell_type FROM base_cell "
            "JOIN grade_cells ON grade_cells.id = base_cell.id WHERE notebook_id = ?",
            (ours[0].id,),
        )
    }
    if any(cells.get(grade_cell_name(f)) != (points, "code") for f, points in max_scores.items()):
        return None
    return _Structure(row[0], notebooks)


def _cells_query(*tables: str) -> str:
    """The query for (id, name) of a notebook's cells in any of `tables`."""
    kinds = " UNION ".join(f"SELECT id FROM {table}" for table in tables)
    return f"SELECT id, name FROM base_cell WHERE notebook_id = ? AND id IN ({kinds})"


def _new_id() -> str:
    return uuid.uuid4().hex  # as nbgrader makes its ids


def _stored_time(moment: datetime) -> str:
    """A naive UTC datetime as nbgrader's gradebook (SQLAlchemy on SQLite) stores it."""
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}"
    )


def _record_student(
    connection: sqlite3.Connection,
    structure: _Structure,
    notebook: str,
    student_id: str,
    result: dict[str, Any],
    functions: list[str],
) -> None:
    """Write one student's submission and grades, committed together or rolled back."""
    scored = result.get("functions") or {}
    # A function missing from this student's result (not expected) scores 0.
    scores = {f: float(scored.get(f, {}).get("score", 0.0)) for f in functions}
    for function, score in scores.items():
        if not math.isfinite(score):
            raise ValueError(f"{function} has no finite score ({score})")
    timestamp = None
    if result.get("timestamp"):  # as nbgrader's formgrader reads it, to compare
        timestamp = _stored_time(parse_timestamp(result["timestamp"]))
    connection.execute("BEGIN IMMEDIATE")
    try:
        known = connection.execute("SELECT 1 FROM student WHERE id = ?", (student_id,))
        if known.fetchone() is None:
            connection.execute("INSERT INTO student (id) VALUES (?)", (student_id,))
        row = connection.execute(
            "SELECT id FROM submitted_assignment WHERE assignment_id = ? AND student_id = ?",
            (structure.assignment_id, student_id),
        ).fetchone()
        if row is None:
            submission = _new_id()
            connection.execute(
                "INSERT INTO submitted_assignment (id, assignment_id, student_id, timestamp) "
                "VALUES (?, ?, ?, ?)",
                (submission, structure.assignment_id, student_id, timestamp),
            )
        else:
            submission = row[0]
            if timestamp is not None:
                connection.execute(
                    "UPDATE submitted_assignment SET timestamp = ? WHERE id = ?",
                    (timestamp, submission),
                )
        grades = _mirror_structure(connection, structure, submission)[notebook]
        # As `nbgrader autograde`: a grade an instructor scored by hand is flagged again.
        connection.executemany(
            "UPDATE grade SET auto_score = ?, needs_manual_grade = (manual_score IS NOT NULL) "
            "WHERE id = ?",
            [(scores[f], grades[grade_cell_name(f)]) for f in functions],
        )
        _commit(connection)
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _commit(connection: sqlite3.Connection) -> None:
    connection.execute("COMMIT")


def _mirror_structure(
    connection: sqlite3.Connection, structure: _Structure, submission: str
) -> dict[str, dict[str, str]]:
    """Give the submission (an id) every notebook, grade and comment of the assignment.

    This is what `Gradebook.add_submission` does for a new submission; doing it for an
    existing one too picks up grade cells added since. Returns {notebook: {grade cell
    name: grade id}}.
    """
    submitted = dict(
        connection.execute(
            "SELECT notebook_id, id FROM submitted_notebook WHERE assignment_id = ?",
            (submission,),
        )
    )
    grade_ids: dict[str, dict[str, str]] = {}
    for master in structure.notebooks:
        notebook = submitted.get(master.id)
        have_grade: dict[str, str] = {}  # cell id -> grade id
        have_comment: set[str] = set()
        if notebook is None:  # a new notebook has no rows yet: nothing to look up
            notebook = _new_id()
            connection.execute(
                "INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged) "
                "VALUES (?, ?, ?, 0)",
                (notebook, submission, master.id),
            )
        else:
            have_grade = dict(
                connection.execute(
                    "SELECT cell_id, id FROM grade WHERE notebook_id = ?", (notebook,)
                )
            )
            have_comment = {
                cell for (cell,) in connection.execute(
                    "SELECT cell_id FROM comment WHERE notebook_id = ?", (notebook,)
                )
            }
        for cell in master.graded_cells:
            if cell not in have_grade:
                have_grade[cell] = _new_id()
                connection.execute(
                    "INSERT INTO grade (id, notebook_id, cell_id, needs_manual_grade) "
                    "VALUES (?, ?, ?, 1)",
                    (have_grade[cell], notebook, cell),
                )
        for cell in master.commented_cells:
            if cell not in have_comment:
                connection.execute(
                    "INSERT INTO comment (id, notebook_id, cell_id) VALUES (?, ?, ?)",
                    (_new_id(), notebook, cell),
                )
        grade_ids[master.name] = {
            master.graded_cells[cell]: grade
            for cell, grade in have_grade.items()
            if cell in master.graded_cells
        }
    return grade_ids
