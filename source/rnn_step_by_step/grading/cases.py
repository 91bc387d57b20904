"""Hidden inputs: seeded from the course secret and the student id, randomized in size.

Sizes are drawn per case (n_x, n_a, n_y, m pairwise different, so a transposed or
misplaced axis shows up as a wrong shape) and values are scaled so that tanh and sigmoid
work in their responsive range: a saturated unit has a derivative near zero and would
hide most backward-pass mistakes (the notes' `randn` weights have that problem).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from course.notation import init_lstm_parameters, init_rnn_parameters

SIZE_CHOICES = range(2, 8)
T_X_CHOICES = range(2, 6)


def code_digest(cells: Mapping[str, str]) -> str:
    """A digest of the code a submission runs (its solution cells, by name)."""
    digest = hashlib.sha256()
    for name in sorted(cells):
        for part in (name, cells[name]):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def case_rng(
    secret: bytes, student: str, function: str, index: int, code: str = ""
) -> np.random.Generator:
    """The generator for hidden case `index` of `function` for `student`'s code `code`
    (a `code_digest`).

    Same secret, student, code, function and index: same inputs, on any machine and
    whatever the order or parallelism of grading. Any change of the code gives fresh
    inputs, so hidden inputs a submission reveals (in an error message, say) are of no
    use to the next one.
    """
    message = f"{student}\0{code}\0{function}\0{index}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


@dataclass(frozen=True)
class Case:
    """One hidden test case of one graded function.

    args: the positional arguments the function is called with (float64 arrays, dicts,
        tuples and lists of them; never shared with another case).
    sizes: n_x, n_a, n_y, m, T_x.
    primal: for backward functions, what the gradient check needs: the forward inputs
        ("x" or "xt", "a0" or "a_prev", "c_prev", "parameters") and the upstream
        gradients ("da", or "da_next" and "dc_next").
    """

    function: str
    args: tuple
    sizes: dict[str, int]
    primal: dict = field(default_factory=dict)


def draw_sizes(rng: np.random.Generator) -> dict[str, int]:
    n_x, n_a, n_y, m = (int(v) for v in rng.choice(SIZE_CHOICES, size=4, replace=False))
    return {"n_x": n_x, "n_a": n_a, "n_y": n_y, "m": m, "T_x": int(rng.choice(T_X_CHOICES))}


def build_case(
    function: str,
    rng: np.random.Generator,
    reference: Mapping[str, Callable],
    sizes: Mapping[str, int] | None = None,
) -> Case:
    """Draw one hidden case for `function` (of the given `sizes`, else random ones);
    backward caches come from `reference`."""
    s = dict(sizes) if sizes else draw_sizes(rng)
    n_x, n_a, n_y, m, T_x = s["n_x"], s["n_a"], s["n_y"], s["m"], s["T_x"]
    family = "lstm" if function.startswith("lstm") else "rnn"
    make_parameters = init_lstm_parameters if family == "lstm" else init_rnn_parameters
    parameters = make_parameters(n_x, n_a, n_y, rng, scale=rng.uniform(0.6, 1.2))
    x = rng.standard_normal((n_x, m, T_x))
    xt = x[:, :, 0].copy()
    a_prev = rng.standard_normal((n_a, m)) * 0.5
    c_prev = rng.standard_normal((n_a, m)) * 0.7

    if function == "rnn_cell_forward":
        return Case(function, (xt, a_prev, parameters), s)
    if function == "lstm_cell_forward":
        return Case(function, (xt, a_prev, c_prev, parameters), s)
    if function in ("rnn_forward", "lstm_forward"):
        return Case(function, (x, a_prev, parameters), s)
    if function == "rnn_cell_backward":
        da_next = rng.standard_normal((n_a, m))
        _, _, cache = reference["rnn_cell_forward"](xt, a_prev, parameters)
        primal = {"xt": xt, "a_prev": a_prev, "parameters": parameters, "da_next": da_next}
        return Case(function, (da_next, cache), s, primal)
    if function == "lstm_cell_backward":
        da_next = rng.standard_normal((n_a, m))
        dc_next = rng.standard_normal((n_a, m))
        cache = reference["lstm_cell_forward"](xt, a_prev, c_prev, parameters)[3]
        primal = {
            "xt": xt,
            "a_prev": a_prev,
            "c_prev": c_prev,
            "parameters": parameters,
            "da_next": da_next,
            "dc_next": dc_next,
        }
        return Case(function, (da_next, dc_next, cache), s, primal)
    if function in ("rnn_backward", "lstm_backward"):
        da = rng.standard_normal((n_a, m, T_x))
        caches = reference[f"{family}_forward"](x, a_prev, parameters)[-1]
        primal = {"x": x, "a0": a_prev, "parameters": parameters, "da": da}
        return Case(function, (da, caches), s, primal)
    raise KeyError(f"no hidden cases for {function!r}")
