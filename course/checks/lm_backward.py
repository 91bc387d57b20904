"""Public checks of the gradients of the loss: lm_loss_backward (the output layer) and
lm_gradients (the whole model, through the recurrent network).

Both are compared with central differences of the student's own loss (course.gradcheck):
lm_loss_backward with slopes of their lm_loss, lm_gradients with slopes of the loss their
lm_gradients returns. The inputs keep tanh responsive (pre-activations of order 1).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from course.activations import softmax
from course.checks.expect import (
    IDENTITY_ATOL,
    CheckFailure,
    expect,
    expect_leaves_inputs,
    expect_tuple,
    expect_unchanged,
    max_abs_difference,
    same_values,
)
from course.checks.lm_cases import (
    LSTM_KEYS,
    OUTPUT_KEYS,
    PUBLIC_SIZES,
    RNN_KEYS,
    LMSizes,
    batch_inputs,
    loss_inputs,
)
from course.checks.lm_expect import expect_dict, expect_scalar, quietly
from course.checks.lm_samples import expect_matches, load_sample
from course.checks.report import Check, run_checks
from course.gradcheck import directional_check, gradcheck

# Largest relative error (course.gradcheck, element by element) a correct gradient may show
# against central differences of the student's own loss, on the public cases. The
# reference's largest errors are 1.2e-8 (lm_loss_backward: round-off of the loss, about
# 1e-16 / eps, on an entry of da of 8.5e-4) and 6e-9 (lm_gradients, RNN and LSTM); they are
# measured in tests/course/test_language_model_checks.py. Mistakes give 1e-2 or more.
LOSS_THRESHOLD = 1e-6
NETWORK_THRESHOLD = 1e-6


def _sizes(values: Mapping[str, Any]) -> LMSizes:
    """The sizes of a case, from its hidden states a or its parameters and X."""
    V, n_a = values["parameters"]["Wya"].shape
    m, T_x = values["Y"].shape
    return LMSizes.of(V, n_a, m, T_x)


# lm_loss_backward


def _backward_inputs(seed: int = 11) -> dict[str, Any]:
    """The public case of lm_loss and, for the property checks, predictions y_hat: any
    probability vectors will do (the gradient check uses the student's own lm_loss)."""
    values = loss_inputs()
    scores = np.random.default_rng(seed).standard_normal(PUBLIC_SIZES.shape("y_hat"))
    values["y_hat"] = softmax(scores)
    return values


def _loss_gradients(lm_loss_backward: Callable, values: Mapping[str, Any]) -> dict[str, Any]:
    """The gradients dict of lm_loss_backward on `values`, keys and shapes checked."""
    result = lm_loss_backward(
        values["y_hat"], values["a"], values["Y"], values["mask"], values["parameters"]
    )
    return expect_dict("the gradients dict", result, ("da", "dWya", "dby"), _sizes(values))


def _expect_padding_ignored(lm_loss_backward: Callable) -> None:
    values = _backward_inputs()
    da = _loss_gradients(lm_loss_backward, values)["da"]
    padding = values["mask"] == 0
    gap = float(np.max(np.abs(da[:, padding])))
    if gap > IDENTITY_ATOL:
        i, t = (int(k) for k in np.argwhere(padding)[0])
        raise CheckFailure(
            f"da is not 0 at the padding (mask = 0), e.g. da[:, {i}, {t}] has entries up to "
            f"{gap:.1e}: padded targets are not in the loss, so the gradient of every (i, t) "
            "must be multiplied by mask[i, t]"
        )


def _expect_bias_sums_to_zero(lm_loss_backward: Callable) -> None:
    dby = _loss_gradients(lm_loss_backward, _backward_inputs())["dby"]
    total = float(np.sum(dby))
    expect(
        abs(total) <= IDENTITY_ATOL,
        f"the entries of dby should sum to 0 (each y_hat<t> - one-hot(Y<t>) sums to 1 - 1 = "
        f"0), but they sum to {total:.6g}: is 1 subtracted from y_hat at the target "
        "character Y[i, t] of every (i, t)?",
    )


def _expect_uniform_bias(lm_loss_backward: Callable) -> None:
    values = _backward_inputs()
    V = PUBLIC_SIZES.V
    values["y_hat"] = np.full(PUBLIC_SIZES.shape("y_hat"), 1.0 / V)
    dby = _loss_gradients(lm_loss_backward, values)["dby"][:, 0]
    Y, mask = values["Y"], values["mask"]
    N, m = float(np.sum(mask)), Y.shape[0]
    real = np.bincount(Y[mask == 1], minlength=V)
    expected = 1.0 / V - real / N
    if max_abs_difference(dby, expected) <= IDENTITY_ATOL:
        return
    wrong = {
        f"the gradient is not divided by N = sum(mask) = {N:.0f}, the number of real targets "
        "the loss averages over": expected * N,
        f"it is divided by m = {m} (names), not by N = sum(mask) = {N:.0f} (real targets)": (
            expected * N / m
        ),
        "the padding counts: multiply the gradient of each (i, t) by mask[i, t]": (
            mask.size / V - np.bincount(Y.ravel(), minlength=V)
        )
        / N,
        "1 is not subtracted from y_hat at the targets Y[i, t]": np.full(V, 1.0 / V),
    }
    why = next((w for w, value in wrong.items() if np.allclose(dby, value, atol=1e-12)), None)
    raise CheckFailure(
        f"with y_hat = 1/V everywhere, dby[v] should be 1/V minus the share of the N = "
        f"{N:.0f} real targets that are v, {np.round(expected, 6)}, got {np.round(dby, 6)}"
        + (f": it looks like {why}" if why else "")
    )


def _call_lm_loss(lm_loss: Callable, *arguments: Any) -> tuple[float, np.ndarray]:
    """(loss, y_hat) of the student's lm_loss, for the gradient check."""
    try:
        result = lm_loss(*arguments)
    except NotImplementedError:
        raise CheckFailure(
            "your lm_loss is not implemented yet: this check compares your gradients with "
            "slopes of your lm_loss; write lm_loss first (check_lm_loss)"
        ) from None
    loss, y_hat = expect_tuple("lm_loss", result, ("loss", "y_hat"))
    return expect_scalar("the loss of your lm_loss", loss), y_hat


def _expect_loss_slopes(lm_loss_backward: Callable, lm_loss: Callable) -> str:
    values = loss_inputs()
    Y, mask = values["Y"], values["mask"]
    values["y_hat"] = _call_lm_loss(lm_loss, values["a"], Y, mask, values["parameters"])[1]
    gradients = _loss_gradients(lm_loss_backward, values)
    inputs = {"a": values["a"], **values["parameters"]}

    def loss(a: np.ndarray, Wya: np.ndarray, by: np.ndarray) -> np.ndarray:
        return np.array(_call_lm_loss(lm_loss, a, Y, mask, {"Wya": Wya, "by": by})[0])

    analytic = {name: gradients[f"d{name}"] for name in inputs}
    report = gradcheck(loss, inputs, np.array(1.0), analytic, threshold=LOSS_THRESHOLD)
    if not report.passed():
        failed = ", ".join(f"{row.name} ({row.error:.1e})" for row in report.failed())
        raise CheckFailure(
            f"these gradients do not match the slopes of your own lm_loss: {failed}, relative "
            f"error above {LOSS_THRESHOLD:g} (if check_lm_loss fails, fix lm_loss first)\n"
            f"element by element:\n{report}"
        )
    return f"max rel. error {report.max_error:.1e}"


def _expect_backward_sample(lm_loss_backward: Callable) -> None:
    sample = load_sample("lm_loss_backward")
    expect_matches(_loss_gradients(lm_loss_backward, sample["inputs"]), sample["outputs"])


def _expect_backward_inputs_unchanged(lm_loss_backward: Callable) -> None:
    values = _backward_inputs()
    kept = copy.deepcopy(values)
    _loss_gradients(lm_loss_backward, values)
    expect(
        same_values(values["y_hat"], kept["y_hat"]),
        "lm_loss_backward changed its argument y_hat in place (lm_loss returned it, and the "
        "caller may still need it): subtract 1 at the targets in a copy of y_hat",
    )
    expect_unchanged("lm_loss_backward", kept, values)


def check_lm_loss_backward(lm_loss_backward: Callable, lm_loss: Callable) -> None:
    """Check lm_loss_backward(y_hat, a, Y, mask, parameters) -> {"da", "dWya", "dby"},
    also against numerical slopes of your lm_loss."""
    f = lm_loss_backward
    run_checks(
        "lm_loss_backward",
        [
            Check(
                "returns a dict da (n_a, m, T_x), dWya (V, n_a), dby (V, 1)",
                quietly(lambda: _loss_gradients(f, _backward_inputs())),
                required=True,
            ),
            Check("no gradient at the padding (mask = 0)", lambda: _expect_padding_ignored(f)),
            Check("dby sums to 0 over the V characters", lambda: _expect_bias_sums_to_zero(f)),
            Check(
                "with y_hat = 1/V, dby is 1/V - the share of each character among the targets",
                lambda: _expect_uniform_bias(f),
            ),
            Check("leaves its inputs unchanged", lambda: _expect_backward_inputs_unchanged(f)),
            Check(
                "gradients match numerical slopes of your lm_loss",
                lambda: _expect_loss_slopes(f, lm_loss),
            ),
            Check("matches the published sample output", lambda: _expect_backward_sample(f)),
        ],
    )


# lm_gradients


def _model_gradients(
    lm_gradients: Callable, values: Mapping[str, Any], keys: tuple[str, ...] = RNN_KEYS
) -> tuple[float, dict[str, Any]]:
    """(loss, gradients) of lm_gradients on `values`, the keys and shapes checked."""
    result = lm_gradients(values["X"], values["Y"], values["mask"], values["parameters"])
    loss, gradients = expect_tuple("lm_gradients", result, ("loss", "gradients"))
    try:
        expect_dict("the gradients dict", gradients, keys, _sizes(values))
    except CheckFailure as failure:
        if isinstance(gradients, dict) and any(key not in gradients for key in OUTPUT_KEYS):
            raise CheckFailure(
                f"{failure}: the gradients of the output layer (dWya, dby) come from "
                "lm_loss_backward, the network's backward pass gives the others"
            ) from None
        raise
    return expect_scalar("loss", loss), gradients


def _expect_zero_start(lm_gradients: Callable) -> None:
    values = batch_inputs()
    parameters = values["parameters"]
    for name in ("Wax", "ba", "by"):
        parameters[name][...] = 0.0
    loss = _model_gradients(lm_gradients, values)[0]
    V, N, m = PUBLIC_SIZES.V, float(np.sum(values["mask"])), values["mask"].shape[0]
    if np.isclose(loss, np.log(V), rtol=1e-9, atol=IDENTITY_ATOL):
        return
    if any(np.isclose(loss, np.log(V) * k, rtol=1e-9) for k in (N, N / m)):
        raise CheckFailure(
            f"the loss is {loss:.6f}, a multiple of log V = {np.log(V):.6f}: the loss is the "
            "mean over the real targets (run check_lm_loss)"
        )
    raise CheckFailure(
        f"with Wax = 0, ba = 0 and by = 0 every a<t> stays 0 if a<0> = 0, so every y_hat is "
        f"1/V and the loss is log V = {np.log(V):.6f}; got {loss:.6f}: is the initial hidden "
        "state a<0> zeros of shape (n_a, m)?"
    )


def _report_failure(report: Any, what: str) -> CheckFailure:
    failed = ", ".join(f"{row.name} ({row.error:.1e})" for row in report.failed())
    return CheckFailure(
        f"these gradients do not match the slopes of {what}: {failed}, relative error above "
        f"{NETWORK_THRESHOLD:g}\nelement by element:\n{report}"
    )


def _expect_network_slopes(lm_gradients: Callable) -> str:
    values = batch_inputs()
    X, Y, mask = values["X"], values["Y"], values["mask"]
    gradients = _model_gradients(lm_gradients, values)[1]

    def loss(**parameters: np.ndarray) -> np.ndarray:
        return np.array(expect_scalar("loss", lm_gradients(X, Y, mask, parameters)[0]))

    analytic = {key[1:]: gradients[key] for key in RNN_KEYS}
    report = gradcheck(
        loss, values["parameters"], np.array(1.0), analytic, threshold=NETWORK_THRESHOLD
    )
    if not report.passed():
        raise _report_failure(report, "the loss your lm_gradients returns")
    return f"max rel. error {report.max_error:.1e}"


def _expect_lstm_slopes(lm_gradients: Callable) -> str:
    values = batch_inputs("lstm")
    X, Y, mask, parameters = values["X"], values["Y"], values["mask"], values["parameters"]
    gradients = _model_gradients(lm_gradients, values, LSTM_KEYS)[1]
    rng = np.random.default_rng(0)

    def loss() -> float:  # reads `parameters`, which directional_check nudges in place
        return expect_scalar("loss", lm_gradients(X, Y, mask, parameters)[0])

    errors = {}
    for key, array in parameters.items():
        direction = rng.standard_normal(array.shape)
        errors[f"d{key}"] = directional_check(loss, array, gradients[f"d{key}"], direction)
    worst = max(errors, key=lambda key: errors[key])
    failed = [f"{key} ({e:.1e})" for key, e in errors.items() if not e <= NETWORK_THRESHOLD]
    expect(
        not failed,
        f"along random directions, these LSTM gradients do not match the slopes of the loss "
        f"your lm_gradients returns: {', '.join(failed)}, relative error above 1e-06",
    )
    return f"max rel. error {errors[worst]:.1e}"


def _expect_gradients_sample(lm_gradients: Callable) -> None:
    sample = load_sample("lm_gradients")
    loss, gradients = _model_gradients(lm_gradients, sample["inputs"])
    expect_matches({"loss": loss, "gradients": gradients}, sample["outputs"])


def _expect_gradients_inputs_unchanged(lm_gradients: Callable) -> None:
    values = batch_inputs()
    expect_leaves_inputs("lm_gradients", values, lambda: _model_gradients(lm_gradients, values))


def check_lm_gradients(lm_gradients: Callable) -> None:
    """Check lm_gradients(X, Y, mask, parameters) -> (loss, gradients), for an RNN and an
    LSTM, against numerical slopes of the loss it returns."""
    f = lm_gradients
    run_checks(
        "lm_gradients",
        [
            Check(
                "returns loss and the gradients dWax, dWaa, dba, dWya, dby of an RNN",
                quietly(lambda: _model_gradients(f, batch_inputs())),
                required=True,
            ),
            Check(
                "returns the gradients dWf, ..., dbo, dWya, dby of an LSTM",
                quietly(lambda: _model_gradients(f, batch_inputs("lstm"), LSTM_KEYS)),
            ),
            Check("the hidden state starts at a<0> = 0", lambda: _expect_zero_start(f)),
            Check("leaves its inputs unchanged", lambda: _expect_gradients_inputs_unchanged(f)),
            Check(
                "RNN gradients match numerical slopes of your loss",
                lambda: _expect_network_slopes(f),
            ),
            Check(
                "LSTM gradients match numerical slopes of your loss", lambda: _expect_lstm_slopes(f)
            ),
            Check("matches the published sample output", lambda: _expect_gradients_sample(f)),
        ],
    )
