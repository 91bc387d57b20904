"""A failing public check shows, in a notebook, its table and its message, and no
traceback through `course`; the cell still fails (Run All stops there)."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

FAILING_CELLS = {
    "not implemented": (
        "from course.checks import check_rnn_cell_forward\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    raise NotImplementedError()\n"
        "check_rnn_cell_forward(rnn_cell_forward)\n",
        "rnn_cell_forward is not implemented yet",
    ),
    "wrong values": (
        "from course.checks.language_model import check_softmax\n"
        "import numpy as np\n"
        "def softmax(z):\n"
        "    return np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)\n"
        "check_softmax(softmax)\n",
        "softmax failed",
    ),
}


@pytest.fixture(scope="module")
def shell() -> InteractiveShell:
    return InteractiveShell.instance()


@pytest.mark.parametrize("case", FAILING_CELLS, ids=str)
def test_failing_check_shows_its_message_without_a_traceback(case, shell, capsys):
    code, message = FAILING_CELLS[case]
    result = shell.run_cell(code)
    shown = capsys.readouterr()
    assert not result.success, "the cell must fail, so that Run All stops there"
    text = shown.out + shown.err
    assert message in text
    assert "Traceback" not in text and "course/checks" not in text, text
