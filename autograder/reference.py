"""The instructor's reference functions, taken from an assignment's solution notebook.

The solution notebook is the only place a solution exists. The grader reads its setup
(imports) cell and its solution cells and runs them in its own process: this is the
instructor's code, so it is trusted (student code never runs here).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder.assignment import Assignment, load_assignment
from autograder.course_layout import CourseLayout
from autograder.notebook import read_notebook


def test_cell_id(function: str) -> str:
    """The nbgrader `grade_id` of the autograder test cell of `function`."""
    return f"test_{function}"


@dataclass(frozen=True)
class ReferenceSource:
    """The code of the solution notebook that grading needs, as text.

    function_names: the graded functions, in grading order.
    modules: the supporting modules the setup cell imports (name -> code, in load order;
        see `Assignment.module_names`), as the notebook finds them beside it.
    """

    function_names: tuple[str, ...]
    setup: str
    solutions: Mapping[str, str]
    points: Mapping[str, float]
    modules: Mapping[str, str] = field(default_factory=dict)

    def namespace(self, replacements: Mapping[str, str] | None = None) -> dict:
        """Run the setup cell and the solution cells; return the resulting namespace.

        `replacements` maps a function name to other code for its cell (used to build
        the known-mistake variants of the diagnosis catalogue).
        """
        install_modules(self.modules)
        namespace: dict = {"__name__": "reference"}
        exec(compile(self.setup, "<reference imports>", "exec"), namespace)
        for name in self.function_names:
            code = (replacements or {}).get(name, self.solutions[name])
            exec(compile(code, f"<reference {name}>", "exec"), namespace)
        return namespace

    def functions(self, replacements: Mapping[str, str] | None = None) -> dict[str, Callable]:
        namespace = self.namespace(replacements)
        return {name: namespace[name] for name in self.function_names}


def install_modules(modules: Mapping[str, str]) -> None:
    """Make each supporting module importable by its name in this process (once: a module
    already installed from the same code is kept)."""
    for name, code in modules.items():
        installed = sys.modules.get(name)
        if getattr(installed, "__source_code__", None) == code:
            continue
        module = types.ModuleType(name)
        module.__file__ = f"<support {name}>"
        module.__source_code__ = code
        sys.modules[name] = module
        exec(compile(code, module.__file__, "exec"), module.__dict__)


def read_modules(folder: Path, names: tuple[str, ...]) -> dict[str, str]:
    """The code of the supporting modules `names` of the assignment folder `folder`."""
    modules = {}
    for name in names:
        path = folder / f"{name}.py"
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} is missing (a module borrowed from an earlier assignment is "
                "written by `rnn-autograde borrow ASSIGNMENT`)"
            )
        modules[name] = path.read_text()
    return modules


def load_reference_source(notebook: Path, assignment: Assignment) -> ReferenceSource:
    """Read the setup cell, solution cells and points from the solution notebook, and the
    supporting modules beside it."""
    parsed = read_notebook(notebook)
    names = assignment.function_names
    wanted = (assignment.setup_cell, *names, *map(test_cell_id, names))
    missing = [grade_id for grade_id in wanted if grade_id not in parsed.cells]
    if missing:
        raise ValueError(f"{notebook}: the solution notebook lacks cells {missing}")
    return ReferenceSource(
        function_names=names,
        setup=parsed.cells[assignment.setup_cell].source,
        solutions={name: parsed.cells[name].source for name in names},
        points={name: parsed.cells[test_cell_id(name)].points for name in names},
        modules=read_modules(notebook.parent, assignment.module_names),
    )


@cache
def course_reference(root: Path, assignment: str) -> ReferenceSource:
    """The reference of `assignment` in the course whose root is `root`."""
    layout = CourseLayout(root)
    return load_reference_source(
        layout.source_notebook(assignment), load_assignment(root, assignment)
    )
