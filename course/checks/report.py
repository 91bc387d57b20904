"""Run the public checks of one graded function and print them as a pass/fail table.

Each check is a function of no arguments that returns nothing (or a short note to
show next to "pass") and raises `CheckFailure` to fail. A check marked `required`
stops the list when it fails: the checks after it would only fail for the same reason,
with more confusing messages.

One mistake gives one FAIL that names its cause. Quantities are named by the array
each step of the function computes ("ft": the step that computes ft). A check says what
its verdict depends on: the `uses` values, with every step they are computed from (the
function's `Dependencies` say which quantity is computed from which: c_next from ft, it
and cct, ...), and the `steps` it tests on their own (a check that sets W_f = 0 and
b_f = 40 tests the step of ft, whatever its inputs). A failure says which steps it found
wrong (`CheckFailure.found`, by default the check's steps, else its uses). A later
check that fails while it depends on a step found wrong above does not guess at a cause
of its own: its row says "follows from Γ_f above". Checks that declare neither are
always reported on their own.
"""

from __future__ import annotations

import linecache
import os
import textwrap
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

import course
from course.checks.expect import CheckFailure

# Frames in these folders are not the student's code.
_LIBRARY_DIRS = tuple(os.path.dirname(m.__file__ or "") + os.sep for m in (np, course))


# A failure that found this quantity wrong explains every later failure (the function
# changed its inputs in place, and the checks after it saw changed inputs).
EVERYTHING = "*"


@dataclass(frozen=True)
class Check:
    """One row of the table.

    uses: the values the verdict depends on, with every step they are computed from
        (array names: "a_next", "dWax", "cache"); () when not declared.
    steps: the steps the verdict depends on, on their own (not their inputs).
    """

    name: str
    run: Callable[[], str | None]
    required: bool = False
    uses: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()

    def depends_on(self, dependencies: Dependencies) -> set[str]:
        """Every step whose mistake can make this check fail."""
        return dependencies.upstream(self.uses) | set(self.steps)


@dataclass(frozen=True)
class Dependencies:
    """Which quantity of a graded function is computed from which, and their names in
    the course notation (for "follows from Γ_f above")."""

    computed_from: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def upstream(self, quantities: Sequence[str]) -> set[str]:
        """`quantities` and every quantity they are computed from, directly or not."""
        reached, todo = set(quantities), list(quantities)
        while todo:
            for source in self.computed_from.get(todo.pop(), ()):
                if source not in reached:
                    reached.add(source)
                    todo.append(source)
        return reached

    def label(self, quantity: str) -> str:
        if quantity == EVERYTHING:
            return "the change to its inputs"
        return self.labels.get(quantity, quantity)


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "pass", "FAIL" or "skip"
    detail: str = ""
    follows: bool = False  # a FAIL explained by a failure above (detail says which)
    found: tuple[str, ...] = ()  # what a FAIL found wrong


class PublicCheckFailed(AssertionError):
    """Some public checks failed; the table above says which and why.

    In a notebook, IPython shows this error as its message alone, not as a traceback
    through `course` (its `_render_traceback_`): the cell still fails, so Run All still
    stops at the first unfinished exercise.
    """

    def __init__(self, message: str, outcomes: Sequence[Outcome] = ()) -> None:
        super().__init__(message)
        self.outcomes = tuple(outcomes)

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class NotImplementedYet(PublicCheckFailed):
    """The function (or one it needs) still raises NotImplementedError."""


def _where(error: BaseException) -> str:
    """Where in the student's code `error` was raised: "(in f, line 7: a = ...)"."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith(_LIBRARY_DIRS)
    ]
    if not frames:
        return ""
    frame = frames[-1]
    code = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
    return f"\n(in {frame.name}, line {frame.lineno}" + (f": {code})" if code else ")")


def _unimplemented(error: NotImplementedError, default: str) -> str:
    """The function of the student's that raised NotImplementedError (the innermost
    frame outside numpy and `course`: a stub's `raise NotImplementedError()`)."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [f.name for f in frames if not f.filename.startswith(_LIBRARY_DIRS)]
    return own[-1] if own and own[-1] != "<module>" else default


def _follows(check: Check, outcomes: Sequence[Outcome], dependencies: Dependencies) -> str | None:
    """What, found wrong above, the failure of `check` follows from, or None."""
    if not (check.uses or check.steps):
        return None
    depends_on = check.depends_on(dependencies)
    for earlier in outcomes:
        if earlier.status != "FAIL" or earlier.follows:
            continue
        reaching = [q for q in earlier.found if q == EVERYTHING or q in depends_on]
        if reaching:
            labels = [dependencies.label(quantity) for quantity in reaching]
            return ", ".join(labels[:3]) + (", ..." if len(labels) > 3 else "")
    return None


def run_checks(
    function: str, checks: Sequence[Check], dependencies: Dependencies | None = None
) -> None:
    """Run `checks` of the graded function `function`, print the table, and raise
    AssertionError naming the failed checks if any failed.

    dependencies: which quantity is computed from which, so that a failure explained by
    one above says so instead of suggesting a cause of its own.
    """
    dependencies = dependencies or Dependencies()
    outcomes: list[Outcome] = []
    stopped = False
    for check in checks:
        if stopped:
            outcomes.append(Outcome(check.name, "skip"))
            continue
        found: tuple[str, ...] = check.steps or check.uses
        try:
            note = check.run()
        except NotImplementedError as error:
            name = _unimplemented(error, function)
            print(f"{name} is not implemented yet: write its code in place of")
            print("`raise NotImplementedError()`, run that cell, then run this check again.")
            raise NotImplementedYet(f"{name} is not implemented yet") from None
        except CheckFailure as failure:
            detail, found = str(failure), failure.found or found
        except Exception as error:  # the student's code crashed: say how and where
            detail = f"your code raised {type(error).__name__}: {error}{_where(error)}"
        else:
            outcomes.append(Outcome(check.name, "pass", note or ""))
            continue
        cause = _follows(check, outcomes, dependencies)
        if cause is None:
            outcomes.append(Outcome(check.name, "FAIL", detail, found=found))
        else:
            outcomes.append(Outcome(check.name, "FAIL", f"follows from {cause} above", True))
        stopped = check.required
    print(format_table(function, outcomes))
    causes = [o for o in outcomes if o.status == "FAIL" and not o.follows]
    if causes:
        lines = "\n".join(f"- {o.name}: {(o.detail.splitlines() or [''])[0]}" for o in causes)
        following = sum(o.follows for o in outcomes)
        more = f" ({following} more fail only because of it)" if following else ""
        raise PublicCheckFailed(
            f"{function} failed {len(causes)} public check(s){more}:\n{lines}", outcomes
        )


def format_table(function: str, outcomes: Sequence[Outcome]) -> str:
    """The outcomes as a short table, failure details indented under their check."""
    passed = sum(outcome.status == "pass" for outcome in outcomes)
    lines = [f"Public checks of {function}: {passed} of {len(outcomes)} passed"]
    for outcome in outcomes:
        note = f"  ({outcome.detail})" if outcome.status == "pass" and outcome.detail else ""
        lines.append(f"  {outcome.status:<4}  {outcome.name}{note}")
        if outcome.status == "FAIL":
            lines.append(textwrap.indent(outcome.detail, " " * 8))
    if any(outcome.status == "skip" for outcome in outcomes):
        lines.append("  (skip: fix the failure above first; those checks need it)")
    return "\n".join(lines)
