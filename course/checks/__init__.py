"""Public checks: run them in the notebook after writing each graded function.

    from course.checks import check_rnn_cell_forward
    check_rnn_cell_forward(rnn_cell_forward)

Each prints a short pass/fail table and raises AssertionError if a check fails. One
mistake fails one row, which names its cause; the rows that fail only because of it say
"follows from ... above". Backward
checks also take your forward function: they build caches with it and compare your
gradients with numerical slopes of it (see course.gradcheck). Passing them is a good
sign, not a guarantee: the grader runs more cases.
"""

from course.checks.lstm import (
    check_lstm_backward,
    check_lstm_cell_backward,
    check_lstm_cell_forward,
    check_lstm_forward,
)
from course.checks.rnn import (
    check_rnn_backward,
    check_rnn_cell_backward,
    check_rnn_cell_forward,
    check_rnn_forward,
)

__all__ = [
    "check_rnn_cell_forward",
    "check_rnn_forward",
    "check_rnn_cell_backward",
    "check_rnn_backward",
    "check_lstm_cell_forward",
    "check_lstm_forward",
    "check_lstm_cell_backward",
    "check_lstm_backward",
]
