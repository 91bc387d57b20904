"""Known mistakes and correct variants: patches on the reference solution cells.

A solution exists only in the source notebook, so a mistake is never a copy of one: it is
a small textual patch (`find` -> `replace`) on the solution cell of one graded function,
listed in the assignment's grading package. `patched_source` applies a patch;
`mistake_functions` runs every patched cell to give the buggy version of each function,
which `matching.diagnose` compares with a wrong answer.
"""

from __future__ import annotations

from collections.abc import Callable

from autograder.assignment import Mistake
from autograder.reference import ReferenceSource

SOLUTION_MARKER = "### BEGIN SOLUTION"


class PatchError(ValueError):
    """A patch does not apply to the reference cell (its `find` text is not there once)."""


def patched_source(reference: ReferenceSource, function: str, find: str, replace: str) -> str:
    """The reference cell of `function` with `find` replaced by `replace` in its solution code.

    Raises PatchError unless `find` occurs exactly once after `### BEGIN SOLUTION` (or in
    the whole cell if it has no such marker).
    """
    if function not in reference.solutions:
        raise PatchError(f"no reference cell for {function!r}")
    cell = reference.solutions[function]
    start = max(cell.find(SOLUTION_MARKER), 0)
    count = cell.count(find, start)
    if count != 1:
        raise PatchError(
            f"{function}: the patch text {find!r} occurs {count} times in the reference "
            "solution code, expected exactly once (did the solution cell change?)"
        )
    return cell[:start] + cell[start:].replace(find, replace, 1)


_BUILT: dict[tuple, dict[str, Callable]] = {}


def _key(reference: ReferenceSource, mistakes: tuple[Mistake, ...]) -> tuple:
    """What the buggy functions depend on (ReferenceSource holds dicts: not hashable)."""
    cells = tuple(reference.solutions[name] for name in reference.function_names)
    return (reference.setup, cells, mistakes)


def mistake_functions(
    reference: ReferenceSource, mistakes: tuple[Mistake, ...]
) -> dict[str, Callable]:
    """Mistake id -> the buggy version of its function, built once per reference.

    Each buggy function lives in its own namespace with the reference versions of the
    other graded functions (so a buggy pass over a sequence calls the right cell).
    """
    key = _key(reference, mistakes)
    if key not in _BUILT:
        _BUILT[key] = {
            mistake.id: reference.functions(
                {
                    mistake.function: patched_source(
                        reference, mistake.function, mistake.find, mistake.replace
                    )
                }
            )[mistake.function]
            for mistake in mistakes
        }
    return dict(_BUILT[key])
