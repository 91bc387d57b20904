"""`nbgrader export` plugins that write the CSV files Canvas and Moodle gradebooks import.

    nbgrader export --exporter=autograder.lms_export.CanvasExport --to canvas.csv
    nbgrader export --exporter=autograder.lms_export.MoodleExport --to moodle.csv
    ... --CanvasExport.per_function=True     (one column per graded function)

One row per student, one column per assignment (its total), or with `per_function` one
column per graded function ("<assignment>: <function>"). Scores are nbgrader's: a score
an instructor set by hand in the formgrader counts instead of the autograder's. A
student with no submission gets an empty cell (not 0), so the LMS leaves it ungraded.

- Canvas: "Student", "ID", "SIS User ID", "SIS Login ID", "Section", then the grade
  columns, and a "Points Possible" row first; the nbgrader student id goes in
  "SIS Login ID", which Canvas matches on import.
- Moodle: "ID number", "First name", "Last name", "Email address", then the grade
  columns; map "ID number" to the user's ID number when importing.
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Bool

TEST_CELL_PREFIX = "test_"  # our autograder test cells are test_<function>


class LmsExport(ExportPlugin):
    """Rows of students, columns of assignments (or of graded functions)."""

    per_function = Bool(False, help="one column per graded function").tag(config=True)
    default_file = "lms_grades.csv"

    def export(self, gradebook: Gradebook) -> None:
        columns = self._columns(gradebook)
        students = [s for s in gradebook.students if not self.student or s.id in self.student]
        points = self.points_row(columns)
        rows = [points] if points else []
        for student in sorted(students, key=lambda s: s.id):
            scores = [self._score(gradebook, student.id, *column) for column in columns]
            rows.append(self.student_cells(student) + scores)
        header = self.header() + [self._title(*column) for column in columns]
        destination = Path(self.to or self.default_file)
        with destination.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([header, *rows])
        self.log.info("Exported %d students to %s", len(students), destination)

    def _columns(self, gradebook: Gradebook) -> list[tuple[str, str | None, float]]:
        """(assignment, grade cell or None for the total, max score), in order."""
        columns = []
        for assignment in sorted(gradebook.assignments, key=lambda a: (a.duedate or 0, a.name)):
            if self.assignment and assignment.name not in self.assignment:
                continue
            if not self.per_function:
                columns.append((assignment.name, None, assignment.max_score))
                continue
            for notebook in assignment.notebooks:
                for cell in sorted(notebook.grade_cells, key=lambda c: c.name):
                    columns.append((assignment.name, cell.name, cell.max_score))
        return columns

    @staticmethod
    def _title(assignment: str, cell: str | None, max_score: float) -> str:
        if cell is None:
            return assignment
        return f"{assignment}: {cell.removeprefix(TEST_CELL_PREFIX)}"

    @staticmethod
    def _score(gradebook: Gradebook, student: str, assignment: str, cell: str | None, _: float):
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return ""
        if cell is None:
            return f"{submission.score:g}"
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.name == cell:
                    return f"{grade.score:g}"
        return ""

    def header(self) -> list[str]:
        raise NotImplementedError

    def student_cells(self, student) -> list[str]:
        raise NotImplementedError

    def points_row(self, columns: list[tuple[str, str | None, float]]) -> list[str]:
        return []


class CanvasExport(LmsExport):
    """The CSV Canvas's gradebook imports."""

    default_file = "canvas_grades.csv"

    def header(self) -> list[str]:
        return ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

    def student_cells(self, student) -> list[str]:
        name = ", ".join(part for part in (student.last_name, student.first_name) if part)
        return [name or student.id, "", "", student.id, ""]

    def points_row(self, columns: list[tuple[str, str | None, float]]) -> list[str]:
        return ["Points Possible", "", "", "", "", *(f"{m:g}" for *_, m in columns)]


class MoodleExport(LmsExport):
    """The CSV Moodle's grade import reads."""

    default_file = "moodle_grades.csv"

    def header(self) -> list[str]:
        return ["ID number", "First name", "Last name", "Email address"]

    def student_cells(self, student) -> list[str]:
        return [student.id, student.first_name or "", student.last_name or "", student.email or ""]
