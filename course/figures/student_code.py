"""Calling a student's functions from a course figure, and saying clearly what is missing.

A figure that runs the student's code (the gradient plots, the one-bit memory) must name
the function that is still a stub, which is not always the one it called:
`rnn_backward` may be finished while the `rnn_cell_backward` it calls is not.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

import course

# The graded functions of assignment 1, with the number of their exercise in the notebook.
EXERCISES = {
    "rnn_cell_forward": 1,
    "rnn_forward": 2,
    "rnn_cell_backward": 3,
    "rnn_backward": 4,
    "lstm_cell_forward": 5,
    "lstm_forward": 6,
    "lstm_cell_backward": 7,
    "lstm_backward": 8,
}

_LIBRARY_DIRS = tuple(os.path.dirname(m.__file__ or "") + os.sep for m in (np, course))


class NotReadyYet(NotImplementedError):
    """A figure needs a function that still raises NotImplementedError.

    In a notebook IPython shows only the message (`_render_traceback_`), not a traceback
    through `course`; the cell still fails, so Run All stops there.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def stub_name(error: BaseException, default: str) -> str:
    """The graded function that raised `error`: the innermost frame, outside numpy and
    `course`, whose name is a graded function's; `default` if there is none."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [f.name for f in frames if not f.filename.startswith(_LIBRARY_DIRS)]
    graded = [name for name in own if name in EXERCISES]
    return graded[-1] if graded else default


def not_ready_message(figure: str, stub: str, called: str) -> str:
    """`figure` needs `stub` (reached through the student's `called`), which is a stub."""
    through = f" (your {called} calls it)" if stub != called else ""
    exercise = f"finish Exercise {EXERCISES[stub]} first" if stub in EXERCISES else "finish it"
    return (
        f"{figure} needs your {stub}: it still raises NotImplementedError{through}. "
        f"To see this figure, {exercise}, then run this cell again."
    )


def call_student(function: Callable[..., Any], role: str, figure: str, *args: Any) -> Any:
    """`function(*args)`, where `function` is the student's `role` (e.g. "rnn_backward");
    a NotImplementedError becomes a one-line NotReadyYet naming the stub that raised it."""
    try:
        return function(*args)
    except NotImplementedError as error:
        stub = stub_name(error, role)
        raise NotReadyYet(not_ready_message(figure, stub, role)) from None
