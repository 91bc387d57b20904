"""Solutions one assignment borrows from an earlier one, shipped as a supporting file.

Assignment 2 trains a language model on the RNN and LSTM of assignment 1. Their code is
assignment 1's solution, so it must not reach students before assignment 2 is released:
it is written into a module beside assignment 2's notebook (`source/<assignment>/
<earlier>_solutions.py`), which nbgrader copies into `release/<assignment>/`. The module
is generated from the earlier solution notebook (the one source of truth) and a test
checks it is in sync (`rnn-autograde borrow` rewrites it).
"""

from __future__ import annotations

from pathlib import Path

from autograder.assignment import Assignment, borrowed_module_name, load_assignment
from autograder.atomic_files import write_text_atomic
from autograder.reference import course_reference

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def borrowed_module_path(root: Path, assignment: str, earlier: str) -> Path:
    return root / "source" / assignment / f"{borrowed_module_name(earlier)}.py"


def _without_markers(code: str) -> str:
    lines = [line for line in code.splitlines() if line.strip() not in SOLUTION_MARKERS]
    return "\n".join(lines).strip() + "\n"


def borrowed_module_text(root: Path, assignment: str, earlier: str, functions: tuple) -> str:
    """The module holding `functions` of the solution notebook of `earlier`: its imports
    cell, then each function's solution cell, without nbgrader's markers."""
    reference = course_reference(root, earlier)
    unknown = [name for name in functions if name not in reference.solutions]
    if unknown:
        raise KeyError(f"{earlier} grades no function {unknown[0]!r}")
    listed = "".join(f"- {name}\n" for name in functions)
    header = (
        f'"""Solutions of assignment {earlier!r} that assignment {assignment!r} builds on:\n\n'
        f"{listed}\nGenerated from source/{earlier}/ by `rnn-autograde borrow {assignment}`"
        ": do not edit.\nReleasing the assignment reveals them.\n"
        '"""\n\n'
    )
    parts = [_without_markers(reference.setup)]
    parts += [_without_markers(reference.solutions[name]) for name in functions]
    return header + "\n\n".join(parts)


def expected_borrowed_modules(root: Path, plugin: Assignment) -> dict[Path, str]:
    """Every borrowed module of `plugin`, as it should read on disk."""
    return {
        borrowed_module_path(root, plugin.name, earlier): borrowed_module_text(
            root, plugin.name, earlier, functions
        )
        for earlier, functions in plugin.borrows.items()
    }


def write_borrowed_modules(root: Path, assignment: str) -> list[Path]:
    """(Re)write the borrowed modules of `assignment`; returns the files written."""
    expected = expected_borrowed_modules(root, load_assignment(root, assignment))
    for path, text in expected.items():
        write_text_atomic(path, text)
    return list(expected)
