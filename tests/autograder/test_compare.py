"""Comparing a student's arrays with the reference's: exact copies pass at once, and the
tolerance, shapes and non-finite numbers are judged as before."""

import numpy as np
import pytest

from autograder.compare import DEFAULT_TOLERANCE, compare

ATOL, RTOL = DEFAULT_TOLERANCE
EXPECTED = np.array([[0.5, -1.25, 3.0], [1e-3, 0.0, -7.5]])


def _with(index: tuple[int, int], value: float) -> np.ndarray:
    changed = EXPECTED.copy()
    changed[index] = value
    return changed


@pytest.mark.parametrize(
    "actual",
    [
        EXPECTED.copy(),  # the same bytes
        _with((1, 1), -0.0),  # equal, but not the same bytes
        EXPECTED + 0.5 * ATOL,  # within the tolerance
    ],
    ids=["same bytes", "minus zero", "within tolerance"],
)
def test_equal_values_pass(actual):
    assert compare(EXPECTED, actual, "a_next") == []


@pytest.mark.parametrize(
    ("actual", "kind"),
    [
        (_with((0, 2), 3.0 + 1e-3), "values"),
        (_with((1, 0), np.nan), "not finite"),
        (_with((1, 0), np.inf), "not finite"),
        (EXPECTED.T.copy(), "shape"),
    ],
    ids=["one wrong value", "nan", "inf", "transposed"],
)
def test_different_values_fail_and_say_how(actual, kind):
    (mismatch,) = compare(EXPECTED, actual, "a_next")
    assert mismatch.kind == kind
    assert mismatch.path == "a_next"


def test_the_largest_error_is_reported_where_it_is():
    (mismatch,) = compare(EXPECTED, _with((0, 1), -1.0), "yt_pred")
    assert mismatch.error == pytest.approx(0.25)
    assert "at index [0, 1]" in mismatch.detail


def test_the_same_nan_in_both_counts_as_equal():
    expected = _with((0, 0), np.nan)
    assert compare(expected, expected.copy(), "a") == []


def test_integers_equal_to_the_expected_floats_pass():
    expected = np.array([[1.0, 2.0], [3.0, -4.0]])
    assert compare(expected, expected.astype(np.int64), "y") == []
