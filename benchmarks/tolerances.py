"""How tight can the grader's tolerance be? Correct rewrites against numerical differentiation.

Usage (from the repository root, with the project's venv):

    .venv/bin/python benchmarks/tolerances.py [--cases 20]

The grader accepts a value when, elementwise, |s - r| <= ATOL + RTOL * |r| (s: student,
r: reference; autograder/tolerances.py). Two populations are run on the same hidden
cases, drawn by the grader's own `autograder.specs.build_case` from fixed seeds (sizes
2..7, T_x 2..5, scaled weights), and compared with the reference, leaf by leaf over
every returned array:

  accept   the correct variants of tests/correct_variants.py (patches on the reference,
           applied as tests/autograder/test_correct_variants.py does): every one must pass
           every case, so what counts is the largest error over variants and cases.
  reject   the backward functions of tests/hostile/numerical_differentiation.py, which
           differentiate the forward pass numerically instead of backpropagating (float64
           central differences; and those plus Richardson extrapolation): to be refused
           points, each must fail every case, so what counts is its smallest error over
           cases (the cheater's best case).

For a pair (ATOL, RTOL) the error of one output is q = max |s - r| / (ATOL + RTOL |r|)
(accepted iff q <= 1). With the ratio f = ATOL / RTOL fixed, the RTOL an output needs is
e_f = max |s - r| / (f + |r|): scaling the pair scales q, so the widest margins on both
sides come from RTOL = sqrt(e_accept * e_reject), the geometric middle of the two
populations, with a safety factor sqrt(e_reject / e_accept) on each side. The script
tries a few ratios f, keeps the one that separates best, rounds RTOL to the 1-2-5 series
and reports the margins of the rounded pair in orders of magnitude (decades).

Two mechanisms are measured but not part of "reject": complex-step differentiation has
no cancellation, and Richardson extrapolation in np.longdouble has its round-off below
float64's, so both are as exact as backpropagation (see the last section).
"""

from __future__ import annotations

import argparse
import copy
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests/ is not installed

from autograder.assignment import Case  # noqa: E402
from autograder.diagnose import patched_source  # noqa: E402
from autograder.reference import ReferenceSource  # noqa: E402
from autograder.seeds import case_rng  # noqa: E402
from autograder.tolerances import ATOL, RTOL  # noqa: E402
from tests.assignments import VARIANTS, build_case, course_reference  # noqa: E402
from tests.hostile.numerical_differentiation import NUMERICAL_BACKWARD  # noqa: E402

SECRET = b"benchmarks/tolerances.py"  # fixed: the same cases on every run
STUDENT = "tolerance-benchmark"
DEFAULT_CASES = 20
CANDIDATE_ATOLS = (0.0, 1e-15, 1e-13, 1e-12)
# ATOL / RTOL ratios tried for the recommendation (0: purely relative).
FLOORS = (0.0, 1e-3, 1e-2, 1e-1, 1.0, 10.0)
# Mechanisms a tolerance could be asked to reject, and those it cannot (see the docstring).
REJECT_SETS = (("central",), ("central", "richardson"))
EXACT = ("richardson-longdouble", "complex-step")
MEASURED_SETS = (*REJECT_SETS, *((m,) for m in EXACT))


@dataclass(frozen=True)
class Errors:
    """One output against the reference, over all its array leaves, flattened.

    gap: |s - r| elementwise; size: |r| at the same places.
    """

    gap: np.ndarray
    size: np.ndarray

    @property
    def max_abs(self) -> float:
        return float(self.gap.max(initial=0.0))

    def rtol_needed(self, atol: float) -> float:
        """The smallest RTOL with which |s - r| <= atol + RTOL |r| holds everywhere."""
        excess = np.maximum(self.gap - atol, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(excess > 0, excess / self.size, 0.0)
        return float(ratio.max(initial=0.0))

    def scaled(self, floor: float) -> float:
        """max |s - r| / (floor + |r|): the RTOL needed when ATOL = floor * RTOL."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(self.gap > 0, self.gap / (floor + self.size), 0.0)
        return float(ratio.max(initial=0.0))

    def q(self, atol: float, rtol: float) -> float:
        """max |s - r| / (atol + rtol |r|): accepted by (atol, rtol) iff <= 1."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(self.gap > 0, self.gap / (atol + rtol * self.size), 0.0)
        return float(ratio.max(initial=0.0))


@dataclass(frozen=True)
class Population:
    """The errors of one implementation (`label`) of `function`, one per hidden case."""

    label: str
    function: str
    errors: tuple[Errors, ...]


def _leaves(actual: object, expected: object) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(actual, expected) float arrays for every numeric leaf; structures must match."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual.keys() != expected.keys():
            raise ValueError("different dict keys")
        for key in expected:
            yield from _leaves(actual[key], expected[key])
    elif isinstance(expected, tuple | list):
        if not isinstance(actual, tuple | list) or len(actual) != len(expected):
            raise ValueError("different sequence lengths")
        for a, e in zip(actual, expected, strict=True):
            yield from _leaves(a, e)
    else:
        a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
        if a.shape != e.shape:
            raise ValueError(f"shape {a.shape}, expected {e.shape}")
        yield a, e


def measure(candidate: Callable, function: str, case: Case, expected: object) -> Errors:
    """Run `candidate` on a deep copy of the case's arguments; its errors against `expected`."""
    actual = candidate(*copy.deepcopy(case.args))
    pairs = list(_leaves(actual, expected))
    gap = np.concatenate([np.abs(a - e).ravel() for a, e in pairs])
    size = np.concatenate([np.abs(e).ravel() for _, e in pairs])
    return Errors(gap, size)


def run_populations(
    reference: ReferenceSource, cases: int
) -> tuple[list[Population], list[Population]]:
    """(correct variants, numerical-differentiation implementations), measured on `cases`
    hidden cases per function."""
    functions = reference.functions()
    hidden: dict[str, list[tuple[Case, object]]] = {}
    for function in {v.function for v in VARIANTS} | set(NUMERICAL_BACKWARD["central"]):
        drawn = [
            build_case(function, case_rng(SECRET, STUDENT, function, k), functions)
            for k in range(cases)
        ]
        hidden[function] = [(c, functions[function](*copy.deepcopy(c.args))) for c in drawn]

    def population(label: str, function: str, code: str) -> Population:
        candidate = reference.functions({function: code})[function]
        errors = tuple(measure(candidate, function, c, e) for c, e in hidden[function])
        return Population(label, function, errors)

    variants = [
        population(v.id, v.function, patched_source(reference, v.function, v.find, v.replace))
        for v in VARIANTS
    ]
    numerical = [
        population(f"{mechanism}/{function}", function, code)
        for mechanism, codes in NUMERICAL_BACKWARD.items()
        for function, code in codes.items()
    ]
    return variants, numerical


# ---- printing ----


def _e(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


def _rtol_columns(errors: list[Errors], pick: Callable[[list[float]], float]) -> list[str]:
    return [_e(pick([e.max_abs for e in errors]))] + [
        _e(pick([e.rtol_needed(atol) for e in errors])) for atol in CANDIDATE_ATOLS
    ]


ATOL_HEADER = ["max |s-r|", *(f"RTOL@ATOL={_e(a)}" for a in CANDIDATE_ATOLS)]


def variants_table(variants: list[Population]) -> str:
    rows = [[p.label, *_rtol_columns(list(p.errors), max)] for p in variants]
    everything = [e for p in variants for e in p.errors]
    rows.append(["ALL CORRECT VARIANTS", *_rtol_columns(everything, max)])
    return _table(["correct variant (worst case)", *ATOL_HEADER], rows)


def numerical_table(numerical: list[Population]) -> str:
    rows = []
    for p in numerical:
        today = sum(e.q(ATOL, RTOL) <= 1 for e in p.errors)
        rows.append([p.label, *_rtol_columns(list(p.errors), min), f"{today}/{len(p.errors)}"])
    for mechanism in NUMERICAL_BACKWARD:
        pooled = [e for p in numerical if p.label.startswith(mechanism + "/") for e in p.errors]
        rows.append([f"ALL {mechanism.upper()}", *_rtol_columns(pooled, min), ""])
    header = ["numerical differentiation (best case)", *ATOL_HEADER, "pass today"]
    return _table(header, rows)


# ---- the recommendation ----


@dataclass(frozen=True)
class Separation:
    """At ATOL = floor * RTOL: the RTOL the worst correct variant needs (`accept`) and the
    RTOL below which every case of `mechanisms` is rejected (`reject`)."""

    mechanisms: tuple[str, ...]
    floor: float
    accept: float
    reject: float

    @property
    def decades(self) -> float:
        return math.log10(self.reject / self.accept)


def _pooled(numerical: list[Population], mechanisms: tuple[str, ...]) -> list[Errors]:
    return [e for p in numerical if p.label.split("/")[0] in mechanisms for e in p.errors]


def _accept(variants: list[Population], floor: float) -> float:
    return max(e.scaled(floor) for p in variants for e in p.errors)


def separation(
    variants: list[Population],
    numerical: list[Population],
    mechanisms: tuple[str, ...],
    floor: float,
) -> Separation:
    accept = _accept(variants, floor)
    reject = min(e.scaled(floor) for e in _pooled(numerical, mechanisms))
    return Separation(mechanisms, floor, accept, reject)


def separation_table(variants: list[Population], numerical: list[Population]) -> str:
    header = ["ATOL/RTOL", "variants: max e"]
    for mechanisms in MEASURED_SETS:
        header += [f"{' + '.join(mechanisms)}: min e", "decades"]
    rows = []
    for floor in FLOORS:
        row = [_e(floor), _e(_accept(variants, floor))]
        for mechanisms in MEASURED_SETS:
            s = separation(variants, numerical, mechanisms, floor)
            row += [_e(s.reject), f"{s.decades:+.2f}"]
        rows.append(row)
    return _table(header, rows)


def round_125(x: float) -> float:
    """The number of the 1-2-5 series nearest to x in log scale."""
    exponent = math.floor(math.log10(x))
    candidates = [m * 10.0**e for e in (exponent, exponent + 1) for m in (1, 2, 5)]
    return min(candidates, key=lambda c: abs(math.log10(c / x)))


def recommend(
    variants: list[Population], numerical: list[Population], mechanisms: tuple[str, ...]
) -> str:
    """The pair in the (log) middle of the correct variants and `mechanisms`, at the
    ATOL/RTOL ratio that separates them best; and the margins of the rounded pair."""
    best = max(
        (separation(variants, numerical, mechanisms, floor) for floor in FLOORS),
        key=lambda s: s.decades,
    )
    middle = math.sqrt(best.accept * best.reject)
    rtol = round_125(middle)
    atol = best.floor * rtol
    accept = [e for p in variants for e in p.errors]
    worst = max(e.q(atol, rtol) for e in accept)
    lines = [
        f"To reject {' + '.join(mechanisms)}: ATOL = {_e(atol)}, RTOL = {_e(rtol)}",
        f"  best ATOL/RTOL ratio {_e(best.floor)}: variants need RTOL {_e(best.accept)}, "
        f"the cheaters' best case {_e(best.reject)}; middle {_e(middle)}, safety factor "
        f"{math.sqrt(best.reject / best.accept):.1f} ({best.decades / 2:.2f} decades) "
        "on each side",
        f"  rounded pair: correct variants' worst case at {worst:.2g}x the tolerance "
        f"({-math.log10(worst):.2f} decades below; "
        f"{sum(e.q(atol, rtol) <= 1 for e in accept)}/{len(accept)} cases accepted)",
    ]
    for mechanism in NUMERICAL_BACKWARD:
        pooled = _pooled(numerical, (mechanism,))
        closest = min(e.q(atol, rtol) for e in pooled)
        passed = sum(e.q(atol, rtol) <= 1 for e in pooled)
        lines.append(
            f"  {mechanism}: best case at {closest:.2g}x the tolerance "
            f"({math.log10(closest):+.2f} decades; {passed}/{len(pooled)} cases accepted)"
        )
    return "\n".join(lines)


def verdict(variants: list[Population], numerical: list[Population], mechanism: str) -> str:
    """Whether any tolerance accepting every correct variant rejects every case of
    `mechanism`, and by how much at best."""
    worst_accept = max(e.max_abs for p in variants for e in p.errors)
    worst = max(e.max_abs for e in _pooled(numerical, (mechanism,)))
    best = max(
        (separation(variants, numerical, (mechanism,), floor) for floor in FLOORS),
        key=lambda s: s.decades,
    )
    text = (
        f"{mechanism}: largest error {_e(worst)} (correct variants: {_e(worst_accept)}); "
        f"best separation {best.decades:+.2f} decades (at ATOL/RTOL = {_e(best.floor)})"
    )
    if best.decades <= 0:
        return text + "\n  -> no tolerance that accepts every correct variant rejects all its cases"
    return text + f"\n  -> rejectable only with a safety factor {10 ** (best.decades / 2):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=int, default=DEFAULT_CASES, help="hidden cases per function (default 20)"
    )
    args = parser.parse_args()

    reference = course_reference(ROOT)
    variants, numerical = run_populations(reference, args.cases)
    print(f"{args.cases} hidden cases per function (build_case, secret {SECRET!r}).")
    print("RTOL@ATOL=a: the smallest RTOL accepting the output with that ATOL.\n")
    print(variants_table(variants))
    print()
    print(numerical_table(numerical))
    print("(pass today: cases accepted by today's ATOL and RTOL.)\n")
    print("Separation: e = max |s-r| / (ATOL/RTOL + |r|) is the RTOL an output needs at that")
    print("ratio; variants: worst case, cheaters: best case; decades = log10(min e / max e).")
    print(separation_table(variants, numerical))
    print(f"\nRecommendation (today: ATOL = {_e(ATOL)}, RTOL = {_e(RTOL)})")
    for mechanisms in REJECT_SETS:
        print(recommend(variants, numerical, mechanisms))
    print()
    for mechanism in EXACT:
        print(verdict(variants, numerical, mechanism))


if __name__ == "__main__":
    main()
