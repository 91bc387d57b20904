"""Run the public checks of one graded function and print them as a pass/fail table.

Each check is a function of no arguments that returns nothing (or a short note to
show next to "pass") and raises `CheckFailure` to fail. A check marked `required`
stops the list when it fails: the checks after it would only fail for the same reason,
with more confusing messages.
"""

from __future__ import annotations

import linecache
import os
import textwrap
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import course
from course.checks.expect import CheckFailure

# Frames in these folders are not the student's code.
_LIBRARY_DIRS = tuple(os.path.dirname(m.__file__ or "") + os.sep for m in (np, course))


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], str | None]
    required: bool = False


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # "pass", "FAIL" or "skip"
    detail: str = ""


class PublicCheckFailed(AssertionError):
    """Some public checks failed; the table above says which and why.

    In a notebook, IPython shows this error as its message alone, not as a traceback
    through `course` (its `_render_traceback_`): the cell still fails, so Run All still
    stops at the first unfinished exercise.
    """

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


def run_checks(function: str, checks: Sequence[Check]) -> None:
    """Run `checks` of the graded function `function`, print the table, and raise
    AssertionError naming the failed checks if any failed."""
    outcomes: list[Outcome] = []
    stopped = False
    for check in checks:
        if stopped:
            outcomes.append(Outcome(check.name, "skip"))
            continue
        try:
            note = check.run()
        except NotImplementedError as error:
            name = _unimplemented(error, function)
            print(f"{name} is not implemented yet: write its code in place of")
            print("`raise NotImplementedError()`, run that cell, then run this check again.")
            raise NotImplementedYet(f"{name} is not implemented yet") from None
        except CheckFailure as failure:
            outcomes.append(Outcome(check.name, "FAIL", str(failure)))
        except Exception as error:  # the student's code crashed: say how and where
            message = f"{type(error).__name__}: {error}{_where(error)}"
            outcomes.append(Outcome(check.name, "FAIL", f"your code raised {message}"))
        else:
            outcomes.append(Outcome(check.name, "pass", note or ""))
        stopped = check.required and outcomes[-1].status == "FAIL"
    print(format_table(function, outcomes))
    failed = [outcome for outcome in outcomes if outcome.status == "FAIL"]
    if failed:
        lines = "\n".join(f"- {o.name}: {(o.detail.splitlines() or [''])[0]}" for o in failed)
        raise PublicCheckFailed(f"{function} failed {len(failed)} public check(s):\n{lines}")


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
