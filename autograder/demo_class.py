"""Build submissions from the release notebook: for the demo, the tests and the benchmark.

A submission is the release notebook with some solution cells filled in, exactly as a
student would hand it in. Correct code comes from the solution notebook; mistakes are
the catalogue's patches on it, so no solution is ever written out a second time. Who is
in the demo class is the assignment's choice (`Assignment.demo_students`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from autograder.assignment import Assignment, DemoStudent
from autograder.atomic_files import write_text_atomic
from autograder.diagnose.patches import patched_source
from autograder.reference import ReferenceSource


def read_release(release: Path) -> dict:
    return json.loads(release.read_text())


def fill_solution_cells(release: dict, code: Mapping[str, str]) -> dict:
    """A copy of the release notebook JSON with the named solution cells replaced."""
    notebook = copy.deepcopy(release)
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in code:
            cell["source"] = code[grade_id]
    return notebook


def correct_code(
    reference: ReferenceSource, functions: Iterable[str] | None = None
) -> dict[str, str]:
    """The solution cells of `functions` (default: every graded function)."""
    names = reference.function_names if functions is None else functions
    return {name: reference.solutions[name] for name in names}


def mistaken_code(
    reference: ReferenceSource, assignment: Assignment, mistake_ids: Iterable[str]
) -> dict[str, str]:
    """Correct code for every function, with the given catalogue mistakes made (at most
    one per function)."""
    code = correct_code(reference)
    wanted = set(mistake_ids)
    for mistake in assignment.mistakes:
        if mistake.id in wanted:
            code[mistake.function] = patched_source(
                reference, mistake.function, mistake.find, mistake.replace
            )
    return code


def student_code(
    reference: ReferenceSource, assignment: Assignment, student: DemoStudent
) -> dict[str, str]:
    """The solution cells of one demo student (unanswered ones are left as released)."""
    code = mistaken_code(reference, assignment, student.mistakes)
    for name in student.unanswered:
        del code[name]
    return {**code, **student.cells}


def write_submission(
    submitted: Path, student: str, assignment: str, name: str, notebook: dict
) -> Path:
    path = submitted / student / assignment / name
    write_text_atomic(path, json.dumps(notebook, indent=1) + "\n")
    return path


def build_demo_class(
    reference: ReferenceSource, assignment: Assignment, release: Path, submitted: Path
) -> list[str]:
    """Write the assignment's demo class into `submitted`; returns the student ids."""
    template = read_release(release)
    for student, plan in assignment.demo_students.items():
        code = student_code(reference, assignment, plan)
        notebook = fill_solution_cells(template, code)
        write_submission(submitted, student, assignment.name, release.name, notebook)
    return list(assignment.demo_students)
