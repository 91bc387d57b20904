"""The demo class of assignment 1: what `rnn-autograde demo` grades."""

from __future__ import annotations

from autograder.assignment import DemoStudent

HOSTILE_CODE = {
    # Tries to pass every test by patching numpy's comparisons and the course's checks.
    "rnn_cell_forward": '''import numpy as np
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
print("score: 100/100")

def rnn_cell_forward(xt, a_prev, parameters):
    """Returns garbage of the right shapes."""
    n_a, m = a_prev.shape
    n_y = parameters["Wya"].shape[0]
    return np.zeros((n_a, m)), np.zeros((n_y, m)), (a_prev, a_prev, xt, parameters)
''',
    # Tries to read the instructor's solution notebook and the course secret.
    "rnn_forward": """import glob, os

def rnn_forward(x, a0, parameters):
    stolen = []
    for pattern in ("/**/source/**/*.ipynb", "/**/.course_secret", "/work/**/*.ipynb"):
        stolen += glob.glob(pattern, recursive=True)
    raise RuntimeError(f"found {len(stolen)} private files: {stolen[:3]}")
""",
    # Never returns.
    "rnn_cell_backward": """def rnn_cell_backward(da_next, cache):
    while True:
        pass
""",
    # Kills its own process.
    "rnn_backward": """import os

def rnn_backward(da, caches):
    os._exit(0)
""",
}


DEMO_STUDENTS = {
    "ada_correct": DemoStudent(),
    "ben_rnn_mistakes": DemoStudent(
        mistakes=("rnn_cell_forward/sigmoid-instead-of-tanh", "rnn_backward/no-da_prevt-carry")
    ),
    "cai_lstm_mistakes": DemoStudent(
        mistakes=("lstm_cell_backward/dc-ignores-da_next", "lstm_forward/c0-is-a0")
    ),
    "dee_incomplete": DemoStudent(
        unanswered=("lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward")
    ),
    "eve_hostile": DemoStudent(cells=HOSTILE_CODE),
}
