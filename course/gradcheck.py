"""Gradient checking with central differences: the same code the grader uses.

A backward function is right when its gradients match the slopes of the forward
function. To measure a slope, nudge one number by ±eps and watch a scalar loss:

    dL/dθ ≈ (L(θ + eps) - L(θ - eps)) / (2 eps)        (error of order eps²)

An array-valued function gets a scalar loss from an upstream gradient of the shape of
its output, L = Σ out ⊙ upstream: dL/dθ is then exactly what a backward function returns
when it is given `upstream`. Gradients are compared by the relative error

    |a - b| / max(floor, |a| + |b|)

which stays below about 1e-7 for a correct float64 gradient of a smooth, unsaturated
function, and is 1e-2 or more for a real mistake. (Central differences in float64 are
good to about 1e-11 in absolute terms, so the relative error of a gradient entry that is
itself tiny, say 1e-5, can reach 1e-6 even when the entry is right.)

Example: out = x * y has the gradients dx = upstream * y and dy = upstream * x.
`forward` receives the inputs as keyword arguments, named as in `inputs`; each row of
the report is named after the gradient it checks:

>>> rng = np.random.default_rng(0)
>>> x, y, upstream = rng.standard_normal((3, 2, 4))
>>> report = gradcheck(
...     lambda x, y: x * y, {"x": x, "y": y}, upstream, {"x": upstream * y, "y": 2 * upstream}
... )
>>> [row.name for row in report.rows], report.passed(1e-7)
(['dx', 'dy'], False)
>>> print(report)  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
gradient  rel. error  worst element  analytic  numerical  ok
dx  ...e-12  (...)  ...  yes
dy  1.0e+00  (...)  ...  NO
(central differences, eps = 1e-05; ok means rel. error <= 1e-07)
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

DEFAULT_EPS = 1e-5
DEFAULT_FLOOR = 1e-8
DEFAULT_THRESHOLD = 1e-7

Evaluation = TypeVar("Evaluation")


def _float64_array(x: object, name: str) -> np.ndarray:
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"{name} must be a float64 numpy array, got {got}")
    return x


def relative_error(
    a: np.ndarray, b: np.ndarray, floor: float = DEFAULT_FLOOR
) -> tuple[float, tuple[int, ...]]:
    """Largest elementwise |a - b| / max(floor, |a| + |b|), and the index where it occurs.

    a, b: arrays of one shape (any). The floor keeps entries that are both about 0 from
    counting as large errors. Returns (0.0, ()) for empty arrays, NaN if either has NaN.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0, ()
    errors = np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))
    worst = np.unravel_index(np.argmax(errors), errors.shape)  # argmax picks a NaN first
    return float(errors[worst]), tuple(int(i) for i in worst)


def _central_differences(
    evaluate: Callable[[], Evaluation],
    difference: Callable[[Evaluation, Evaluation], float],
    x: np.ndarray,
    eps: float,
) -> np.ndarray:
    """difference(evaluate() at x + eps, evaluate() at x - eps) / (2 eps), element by
    element; x is perturbed in place and each element restored to its exact bits."""
    _float64_array(x, "x")
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + eps
            plus = evaluate()
            x[index] = original - eps
            minus = evaluate()
        finally:
            x[index] = original
        gradient[index] = difference(plus, minus) / (2 * eps)
    return gradient


def numerical_gradient(
    loss: Callable[[], float], x: np.ndarray, eps: float = DEFAULT_EPS
) -> np.ndarray:
    """Central-difference gradient of the scalar `loss()` with respect to every element of x.

    loss: takes no arguments and reads x (a closure over it).
    x: float64 array, any shape. It is perturbed IN PLACE, one element at a time, so that
        `loss` sees the change; each element gets back its exact original bits before the
        next, so x is unchanged when this returns (also if `loss` raises).
    Returns an array of x's shape. Costs 2 * x.size calls of `loss`.
    """
    return _central_differences(loss, operator.sub, x, eps)


def directional_check(
    loss: Callable[[], float],
    x: np.ndarray,
    analytic: np.ndarray,
    direction: np.ndarray,
    eps: float = DEFAULT_EPS,
    floor: float = DEFAULT_FLOOR,
) -> float:
    """Relative error of a gradient along one direction v: two loss calls, not 2 * x.size.

    Compares (L(x + eps v) - L(x - eps v)) / (2 eps) with <analytic, v>, relative to
    the largest value <analytic, v> can take, |analytic|·|v| (and at least `floor`): a
    random v can be almost orthogonal to the gradient, and then <analytic, v> is tiny and
    the central difference's own error would look large next to it.
    x: float64 array, perturbed IN PLACE and restored exactly (also if `loss` raises).
    analytic, direction: x's shape. A random direction catches a wrong entry anywhere in
    the gradient, without saying which one.
    """
    return joint_directional_check(loss, [x], [analytic], [direction], eps, floor)


def joint_directional_check(
    loss: Callable[[], float],
    xs: Sequence[np.ndarray],
    analytics: Sequence[np.ndarray],
    directions: Sequence[np.ndarray],
    eps: float = DEFAULT_EPS,
    floor: float = DEFAULT_FLOOR,
) -> float:
    """`directional_check` of several inputs at once, moved together along one direction
    (v_1, v_2, ...): compares the central difference with the sum of <analytic_k, v_k>,
    relative to |(analytic_1, analytic_2, ...)|·|(v_1, v_2, ...)|. Still two loss calls;
    it says whether all the gradients are right together, not which one is wrong.
    """
    for k, (x, analytic, direction) in enumerate(zip(xs, analytics, directions, strict=True)):
        _float64_array(x, "x")
        if analytic.shape != x.shape or direction.shape != x.shape:
            raise ValueError(
                f"x {x.shape}, analytic {analytic.shape} and direction {direction.shape} "
                f"must have one shape (input {k})"
            )
    originals = [x.copy() for x in xs]
    try:
        for x, original, direction in zip(xs, originals, directions, strict=True):
            x[...] = original + eps * direction
        plus = loss()
        for x, original, direction in zip(xs, originals, directions, strict=True):
            x[...] = original - eps * direction
        minus = loss()
    finally:
        for x, original in zip(xs, originals, strict=True):
            x[...] = original
    numerical = (plus - minus) / (2 * eps)
    projected = sum(float(np.sum(a * v)) for a, v in zip(analytics, directions, strict=True))
    length = np.sqrt(sum(float(np.sum(a * a)) for a in analytics))
    scale = float(length * np.sqrt(sum(float(np.sum(v * v)) for v in directions)))
    return relative_error(np.array(numerical), np.array(projected), max(floor, scale))[0]


@dataclass(frozen=True)
class GradcheckRow:
    """The check of one gradient: its largest relative error and the values there."""

    name: str
    error: float
    worst: tuple[int, ...]
    analytic: float
    numerical: float


@dataclass(frozen=True)
class GradcheckReport:
    """One row per checked gradient; `threshold` decides the table's "ok" column."""

    rows: tuple[GradcheckRow, ...]
    threshold: float = DEFAULT_THRESHOLD
    eps: float = DEFAULT_EPS

    @property
    def max_error(self) -> float:
        """The largest relative error of any row (NaN if any is NaN, 0.0 if no rows)."""
        return float(np.max([row.error for row in self.rows])) if self.rows else 0.0

    def failed(self, threshold: float | None = None) -> list[GradcheckRow]:
        """The rows whose error is above `threshold` (default: self.threshold) or NaN."""
        limit = self.threshold if threshold is None else threshold
        return [row for row in self.rows if not row.error <= limit]

    def passed(self, threshold: float | None = None) -> bool:
        """True if every row's error is at most `threshold` (default: self.threshold)."""
        return not self.failed(threshold)

    def __str__(self) -> str:
        header = ("gradient", "rel. error", "worst element", "analytic", "numerical", "ok")
        lines = [header] + [
            (
                row.name,
                f"{row.error:.1e}",
                str(row.worst),
                f"{row.analytic:.6g}",
                f"{row.numerical:.6g}",
                "yes" if row.error <= self.threshold else "NO",
            )
            for row in self.rows
        ]
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        table = [
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            for line in lines
        ]
        table.append(
            f"(central differences, eps = {self.eps:g}; ok means rel. error <= {self.threshold:g})"
        )
        return "\n".join(line.rstrip() for line in table)


def gradcheck(
    forward: Callable[..., np.ndarray | Sequence[np.ndarray]],
    inputs: Mapping[str, np.ndarray],
    upstream: np.ndarray | Sequence[np.ndarray],
    analytic: Mapping[str, np.ndarray],
    eps: float = DEFAULT_EPS,
    threshold: float = DEFAULT_THRESHOLD,
) -> GradcheckReport:
    """Check analytic gradients, element by element, against central differences.

    forward: called as forward(**inputs); returns one array, or a tuple of arrays. It must
        not modify its inputs.
    inputs: name -> float64 array, any shapes. Copies are perturbed, never these arrays.
    upstream: an array of the shape of forward's output; or, if forward returns several
        arrays, a tuple of arrays of their shapes. The loss is L = Σ_k Σ out_k ⊙ upstream_k.
    analytic: name -> dL/d inputs[name], of that input's shape. Only these inputs are
        checked; the others stay fixed.
    threshold: the report's "ok" column and the default of `report.passed()`.
    Returns a GradcheckReport with one row per analytic gradient, named "d" + name.
    """
    arrays = {name: _float64_array(value, name).copy() for name, value in inputs.items()}
    several = isinstance(upstream, Sequence) and not isinstance(upstream, np.ndarray)
    weights = [np.asarray(u, dtype=np.float64) for u in (upstream if several else [upstream])]

    def outputs() -> list[np.ndarray]:
        result = forward(**arrays)
        result = [np.asarray(out) for out in result] if several else [np.asarray(result)]
        shapes = [out.shape for out in result]
        if shapes != [weight.shape for weight in weights]:
            raise ValueError(
                f"forward returned arrays of shapes {shapes}, but the upstream gradients have "
                f"shapes {[weight.shape for weight in weights]}"
            )
        return result

    def loss_difference(plus: list[np.ndarray], minus: list[np.ndarray]) -> float:
        # L(+) - L(-) summed as Σ (out+ - out-) ⊙ upstream: outputs the nudge cannot reach
        # cancel exactly, instead of adding the round-off of the whole sum.
        pairs = zip(plus, minus, weights, strict=True)
        return sum(float(np.sum((p - m) * weight)) for p, m, weight in pairs)

    rows = []
    for name, gradient in analytic.items():
        if name not in arrays:
            raise KeyError(f"an analytic gradient for {name!r}, which is not among the inputs")
        gradient = np.asarray(gradient, dtype=np.float64)
        if gradient.shape != arrays[name].shape:
            raise ValueError(
                f"the gradient of {name} has shape {gradient.shape}, but {name} has shape "
                f"{arrays[name].shape}"
            )
        numerical = _central_differences(outputs, loss_difference, arrays[name], eps)
        error, worst = relative_error(gradient, numerical)
        values = (gradient[worst], numerical[worst]) if gradient.size else (0.0, 0.0)
        rows.append(GradcheckRow(f"d{name}", error, worst, *map(float, values)))
    return GradcheckReport(tuple(rows), threshold, eps)
