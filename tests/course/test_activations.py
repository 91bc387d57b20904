"""course.activations: stable at extreme inputs, and equal to the textbook formulas."""

from __future__ import annotations

import numpy as np
import pytest

from course.activations import sigmoid, softmax


@pytest.fixture(autouse=True)
def floating_point_errors_raise():
    """Overflow, division by zero and invalid operations raise instead of warning.

    Underflow stays silent: exp(-1000) rounding to 0 is the right answer, not a problem.
    """
    with np.errstate(all="raise", under="ignore"):
        yield


@pytest.fixture
def z() -> np.ndarray:
    """Moderate pre-activations of shape (n_y, m) = (4, 6)."""
    return np.random.default_rng(0).normal(scale=3.0, size=(4, 6))


def test_sigmoid_is_exact_at_the_extremes():
    out = sigmoid(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
    assert np.all(np.isfinite(out))
    assert out[0] == 0.0 and out[2] == 0.5 and out[4] == 1.0
    assert 0.0 < out[1] < 1e-17 and out[3] == 1.0


def test_sigmoid_matches_the_formula(z):
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14, atol=0)


def test_sigmoid_is_symmetric(z):
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "transform",
    [lambda z: z, lambda z: 1000 * z, lambda z: z + 1000, lambda z: z - 1000],
    ids=["z", "1000*z", "z+1000", "z-1000"],
)
def test_softmax_columns_are_probabilities(z, transform):
    out = softmax(transform(z))
    assert out.shape == z.shape
    assert np.all(np.isfinite(out)) and np.all(out >= 0)
    np.testing.assert_allclose(out.sum(axis=0), 1.0, rtol=0, atol=1e-15)


def test_softmax_matches_the_formula(z):
    naive = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)
    np.testing.assert_allclose(softmax(z), naive, rtol=1e-13, atol=0)


def test_softmax_ignores_a_shift_of_each_column(z):
    np.testing.assert_allclose(softmax(z + 1000), softmax(z), rtol=1e-12, atol=1e-15)


def test_softmax_of_large_inputs_picks_each_columns_maximum(z):
    out = softmax(1000 * z)
    np.testing.assert_array_equal(out.argmax(axis=0), z.argmax(axis=0))
    assert np.all(out.max(axis=0) > 1 - 1e-10)


def test_softmax_normalizes_over_axis_0_not_axis_1(z):
    out = softmax(z)
    assert not np.allclose(out.sum(axis=1), 1.0)
