"""Feedback names the entries of tuple outputs ("ot (cache[7])"), never a bare index:
the assignment declares them (`FunctionSpec.entry_names`), the engine applies them."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.compare import compare, named_path
from tests.assignments import SPECS

CACHE = ("a_next", "c_next", "ot")
NAMES = (
    ("cache", CACHE),
    ("caches", ("the steps", "x")),
    ("caches[0]", "step {i}"),
    ("caches[0][*]", CACHE),
)


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("cache[2]", "ot (cache[2])"),
        ("cache", "cache"),
        ("caches[1]", "x (caches[1])"),
        ("caches[0][3]", "step 3 (caches[0][3])"),
        ("caches[0][3][1]", "c_next (caches[0][3][1])"),
        ("cache[2]['Wf']", "ot['Wf'] (cache[2]['Wf'])"),
        ("a[0]", "a[0]"),  # nothing declared for a
        ("cache[5]", "cache[5]"),  # beyond the names declared
    ],
)
def test_a_path_is_named_after_its_deepest_named_entry(path, named):
    assert named_path(path, NAMES) == named


def test_compare_names_the_entry_that_differs():
    expected = (np.zeros(2), np.ones(2), np.full(2, 0.5))
    actual = (np.zeros(2), np.ones(2), np.full(2, 0.7))
    (mismatch,) = compare(expected, actual, "cache", names=NAMES)
    assert str(mismatch).startswith("ot (cache[2]): wrong values")
    assert compare(expected, actual, "cache")[0].path == "cache[2]"  # none declared


@pytest.mark.parametrize(
    "name", [name for name, spec in SPECS.items() if "cache" in "".join(spec.outputs)]
)
def test_assignment_1_names_every_cache_entry(name):
    spec = SPECS[name]
    patterns = dict(spec.entry_names)
    fields = patterns.get("cache") or patterns["caches[0][*]"]
    assert fields[-1] == "parameters" and len(fields) in (4, 10)
    output = next(o for o in spec.outputs if o.startswith("cache"))
    index = len(fields) - 3 if output == "cache" else None
    path = f"cache[{index}]" if index is not None else f"caches[0][1][{len(fields) - 3}]"
    assert named_path(path, spec.entry_names).startswith(f"{fields[-3]} (")
