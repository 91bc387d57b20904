"""Read an nbgrader notebook and find its cells by `grade_id`.

Plain `json` is used rather than nbformat's validator: a damaged submission must give a
clear message, not a traceback, and validation is slow (see research/baselines.md, F1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


class NotebookError(Exception):
    """The file cannot be read as a notebook at all."""


@dataclass(frozen=True)
class Cell:
    grade_id: str
    cell_type: str
    source: str
    solution: bool
    grade: bool
    points: float


@dataclass
class ParsedNotebook:
    """The nbgrader cells of a notebook, by grade_id, and what looked wrong."""

    cells: dict[str, Cell] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _source_text(source: object) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise NotebookError("a cell's source is neither text nor a list of lines")


def parse_notebook(data: object) -> ParsedNotebook:
    """Index the nbgrader cells of already-decoded notebook JSON."""
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("this is JSON, but not a Jupyter notebook (no list of cells)")
    major = data.get("nbformat")
    if major != 4:
        raise NotebookError(f"notebook format version {major!r} is not supported (expected 4)")
    parsed = ParsedNotebook()
    for index, raw in enumerate(data["cells"]):
        if not isinstance(raw, dict):
            raise NotebookError(f"cell {index} is not a JSON object")
        meta = raw.get("metadata", {})
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        if not isinstance(nbgrader, dict) or not isinstance(nbgrader.get("grade_id"), str):
            continue
        grade_id = nbgrader["grade_id"]
        try:
            points = float(nbgrader.get("points", 0) or 0)
        except (TypeError, ValueError):
            points = 0.0
        cell = Cell(
            grade_id=grade_id,
            cell_type=str(raw.get("cell_type")),
            source=_source_text(raw.get("source", "")),
            solution=bool(nbgrader.get("solution")),
            grade=bool(nbgrader.get("grade")),
            points=points,
        )
        if grade_id in parsed.cells:
            parsed.problems.append(
                f"the cell '{grade_id}' appears more than once; the first copy was graded"
            )
            continue
        parsed.cells[grade_id] = cell
    return parsed


def read_notebook(path: Path) -> ParsedNotebook:
    """Read and index a notebook file; raise NotebookError with a plain message if unreadable."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise NotebookError(f"the notebook cannot be opened ({error.strerror})") from None
    if size == 0:
        raise NotebookError("the notebook file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(
            f"the notebook is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 2**20} MB "
            "limit: clear the outputs (Edit > Clear All Outputs) and submit again"
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookError("the notebook is not UTF-8 text; was it saved by Jupyter?") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"the notebook is not valid JSON (line {error.lineno}, column {error.colno}): "
            "it was probably damaged while editing or uploading"
        ) from None
    return parse_notebook(data)


def solution_cells(
    parsed: ParsedNotebook, functions: Iterable[str]
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The solution cells of `functions` to run, why any are unusable, and notes for a human."""
    cells, unusable, review = {}, {}, []
    for name in functions:
        cell = parsed.cells.get(name)
        if cell is None:
            unusable[name] = (
                f"the notebook has no cell for {name} (grade_id '{name}'): was it deleted or "
                "its metadata changed? Copy the cell from the released notebook and resubmit"
            )
            review.append(f"solution cell '{name}' is missing")
        elif cell.cell_type != "code":
            unusable[name] = (
                f"the cell for {name} was changed to a {cell.cell_type} cell, so it cannot run"
            )
            review.append(f"solution cell '{name}' is a {cell.cell_type} cell")
        else:
            cells[name] = cell.source
    return cells, unusable, review + parsed.problems
