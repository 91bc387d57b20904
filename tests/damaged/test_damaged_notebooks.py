"""Damaged and oddly handed-in notebooks, graded in one batch with an intact control.

Each case starts from a correct submission and damages it. The table says which graded
functions must still earn full marks (every other one earns 0, with a message), what the
student is told in `error` (None: nothing, the notebook was fine for grading), and
whether the instructor's needs-review list names the student.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.batch import find_submissions, grade_class
from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release
from autograder.grading import Grader
from autograder.report.class_summary import write_class_summary
from autograder.sandbox.isolation import Isolation
from tests.assignments import ASSIGNMENT, GRADED_FUNCTIONS, NOTEBOOK, RNN, course_reference

REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)
ALL = frozenset(GRADED_FUNCTIONS)
HUGE_OUTPUT_MB = 300


# ---- how to damage a correct notebook ----


def correct_notebook() -> dict:
    return fill_solution_cells(read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT)), CODE)


CODE = correct_code(REFERENCE)


def index_of(notebook: dict, grade_id: str) -> int:
    for index, cell in enumerate(notebook["cells"]):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def text_of(notebook: dict) -> str:
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def save(folder: Path, notebook: dict, name: str = NOTEBOOK) -> None:
    (folder / name).write_text(text_of(notebook), encoding="utf-8")


def truncated(folder: Path, nb: dict) -> None:
    """Cut off in the middle of the cell of rnn_cell_backward (an interrupted upload)."""
    text = text_of(nb)
    cut = text.index(json.dumps(nb["cells"][index_of(nb, "rnn_cell_backward")]["source"])[:60])
    (folder / NOTEBOOK).write_text(text[: cut + 30], encoding="utf-8")


def stray_character(folder: Path, nb: dict) -> None:
    """One character gone wrong inside a markdown cell between the graded cells."""
    text = text_of(nb)
    where = text.index('"cell_type": "markdown"', text.index('"grade_id": "rnn_forward"'))
    (folder / NOTEBOOK).write_text(text[:where] + "}{;" + text[where:], encoding="utf-8")


def not_json(folder: Path, nb: dict) -> None:
    (folder / NOTEBOOK).write_text("this is not a notebook\n")


def empty(folder: Path, nb: dict) -> None:
    (folder / NOTEBOOK).write_bytes(b"")


def nested_too_deep(folder: Path, nb: dict) -> None:
    (folder / NOTEBOOK).write_text("[" * 200_000 + "]" * 200_000)


def latin1(folder: Path, nb: dict) -> None:
    """Saved in Latin-1 by some editor: a comment with an accent is not UTF-8."""
    nb["cells"][index_of(nb, "rnn_forward")]["source"] = "# café\n" + CODE["rnn_forward"]
    text = json.dumps(nb, indent=1, sort_keys=True).replace("caf\\u00e9", "caf\u00e9")
    (folder / NOTEBOOK).write_bytes(text.encode("latin-1"))


def utf16(folder: Path, nb: dict) -> None:
    (folder / NOTEBOOK).write_bytes(text_of(nb).encode("utf-16"))


def nbformat_v3(folder: Path, nb: dict) -> None:
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cells.append(
                {
                    "cell_type": "code",
                    "collapsed": False,
                    "input": cell["source"],
                    "language": "python",
                    "metadata": cell["metadata"],
                    "outputs": [],
                }
            )
        else:
            cells.append({k: cell[k] for k in ("cell_type", "metadata", "source")})
    v3 = {"metadata": {}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": cells}]}
    save(folder, v3)


def nbformat_v5(folder: Path, nb: dict) -> None:
    save(folder, {**nb, "nbformat": 5, "nbformat_minor": 0})


def nbformat_v5_unknown_shape(folder: Path, nb: dict) -> None:
    save(folder, {"nbformat": 5, "nbformat_minor": 0, "blocks": nb["cells"]})


def cell_missing(folder: Path, nb: dict) -> None:
    del nb["cells"][index_of(nb, "rnn_backward")]
    save(folder, nb)


def cell_duplicated(folder: Path, nb: dict) -> None:
    """A stub copy above, the finished copy below: the one that runs last is graded."""
    index = index_of(nb, "lstm_forward")
    stub = copy.deepcopy(nb["cells"][index])
    stub["source"] = "def lstm_forward(x, a0, parameters):\n    raise NotImplementedError\n"
    nb["cells"].insert(index, stub)
    save(folder, nb)


def changed_to_markdown(folder: Path, nb: dict) -> None:
    nb["cells"][index_of(nb, "rnn_cell_backward")].update(cell_type="markdown")
    for key in ("outputs", "execution_count"):
        nb["cells"][index_of(nb, "rnn_cell_backward")].pop(key, None)
    save(folder, nb)


def markdown_prose(folder: Path, nb: dict) -> None:
    cell = nb["cells"][index_of(nb, "rnn_cell_backward")]
    cell.update(cell_type="markdown", source="I did not manage this one.")
    for key in ("outputs", "execution_count"):
        cell.pop(key, None)
    save(folder, nb)


def grade_id_altered(folder: Path, nb: dict) -> None:
    cell = nb["cells"][index_of(nb, "rnn_forward")]
    cell["metadata"]["nbgrader"]["grade_id"] = "rnn_forward_mine"
    save(folder, nb)


def metadata_stripped(folder: Path, nb: dict) -> None:
    """As some editors (Colab, say) save it: no nbgrader metadata anywhere."""
    for cell in nb["cells"]:
        cell["metadata"] = {}
    save(folder, nb)


def cells_moved(folder: Path, nb: dict) -> None:
    nb["cells"].reverse()
    save(folder, nb)


def extra_cells(folder: Path, nb: dict) -> None:
    extra = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
        for s in ("print('scratch')\n", "import os\nos._exit(1)\n", "x = 1 / 0\n")
    ]
    nb["cells"][index_of(nb, "rnn_forward") : index_of(nb, "rnn_forward")] = extra
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "my notes"})
    save(folder, nb)


def extra_cell_redefines(folder: Path, nb: dict) -> None:
    """A scratch cell after the graded one redefines the function wrongly: ignored."""
    scratch = "def rnn_cell_forward(xt, a_prev, parameters):\n    return None\n"
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    nb["cells"].insert(index_of(nb, "rnn_cell_forward") + 1, {**cell, "source": scratch})
    save(folder, nb)


def unreadable_cells(folder: Path, nb: dict) -> None:
    nb["cells"].insert(3, 42)
    nb["cells"].insert(5, {"cell_type": "code", "metadata": {}, "source": 7, "outputs": []})
    save(folder, nb)


def huge_outputs(folder: Path, nb: dict) -> None:
    """A print in a loop left 300 MB of output in the notebook (written in 1 MB chunks)."""
    marker = "@@HUGE@@"
    nb["cells"][index_of(nb, "rnn_forward")]["outputs"] = [
        {"name": "stdout", "output_type": "stream", "text": [marker]}
    ]
    before, after = text_of(nb).split(json.dumps(marker))
    chunk = ("a_next = [[0.1, 0.2]]\\n" * (2**20 // 24)).encode()
    with open(folder / NOTEBOOK, "wb") as out:
        out.write(before.encode() + b'"')
        for _ in range(HUGE_OUTPUT_MB):
            out.write(chunk)
        out.write(b'"' + after.encode())


def wrong_name(folder: Path, nb: dict) -> None:
    save(folder, nb, "rnn_step_by_step (1).ipynb")


def second_notebook(folder: Path, nb: dict) -> None:
    save(folder, nb)
    save(folder, {**nb, "cells": nb["cells"][:3]}, "Untitled.ipynb")


def two_notebooks_none_named(folder: Path, nb: dict) -> None:
    save(folder, nb, "rnn_step_by_step-Copy1.ipynb")
    save(folder, {**nb, "cells": nb["cells"][:3]}, "Untitled.ipynb")


def in_a_subfolder(folder: Path, nb: dict) -> None:
    (folder / "my work").mkdir()
    save(folder / "my work", nb)
    (folder / "my work" / ".ipynb_checkpoints").mkdir()
    save(folder / "my work" / ".ipynb_checkpoints", {**nb, "cells": []}, "x-checkpoint.ipynb")


def no_notebook(folder: Path, nb: dict) -> None:
    (folder / "answers.txt").write_text("see attached\n")


def symlink_to_solution(folder: Path, nb: dict) -> None:
    """A link to the instructor's solution notebook: grading it would give full marks."""
    (folder / NOTEBOOK).symlink_to(CourseLayout(REPO).source_notebook(ASSIGNMENT))


def named_pipe(folder: Path, nb: dict) -> None:
    """Reading a FIFO would block the batch forever."""
    os.mkfifo(folder / NOTEBOOK)


@dataclass(frozen=True)
class Damaged:
    id: str
    damage: Callable[[Path, dict], None]
    graded: frozenset[str]  # functions that still earn full marks; the others earn 0
    error: tuple[str, ...] | None  # words the student's `error` contains; None: no error
    review: bool  # listed in needs_review


def but(*functions: str) -> frozenset[str]:
    return ALL - set(functions)


NONE = frozenset()
# The graded cells above the cell of rnn_cell_backward, in the notebook's order.
# The graded functions whose cells come before rnn_cell_backward's in the notebook.
BEFORE_RNN_CELL_BACKWARD = frozenset({"rnn_cell_forward", "rnn_forward"})

DAMAGED = [
    Damaged("truncated-json", truncated, BEFORE_RNN_CELL_BACKWARD, ("not valid JSON",
            "could still be read"), True),
    Damaged("stray-characters-in-json", stray_character, ALL, ("not valid JSON",), True),
    Damaged("not-json-at-all", not_json, NONE, ("not valid JSON",), True),
    Damaged("empty-file", empty, NONE, ("empty",), True),
    Damaged("json-nested-too-deep", nested_too_deep, NONE, ("nested too deeply",), True),
    Damaged("latin-1-not-utf-8", latin1, ALL, ("not valid UTF-8",), True),
    Damaged("utf-16", utf16, ALL, ("UTF-16",), True),
    Damaged("nbformat-3", nbformat_v3, ALL, ("version 3",), True),
    Damaged("nbformat-5", nbformat_v5, ALL, ("version 5",), True),
    Damaged("nbformat-5-unknown-shape", nbformat_v5_unknown_shape, NONE, ("version 5",), True),
    Damaged("graded-cell-missing", cell_missing, but("rnn_backward"), ("rnn_backward",
            "missing"), True),
    Damaged("graded-cell-duplicated", cell_duplicated, ALL, ("2 cells for lstm_forward",
            "last one"), True),
    Damaged("changed-to-markdown", changed_to_markdown, ALL, ("markdown", "run as code"), True),
    Damaged("markdown-prose", markdown_prose, but("rnn_cell_backward"), ("markdown",), True),
    Damaged("grade-id-altered", grade_id_altered, ALL, ("lost their nbgrader",
            "rnn_forward (cell 14, grade_id 'rnn_forward_mine')"), True),
    Damaged("nbgrader-metadata-stripped", metadata_stripped, ALL, ("8 solution cell(s)",
            "lost their nbgrader"), True),
    Damaged("cells-moved", cells_moved, ALL, None, False),
    Damaged("extra-cells", extra_cells, ALL, None, False),
    Damaged("extra-cell-redefines", extra_cell_redefines, ALL, ("also defines",), True),
    Damaged("unreadable-cells", unreadable_cells, ALL, ("2 cell(s)", "skipped"), True),
    Damaged("huge-outputs-300MB", huge_outputs, ALL, ("outputs were skipped",), True),
    Damaged("wrong-name", wrong_name, ALL, ("rnn_step_by_step (1).ipynb",), True),
    Damaged("second-notebook", second_notebook, ALL, ("Untitled.ipynb", "not graded"), True),
    Damaged("two-notebooks-none-named", two_notebooks_none_named, ALL,
            ("rnn_step_by_step-Copy1.ipynb was graded",), True),
    Damaged("notebook-in-a-subfolder", in_a_subfolder, ALL, ("subfolder",), True),
    Damaged("no-notebook", no_notebook, NONE, ("no notebook",), True),
    Damaged("symlink-to-the-solution", symlink_to_solution, NONE, ("symbolic link",), True),
    Damaged("named-pipe", named_pipe, NONE, ("not a regular file",), True),
]  # fmt: skip

CONTROL = "aaa_intact"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every damaged submission and the intact control in one batch (2 jobs)."""
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    grader = Grader(RNN, REFERENCE, b"damaged notebooks: test secret", isolation=isolation)
    root = tmp_path_factory.mktemp("damaged")
    submitted = root / "submitted"
    for case in DAMAGED:
        folder = submitted / case.id / ASSIGNMENT
        folder.mkdir(parents=True)
        case.damage(folder, correct_notebook())
    (submitted / CONTROL / ASSIGNMENT).mkdir(parents=True)
    save(submitted / CONTROL / ASSIGNMENT, correct_notebook())
    try:
        results = grade_class(
            grader, find_submissions(submitted, ASSIGNMENT, NOTEBOOK), jobs=2, progress=False
        )
    finally:
        # The huge notebook is not needed any more: free the disk at once.
        shutil.rmtree(submitted / "huge-outputs-300MB", ignore_errors=True)
    summary = write_class_summary(root / "results", {"assignment": ASSIGNMENT, "students": results})
    return results, summary


@pytest.mark.parametrize("case", DAMAGED, ids=lambda c: c.id)
def test_damaged_notebook_graded_as_far_as_fair(case: Damaged, graded):
    result = graded[0][case.id]
    assert list(result["functions"]) == list(GRADED_FUNCTIONS)
    full = {f for f, r in result["functions"].items() if r["score"] == r["max_score"]}
    zero = {f for f, r in result["functions"].items() if r["score"] == 0}
    assert full == case.graded, f"graded fully: {sorted(full)}; error: {result['error']}"
    assert zero == ALL - case.graded
    for function in zero:
        assert all(c["message"] for c in result["functions"][function]["checks"])
    if case.error is None:
        assert result["error"] is None
    else:
        assert result["error"], "the student is not told what was wrong"
        missing = [w for w in case.error if w.lower() not in result["error"].lower()]
        assert missing == [], result["error"]
    assert bool(result["needs_review"]) == case.review, result["needs_review"]


def test_batch_continues_past_every_damaged_notebook(graded):
    results, _ = graded
    assert set(results) == {case.id for case in DAMAGED} | {CONTROL}
    assert results[CONTROL]["score"] == results[CONTROL]["max_score"]
    assert results[CONTROL]["error"] is None and results[CONTROL]["needs_review"] == []


def test_needs_review_csv_lists_exactly_the_damaged(graded):
    _, summary = graded
    with open(summary["needs_review"], newline="") as file:
        listed = {row["student"] for row in csv.DictReader(file)}
    assert listed == {case.id for case in DAMAGED if case.review}


def test_a_cut_off_notebook_says_its_lost_functions_were_in_the_lost_part(graded):
    result = graded[0]["truncated-json"]
    for function in ALL - BEFORE_RNN_CELL_BACKWARD:
        message = result["functions"][function]["checks"][0]["message"]
        assert "ends abruptly" in message and "could not be read" in message, message
        assert "was it deleted" not in message
