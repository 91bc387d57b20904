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
    "a dependency not implemented": (
        "from course.checks import check_rnn_forward\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    raise NotImplementedError()\n"
        "def rnn_forward(x, a0, parameters):\n"
        "    return rnn_cell_forward(x[:, :, 0], a0, parameters)\n"
        "check_rnn_forward(rnn_forward)\n",
        "rnn_cell_forward is not implemented yet",
    ),
    "one mistake, one cause": (
        "from course.checks import check_rnn_cell_forward\n"
        "import numpy as np\n"
        "from course.activations import softmax\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    p = parameters\n"
        "    a_next = np.tanh(p['Wax'] @ xt + p['Waa'] @ a_prev)\n"
        "    return a_next, softmax(p['Wya'] @ a_next + p['by']), (a_next, a_prev, xt, p)\n"
        "check_rnn_cell_forward(rnn_cell_forward)\n",
        "rnn_cell_forward failed 1 public check(s) (1 more fail only because of it)",
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
