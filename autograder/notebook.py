"""Read an nbgrader notebook and find its cells by `grade_id`, salvaging what can be read.

Plain `json` is used rather than nbformat's validator: a damaged submission must give a
clear message, not a traceback, and validation is slow (see research/baselines.md, F1).

A damaged notebook is graded as far as it fairly can be, and every liberty taken is
written down in `ParsedNotebook.problems` (plain words, for the student and for the
instructor's needs-review list):
- not UTF-8: a UTF-16 or UTF-8 BOM is honoured; other undecodable bytes are replaced;
- not valid JSON (cut off while uploading, say): the cells that parse are kept;
- nbformat 3 is upgraded; a newer major version is read if its cells look like v4's;
- larger than MAX_NOTEBOOK_BYTES (almost always outputs): read as a stream with every
  cell's outputs and attachments skipped, up to MAX_READ_BYTES;
- a cell that is not an object or has unreadable source is skipped.
Then, per graded function (`solution_cells`): the last copy of a duplicated cell is
graded (as when the notebook runs top to bottom); a solution cell whose grade_id was lost
or changed is found by the `def` of its function; a solution cell turned into markdown
still runs if it holds the function's `def`; other extra cells are ignored.
"""

from __future__ import annotations

import codecs
import json
import mmap
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024  # read whole; above this, read with outputs skipped
MAX_READ_BYTES = 1024 * 1024 * 1024  # above this, not read at all


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
    index: int = 0  # position in the notebook (0-based)


@dataclass
class ParsedNotebook:
    """The nbgrader cells of a notebook, by grade_id, and what looked wrong.

    cells: grade_id -> the cell graded (the last copy, if the grade_id is duplicated).
    problems: what was wrong with the notebook as a whole, in plain words.
    code_cells: every code cell, in order, with or without nbgrader metadata.
    copies: grade_id -> how many cells carry it.
    """

    cells: dict[str, Cell] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    code_cells: list[Cell] = field(default_factory=list)
    copies: dict[str, int] = field(default_factory=dict)


def _source_text(source: object) -> str | None:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None


def _upgrade_v3(data: dict) -> dict:
    """The cells of an nbformat 3 notebook (worksheets; code in `input`) in v4's shape."""
    cells = []
    worksheets = data.get("worksheets")
    for sheet in worksheets if isinstance(worksheets, list) else []:
        for raw in sheet.get("cells", []) if isinstance(sheet, dict) else []:
            if not isinstance(raw, dict):
                cells.append(raw)
                continue
            cell = dict(raw)
            if cell.get("cell_type") == "code":
                cell["source"] = cell.pop("input", "")
            elif cell.get("cell_type") == "heading":
                cell["cell_type"] = "markdown"
            cells.append(cell)
    return {**data, "cells": cells, "nbformat": 4}


def _looks_like_v4_cells(cells: list) -> bool:
    return any(isinstance(c, dict) and "cell_type" in c and "source" in c for c in cells)


def parse_notebook(data: object) -> ParsedNotebook:
    """Index the nbgrader cells of already-decoded notebook JSON."""
    if not isinstance(data, dict):
        raise NotebookError("this is JSON, but not a Jupyter notebook (no list of cells)")
    major = data.get("nbformat")
    problems = []
    if major == 3:
        data = _upgrade_v3(data)
        problems.append(
            "the notebook is in the old format version 3; it was converted to version 4 "
            "and graded (save it with a current Jupyter next time)"
        )
    cells = data.get("cells")
    if major not in (3, 4):
        if not (isinstance(cells, list) and _looks_like_v4_cells(cells)):
            raise NotebookError(
                f"notebook format version {major!r} is not supported (expected 4): save the "
                "notebook with a current Jupyter and submit again"
            )
        problems.append(
            f"the notebook is in format version {major!r}, which this grader does not know "
            "(it reads 4); its cells looked like version 4 cells and were read as such"
        )
    if not isinstance(cells, list):
        raise NotebookError("this is JSON, but not a Jupyter notebook (no list of cells)")
    parsed = ParsedNotebook(problems=problems)
    skipped = []
    for index, raw in enumerate(data["cells"]):
        source = _source_text(raw.get("source", "")) if isinstance(raw, dict) else None
        if source is None:
            skipped.append(index + 1)
            continue
        meta = raw.get("metadata", {})
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        nbgrader = nbgrader if isinstance(grade_id, str) else {}
        try:
            points = float(nbgrader.get("points", 0) or 0)
        except (TypeError, ValueError):
            points = 0.0
        cell = Cell(
            grade_id=grade_id if isinstance(grade_id, str) else "",
            cell_type=str(raw.get("cell_type")),
            source=source,
            solution=bool(nbgrader.get("solution")),
            grade=bool(nbgrader.get("grade")),
            points=points,
            index=index,
        )
        if cell.cell_type == "code":
            parsed.code_cells.append(cell)
        if not cell.grade_id:
            continue
        parsed.copies[cell.grade_id] = parsed.copies.get(cell.grade_id, 0) + 1
        earlier = parsed.cells.get(cell.grade_id)
        # The last copy wins, as when the notebook runs top to bottom; a code copy is
        # preferred to a later copy that was turned into markdown.
        if earlier is None or cell.cell_type == "code" or earlier.cell_type != "code":
            parsed.cells[cell.grade_id] = cell
    if skipped:
        numbers = ", ".join(map(str, skipped[:10])) + (" ..." if len(skipped) > 10 else "")
        parsed.problems.append(
            f"{len(skipped)} cell(s) of the notebook could not be read and were skipped "
            f"(cell number {numbers})"
        )
    return parsed


# ---- reading the file ----


def _decode(raw: bytes) -> tuple[str, list[str]]:
    """The text of the notebook, honouring a BOM; undecodable bytes are replaced."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), ["the notebook was saved as UTF-16 text, not UTF-8"]
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        return text, [
            f"the notebook is not valid UTF-8 text (first bad byte at position {error.start}); "
            "the characters that could not be read were replaced by '\ufffd' and the "
            "notebook was graded (a cell whose code holds such a character may fail)"
        ]


_CELL_START = re.compile(r'\{\s*"cell_type"\s*:')


def _salvage(text: str, error: json.JSONDecodeError) -> dict | None:
    """The cells of a notebook whose JSON is damaged: every cell object that parses.

    Jupyter writes the keys in order, "cells" first; after a damaged cell, reading
    resumes at the next `{"cell_type":`.
    """
    start = re.match(r'\s*\{\s*"cells"\s*:\s*\[', text)
    if start is None:
        return None
    decoder, cells, position = json.JSONDecoder(), [], start.end()
    while position < len(text):
        try:
            cell, position = decoder.raw_decode(text, _skip_space(text, position))
        except (json.JSONDecodeError, RecursionError):
            resume = _CELL_START.search(text, position + 1)
            if resume is None:
                break
            position = resume.start()
            continue
        if isinstance(cell, dict) and "cell_type" in cell:
            cells.append(cell)
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position += 1
        elif text.startswith("]", position):
            break
    if not cells:
        return None
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 0, "metadata": {}}


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


_STRUCTURE = re.compile(rb'["\[\]{}]')
# A run of JSON strings, each with an optional `,` or `:` after it (possessive: no
# backtracking), for lists of short strings such as the lines of a printed output.
_STRING_RUN = re.compile(rb'(?:"[^"\\]*+(?:\\.[^"\\]*+)*+"\s*+[,:]?\s*+)++')
_SKIPPED_KEY = re.compile(rb'"(?:outputs|attachments)"\s*:\s*$')
_LONG_STRING = 1 << 16


def _string_end(data: bytes | mmap.mmap, start: int) -> int:
    """The end of the JSON string starting at `start`, found with `find` (fast on long
    strings): the first quote not escaped by an odd number of backslashes."""
    at = start + 1
    while True:
        quote = data.find(b'"', at)
        if quote < 0:
            return len(data)
        before = quote - 1
        while before > start and data[before] == 0x5C:
            before -= 1
        if (quote - 1 - before) % 2 == 0:
            return quote + 1
        at = quote + 1


def _without_outputs(data: bytes | mmap.mmap) -> bytes:
    """The notebook's bytes with every cell's "outputs" and "attachments" emptied.

    One pass over the file, without decoding its strings: memory stays small however
    large the outputs are. Malformed input gives malformed output, for the JSON parser
    (and its salvage) to report.
    """
    kept: list[bytes] = []
    depth, position, skipping, key_seen, at = 0, 0, None, False, 0
    while (found := _STRUCTURE.search(data, at)) is not None:
        start = found.start()
        first = data[start]
        if first == ord('"'):
            next_quote = data.find(b'"', start + 1)
            if next_quote < 0 or next_quote - start > _LONG_STRING:
                at, key_seen = _string_end(data, start), False
                continue
            run = _STRING_RUN.match(data, start)
            at = run.end() if run else _string_end(data, start)
            key_seen = (
                skipping is None
                and depth == 3
                and bool(_SKIPPED_KEY.search(data, max(start, at - 64), at))
            )
            continue
        at = start + 1
        if first in b"[{":
            depth += 1
            if key_seen:
                kept.append(data[position:start])
                position, skipping, key_seen = start, depth, False
        else:
            if skipping == depth:
                kept.append(b"[]" if first == ord("]") else b"{}")
                position, skipping = at, None
            depth -= 1
            key_seen = False
    kept.append(data[position:])
    return b"".join(kept)


def read_notebook(path: Path) -> ParsedNotebook:
    """Read and index a notebook file; raise NotebookError with a plain message if unreadable."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise NotebookError(f"the notebook cannot be opened ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise NotebookError("the notebook is not a regular file (a folder or a device?)")
    size = info.st_size
    if size == 0:
        raise NotebookError("the notebook file is empty")
    if size > MAX_READ_BYTES:
        raise NotebookError(
            f"the notebook is {size / 2**20:.0f} MB, over the {MAX_READ_BYTES // 2**20} MB "
            "limit: clear the outputs (Edit > Clear All Outputs) and submit again"
        )
    problems = []
    try:
        with open(path, "rb") as file:
            if size <= MAX_NOTEBOOK_BYTES:
                raw = file.read()
            else:
                with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    raw = _without_outputs(mapped)
                problems.append(
                    f"the notebook is {size / 2**20:.0f} MB, almost all of it cell outputs: "
                    "the outputs were skipped and the code graded (clear the outputs, "
                    "Edit > Clear All Outputs, before submitting)"
                )
    except OSError as error:
        raise NotebookError(f"the notebook cannot be read ({error.strerror})") from None
    text, decode_problems = _decode(raw)
    problems += decode_problems
    try:
        data = json.loads(text)
    except RecursionError:
        raise NotebookError("the notebook's JSON is nested too deeply to read") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        data = _salvage(text, error)
        if data is None:
            raise NotebookError(
                f"the notebook is not valid JSON ({where}): it was probably damaged while "
                "editing or uploading"
            ) from None
        if text.rstrip().endswith("}"):
            damage = f"at {where} (damaged while editing?)"
        else:
            damage = "from the point where it ends abruptly (cut off while uploading?)"
        problems.append(
            f"the notebook is not valid JSON {damage}: the {len(data['cells'])} cells that "
            "could still be read were graded, the damaged part was skipped"
        )
    parsed = parse_notebook(data)
    parsed.problems[:0] = problems
    return parsed


# ---- the solution cells of the graded functions ----


def _defines(name: str, source: str) -> bool:
    return re.search(rf"^def\s+{re.escape(name)}\s*\(", source, re.MULTILINE) is not None


def solution_cells(
    parsed: ParsedNotebook, functions: Iterable[str]
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The solution cells of `functions` to run, why any are unusable, and notes for a human
    (each in plain words, fit for the student too)."""
    cells, unusable, review, lost = {}, {}, [], []
    for name in functions:
        cell = parsed.cells.get(name)
        if cell is None:
            found = [c for c in parsed.code_cells if _defines(name, c.source)]
            if found:
                cell = found[-1]
                label = f"grade_id '{cell.grade_id}'" if cell.grade_id else "no grade_id"
                lost.append(f"{name} (cell {cell.index + 1}, {label})")
            else:
                unusable[name] = (
                    f"the notebook has no cell for {name} (grade_id '{name}'): was it deleted "
                    "or its metadata changed? Copy the cell from the released notebook and "
                    "resubmit"
                )
                review.append(f"the cell of {name} is missing (grade_id '{name}')")
                continue
        elif cell.cell_type != "code":
            if not _defines(name, cell.source):
                unusable[name] = (
                    f"the cell for {name} was changed to a {cell.cell_type} cell, so it cannot run"
                )
                review.append(f"the cell of {name} is a {cell.cell_type} cell")
                continue
            review.append(
                f"the cell of {name} is a {cell.cell_type} cell, but it holds the code of "
                f"{name}: it was run as code"
            )
        copies = parsed.copies.get(name, 0)
        if copies > 1:
            review.append(
                f"the notebook has {copies} cells for {name} (grade_id '{name}'); the last "
                "one was graded, as when the notebook runs from top to bottom"
            )
        others = [
            c.index + 1 for c in parsed.code_cells if c is not cell and _defines(name, c.source)
        ]
        if others and copies <= 1:
            review.append(
                f"another cell (cell {', '.join(map(str, others))}) also defines {name}; "
                f"only the cell of {name} (cell {cell.index + 1}) was graded"
            )
        cells[name] = cell.source
    if lost:
        review.insert(
            0,
            f"{len(lost)} solution cell(s) had lost their nbgrader identity (their grade_id "
            "metadata): the code cell that defines each function was graded instead: "
            + "; ".join(lost),
        )
    return cells, unusable, parsed.problems + review
