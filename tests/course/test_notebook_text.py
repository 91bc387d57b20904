"""Assignment 1's prose: its order, its stated thresholds (those of the code), hints that
never give a solution line, one check cell per exercise, and the hand-written gradient
check that says which exercise to finish first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.course_layout import find_course_root
from autograder.tolerances import GRADCHECK_MAX_ERROR
from course.checks.backward import CELL_THRESHOLD, SEQUENCE_THRESHOLD
from course.checks.report import PublicCheckFailed
from tests.assignments import GRADED_FUNCTIONS, course_reference

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "source" / "rnn_step_by_step" / "rnn_step_by_step.ipynb"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


@pytest.fixture(scope="module")
def cells() -> dict[str, dict]:
    notebook = json.loads(NOTEBOOK.read_text())
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in notebook["cells"]}


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _markdown(cells: dict[str, dict]) -> str:
    return "\n".join(_source(c) for c in cells.values() if c["cell_type"] == "markdown")


def test_the_order_answers_the_question(cells) -> None:
    """RNN forward, gradient checking, RNN backward, vanishing gradients in the RNN,
    LSTM forward, LSTM backward, then the comparison."""
    order = list(cells)
    milestones = [
        "test_rnn_cell_forward",
        "test_rnn_forward",
        "gradcheck_intro",
        "test_rnn_cell_backward",
        "test_rnn_backward",
        "vanishing_intro",
        "test_lstm_cell_forward",
        "test_lstm_forward",
        "test_lstm_cell_backward",
        "test_lstm_backward",
        "comparison_intro",
    ]
    assert [order.index(m) for m in milestones] == sorted(order.index(m) for m in milestones)


def test_exercise_numbers_follow_the_order(cells) -> None:
    text = _markdown(cells)
    numbered = re.findall(r"### Exercise (\d): `(\w+)`", text)
    tests = [g[len("test_") :] for g in cells if g.startswith("test_")]
    assert [int(n) for n, _ in numbered] == list(range(1, 9))
    assert [name for _, name in numbered] == tests
    # the table of the title cell says the same
    table = re.findall(r"^\| (\d) \| `(\w+)` \|", _source(cells["title"]), re.M)
    assert table == numbered


def test_each_check_table_is_printed_once(cells) -> None:
    pattern = r"^check_(rnn|lstm)_\w+\("
    calls = [g for g, c in cells.items() if re.search(pattern, _source(c), re.M)]
    assert sorted(calls) == sorted(f"test_{name}" for name in GRADED_FUNCTIONS), calls
    assert not [g for g in cells if g.startswith("public_check_")]


def test_the_stated_thresholds_are_those_of_the_code(cells) -> None:
    table = _source(cells["gradcheck_intro"])
    rows = re.findall(r"^\|([^|]+)\|([^|]+)\| \$10\^\{(-\d+)\}\$ \|$", table, re.M)
    stated = {where.strip() + ": " + what.strip()[:20]: 10.0 ** int(e) for what, where, e in rows}
    assert list(stated.values()) == [CELL_THRESHOLD, SEQUENCE_THRESHOLD, GRADCHECK_MAX_ERROR]


def test_no_hint_gives_a_solution_line(cells) -> None:
    """Neither the prose nor a docstring contains a line of a solution, nor the calls the
    first edition gave away."""
    prose = _markdown(cells)
    docstrings = "\n".join(
        _source(cells[name]).split("### BEGIN SOLUTION")[0] for name in GRADED_FUNCTIONS
    )
    solution_lines = {
        line.strip()
        for name in GRADED_FUNCTIONS
        for block in SOLUTION.findall(_source(cells[name]))
        for line in block.splitlines()
        if len(line.strip()) > 12
    }
    for where, text in (("markdown", prose), ("docstrings", docstrings)):
        leaked = sorted(line for line in solution_lines if line in text)
        assert not leaked, f"solution lines in the {where}: {leaked}"
        for giveaway in ("np.concatenate", "np.vstack", "+ da_prevt", "[:, :n_a]", "[:, n_a:]"):
            assert giveaway not in text, f"{giveaway!r} in the {where}"


def test_every_derivation_has_a_collapsible_answer(cells) -> None:
    for grade_id, count in (("rnn_backward_intro", 1), ("lstm_cell_backward_intro", 2)):
        text = _source(cells[grade_id])
        assert text.count("**Derive") == count
        assert text.count("<details>") == count == text.count("</details>")
        assert text.count("<summary>") == count


def test_one_letter_one_meaning(cells) -> None:
    """i is the update gate and the example index (i), never an entry index; gate
    gradients are dz, never dGamma."""
    text = _markdown(cells)
    assert r"d\Gamma" not in text
    assert not re.search(r"a\^\{\\langle t \\rangle\}_i", text)
    assert "subscript $j$ | entry $j$" in text


# ---- the hand-written gradient check ----------------------------------------------------


@pytest.fixture(scope="module")
def check_one_entry(cells):
    """The notebook's check_one_entry, with the reference rnn_cell_forward and a stub
    rnn_cell_backward."""
    reference = course_reference(find_course_root(Path(__file__).parent)).functions()

    def rnn_cell_backward(da_next, cache):
        raise NotImplementedError()

    namespace = {"np": np, "rnn_cell_forward": reference["rnn_cell_forward"]}
    namespace["rnn_cell_backward"] = rnn_cell_backward
    exec(_source(cells["demo_gradcheck"]), namespace)
    return namespace


def test_gradient_check_demo_passes_on_the_output_layer(check_one_entry, capsys) -> None:
    check_one_entry["check_one_entry"]("by", (0, 0))
    assert "below the threshold 1e-07" in capsys.readouterr().out


def test_gradient_check_demo_says_which_exercise_to_finish(check_one_entry) -> None:
    with pytest.raises(PublicCheckFailed, match=r"needs your rnn_cell_backward \(Exercise 3\)"):
        check_one_entry["check_one_entry"]("Wax", (0, 1))
