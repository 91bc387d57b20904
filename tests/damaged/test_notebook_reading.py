"""Reading large notebooks with their outputs skipped: the rest must come out unchanged,
whatever the outputs and the code contain (quotes, backslashes, brackets, the word
"outputs" itself, long strings, lists of lines)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from autograder import notebook as nb_module
from autograder.notebook import _without_outputs, read_notebook

TRICKY = [
    'he said "outputs": [1, 2] and {"attachments": {}}',
    "back\\slash at the end\\",
    '\\"escaped quote\\" and ]}[{',
    "unicode: é ü → ∂L/∂a",
    "x" * 70_000 + '\\"' + "]" * 10,  # a long string, beyond the fast path's threshold
    "",
]


def notebook() -> dict:
    code_cell = {
        "cell_type": "code",
        "execution_count": 3,
        "id": "c1",
        "metadata": {"nbgrader": {"grade_id": "rnn_forward", "solution": True}, "outputs": [9]},
        "outputs": [
            {"name": "stdout", "output_type": "stream", "text": TRICKY + ["line\n"] * 1000},
            {"data": {"text/plain": TRICKY}, "metadata": {}, "output_type": "execute_result"},
        ],
        "source": ["x = {'outputs': [\"]\"]}\n", *TRICKY],
    }
    markdown = {
        "attachments": {"a.png": {"image/png": "QUJD" * 1000}},
        "cell_type": "markdown",
        "metadata": {},
        "source": TRICKY,
    }
    return {
        "cells": [code_cell, markdown, copy.deepcopy(code_cell)],
        "metadata": {"outputs": ["kept: not a cell's"], "kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def stripped(data: dict) -> dict:
    data = copy.deepcopy(data)
    for cell in data["cells"]:
        if "outputs" in cell:
            cell["outputs"] = []
        if "attachments" in cell:
            cell["attachments"] = {}
    return data


@pytest.mark.parametrize("indent", [None, 1, 4], ids=["compact", "indent-1", "indent-4"])
@pytest.mark.parametrize("ascii_only", [True, False], ids=["ascii", "utf-8"])
def test_without_outputs_keeps_everything_else(indent, ascii_only):
    data = notebook()
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only).encode()
    assert json.loads(_without_outputs(text)) == stripped(data)


def test_without_outputs_leaves_malformed_input_malformed():
    text = json.dumps(notebook()).encode()
    cut = text[: len(text) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(_without_outputs(cut))


def test_large_notebook_read_with_outputs_skipped(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(nb_module, "MAX_NOTEBOOK_BYTES", 1000)
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps(notebook(), indent=1))
    parsed = read_notebook(path)
    assert parsed.cells["rnn_forward"].source == "".join(notebook()["cells"][0]["source"])
    assert any("outputs were skipped" in p for p in parsed.problems)


def test_notebook_over_the_read_limit_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(nb_module, "MAX_READ_BYTES", 1000)
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps(notebook()))
    with pytest.raises(nb_module.NotebookError, match="clear the outputs"):
        read_notebook(path)


def _read_both_ways(data: bytes, monkeypatch) -> tuple[object, object]:
    """What `_parse` gives (a ParsedNotebook, or the NotebookError's message) with the
    whole-notebook fast path, then with the careful reading alone."""

    def parse():
        try:
            return nb_module._parse(data, len(data))
        except nb_module.NotebookError as error:
            return str(error)

    fast = parse()
    with monkeypatch.context() as patch:
        patch.setattr(nb_module, "_small_and_plain", lambda data: None)
        careful = parse()
    return fast, careful


def _with_outputs() -> bytes:
    content = notebook()
    for cell in content["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": TRICKY}]
    return json.dumps(content).encode()


SMALL_NOTEBOOKS = {
    "release": Path(__file__).parents[2] / "release/rnn_step_by_step/rnn_step_by_step.ipynb",
    "tricky": json.dumps(notebook()).encode(),
    "outputs": _with_outputs(),
    "bom": b"\xef\xbb\xbf" + json.dumps(notebook()).encode(),
    "latin-1": json.dumps(notebook()).encode().replace(b"c1", b"c\xe9"),
    "cut off": json.dumps(notebook()).encode()[:-40],
    "nested 600 deep": b'{"cells": [], "nbformat": 4, "x": ' + b"[" * 600 + b"]" * 600 + b"}",
    "version 3": json.dumps(
        {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1"}]}]}
    ).encode(),
    "not a notebook": b"[1, 2, 3]",
}


@pytest.mark.parametrize("name", SMALL_NOTEBOOKS)
def test_the_fast_path_reads_exactly_what_the_careful_reading_does(name, monkeypatch):
    data = SMALL_NOTEBOOKS[name]
    data = data.read_bytes() if isinstance(data, Path) else data
    fast, careful = _read_both_ways(data, monkeypatch)
    assert fast == careful
