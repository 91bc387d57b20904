"""Notebooks made huge by their code or text, not their outputs.

A security review found that notebooks of 100 to 300 MB of source code took up to 77 s and
0.95 GB of the grader's memory to grade. Now a cell whose source is over
MAX_CELL_SOURCE_BYTES is not read: its function fails with a message saying so, and the
notebook's other functions are graded as usual. Reading any notebook, whatever it holds,
stays within READ_SECONDS and grows the grading process by less than GROWTH_MB.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release
from autograder.grading import Grader, grade_notebook, grade_parsed
from autograder.notebook import (
    MAX_CELL_SOURCE_BYTES,
    NotebookError,
    ParsedNotebook,
    parse_notebook,
    read_notebook,
    solution_cells,
)
from autograder.sandbox.isolation import Isolation
from tests.assignments import ASSIGNMENT, GRADED_FUNCTIONS, RNN, course_reference

REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)
CODE = correct_code(REFERENCE)
GROWTH_MB = 150  # the grading process's peak resident memory, over what it was before
READ_SECONDS = 20  # generous: the machine is shared
MB = 2**20
CODE_LINE = "a_next = np.tanh(a_next)  # padding\n"
SCRATCH_CELL = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}


# ---- huge values, written in 1 MB chunks where the notebook's JSON has a placeholder ----


def huge_string(megabytes: int, line: str = CODE_LINE) -> Iterator[bytes]:
    """One JSON string of `megabytes` MB of `line`s (as written in the file)."""
    encoded = json.dumps(line)[1:-1].encode()
    chunk = encoded * (MB // len(encoded))
    yield b'"'
    for _ in range(megabytes):
        yield chunk
    yield b'"'


def huge_lines(megabytes: int) -> Iterator[bytes]:
    """A cell source given as a list of lines (as Jupyter saves it), `megabytes` MB long."""
    line = json.dumps(CODE_LINE).encode() + b", "
    chunk = line * (MB // len(line))
    yield b"["
    for _ in range(megabytes):
        yield chunk
    yield b'"pass\\n"]'


def many_cells(megabytes: int) -> Iterator[bytes]:
    """Code cells of 200 kB each (under the limit for one cell), `megabytes` MB of them."""
    cell = json.dumps({**SCRATCH_CELL, "source": CODE_LINE * (200_000 // len(CODE_LINE))})
    for index in range(megabytes * MB // len(cell)):
        yield (", " if index else "").encode() + cell.encode()


def empty_objects(megabytes: int) -> Iterator[bytes]:
    """A list of empty objects: 3 bytes each in the file, about 90 once parsed by `json`."""
    chunk = b"{}, " * (MB // 4)
    yield b"["
    for _ in range(megabytes):
        yield chunk
    yield b"{}]"


def write_notebook(path: Path, notebook: dict, huge: Mapping[str, Iterator[bytes]]) -> None:
    """Write `notebook`, each of its strings "@@name@@" replaced by the JSON of huge[name]."""
    text = json.dumps(notebook, indent=1, ensure_ascii=False)
    with open(path, "wb") as out:
        for piece in re.split(r'"@@([\w-]+)@@"', text):
            out.writelines(huge[piece]) if piece in huge else out.write(piece.encode())


# ---- notebooks ----


def correct_notebook() -> dict:
    return fill_solution_cells(read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT)), CODE)


def index_of(notebook: dict, grade_id: str) -> int:
    for index, cell in enumerate(notebook["cells"]):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def huge_solution_cell(path: Path) -> None:
    """The cell of rnn_forward is one 300 MB string; rnn_cell_forward's is correct code
    padded to just under the limit, and is graded."""
    notebook = correct_notebook()
    notebook["cells"][index_of(notebook, "rnn_forward")]["source"] = "@@huge@@"
    padding = "# " + "x" * 98 + "\n"  # 101 bytes in the file, with the \n escaped
    padded = CODE["rnn_cell_forward"] + padding * ((MAX_CELL_SOURCE_BYTES - 20_000) // 101)
    notebook["cells"][index_of(notebook, "rnn_cell_forward")]["source"] = padded
    write_notebook(path, notebook, {"huge": huge_string(300)})


def huge_lines_and_markdown(path: Path) -> None:
    """The cell of lstm_forward is a list of 100 MB of lines; a markdown cell (notes
    pasted by the student) is one string of 100 MB."""
    notebook = correct_notebook()
    notebook["cells"][index_of(notebook, "lstm_forward")]["source"] = "@@lines@@"
    notes = {"cell_type": "markdown", "metadata": {}, "source": "@@notes@@"}
    notebook["cells"].insert(index_of(notebook, "rnn_forward"), notes)
    write_notebook(
        path, notebook, {"lines": huge_lines(100), "notes": huge_string(100, "My notes. ")}
    )


def code_in_many_cells(path: Path) -> None:
    """200 MB of code in a thousand scratch cells, each under the limit for one cell."""
    notebook = correct_notebook()
    notebook["cells"].insert(index_of(notebook, "rnn_forward"), "@@cells@@")
    write_notebook(path, notebook, {"cells": many_cells(200)})


def objects_in_outputs(path: Path) -> None:
    """19 MB of `{}` as a cell's outputs: under MAX_NOTEBOOK_BYTES, which used to be read
    whole, and parsed by `json` into about 500 MB of objects."""
    notebook = correct_notebook()
    notebook["cells"][index_of(notebook, "rnn_forward")]["outputs"] = "@@objects@@"
    write_notebook(path, notebook, {"objects": empty_objects(19)})


# ---- reading, measured ----


def status_kb(field: str) -> int:
    """A memory figure of this process, from /proc/self/status, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def measured_read(path: Path) -> tuple[ParsedNotebook | NotebookError, float, float]:
    """Read `path` and find its solution cells, as grading does; with the seconds taken and
    the growth in MB of this process's peak resident memory."""
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak resident size
    before, start = status_kb("VmRSS"), time.perf_counter()
    try:
        parsed: ParsedNotebook | NotebookError = read_notebook(path)
        solution_cells(parsed, GRADED_FUNCTIONS)
    except NotebookError as error:
        parsed = error
    seconds = time.perf_counter() - start
    return parsed, seconds, (status_kb("VmHWM") - before) / 1024


def assert_bounded(path: Path, seconds: float, grown: float) -> None:
    size = path.stat().st_size / MB
    assert seconds < READ_SECONDS, f"reading a {size:.0f} MB notebook took {seconds:.0f} s"
    assert grown < GROWTH_MB, f"reading a {size:.0f} MB notebook grew the grader by {grown:.0f} MB"


@pytest.fixture(scope="module")
def grader() -> Grader:
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    return Grader(RNN, REFERENCE, b"huge notebooks: test secret", isolation=isolation)


def full_marks(result: dict) -> set[str]:
    return {f for f, r in result["functions"].items() if r["score"] == r["max_score"]}


@pytest.mark.parametrize(
    ("write", "function", "cell_words"),
    [
        (huge_solution_cell, "rnn_forward", ["1 cell(s)", "(code, 300.0 MB)"]),
        (huge_lines_and_markdown, "lstm_forward", ["2 cell(s)", "(markdown, 100.0 MB)"]),
    ],
    ids=["solution-cell-300MB", "lines-and-markdown-200MB"],
)
def test_a_huge_cell_fails_alone(tmp_path: Path, grader: Grader, write, function, cell_words):
    path = tmp_path / "huge.ipynb"
    write(path)
    parsed, seconds, grown = measured_read(path)
    assert_bounded(path, seconds, grown)
    path.unlink()  # free the disk at once
    assert isinstance(parsed, ParsedNotebook), parsed
    notes = "\n".join(solution_cells(parsed, GRADED_FUNCTIONS)[2])
    assert "over the 256 kB limit for one cell" in notes
    assert all(word in notes for word in cell_words), notes
    result = grade_parsed(grader, "huge", parsed)
    assert full_marks(result) == set(GRADED_FUNCTIONS) - {function}
    assert result["functions"][function]["score"] == 0
    for check in result["functions"][function]["checks"]:
        message = check["message"]
        for words in (f"the cell of {function} is", "over the 256 kB limit", "submit again"):
            assert words in message, message


@pytest.mark.parametrize(
    ("write", "words"),
    [
        (code_in_many_cells, ["more than 8 MB of code and text", "submit again"]),
        (objects_in_outputs, ["separate pieces", "clear the outputs"]),
    ],
    ids=["code-in-many-cells-200MB", "objects-in-outputs-19MB"],
)
def test_a_notebook_too_large_in_all_is_refused_quickly(tmp_path: Path, write, words):
    path = tmp_path / "huge.ipynb"
    write(path)
    parsed, seconds, grown = measured_read(path)
    assert_bounded(path, seconds, grown)
    assert isinstance(parsed, NotebookError)
    assert all(word in str(parsed) for word in words), str(parsed)


def test_an_honest_notebook_is_read_and_graded_as_before(tmp_path: Path, grader: Grader):
    """With outputs as an honest run leaves them (text, an image), reading the file gives
    what parsing its JSON directly gives, and full marks."""
    notebook = correct_notebook()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [
                {"name": "stdout", "output_type": "stream", "text": ["a[4][1] = 0.99\n"]},
                {
                    "data": {"image/png": "iVBORw0KGgo" * 2000, "text/plain": ["<Figure>"]},
                    "metadata": {},
                    "output_type": "display_data",
                },
            ]
    path = tmp_path / "honest.ipynb"
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
    parsed, expected = read_notebook(path), parse_notebook(notebook)
    assert parsed.cells == expected.cells
    assert parsed.code_cells == expected.code_cells
    assert parsed.problems == [] and parsed.too_large == []
    result = grade_notebook(grader, "honest", path)
    assert full_marks(result) == set(GRADED_FUNCTIONS)
    assert result["error"] is None and result["needs_review"] == []
