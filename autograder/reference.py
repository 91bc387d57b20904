"""The instructor's reference functions, taken from the solution notebook in `source/`.

The solution notebook is the only place a solution exists. The grader reads its
`imports` cell and its solution cells and runs them in its own process: this is the
instructor's code, so it is trusted (student code never runs here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from autograder.course_layout import CourseLayout
from autograder.notebook import read_notebook

GRADED_FUNCTIONS = (
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_cell_backward",
    "lstm_backward",
)
SETUP_CELL = "imports"


def test_cell_id(function: str) -> str:
    """The nbgrader `grade_id` of the autograder test cell of `function`."""
    return f"test_{function}"


@dataclass(frozen=True)
class ReferenceSource:
    """The code of the solution notebook that grading needs, as text."""

    setup: str
    solutions: Mapping[str, str]
    points: Mapping[str, float]

    def namespace(self, replacements: Mapping[str, str] | None = None) -> dict:
        """Run the setup cell and the solution cells; return the resulting namespace.

        `replacements` maps a function name to other code for its cell (used to build
        the known-mistake variants of the diagnosis catalogue).
        """
        namespace: dict = {"__name__": "reference"}
        exec(compile(self.setup, "<reference imports>", "exec"), namespace)
        for name in GRADED_FUNCTIONS:
            code = (replacements or {}).get(name, self.solutions[name])
            exec(compile(code, f"<reference {name}>", "exec"), namespace)
        return namespace

    def functions(self, replacements: Mapping[str, str] | None = None) -> dict[str, Callable]:
        namespace = self.namespace(replacements)
        return {name: namespace[name] for name in GRADED_FUNCTIONS}


def load_reference_source(notebook: Path) -> ReferenceSource:
    """Read the setup cell, solution cells and points from the solution notebook."""
    parsed = read_notebook(notebook)
    missing = [
        grade_id
        for grade_id in (SETUP_CELL, *GRADED_FUNCTIONS, *map(test_cell_id, GRADED_FUNCTIONS))
        if grade_id not in parsed.cells
    ]
    if missing:
        raise ValueError(f"{notebook}: the solution notebook lacks cells {missing}")
    return ReferenceSource(
        setup=parsed.cells[SETUP_CELL].source,
        solutions={name: parsed.cells[name].source for name in GRADED_FUNCTIONS},
        points={name: parsed.cells[test_cell_id(name)].points for name in GRADED_FUNCTIONS},
    )


@cache
def course_reference(root: Path | None = None) -> ReferenceSource:
    """The reference of the course whose root is `root` (default: found from the cwd)."""
    layout = CourseLayout(root) if root else CourseLayout.discover()
    return load_reference_source(layout.source_notebook())
