"""What nbgrader's own tools need after grading, laid out as `nbgrader autograde` does.

- The formgrader counts a submission as autograded when `autograded/<student>/<assignment>/`
  exists and the gradebook's submission timestamp equals the one in
  `submitted/<student>/<assignment>/timestamp.txt`; Manual Grading then opens the notebooks
  there. So for every graded student `write_autograded_notebook` writes, atomically,
  the submitted notebook with each autograder test cell's output replaced by the table
  of our checks (score, every check and its message), with `timestamp.txt` beside it;
  `submission_timestamp` gives the timestamp the gradebook must record.
- `nbgrader release_feedback` sends `feedback/<student>/<assignment>/<notebook>.html`
  and needs the submission's `timestamp.txt` and `submission_secret.txt` beside it:
  `copy_submission_files` puts them there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from autograder.atomic_files import write_text_atomic
from autograder.nbgrader_library import parse_timestamp
from autograder.notebook import MAX_NOTEBOOK_BYTES
from autograder.reference import test_cell_id

TIMESTAMP_FILE = "timestamp.txt"
SECRET_FILE = "submission_secret.txt"


def submission_timestamp(submitted: Path, assignment: str, student: str) -> str | None:
    """The text of submitted/<student>/<assignment>/timestamp.txt, where present and
    readable as nbgrader's timestamp."""
    path = submitted / student / assignment / TIMESTAMP_FILE
    if not path.is_file() or path.is_symlink() or path.stat().st_size >= 200:
        return None
    text = path.read_text(errors="replace").strip()
    try:
        parse_timestamp(text)
    except (ValueError, OverflowError):
        return None
    return text


def checks_table(function: str, result: dict[str, Any]) -> str:
    """The checks of one function as plain text, for a test cell's output."""
    lines = [f"{function}: {result['score']:g} / {result['max_score']:g} points (rnn-autograde)"]
    for check in result["checks"]:
        mark = "✓" if check["passed"] else "✗"
        lines.append(f"{mark} {check['name']}: {check['message']}")
    return "\n".join(lines) + "\n"


def write_autograded_notebook(
    course_root: Path,
    submitted: Path,
    assignment: str,
    student: str,
    source: Path,
    result: dict[str, Any],
) -> Path | None:
    """Write one student's autograded notebook (see the module docstring) and copy its
    timestamp.txt beside it; None if the notebook cannot be read as JSON."""
    if source.stat().st_size > MAX_NOTEBOOK_BYTES:
        return None  # mostly outputs: its result says so
    try:
        notebook = json.loads(source.read_text(encoding="utf-8"))
        cells = notebook["cells"] if isinstance(notebook, dict) else None
    except (OSError, UnicodeDecodeError, ValueError, KeyError):
        cells = None
    if not isinstance(cells, list):
        return None  # a damaged notebook: its result says so; the formgrader cannot show it
    tables = {
        test_cell_id(function): checks_table(function, function_result)
        for function, function_result in result["functions"].items()
    }
    for cell in cells:
        grade_id = _grade_id(cell)
        if grade_id in tables:
            output = {"output_type": "stream", "name": "stdout", "text": tables[grade_id]}
            cell["outputs"] = [output]
    folder = course_root / "autograded" / student / assignment
    # Without indentation: json's fast encoder (nbgrader and Jupyter read either).
    path = write_text_atomic(folder / source.name, json.dumps(notebook))
    copy_submission_files(submitted / student / assignment, folder, (TIMESTAMP_FILE,))
    return path


def copy_submission_files(
    submission: Path, folder: Path, names: tuple[str, ...] = (TIMESTAMP_FILE, SECRET_FILE)
) -> None:
    """Copy nbgrader's small files of a submission (not links, at most 1 kB) to `folder`."""
    for name in names:
        path = submission / name
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= 1024:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, folder / name)


def _grade_id(cell: object) -> object:
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
