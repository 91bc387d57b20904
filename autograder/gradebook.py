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
    from nbgrader.api import Grade, Gradebook, Student, SubmittedAssignment
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
    """Write one student's submission and grades, committed together or rolled back."""
    from nbgrader.api import Student
    from nbgrader.utils import parse_utc

    try:
        student = session.get(Student, student_id)
        if student is None:
            student = Student(id=student_id)
            session.add(student)
        submission, new = _find_or_add_submission(session, structure.assignment_id, student)
        if result.get("timestamp"):
            submission.timestamp = parse_utc(result["timestamp"])
        grades = _mirror_structure(session, structure, submission, new)[notebook]
        scored = result.get("functions") or {}
        for function in functions:
            # A function missing from this student's result (not expected) scores 0.
            score = float(scored.get(function, {}).get("score", 0.0))
            if not math.isfinite(score):
                raise ValueError(f"{function} has no finite score ({score})")
            grade = grades[grade_cell_name(function)]
            grade.auto_score = score
            grade.needs_manual_grade = grade.manual_score is not None
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _find_or_add_submission(
    session: Session, assignment_id: str, student: Student
) -> tuple[SubmittedAssignment, bool]:
    """The student's submission of the assignment, and whether it is new."""
    from nbgrader.api import SubmittedAssignment

    submission = (
        session.query(SubmittedAssignment)
        .filter(
            SubmittedAssignment.assignment_id == assignment_id,
            SubmittedAssignment.student_id == student.id,
        )
        .one_or_none()
    )
    if submission is not None:
        return submission, False
    submission = SubmittedAssignment(assignment_id=assignment_id, student=student)
    session.add(submission)
    return submission, True


def _mirror_structure(
    session: Session, structure: _Structure, submission: SubmittedAssignment, new: bool
) -> dict[str, dict[str, Grade]]:
    """Give `submission` every notebook, grade and comment of the assignment.

    This is what `Gradebook.add_submission` does for a new submission; doing it for an
    existing one too picks up grade cells added since. Returns {notebook: {cell: grade}}.
    New rows point at shared rows by id, as nbgrader does: setting the relationship
    instead would load, e.g., every grade of the class for that cell. A `new` submission
    has no rows yet: nothing is looked up.
    """
    from nbgrader.api import Comment, Grade, SubmittedNotebook

    submitted = {} if new else {nb.notebook_id: nb for nb in submission.notebooks}
    grades_by_notebook: dict[str, dict[str, Grade]] = {}
    for master in structure.notebooks:
        sub_nb = submitted.get(master.id)
        if sub_nb is None:
            sub_nb = SubmittedNotebook(notebook_id=master.id, assignment=submission)
            session.add(sub_nb)
            grades, comments = [], []
        else:
            grades, comments = list(sub_nb.grades), list(sub_nb.comments)
        have_grade = {grade.cell_id for grade in grades}
        for cell_id in master.graded_cells:
            if cell_id not in have_grade:
                grade = Grade(cell_id=cell_id, notebook=sub_nb)
                session.add(grade)
                grades.append(grade)
        have_comment = {comment.cell_id for comment in comments}
        for cell_id in master.commented_cells:
            if cell_id not in have_comment:
                session.add(Comment(cell_id=cell_id, notebook=sub_nb))
        grades_by_notebook[master.name] = {
            master.graded_cells[grade.cell_id]: grade
            for grade in grades
            if grade.cell_id in master.graded_cells
        }
    return grades_by_notebook
