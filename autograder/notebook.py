"""Read an nbgrader notebook and find its cells by `grade_id`, salvaging what can be read.

Plain `json` is used rather than nbformat's validator: a damaged submission must give a
clear message, not a traceback, and validation is slow (see research/baselines.md, F1).

A damaged notebook is graded as far as it fairly can be, and every liberty taken is
written down in `ParsedNotebook.problems` (plain words, for the student and for the
instructor's needs-review list):
- not UTF-8: a UTF-16 or UTF-8 BOM is honoured; other undecodable bytes are replaced;
- not valid JSON (cut off while uploading, say): the cells that parse are kept;
- nbformat 3 is upgraded; a newer major version is read if its cells look like v4's;
- larger than MAX_NOTEBOOK_BYTES (almost always outputs): graded, and the student told
  to clear the outputs;
- a cell that is not an object or has unreadable source is skipped;
- a cell whose source is over MAX_CELL_SOURCE_BYTES is "too large": it is not read, and a
  graded function whose cell it is fails with a message saying so.
Then, per graded function (`solution_cells`): the last copy of a duplicated cell is
graded (as when the notebook runs top to bottom); a solution cell whose grade_id was lost
or changed is found by the `def` of its function; a solution cell turned into markdown
still runs if it holds the function's `def`; other extra cells are ignored.

Reading costs bounded time and memory whatever the file holds (it can be made huge by
outputs, or by code or text pasted into cells). Every notebook is first reduced by one
pass over its bytes (`_without_outputs`), which decodes no string and reads the file in
windows of 8 MB, giving the pages read back to the system:
- every cell's outputs and attachments are skipped;
- every other value over MAX_CELL_SOURCE_BYTES (256 kB) is replaced by a short marker
  unread: a cell's source (one string or a list of lines), a cell's or the notebook's
  metadata. An honest solution cell is under 5 kB and the whole release notebook 95 kB;
- what is left may hold at most MAX_KEPT_BYTES (8 MB) and MAX_JSON_VALUES (500,000)
  values, the pass take at most MAX_SCAN_STEPS (2,000,000) steps (about 2.5 s), and
  containers nest at most MAX_NESTING (500) deep: beyond, the notebook is refused with a
  plain message. So `json.loads` parses at most 8 MB, into at most about 50 MB of
  Python objects;
- a damaged notebook is salvaged cell by cell, each cell reduced the same way, in at
  most MAX_SCAN_STEPS more steps and two more reads of the file;
- a file over MAX_READ_BYTES (512 MB) is not read at all, a UTF-16 one over
  MAX_NOTEBOOK_BYTES neither (it is converted to UTF-8 whole, in memory).
Measured on notebooks of 300 MB of code (one solution cell; a list of lines; many cells,
refused): 0.1 to 3 s and 14 to 24 MB of memory growth each, where it was 12 to 22 s and
0.9 to 1.9 GB; on a 19 MB notebook of `{}` outputs, 2.5 s and 4 MB (refused), where it
was 1 s and 485 MB. An honest notebook reads in a few ms, as before.
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
from typing import BinaryIO

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024  # above this, the student is told to clear outputs
MAX_READ_BYTES = 512 * 1024 * 1024  # above this, not read at all
# A cell's source (or any value but outputs) over this is not read: 50 times the largest
# honest solution cell, and more than the whole release notebook.
MAX_CELL_SOURCE_BYTES = 256 * 1024
MAX_KEPT_BYTES = 8 * 1024 * 1024  # code, text and metadata of a notebook, outputs aside
MAX_JSON_VALUES = 500_000  # in that (the release notebook has about 3,500)
MAX_SCAN_STEPS = 2_000_000  # of the pass over the file (about 1 µs each)
MAX_NESTING = 500  # JSON containers inside one another (a notebook needs about 10)
NESTED_TOO_DEEPLY = "the notebook's JSON is nested too deeply to read"
# The source of a cell over MAX_CELL_SOURCE_BYTES, once read, is this and its size in bytes.
TOO_LARGE = "\x00too large: "


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
    too_large: int = 0  # the size of a source over MAX_CELL_SOURCE_BYTES (source is then "")


@dataclass
class ParsedNotebook:
    """The nbgrader cells of a notebook, by grade_id, and what looked wrong.

    cells: grade_id -> the cell graded (the last copy, if the grade_id is duplicated).
    problems: what was wrong with the notebook as a whole, in plain words.
    code_cells: every code cell, in order, with or without nbgrader metadata.
    copies: grade_id -> how many cells carry it.
    too_large: the cells whose source is over MAX_CELL_SOURCE_BYTES (and was not read).
    lost_part: where the file was damaged, if it was ("ends abruptly", say): cells that
        were in the damaged part are missing for that reason.
    """

    cells: dict[str, Cell] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    code_cells: list[Cell] = field(default_factory=list)
    copies: dict[str, int] = field(default_factory=dict)
    too_large: list[Cell] = field(default_factory=list)
    lost_part: str = ""


def _source_text(source: object) -> str | None:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count / 2**10:.0f} kB"


def _oversize(source: str) -> int:
    """The size in bytes of a source over MAX_CELL_SOURCE_BYTES (0 if it is within): its
    marker's, if reading cut it already."""
    if source.startswith(TOO_LARGE):
        digits = source[len(TOO_LARGE) :].split(" ")[0]
        return int(digits) if digits.isdigit() else MAX_CELL_SOURCE_BYTES + 1
    if len(source) * 4 <= MAX_CELL_SOURCE_BYTES:
        return 0
    size = len(source.encode("utf-8", errors="surrogatepass"))
    return size if size > MAX_CELL_SOURCE_BYTES else 0


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
        too_large = _oversize(source)
        cell = Cell(
            grade_id=grade_id if isinstance(grade_id, str) else "",
            cell_type=str(raw.get("cell_type"))[:100],
            source="" if too_large else source,
            solution=bool(nbgrader.get("solution")),
            grade=bool(nbgrader.get("grade")),
            points=points,
            index=index,
            too_large=too_large,
        )
        if too_large:
            parsed.too_large.append(cell)
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
    if parsed.too_large:
        listed = ", ".join(
            f"{c.index + 1} ({c.cell_type}, {_size(c.too_large)})" for c in parsed.too_large[:10]
        ) + (" ..." if len(parsed.too_large) > 10 else "")
        parsed.problems.append(
            f"{len(parsed.too_large)} cell(s) are over the {_size(MAX_CELL_SOURCE_BYTES)} limit "
            f"for one cell and were not read: cell {listed}. Remove whatever was pasted into "
            "them (data, copies of code or of outputs)"
        )
    return parsed


# ---- reading the file ----


def _decode(raw: bytes) -> tuple[str, list[str]]:
    """The text of the notebook (UTF-8, with or without a BOM); undecodable bytes are replaced."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        before = raw[max(0, error.start - 40) : error.start].decode("utf-8", errors="replace")
        return text, [
            f"the notebook is not valid UTF-8 text (the first bad byte comes after {before!r}); "
            "the characters that could not be read were replaced by '\ufffd' and the "
            "notebook was graded (a cell whose code holds such a character may fail)"
        ]


def _from_utf16(file: BinaryIO, size: int) -> bytes:
    """The UTF-8 bytes of a notebook saved as UTF-16 (with a BOM)."""
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(
            f"the notebook is saved as UTF-16 text and is {size / 2**20:.0f} MB, over the "
            f"{MAX_NOTEBOOK_BYTES // 2**20} MB limit for UTF-16: save it as UTF-8 (as Jupyter "
            "does), clear the outputs (Edit > Clear All Outputs) and submit again"
        )
    return file.read().decode("utf-16", errors="replace").encode("utf-8", errors="replace")


# The pass over the file's bytes (`_reduce`). Every search is bounded to a window of
# _WINDOW bytes, and the pages of a mapped file already read are given back to the system:
# however large the file, the grader holds about two windows of it.
_WINDOW = 8 * 1024 * 1024
_STRUCTURE = re.compile(rb'["\[\]{}]')
# The rest of a JSON string after its opening quote, up to its closing quote (possessive:
# no backtracking).
_STRING_BODY = re.compile(rb'(?s)[^"\\]*+(?:\\.[^"\\]*+)*+')
# A run of JSON strings, each with an optional `,` or `:` after it, for lists of short
# strings such as the lines of a printed output or of a cell's source.
_STRING_RUN = re.compile(rb'(?:"[^"\\]*+(?:\\.[^"\\]*+)*+"\s*+[,:]?\s*+)++')
_COLON = re.compile(rb"\s*:")
# What may lie between the strings and brackets inside a value: numbers, true, false, null.
_GAP = re.compile(rb"[\s,:0-9.eE+\-truefalsn]*")
_LONG_STRING = 1 << 16
# What each open container is, for the pass: the notebook's structure (kept, and read
# piece by piece); a value in a cell or in the notebook (kept whole, unless it is over
# MAX_CELL_SOURCE_BYTES); a cell's outputs or attachments (skipped); inside either.
_ROOT, _CELLS, _CELL, _SHEETS, _SHEET, _VALUE, _OUTPUTS, _INSIDE = range(8)
_STRUCTURAL = (_ROOT, _CELLS, _CELL, _SHEETS, _SHEET)


def _role(parent: int | None, key: bytes | None, opening: int) -> int:
    """What a container opened (`[` or `{`) in `parent`, after `key`, is."""
    is_list = opening == ord("[")
    if parent is None:
        return _VALUE if is_list else _ROOT
    if parent in (_ROOT, _SHEET) and key == b"cells" and is_list:
        return _CELLS
    if parent == _ROOT and key == b"worksheets" and is_list:
        return _SHEETS
    if parent in (_CELLS, _SHEETS) and not is_list:
        return _CELL if parent == _CELLS else _SHEET
    if parent == _CELL and key in (b"outputs", b"attachments"):
        return _OUTPUTS
    return _VALUE if parent in _STRUCTURAL else _INSIDE


def _marker(size: int) -> bytes:
    """What stands for a value over MAX_CELL_SOURCE_BYTES, `size` bytes long in the file."""
    return json.dumps(f"{TOO_LARGE}{size} bytes").encode()


def _give_back(data: bytes | mmap.mmap, upto: int) -> None:
    """Let the system drop the pages of a mapped file before `upto` (less one window): they
    were read already, and would otherwise count as this process's memory."""
    end = (upto - _WINDOW) // mmap.PAGESIZE * mmap.PAGESIZE
    if end > 0 and hasattr(data, "madvise"):  # a mapped file, where the system allows
        data.madvise(mmap.MADV_DONTNEED, 0, end)


def _string_end(data: bytes | mmap.mmap, start: int) -> int:
    """The end of the JSON string starting at `start` (after its closing quote; the end of
    the data if it has none), read one window at a time."""
    at, size = start + 1, len(data)
    while at < size:
        stop = min(at + _WINDOW, size)
        body = _STRING_BODY.match(data, at, stop).end()
        if body < stop and data[body] == ord('"'):
            return body + 1
        if body < stop and stop == size:
            return size  # a backslash as the very last byte
        at = body if body > at else stop
        _give_back(data, at)
    return size


def _too_complex(limit: int) -> NotebookError:
    return NotebookError(
        f"the notebook is made of more than {limit:,} separate pieces (JSON values), far more "
        "than a real notebook: clear the outputs (Edit > Clear All Outputs), remove whatever "
        "was pasted into the cells, and submit again"
    )


def _reduce(
    data: bytes | mmap.mmap, start: int = 0, one_cell: bool = False, max_steps: int = 0
) -> tuple[bytes, int, int]:
    """`data` from `start` with every cell's "outputs" and "attachments" emptied, and every
    other value over MAX_CELL_SOURCE_BYTES (a cell's source, as a string or a list of lines;
    metadata) replaced by a marker (see TOO_LARGE); where the pass ended; its steps.

    `one_cell`: `start` is the `{` of a cell, and the pass ends where the cell does.
    One pass, without decoding strings: memory stays small however large the file. Raises
    NotebookError if what is kept exceeds MAX_KEPT_BYTES, the steps `max_steps` (or
    MAX_SCAN_STEPS) or the nesting MAX_NESTING. Malformed input gives malformed output,
    for the JSON parser (and the salvage) to report: the pass ends at the first sign of
    damage (a bracket or, in a value, a quote lost or added), which could otherwise make
    a value it skips (outputs, say) swallow what follows.
    """
    max_steps = max_steps or MAX_SCAN_STEPS
    kept: list[bytes] = []
    kept_bytes = 0  # in `kept`
    position = start  # data[position:at] is kept, unless cut
    roles: list[int] = []  # of the open containers, outermost first
    closers = bytearray()  # the bracket that closes each of them
    key: bytes | None = None  # the key just read, in the notebook's structure
    value: int | None = None  # where the open _VALUE starts
    cut: tuple[int, int, int] | None = None  # (depth, start, role) of the value being cut
    at, steps, given_back, damaged = start, 0, start, None
    while at < len(data):
        steps += 1
        if steps > max_steps:
            raise _too_complex(MAX_SCAN_STEPS)
        if at - given_back > _WINDOW:
            _give_back(data, at)
            given_back = at
        found = _STRUCTURE.search(data, at, at + _WINDOW)
        token = found.start() if found else at + _WINDOW
        if roles and roles[-1] not in _STRUCTURAL and not _GAP.fullmatch(data, at, token):
            damaged = at  # not JSON: a quote lost or added, say
            break
        if found is None:
            at = min(at + _WINDOW, len(data))
        elif data[found.start()] == ord('"'):
            begin = found.start()
            if not roles or roles[-1] in _STRUCTURAL:
                # Read one at a time: a long one is cut, and a key is noted.
                at = _string_end(data, begin)
                key = None
                if at - begin > MAX_CELL_SOURCE_BYTES:
                    kept += [data[position:begin], _marker(at - begin)]
                    kept_bytes += begin - position + len(kept[-1])
                    position = at
                elif _COLON.match(data, at, at + 64) and at - begin < 64:
                    key = bytes(data[begin + 1 : at - 1])
            else:
                quote = data.find(b'"', begin + 1, begin + 1 + _LONG_STRING)
                run = None if quote < 0 else _STRING_RUN.match(data, begin, begin + _WINDOW)
                at = run.end() if run else _string_end(data, begin)
        else:
            begin, char = found.start(), data[found.start()]
            at, key_before, key = begin + 1, key, None
            if char in b"[{":
                parent = roles[-1] if roles else None
                role = _CELL if one_cell and not roles else _role(parent, key_before, char)
                roles.append(role)
                closers.append(char + 2)  # `[` + 2 is `]`, `{` + 2 is `}`
                if len(roles) > MAX_NESTING:
                    raise NotebookError(NESTED_TOO_DEEPLY)
                if role == _VALUE:
                    value = begin
                elif role == _OUTPUTS:
                    kept.append(data[position:begin])
                    kept_bytes += begin - position
                    position, cut = begin, (len(roles), begin, _OUTPUTS)
            elif roles:
                if closers.pop() != char:
                    damaged = begin
                    break
                if cut is not None and cut[0] == len(roles):
                    replacement = b"[]" if char == ord("]") else b"{}"
                    kept.append(replacement if cut[2] == _OUTPUTS else _marker(at - cut[1]))
                    kept_bytes += len(kept[-1])
                    position, cut = at, None
                if roles.pop() == _VALUE:
                    value = None
                if one_cell and not roles:
                    break
        if value is not None and cut is None and at - value > MAX_CELL_SOURCE_BYTES:
            kept.append(data[position:value])
            kept_bytes += value - position
            position, cut = value, (roles.index(_VALUE) + 1, value, _VALUE)
        if kept_bytes + (cut[1] if cut else at) - position > MAX_KEPT_BYTES:
            raise NotebookError(
                f"the notebook holds more than {MAX_KEPT_BYTES // 2**20} MB of code and text "
                "(outputs aside), far more than this assignment needs: remove whatever was "
                "pasted into its cells (data, copies of code or of outputs) and submit again"
            )
    if damaged is not None:  # kept with what follows the damage, for the parser to report
        at = damaged
        kept.append(data[position if cut is None else damaged : damaged + 40])
    elif cut is None:
        kept.append(data[position:at])
    reduced = b"".join(kept)
    if reduced.count(b",") + reduced.count(b"[") + reduced.count(b"{") > MAX_JSON_VALUES:
        raise _too_complex(MAX_JSON_VALUES)
    return reduced, at, steps


def _without_outputs(data: bytes | mmap.mmap) -> bytes:
    """The whole notebook reduced (see `_reduce`): what is parsed as JSON."""
    return _reduce(data)[0]


_CELLS_START = re.compile(rb'(?:\xef\xbb\xbf)?\s*\{\s*"cells"\s*:\s*\[')
_CELL_START = re.compile(rb'\{\s*"cell_type"\s*:')
_CELLS_END = re.compile(rb"\s*\]")
_CHECKED_CELL_BYTES = 1024 * 1024  # a cell this small is parsed whole when salvaged


def _salvage(data: bytes | mmap.mmap) -> dict | None:
    """The cells of a notebook whose JSON is damaged: every cell object that parses, each
    reduced as a whole notebook is.

    Jupyter writes the keys in order, "cells" first; after a damaged cell, reading resumes
    at the next `{"cell_type":`. Bounded like one pass: MAX_SCAN_STEPS steps in all, at
    most twice the file read (a damaged cell may be read to the end of the file), and a
    cell parsed whole (outputs too: at most 30 MB of objects) only if under 1 MB.
    """
    start = _CELLS_START.match(data, 0, 64)
    if start is None:
        return None
    cells: list = []
    at, steps, budget = start.end(), 0, 2 * len(data) + _WINDOW
    while budget > 0 and steps < MAX_SCAN_STEPS:
        found = _CELL_START.search(data, at, at + _WINDOW)
        if found is None:
            if at + _WINDOW >= len(data):
                break
            at, budget = at + _WINDOW - 64, budget - _WINDOW  # a start may span windows
            _give_back(data, at)
            continue
        try:
            reduced, end, used = _reduce(data, found.start(), True, MAX_SCAN_STEPS - steps)
            cell = json.loads(reduced.decode("utf-8", errors="replace"))
            if end - found.start() <= _CHECKED_CELL_BYTES:
                # Damage in its outputs, which were skipped, could hide the end of this
                # cell and the next cells in them: the whole cell must be JSON too.
                json.loads(data[found.start() : end].decode("utf-8", errors="replace"))
        except (NotebookError, RecursionError):
            break
        except json.JSONDecodeError:
            cell = None
        steps, budget = steps + used, budget - (end - found.start())
        if isinstance(cell, dict) and "cell_type" in cell:
            cells.append(cell)
            at = end
            if _CELLS_END.match(data, at, at + 64):
                break
        else:
            at = found.start() + 1
    if not cells:
        return None
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 0, "metadata": {}}


def _small_and_plain(data: bytes | mmap.mmap) -> dict | None:
    """The notebook parsed whole, if nothing about it needs the careful reading: at most
    MAX_CELL_SOURCE_BYTES (so no value is over the limit), UTF-8 without a BOM, valid
    JSON, nested at most MAX_NESTING deep. Else None. Its outputs are parsed too, and
    ignored, as the careful reading skips them: the cells read are the same."""
    if len(data) > MAX_CELL_SOURCE_BYTES:
        return None
    try:
        text = bytes(data).decode("utf-8")
        notebook = None if text.startswith("\ufeff") else json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(notebook, dict) or _depth(notebook) > MAX_NESTING:
        return None
    return notebook


def _depth(value: object) -> int:
    """How deep JSON containers nest in `value` (a plain loop: no recursion limit)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item
        deepest = max(deepest, depth)
        pending += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return deepest


def _parse(data: bytes | mmap.mmap, size: int) -> ParsedNotebook:
    """Reduce, decode, parse (or salvage) and index the bytes of a notebook `size` bytes long."""
    small = _small_and_plain(data)
    if small is not None:  # most honest submissions: a few ms less per notebook
        return parse_notebook(small)
    text, problems = _decode(_without_outputs(data))
    try:
        parsed = parse_notebook(json.loads(text))
    except RecursionError:
        raise NotebookError(NESTED_TOO_DEEPLY) from None
    except json.JSONDecodeError as error:
        # Outputs were skipped before parsing: line numbers would not be the file's.
        where = f"near {text[max(0, error.pos - 40) : error.pos + 10]!r}"
        salvaged = _salvage(data)
        if salvaged is None:
            raise NotebookError(
                f"the notebook is not valid JSON ({where}): it was probably damaged while "
                "editing or uploading"
            ) from None
        if data[max(0, len(data) - 64) :].rstrip().endswith(b"}"):
            damage = f"{where} (damaged while editing?)"
            lost_part = "is damaged"
        else:
            damage = "from the point where it ends abruptly (cut off while uploading?)"
            lost_part = "ends abruptly (cut off while uploading?)"
        problems.append(
            f"the notebook is not valid JSON {damage}: the {len(salvaged['cells'])} cells that "
            "could still be read were graded, the damaged part was skipped"
        )
        parsed = parse_notebook(salvaged)
        parsed.lost_part = lost_part
    if size > MAX_NOTEBOOK_BYTES and not parsed.too_large:
        problems.insert(
            0,
            f"the notebook is {size / 2**20:.0f} MB, almost all of it cell outputs: "
            "the outputs were skipped and the code graded (clear the outputs, "
            "Edit > Clear All Outputs, before submitting)",
        )
    parsed.problems[:0] = problems
    return parsed


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
    try:
        with open(path, "rb") as file:
            if file.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                file.seek(0)
                parsed = _parse(_from_utf16(file, size), size)
                parsed.problems.insert(0, "the notebook was saved as UTF-16 text, not UTF-8")
                return parsed
            try:
                mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # emptied since os.stat
                raise NotebookError("the notebook file is empty") from None
            with mapped:
                return _parse(mapped, size)
    except OSError as error:
        raise NotebookError(f"the notebook cannot be read ({error.strerror})") from None


# ---- the solution cells of the graded functions ----


_DEF = re.compile(r"^def\s+(\w+)\s*\(", re.MULTILINE)


def _defines(name: str, source: str) -> bool:
    return name in _DEF.findall(source)


def solution_cells(
    parsed: ParsedNotebook, functions: Iterable[str]
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The solution cells of `functions` to run, why any are unusable, and notes for a human
    (each in plain words, fit for the student too)."""
    cells, unusable, review, lost = {}, {}, [], []
    definers: dict[str, list[Cell]] = {}  # function -> the code cells that define it
    for code_cell in parsed.code_cells:  # one pass: linear in the notebook's code
        for defined in dict.fromkeys(_DEF.findall(code_cell.source)):
            definers.setdefault(defined, []).append(code_cell)
    for name in functions:
        cell = parsed.cells.get(name)
        if cell is None:
            found = definers.get(name, [])
            if found:
                cell = found[-1]
                label = f"grade_id '{cell.grade_id}'" if cell.grade_id else "no grade_id"
                lost.append(f"{name} (cell {cell.index + 1}, {label})")
            else:
                unusable[name] = (
                    f"the cell of {name} was lost: the notebook {parsed.lost_part}, and "
                    f"{name} was in the part that could not be read. Submit the whole "
                    "notebook again (save it in JupyterLab first)"
                    if parsed.lost_part
                    else f"the notebook has no cell for {name} (grade_id '{name}'): was it "
                    "deleted or its metadata changed? Copy the cell from the released "
                    "notebook and resubmit"
                )
                review.append(f"the cell of {name} is missing (grade_id '{name}')")
                continue
        if cell.too_large:
            unusable[name] = (
                f"the cell of {name} is {_size(cell.too_large)}, over the "
                f"{_size(MAX_CELL_SOURCE_BYTES)} limit for one cell (a solution takes a few kB), "
                "so it was neither read nor run: remove whatever was pasted into it (data, "
                "copies of code or of outputs) and submit again"
            )
            review.append(f"the cell of {name} is {_size(cell.too_large)}: not run")
            continue
        if cell.cell_type != "code":
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
        others = [c.index + 1 for c in definers.get(name, []) if c is not cell]
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
