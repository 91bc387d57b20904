"""The published sample: one set of inputs per graded function and the outputs the
instructor's solution gives for them, stored as plain numbers in
`course/data/public_samples.npz` (written by source/rnn_step_by_step/grading/public_samples.py).

Keys are flat, one array each, e.g. "rnn_cell_forward/xt", "rnn_cell_forward/a_next",
"rnn_cell_forward/parameters/Wax". A backward function's cache is stored field by field
("lstm_cell_backward/cache/ft", "lstm_backward/caches/2/ft", "lstm_backward/caches/x"),
so a sample never runs a forward function: a backward function is compared on the
instructor's cache even when the student's forward function is still wrong.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import astuple, dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from course.checks.cases import call
from course.checks.expect import SAMPLE_ATOL, SAMPLE_RTOL, CheckFailure, named_outputs
from course.checks.report import Check
from course.notation import Signature, Sizes

SAMPLE_FILE = "data/public_samples.npz"


def _encode_cache(fields: tuple[str, ...], cache: tuple, prefix: str) -> dict[str, np.ndarray]:
    return {f"{prefix}/{f}": v for f, v in zip(fields, cache, strict=True) if f != "parameters"}


@dataclass(frozen=True)
class Sample:
    """One published sample: its sizes, the argument values by name, the expected outputs."""

    sizes: Sizes
    values: dict[str, Any]
    expected: dict[str, np.ndarray]


def encode_sample(
    sig: Signature, sizes: Sizes, values: Mapping[str, Any], result: Any
) -> dict[str, np.ndarray]:
    """Flat npz entries for `sig` called on `values` (by argument name), giving `result`.

    The cache of a backward function is taken from `values` ("cache" or "caches"); its
    parameters are stored once, under "parameters/<key>".
    """
    entries: dict[str, np.ndarray] = {}
    for name in sig.arguments:
        value = values[name]
        if name == "parameters":
            parameters = value
        elif name == "cache":
            entries.update(_encode_cache(sig.cache, value, "cache"))
            parameters = value[-1]
        elif name == "caches":
            steps, x = value
            entries["caches/x"] = x
            for t, step in enumerate(steps):
                entries.update(_encode_cache(sig.cache, step, f"caches/{t}"))
            parameters = steps[0][-1]
        else:
            entries[name] = value
    entries.update({f"parameters/{key}": parameters[key] for key in sig.parameters})
    outputs = result if sig.is_backward else dict(zip(sig.returns, result, strict=True))
    entries.update({k: outputs[k] for k in sig.returns if k not in ("cache", "caches")})
    encoded = {f"{sig.name}/{k}": np.asarray(v, dtype=np.float64) for k, v in entries.items()}
    encoded[f"{sig.name}/sizes"] = np.array(astuple(sizes), dtype=np.int64)
    return encoded


def _decode_cache(
    fields: tuple[str, ...], arrays: Mapping[str, np.ndarray], prefix: str, parameters: dict
) -> tuple:
    return tuple(parameters if f == "parameters" else arrays[f"{prefix}/{f}"] for f in fields)


def decode_sample(sig: Signature, arrays: Mapping[str, np.ndarray]) -> Sample:
    """The sample of `sig` from npz entries ("<function>/<key>"), as fresh copies."""
    prefix = sig.name + "/"
    own = {k.removeprefix(prefix): v.copy() for k, v in arrays.items() if k.startswith(prefix)}
    parameters = {key: own[f"parameters/{key}"] for key in sig.parameters}
    values: dict[str, Any] = {}
    for name in sig.arguments:
        if name == "parameters":
            values[name] = parameters
        elif name == "cache":
            values[name] = _decode_cache(sig.cache, own, "cache", parameters)
        elif name == "caches":
            x = own["caches/x"]
            steps = [
                _decode_cache(sig.cache, own, f"caches/{t}", parameters) for t in range(x.shape[2])
            ]
            values[name] = (steps, x)
        else:
            values[name] = own[name]
    expected = {k: own[k] for k in sig.returns if k not in ("cache", "caches")}
    return Sample(Sizes(*(int(n) for n in own["sizes"])), values, expected)


def npz_bytes(entries: Mapping[str, np.ndarray]) -> bytes:
    """A sample file's bytes: `entries` uncompressed, keys sorted, no pickles (zip
    timestamps vary, so compare contents, not bytes). For the instructor's generators."""
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **dict(sorted(entries.items())))
    return buffer.getvalue()


@cache
def _stored() -> dict[str, np.ndarray]:
    resource = resources.files("course").joinpath(SAMPLE_FILE)
    with resource.open("rb") as file, np.load(file, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def load_sample(sig: Signature) -> Sample:
    """The published sample of `sig` (fresh copies: a function may change them)."""
    return decode_sample(sig, _stored())


def expect_matches_sample(sig: Signature, result: Any, sample: Sample) -> None:
    """Every output in `result` must match the sample within SAMPLE_RTOL and SAMPLE_ATOL."""
    outputs = named_outputs(sig, result, sample.sizes)
    gaps, found = [], []
    for name, expected in sample.expected.items():
        got = outputs[name]
        if not np.allclose(got, expected, rtol=SAMPLE_RTOL, atol=SAMPLE_ATOL):
            error = np.abs(got - expected)
            worst = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
            gaps.append(
                f"max abs difference {error[worst]:.1e} in {name} (at index {worst}: "
                f"expected {expected[worst]:.6g}, got {got[worst]:.6g})"
            )
            found.append(name)
    matched = [name for name in sample.expected if name not in found]
    if gaps and matched:
        verb = "matches" if len(matched) == 1 else "match"
        which = " and ".join(found)
        gaps.append(
            f"({', '.join(matched)} {verb} the sample: look at how {which} "
            f"{'is' if len(found) == 1 else 'are'} computed)"
        )
    if gaps:
        raise CheckFailure("\n".join(gaps), tuple(found))


def sample_check(function: Callable, sig: Signature) -> Check:
    """The check that `function` reproduces the published sample of `sig`."""

    def run() -> None:
        sample = load_sample(sig)
        expect_matches_sample(sig, call(function, sig, sample.values), sample)

    outputs = tuple(name for name in sig.returns if name not in ("cache", "caches"))
    return Check("matches the published sample output", run, uses=outputs)
