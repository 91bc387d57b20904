"""course/data/public_samples.npz: plain numbers, and equal to a fresh build from the
solution notebook (so it can never drift from the reference)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from course.checks.cases import call
from course.checks.samples import SAMPLE_FILE, decode_sample, load_sample
from course.notation import SIGNATURES
from tests.assignments import GRADED_FUNCTIONS, course_reference, grading_module

REFERENCE = course_reference().functions()
SAMPLES = grading_module("public_samples")
SAMPLE_SIZES, build_samples = SAMPLES.SAMPLE_SIZES, SAMPLES.build_samples
REBUILD = "rebuild it with `python source/rnn_step_by_step/grading/public_samples.py`"


@pytest.fixture(scope="module")
def stored() -> dict[str, np.ndarray]:
    resource = resources.files("course").joinpath(SAMPLE_FILE)
    with resource.open("rb") as file, np.load(file, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def test_the_file_holds_plain_numbers(stored):
    for key, value in stored.items():
        expected = np.int64 if key.endswith("/sizes") else np.float64
        assert value.dtype == expected, f"{key} has dtype {value.dtype}"


def test_the_file_equals_a_fresh_build(stored):
    fresh = build_samples(REFERENCE)
    assert sorted(stored) == sorted(fresh), REBUILD
    for key, value in fresh.items():
        # Inputs are drawn bit for bit; outputs may differ in the last bits on another BLAS.
        np.testing.assert_allclose(stored[key], value, rtol=1e-12, atol=1e-14, err_msg=REBUILD)


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_the_reference_reproduces_each_sample(name):
    sig = SIGNATURES[name]
    sample = load_sample(sig)
    assert sample.sizes == SAMPLE_SIZES
    result = call(REFERENCE[name], sig, sample.values)
    outputs = result if sig.is_backward else dict(zip(sig.returns, result, strict=True))
    assert sample.expected.keys() == {k for k in sig.returns if k not in ("cache", "caches")}
    for key, expected in sample.expected.items():
        np.testing.assert_allclose(outputs[key], expected, rtol=1e-12, atol=1e-14, err_msg=key)


@pytest.mark.parametrize("name", GRADED_FUNCTIONS)
def test_each_load_gives_fresh_arrays(name, stored):
    sig = SIGNATURES[name]
    first = decode_sample(sig, stored)
    for value in first.expected.values():
        value += 1.0
    again = decode_sample(sig, stored)
    assert all(
        np.array_equal(stored[f"{name}/{key}"], value) for key, value in again.expected.items()
    )
