"""course.gradcheck: right gradients pass, wrong ones are named, inputs are left intact."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import course.gradcheck
from course.gradcheck import (
    directional_check,
    gradcheck,
    joint_directional_check,
    numerical_gradient,
    relative_error,
)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


@pytest.fixture
def matmul_case(rng):
    """out = W @ x with W (3, 4), x (4, 5), upstream (3, 5); dW = up x^T, dx = W^T up."""
    W, x, up = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((3, 5))
    return {"W": W, "x": x}, up, {"W": up @ x.T, "x": W.T @ up}


def test_the_module_docstring_example_runs():
    assert doctest.testmod(course.gradcheck).failed == 0


# relative_error


def test_relative_error_finds_the_worst_element():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[1.0, 2.0], [3.3, 4.0]])
    error, worst = relative_error(a, b)
    assert worst == (1, 0)
    assert error == pytest.approx(0.3 / 6.3)


def test_relative_error_floor_protects_entries_that_are_both_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == (0.0, (0,))
    assert relative_error(np.array([1e-12]), np.array([0.0]))[0] == pytest.approx(1e-4)


def test_relative_error_reports_nan():
    error, worst = relative_error(np.array([1.0, np.nan]), np.array([1.0, 1.0]))
    assert np.isnan(error) and worst == (1,)


def test_relative_error_rejects_different_shapes():
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.zeros((2, 3)), np.zeros((3, 2)))


# numerical_gradient


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.standard_normal((3, 4))
    gradient = numerical_gradient(lambda: float(np.sum(np.exp(x))), x)
    assert relative_error(gradient, np.exp(x))[0] < 1e-8


def test_numerical_gradient_leaves_x_unchanged_bit_for_bit(rng):
    x = rng.standard_normal((4, 5)) * 1e3 + 0.1  # values whose ± eps round
    before = x.tobytes()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert x.tobytes() == before


def test_numerical_gradient_restores_x_when_the_loss_raises(rng):
    x = rng.standard_normal(4)
    before = x.tobytes()
    calls = []

    def loss() -> float:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(np.sum(x))

    with pytest.raises(RuntimeError):
        numerical_gradient(loss, x)
    assert x.tobytes() == before


def test_numerical_gradient_needs_float64():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, np.arange(3))


# directional_check


def test_directional_check_small_for_the_right_gradient(rng, matmul_case):
    inputs, up, analytic = matmul_case
    W = inputs["W"].copy()
    before = W.tobytes()
    direction = rng.standard_normal(W.shape)
    error = directional_check(
        lambda: float(np.sum((W @ inputs["x"]) * up)), W, analytic["W"], direction
    )
    assert error < 1e-9
    assert W.tobytes() == before


def test_directional_check_large_for_a_wrong_gradient(rng, matmul_case):
    inputs, up, analytic = matmul_case
    W = inputs["W"].copy()
    direction = rng.standard_normal(W.shape)
    loss = lambda: float(np.sum((W @ inputs["x"]) * up))  # noqa: E731
    assert directional_check(loss, W, 1.1 * analytic["W"], direction) > 1e-2
    assert directional_check(loss, W, analytic["W"].T.reshape(W.shape), direction) > 1e-2


@pytest.mark.parametrize("wrong", [None, "W", "x"])
def test_joint_directional_check_moves_every_input_at_once(rng, matmul_case, wrong):
    inputs, up, analytic = matmul_case
    W, x = inputs["W"].copy(), inputs["x"].copy()
    before = (W.tobytes(), x.tobytes())
    loss = lambda: float(np.sum((W @ x) * up))  # noqa: E731
    gradients = [1.1 * analytic[k] if k == wrong else analytic[k] for k in ("W", "x")]
    directions = [rng.standard_normal(W.shape), rng.standard_normal(x.shape)]
    error = joint_directional_check(loss, [W, x], gradients, directions)
    assert (error > 1e-3) if wrong else (error < 1e-9)
    assert (W.tobytes(), x.tobytes()) == before


def test_joint_directional_check_of_one_input_is_directional_check(rng, matmul_case):
    inputs, up, analytic = matmul_case
    W = inputs["W"].copy()
    loss = lambda: float(np.sum((W @ inputs["x"]) * up))  # noqa: E731
    direction, wrong = rng.standard_normal(W.shape), 1.3 * analytic["W"]
    assert joint_directional_check(loss, [W], [wrong], [direction]) == directional_check(
        loss, W, wrong, direction
    )


# gradcheck


def test_gradcheck_passes_right_gradients(matmul_case):
    inputs, up, analytic = matmul_case
    report = gradcheck(lambda W, x: W @ x, inputs, up, analytic)
    assert report.passed(1e-7), str(report)
    assert [row.name for row in report.rows] == ["dW", "dx"]
    assert report.max_error < 1e-9


def test_gradcheck_names_the_wrong_gradient_and_its_worst_element(matmul_case):
    inputs, up, analytic = matmul_case
    wrong = {**analytic, "x": analytic["x"].copy()}
    wrong["x"][2, 3] += 0.5
    report = gradcheck(lambda W, x: W @ x, inputs, up, wrong)
    assert not report.passed(1e-7)
    assert [row.name for row in report.failed()] == ["dx"]
    (row,) = report.failed()
    assert row.worst == (2, 3)
    assert row.analytic == pytest.approx(analytic["x"][2, 3] + 0.5)
    assert row.numerical == pytest.approx(analytic["x"][2, 3])
    table = str(report)
    assert "dx" in table and "(2, 3)" in table and "NO" in table


def test_gradcheck_with_several_outputs(rng):
    x, y = rng.standard_normal((2, 3, 4))
    u1, u2 = rng.standard_normal((2, 3, 4))
    analytic = {"x": u1 * y + u2, "y": u1 * x + u2}
    report = gradcheck(lambda x, y: (x * y, x + y), {"x": x, "y": y}, (u1, u2), analytic)
    assert report.passed(1e-8), str(report)
    dropped = {"x": u1 * y, "y": u1 * x}  # forgets the second output's gradient
    assert not gradcheck(lambda x, y: (x * y, x + y), {"x": x, "y": y}, (u1, u2), dropped).passed()


def test_gradcheck_checks_only_the_named_inputs_and_leaves_all_inputs_intact(matmul_case):
    inputs, up, analytic = matmul_case
    before = {name: value.tobytes() for name, value in inputs.items()}
    report = gradcheck(lambda W, x: W @ x, inputs, up, {"x": analytic["x"]})
    assert [row.name for row in report.rows] == ["dx"]
    assert {name: value.tobytes() for name, value in inputs.items()} == before


@pytest.mark.parametrize(
    ("analytic", "upstream_shape", "error", "message"),
    [
        ({"z": np.zeros((4, 5))}, (3, 5), KeyError, "not among the inputs"),
        ({"x": np.zeros((5, 4))}, (3, 5), ValueError, "has shape"),
        ({"x": np.zeros((4, 5))}, (5, 3), ValueError, "upstream"),
    ],
    ids=["unknown-input", "gradient-shape", "upstream-shape"],
)
def test_gradcheck_explains_bad_arguments(matmul_case, analytic, upstream_shape, error, message):
    inputs, _, _ = matmul_case
    with pytest.raises(error, match=message):
        gradcheck(lambda W, x: W @ x, inputs, np.zeros(upstream_shape), analytic)


def test_directional_check_small_along_a_direction_almost_orthogonal_to_the_gradient(
    rng, matmul_case
):
    """<g, v> is then tiny, and the central difference's own error must not count as
    large next to it (a correct backward function once failed the grader this way)."""
    inputs, up, analytic = matmul_case
    W = inputs["W"].copy()
    loss = lambda: float(np.sum((W @ inputs["x"]) * up))  # noqa: E731
    g = analytic["W"]
    direction = rng.standard_normal(W.shape)
    direction -= np.sum(direction * g) / np.sum(g * g) * g  # orthogonal to g...
    direction += 1e-6 * g / np.linalg.norm(g)  # ...but for a hair
    assert directional_check(loss, W, g, direction) < 1e-7
    assert directional_check(loss, W, 1.5 * g, rng.standard_normal(W.shape)) > 1e-2
