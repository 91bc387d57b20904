"""Assignments as plug-ins: what the engine needs to know of one, and how it is found.

Everything specific to an assignment lives beside its solution notebook, in the grading
package `source/<assignment>/grading/` (nbgrader's `CourseDirectory.ignore` keeps it out
of `release/`): which functions are graded and how they are called, how hidden cases are
drawn, the loss their gradients are checked against, known mistakes and correct variants
as patches on the solution cells, and the demo class. Its `__init__.py` defines
`ASSIGNMENT`, an `Assignment`. The engine (`autograder/`) knows no assignment by name.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

GRADING_PACKAGE = "grading"


@dataclass(frozen=True)
class FunctionSpec:
    """How one graded function is called, compared and gradient-checked.

    outputs: names of the returned values, in order; a function with one output returns
        it as it is (a dict-returning backward function has one output, "gradients",
        whose keys are listed in `gradient_inputs`).
    depends_on: graded functions it is expected to call; while grading it, those are
        served by the reference so that one bug is not punished twice.
    gradient_inputs: for backward functions, gradient key -> the forward input it is the
        derivative of (a key of the case's `primal`, or of its "parameters").
    forward: for backward functions, the forward function they differentiate, and
        `forward_inputs` the keys of the case's `primal` it is called with (in order).
    loop_hint: added to the time-out message, e.g. "(the loop over the time steps)".
    tolerance: (atol, rtol) where the defaults of `autograder.tolerances` do not fit.
    entry_names: names of the entries of tuple outputs, for feedback ("ot (cache[7])"
        rather than a bare "cache[7]"): (path, names) pairs, where path is written as in
        feedback ("cache", "caches[0][*]": "[*]" stands for any index) and names[i]
        names the entry [i] of the value there, or names is one string with "{i}" for
        the index (see `autograder.compare.named_path`).

    A backward function returns its gradients as a dict: as its only output, or as the
    output called "gradients" beside others (e.g. ("loss", "gradients")), which are
    compared like a forward function's.
    """

    name: str
    outputs: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    gradient_inputs: tuple[tuple[str, str], ...] = ()
    forward: str = ""
    forward_inputs: tuple[str, ...] = ()
    loop_hint: str = ""
    tolerance: tuple[float, float] | None = None
    entry_names: tuple[tuple[str, tuple[str, ...] | str], ...] = ()

    @property
    def is_backward(self) -> bool:
        return bool(self.gradient_inputs)

    @property
    def gradient_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.gradient_inputs)


@dataclass(frozen=True)
class Case:
    """One hidden test case of one graded function.

    args: the positional arguments the function is called with (float64 arrays, dicts,
        tuples and lists of them; never shared with another case).
    sizes: the sizes the student is told, in the course notation (e.g. n_x, m).
    primal: for backward functions, what the gradient check needs: the forward inputs
        and the upstream gradients (see `Assignment.gradient_loss`).
    draws: for a stochastic function (a sampler), how many times it is called on these
        arguments; its random source is an argument `wire.RandomSource`, and the draws
        are judged by `Assignment.draw_probabilities` (see `autograder.stochastic`).
        0: the function is deterministic on this case and compared as usual.
    steps_per_draw: the most random choices one draw makes (e.g. the maximum length).
    """

    function: str
    args: tuple
    sizes: dict[str, int]
    primal: dict = field(default_factory=dict)
    draws: int = 0
    steps_per_draw: int = 0


@dataclass(frozen=True)
class Mistake:
    """One known mistake: a patch on the reference cell of `function`, and its hint.

    id: stable slug "<function>/<what-went-wrong>".
    find: exact text of the reference solution code; it must occur there exactly once.
    replace: the buggy text put in its place.
    hint: what the student probably did and where to look, 1-2 sentences.
    """

    id: str
    function: str
    find: str
    replace: str
    hint: str


@dataclass(frozen=True)
class Variant:
    """A correct rewrite of part of `function`'s reference solution: `find` -> `replace`."""

    id: str
    function: str
    find: str
    replace: str


@dataclass(frozen=True)
class DemoStudent:
    """One student of the demo class: the solution, with the catalogued `mistakes` made,
    the `unanswered` functions left as the release's stubs, and `cells` replaced."""

    mistakes: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()
    cells: Mapping[str, str] = field(default_factory=dict)


BuildCase = Callable[..., Case]  # (function, rng, reference, sizes=None, index=0) -> Case
GradientLoss = Callable[[str, dict, Mapping[str, Callable]], Callable[[], float]]
# (function, case, the draws, reference) -> per step of each draw: the probability the
# reference gives the value drawn, and the total probability of the values ranked before
# it, both (draws, steps_per_draw) arrays with NaN past a draw's end; or a message saying
# why the draws cannot come from the function at all (an index out of range, say).
DrawProbabilities = Callable[
    [str, Case, list, Mapping[str, Callable]], tuple[np.ndarray, np.ndarray] | str
]


@dataclass(frozen=True)
class Assignment:
    """What the engine needs to grade one assignment.

    functions: the graded functions, in the order they are graded (and reported).
    build_case: draws a hidden case: (function, rng, reference functions, sizes=None,
        index=0), where `index` numbers the hidden cases of a function (0, 1, ...), so
        that each can cover its own regime (clipping active or not, say).
    gradient_loss: (backward function, case.primal, reference functions) -> L(), the
        scalar whose gradients the backward function returns, computed with the reference
        forward pass from the arrays in `primal` (perturbed in place by the check).
    probe_sizes: the sizes of the cost probe of backward functions
        (`autograder.backprop_cost`): larger than any hidden case.
    memory_hint: added to the out-of-memory message, e.g. "are you building far larger
        arrays than the ones it needs?", in the assignment's notation.
    setup_cell: grade_id of the solution notebook's imports cell.
    draw_probabilities: judges the draws of stochastic functions (see `Case.draws`).
    borrows: solutions of earlier assignments this one builds on, assignment -> function
        names; they ship as a generated supporting file (see `autograder.borrowed`).
    support_modules: names of the hand-written modules of `source/<assignment>/` that its
        solution cells import (nbgrader copies them into the release); the grader loads
        them into the sandbox beside the borrowed ones.
    stand_ins: dependency -> "module:attribute" of a public function of the `course`
        package that computes exactly what the reference does (an activation, say): the
        sandbox answers calls to that dependency with it, on the spot, instead of asking
        the grader. For dependencies called thousands of times (a sampler's steps).
    """

    name: str
    functions: tuple[FunctionSpec, ...]
    build_case: BuildCase
    gradient_loss: GradientLoss
    probe_sizes: Mapping[str, int]
    mistakes: tuple[Mistake, ...] = ()
    variants: tuple[Variant, ...] = ()
    demo_students: Mapping[str, DemoStudent] = field(default_factory=dict)
    memory_hint: str = ""
    setup_cell: str = "imports"
    draw_probabilities: DrawProbabilities | None = None
    borrows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    support_modules: tuple[str, ...] = ()
    stand_ins: Mapping[str, str] = field(default_factory=dict)

    @property
    def function_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.functions)

    @property
    def specs(self) -> dict[str, FunctionSpec]:
        return {spec.name: spec for spec in self.functions}

    @property
    def module_names(self) -> tuple[str, ...]:
        """The modules of `source/<assignment>/` its solution cells may import, in the
        order they are loaded: the borrowed ones, then the hand-written ones."""
        borrowed = tuple(borrowed_module_name(earlier) for earlier in self.borrows)
        return borrowed + tuple(self.support_modules)


def borrowed_module_name(earlier: str) -> str:
    """The supporting module that holds solutions borrowed from assignment `earlier`."""
    return f"{earlier}_solutions"


def grading_package(root: Path, name: str) -> Path:
    return root / "source" / name / GRADING_PACKAGE


def assignment_names(root: Path) -> list[str]:
    """Every assignment of the course at `root`: folders of source/ with a grading package."""
    source = root / "source"
    found = source.iterdir() if source.is_dir() else []
    return sorted(p.name for p in found if (p / GRADING_PACKAGE / "__init__.py").is_file())


@cache
def load_assignment(root: Path, name: str) -> Assignment:
    """The `ASSIGNMENT` of `source/<name>/grading/` in the course at `root`."""
    package = grading_package(root, name)
    init = package / "__init__.py"
    if not init.is_file():
        known = ", ".join(assignment_names(root)) or "none"
        raise FileNotFoundError(
            f"no assignment {name!r}: {init} is missing (assignments here: {known})"
        )
    module_name = f"rnn_course_assignments.{name}"
    spec = importlib.util.spec_from_file_location(
        module_name, init, submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    assignment = module.ASSIGNMENT
    if not isinstance(assignment, Assignment) or assignment.name != name:
        raise TypeError(f"{init} must define ASSIGNMENT = Assignment(name={name!r}, ...)")
    return assignment
