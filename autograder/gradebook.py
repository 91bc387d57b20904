"""Record results in nbgrader's gradebook, so `nbgrader export` and formgrader see them.

Every `Gradebook` method commits on its own, so a crash in the middle of nbgrader's
`update_or_create_*` calls for one student could leave that student half-recorded.
The shared structure (assignment, notebook, grade cells) is made with those methods,
but each student is then written through the gradebook's session directly and
committed once: the student's row, submission and all grades, or nothing.

Grade cells are `test_<function>`, as in the source notebook, with the function's
max_score. Each grade gets `auto_score`; an instructor's `manual_score` is left alone
(it wins in nbgrader's totals) and, as `nbgrader autograde` does, such a grade is
flagged for manual review again. Recording the same results twice changes nothing.
"""

from __future__ import annotations

import math
import os
import shutil
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traitlets.config.loader import PyFileConfigLoader

# `import nbgrader` pulls in jupyter_server and nbformat's validator (3-5 s), so nbgrader
# is imported only when the gradebook is used: a CLI importing this module stays quick.
if TYPE_CHECKING:
    from nbgrader.api import Gradebook
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

DEFAULT_COURSE_ID = "default_course"  # nbgrader's own default


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

    The gradebook is opened, and the assignment's structure made, by `open` or at the
    first student (importing nbgrader takes a second or two: not before grading starts).
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
        self.gradebook: Gradebook | None = None
        self.failures: dict[str, Exception] = {}

    def open(self) -> Gradebook:
        if self.gradebook is not None:
            return self.gradebook
        url = f"sqlite:///{self.course_root / 'gradebook.db'}"
        gb = _open_gradebook(url, course_id(self.course_root))
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
        self.structure = _assignment_structure(gb.db, self.assignment)
        self.gradebook = gb
        return gb

    def record(self, student_id: str, result: dict[str, Any]) -> None:
        try:
            session = self.open().db
            _record_student(
                session, self.structure, self.notebook, student_id, result, list(self.max_scores)
            )
        except Exception as exc:  # one student's failure must not stop the others
            self.failures[student_id] = exc

    def __enter__(self) -> GradebookRecorder:
        return self

    def __exit__(self, *exc) -> None:
        if self.gradebook is not None:
            self.gradebook.close()

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
    """One notebook of the assignment, as plain data: read once per run, not per student
    (each student's commit expires every row the session holds)."""

    id: str
    name: str
    graded_cells: dict[str, str]  # cell id -> grade cell name (grade and task cells)
    commented_cells: tuple[str, ...]  # cell ids (solution and task cells)


@dataclass(frozen=True)
class _Structure:
    assignment_id: str
    notebooks: tuple[_MasterNotebook, ...]


def _assignment_structure(session: Session, assignment: str) -> _Structure:
    from nbgrader.api import Assignment

    row = session.query(Assignment).filter(Assignment.name == assignment).one()
    notebooks = tuple(
        _MasterNotebook(
            master.id,
            master.name,
            {cell.id: cell.name for cell in [*master.grade_cells, *master.task_cells]},
            tuple(cell.id for cell in [*master.solution_cells, *master.task_cells]),
        )
        for master in row.notebooks
    )
    return _Structure(row.id, notebooks)


def _record_student(
    session: Session,
    structure: _Structure,
    notebook: str,
    student_id: str,
    result: dict[str, Any],
    functions: list[str],
) -> None:
    """Write one student's submission and grades, committed together or rolled back.

    The rows are nbgrader's, written by SQL statements on its tables rather than through
    its objects: loading a submission's objects (each grade with its computed scores)
    took 2.5 times the CPU (1.7 ms a student against 0.6, grading again)."""
    from nbgrader.api import Student, SubmittedAssignment, new_uuid
    from nbgrader.utils import parse_utc
    from sqlalchemy import bindparam, insert, select, update

    students, submissions = Student.__table__, SubmittedAssignment.__table__
    scored = result.get("functions") or {}
    # A function missing from this student's result (not expected) scores 0.
    scores = {f: float(scored.get(f, {}).get("score", 0.0)) for f in functions}
    for function, score in scores.items():
        if not math.isfinite(score):
            raise ValueError(f"{function} has no finite score ({score})")
    try:
        connection = session.connection()
        if not connection.execute(select(students.c.id).where(students.c.id == student_id)).first():
            connection.execute(insert(students).values(id=student_id))
        submission = connection.execute(
            select(submissions.c.id).where(
                submissions.c.assignment_id == structure.assignment_id,
                submissions.c.student_id == student_id,
            )
        ).scalar()
        timestamp = parse_utc(result["timestamp"]) if result.get("timestamp") else None
        if submission is None:
            submission = new_uuid()
            connection.execute(
                insert(submissions).values(
                    id=submission,
                    assignment_id=structure.assignment_id,
                    student_id=student_id,
                    timestamp=timestamp,
                )
            )
        elif timestamp is not None:
            stamp = update(submissions).where(submissions.c.id == submission)
            connection.execute(stamp.values(timestamp=timestamp))
        grades = _mirror_structure(connection, structure, submission)[notebook]
        grade_table = _tables()[1]
        # As `nbgrader autograde`: a grade an instructor scored by hand is flagged again.
        connection.execute(
            update(grade_table)
            .where(grade_table.c.id == bindparam("grade_id"))
            .values(
                auto_score=bindparam("score"),
                needs_manual_grade=grade_table.c.manual_score.is_not(None),
            ),
            [{"grade_id": grades[grade_cell_name(f)], "score": scores[f]} for f in functions],
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _tables():
    """nbgrader's tables of submitted notebooks, grades and comments."""
    from nbgrader.api import Comment, Grade, SubmittedNotebook

    return SubmittedNotebook.__table__, Grade.__table__, Comment.__table__


def _mirror_structure(
    connection: Connection, structure: _Structure, submission: str
) -> dict[str, dict[str, str]]:
    """Give the submission (an id) every notebook, grade and comment of the assignment.

    This is what `Gradebook.add_submission` does for a new submission; doing it for an
    existing one too picks up grade cells added since. Returns {notebook: {grade cell
    name: grade id}}.
    """
    from nbgrader.api import new_uuid
    from sqlalchemy import insert, select

    notebooks, grades, comments = _tables()
    submitted = dict(
        connection.execute(
            select(notebooks.c.notebook_id, notebooks.c.id).where(
                notebooks.c.assignment_id == submission
            )
        ).all()
    )
    grade_ids: dict[str, dict[str, str]] = {}
    for master in structure.notebooks:
        notebook = submitted.get(master.id)
        have_grade: dict[str, str] = {}  # cell id -> grade id
        have_comment: set[str] = set()
        if notebook is None:
            notebook = new_uuid()
            row = {"id": notebook, "notebook_id": master.id, "assignment_id": submission}
            connection.execute(insert(notebooks).values(row))
        else:
            have_grade = dict(
                connection.execute(
                    select(grades.c.cell_id, grades.c.id).where(grades.c.notebook_id == notebook)
                ).all()
            )
            have_comment = set(
                connection.execute(
                    select(comments.c.cell_id).where(comments.c.notebook_id == notebook)
                ).scalars()
            )
        new_grades = [
            {"id": new_uuid(), "cell_id": cell, "notebook_id": notebook}
            for cell in master.graded_cells
            if cell not in have_grade
        ]
        if new_grades:
            connection.execute(insert(grades), new_grades)
            have_grade.update((row["cell_id"], row["id"]) for row in new_grades)
        new_comments = [
            {"id": new_uuid(), "cell_id": cell, "notebook_id": notebook}
            for cell in master.commented_cells
            if cell not in have_comment
        ]
        if new_comments:
            connection.execute(insert(comments), new_comments)
        grade_ids[master.name] = {
            master.graded_cells[cell]: grade
            for cell, grade in have_grade.items()
            if cell in master.graded_cells
        }
    return grade_ids
