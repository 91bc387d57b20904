"""Damaged notebooks of assignment 2, graded in one batch with an intact control.

The damages of test_damaged_notebooks.py that depend on nothing but the file and its
cells, done to a correct submission of the language model: the same rules hold (grade
as far as is fair, say what was wrong, list the student for a human look).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.batch import find_submissions, grade_class
from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release
from autograder.grading import Grader
from autograder.reference import course_reference
from autograder.sandbox.isolation import Isolation
from tests.assignments import REPO

ASSIGNMENT = "char_language_model"
PLUGIN = load_assignment(REPO, ASSIGNMENT)
NOTEBOOK = CourseLayout(REPO).source_notebook(ASSIGNMENT).name
ALL = frozenset(PLUGIN.function_names)
NONE = frozenset()
CONTROL = "intact-control"


def correct_notebook() -> dict:
    release = read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))
    return fill_solution_cells(release, correct_code(course_reference(REPO, ASSIGNMENT)))


def index_of(notebook: dict, grade_id: str) -> int:
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in notebook["cells"]]
    return ids.index(grade_id)


def text_of(notebook: dict) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def truncated(folder: Path, nb: dict) -> None:
    """Cut off inside the cell of clip_by_value (an interrupted upload)."""
    text = text_of(nb)
    cut = text.index(json.dumps(nb["cells"][index_of(nb, "clip_by_value")]["source"])[:60])
    (folder / NOTEBOOK).write_text(text[: cut + 30], encoding="utf-8")


def empty(folder: Path, nb: dict) -> None:
    (folder / NOTEBOOK).write_bytes(b"")


def utf16(folder: Path, nb: dict) -> None:
    (folder / NOTEBOOK).write_bytes(text_of(nb).encode("utf-16"))


def cell_missing(folder: Path, nb: dict) -> None:
    del nb["cells"][index_of(nb, "sample")]
    (folder / NOTEBOOK).write_text(text_of(nb), encoding="utf-8")


def grade_id_altered(folder: Path, nb: dict) -> None:
    cell = nb["cells"][index_of(nb, "train")]
    cell["metadata"]["nbgrader"]["grade_id"] = "train_mine"
    (folder / NOTEBOOK).write_text(text_of(nb), encoding="utf-8")


def metadata_stripped(folder: Path, nb: dict) -> None:
    for cell in nb["cells"]:
        cell["metadata"].pop("nbgrader", None)
    (folder / NOTEBOOK).write_text(text_of(nb), encoding="utf-8")


def wrong_name(folder: Path, nb: dict) -> None:
    (folder / f"{ASSIGNMENT} (1).ipynb").write_text(text_of(nb), encoding="utf-8")


def symlink_to_solution(folder: Path, nb: dict) -> None:
    (folder / NOTEBOOK).symlink_to(CourseLayout(REPO).source_notebook(ASSIGNMENT))


def named_pipe(folder: Path, nb: dict) -> None:
    os.mkfifo(folder / NOTEBOOK)


@dataclass(frozen=True)
class Damaged:
    id: str
    damage: Callable[[Path, dict], None]
    graded: frozenset[str]  # functions that still earn full marks; the others earn 0
    error: tuple[str, ...]  # words the student's `error` contains


# The graded cells above the cell of clip_by_value, in the notebook's order.
CUT_AT = PLUGIN.function_names.index("clip_by_value")
BEFORE_CLIP_BY_VALUE = frozenset(PLUGIN.function_names[:CUT_AT])
DAMAGED = [
    Damaged("truncated-json", truncated, BEFORE_CLIP_BY_VALUE, ("not valid JSON",)),
    Damaged("empty-file", empty, NONE, ("empty",)),
    Damaged("utf-16", utf16, ALL, ("UTF-16",)),
    Damaged("graded-cell-missing", cell_missing, ALL - {"sample"}, ("sample", "missing")),
    Damaged("grade-id-altered", grade_id_altered, ALL, ("lost their nbgrader", "train_mine")),
    Damaged("nbgrader-metadata-stripped", metadata_stripped, ALL, ("lost their nbgrader",)),
    Damaged("wrong-name", wrong_name, ALL, (f"{ASSIGNMENT} (1).ipynb",)),
    Damaged("symlink-to-the-solution", symlink_to_solution, NONE, ("symbolic link",)),
    Damaged("named-pipe", named_pipe, NONE, ("not a regular file",)),
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    submitted = tmp_path_factory.mktemp("lm_damaged") / "submitted"
    for case in DAMAGED:
        folder = submitted / case.id / ASSIGNMENT
        folder.mkdir(parents=True)
        case.damage(folder, correct_notebook())
    (submitted / CONTROL / ASSIGNMENT).mkdir(parents=True)
    (submitted / CONTROL / ASSIGNMENT / NOTEBOOK).write_text(text_of(correct_notebook()))
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    grader = Grader(PLUGIN, course_reference(REPO, ASSIGNMENT), b"damaged", isolation=isolation)
    submissions = find_submissions(submitted, ASSIGNMENT, NOTEBOOK)
    return grade_class(grader, submissions, jobs=2, progress=False)


@pytest.mark.parametrize("case", DAMAGED, ids=lambda c: c.id)
def test_damaged_notebook_graded_as_far_as_fair(case: Damaged, graded):
    result = graded[case.id]
    assert list(result["functions"]) == list(PLUGIN.function_names)
    full = {f for f, r in result["functions"].items() if r["score"] == r["max_score"]}
    zero = {f for f, r in result["functions"].items() if r["score"] == 0}
    assert full == case.graded, f"graded fully: {sorted(full)}; error: {result['error']}"
    assert zero == ALL - case.graded
    assert result["error"], "the student is not told what was wrong"
    missing = [w for w in case.error if w.lower() not in result["error"].lower()]
    assert missing == [], result["error"]
    assert result["needs_review"]


def test_the_intact_control_keeps_full_marks(graded):
    control = graded[CONTROL]
    assert control["score"] == control["max_score"] == 100
    assert control["error"] is None and control["needs_review"] == []
