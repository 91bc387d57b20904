"""Solutions an assignment borrows from an earlier one ship as a generated supporting
file (autograder/borrowed.py): it is in sync with the earlier solution notebook, holds no
nbgrader markers, and `rnn-autograde borrow` rewrites a stale one."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from autograder.assignment import assignment_names, load_assignment
from autograder.borrowed import SOLUTION_MARKERS, borrowed_module_path, expected_borrowed_modules
from autograder.cli import main
from tests.assignments import REPO

BORROWING = [n for n in assignment_names(REPO) if load_assignment(REPO, n).borrows]


def test_some_assignment_borrows() -> None:
    assert BORROWING, "no assignment borrows solutions: this module tests nothing"


@pytest.mark.parametrize("assignment", BORROWING)
def test_borrowed_modules_are_in_sync(assignment: str) -> None:
    for path, text in expected_borrowed_modules(REPO, load_assignment(REPO, assignment)).items():
        assert path.read_text() == text, f"{path} is stale: run `rnn-autograde borrow`"


@pytest.mark.parametrize("assignment", BORROWING)
def test_borrowed_modules_define_the_functions_without_markers(assignment: str) -> None:
    plugin = load_assignment(REPO, assignment)
    for earlier, functions in plugin.borrows.items():
        text = borrowed_module_path(REPO, assignment, earlier).read_text()
        assert not any(marker in text for marker in SOLUTION_MARKERS)
        defined = {n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}
        assert set(functions) <= defined


def test_borrow_rewrites_a_stale_module(tmp_path: Path) -> None:
    assignment = BORROWING[0]
    shutil.copy(REPO / "nbgrader_config.py", tmp_path)
    plugin = load_assignment(REPO, assignment)
    for name in (assignment, *plugin.borrows):
        shutil.copytree(REPO / "source" / name, tmp_path / "source" / name)
    stale = borrowed_module_path(tmp_path, assignment, next(iter(plugin.borrows)))
    stale.write_text("# stale\n")
    assert main(["borrow", "--course", str(tmp_path), assignment]) == 0
    earlier = next(iter(plugin.borrows))
    assert stale.read_text() == borrowed_module_path(REPO, assignment, earlier).read_text()
