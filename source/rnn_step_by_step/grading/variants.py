"""Correct implementations of assignment 1 written differently from the reference, as
patches on it.

Each variant must give the reference's outputs up to round-off (see
tests/autograder/test_correct_variants.py), so the grader's tolerances must accept them.
The patches are applied with `autograder.diagnose.patched_source`, like the mistakes.
"""

from __future__ import annotations

from autograder.assignment import Variant


def _v(function: str, slug: str, find: str, replace: str) -> Variant:
    return Variant(f"{function}/{slug}", function, find, replace)


VARIANTS: tuple[Variant, ...] = (
    # rnn_cell_forward
    _v(
        "rnn_cell_forward",
        "np-dot",
        "Wax @ xt + Waa @ a_prev + ba",
        "np.dot(Wax, xt) + np.dot(Waa, a_prev) + ba",
    ),
    _v(
        "rnn_cell_forward",
        "tanh-from-exp",
        "a_next = np.tanh(Wax @ xt + Waa @ a_prev + ba)",
        "z = Wax @ xt + Waa @ a_prev + ba\n"
        "    a_next = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))",
    ),
    _v(
        "rnn_cell_forward",
        "stacked-weights",
        "np.tanh(Wax @ xt + Waa @ a_prev + ba)",
        "np.tanh(np.hstack((Wax, Waa)) @ np.vstack((xt, a_prev)) + ba)",
    ),
    # rnn_forward
    _v(
        "rnn_forward",
        "while-loop",
        "for t in range(T_x):",
        "t = -1\n    while t < T_x - 1:\n        t += 1",
    ),
    _v("rnn_forward", "ellipsis-slice", "x[:, :, t]", "x[..., t]"),
    _v("rnn_forward", "copy-a0", "a_next = a0", "a_next = a0.copy()"),
    # rnn_cell_backward
    _v(
        "rnn_cell_backward",
        "tanh-recomputed",
        "dtanh = (1 - a_next ** 2) * da_next",
        'dtanh = da_next * (1 - np.tanh(Wax @ xt + Waa @ a_prev + parameters["ba"]) ** 2)',
    ),
    _v(
        "rnn_cell_backward",
        "einsum",
        "dWax = dtanh @ xt.T",
        'dWax = np.einsum("am,xm->ax", dtanh, xt)',
    ),
    _v(
        "rnn_cell_backward",
        "loop-over-examples",
        "dWaa = dtanh @ a_prev.T",
        "dWaa = sum(np.outer(dtanh[:, i], a_prev[:, i]) for i in range(dtanh.shape[1]))",
    ),
    _v(
        "rnn_cell_backward",
        "sum-reshape",
        "np.sum(dtanh, axis=1, keepdims=True)",
        "dtanh.sum(axis=1).reshape(-1, 1)",
    ),
    _v("rnn_cell_backward", "matmul", "dxt = Wax.T @ dtanh", "dxt = np.matmul(Wax.T, dtanh)"),
    # rnn_backward
    _v(
        "rnn_backward",
        "while-loop",
        "for t in reversed(range(T_x)):",
        "t = T_x\n    while t > 0:\n        t -= 1",
    ),
    _v(
        "rnn_backward",
        "copy-then-add-in-place",
        "gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
        "da_next = da[:, :, t].copy()\n"
        "        da_next += da_prevt\n"
        "        gradients = rnn_cell_backward(da_next, caches[t])",
    ),
    _v(
        "rnn_backward",
        "add-not-in-place",
        'dWax += gradients["dWax"]',
        'dWax = dWax + gradients["dWax"]',
    ),
    _v("rnn_backward", "range-step", "reversed(range(T_x))", "range(T_x - 1, -1, -1)"),
    # lstm_cell_forward
    _v(
        "lstm_cell_forward",
        "vstack",
        "np.concatenate((a_prev, xt), axis=0)",
        "np.vstack((a_prev, xt))",
    ),
    _v(
        "lstm_cell_forward",
        "split-weights",
        "ft = sigmoid(Wf @ concat + bf)",
        "n_a = a_prev.shape[0]\n    ft = sigmoid(Wf[:, :n_a] @ a_prev + Wf[:, n_a:] @ xt + bf)",
    ),
    _v(
        "lstm_cell_forward",
        "sigmoid-from-exp",
        "ot = sigmoid(Wo @ concat + bo)",
        "ot = 1 / (1 + np.exp(-(Wo @ concat + bo)))",
    ),
    _v(
        "lstm_cell_forward",
        "matmul",
        "sigmoid(Wi @ concat + bi)",
        "sigmoid(np.matmul(Wi, concat) + bi)",
    ),
    # lstm_forward
    _v("lstm_forward", "zeros-like", "c_next = np.zeros((n_a, m))", "c_next = np.zeros_like(a0)"),
    _v(
        "lstm_forward",
        "while-loop",
        "for t in range(T_x):",
        "t = -1\n    while t < T_x - 1:\n        t += 1",
    ),
    _v(
        "lstm_forward",
        "stack-from-caches",
        "caches = (caches, x)",
        "a = np.stack([cache[0] for cache in caches], axis=2)\n"
        "    c = np.stack([cache[1] for cache in caches], axis=2)\n"
        "    caches = (caches, x)",
    ),
    # lstm_cell_backward
    _v(
        "lstm_cell_backward",
        "da_prev-from-slices",
        "da_prev = dconcat[:n_a, :]",
        "da_prev = (Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit"
        " + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot)",
    ),
    _v(
        "lstm_cell_backward",
        "dxt-from-slices",
        "dxt = dconcat[n_a:, :]",
        "dxt = (Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit"
        " + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot)",
    ),
    _v(
        "lstm_cell_backward",
        "einsum",
        "dWf = dft @ concat.T",
        'dWf = np.einsum("am,km->ak", dft, concat)',
    ),
    _v(
        "lstm_cell_backward",
        "expanded-dcct",
        "dcct = dc * it * (1 - cct ** 2)",
        "dcct = (dc_next * it + ot * (1 - np.tanh(c_next) ** 2) * it * da_next) * (1 - cct ** 2)",
    ),
    _v(
        "lstm_cell_backward",
        "bias-sum-of-columns",
        "dbo = np.sum(dot, axis=1, keepdims=True)",
        "dbo = sum(dot[:, [i]] for i in range(m))",
    ),
    _v(
        "lstm_cell_backward",
        "vstack",
        "concat = np.concatenate((a_prev, xt), axis=0)",
        "concat = np.vstack((a_prev, xt))",
    ),
    # lstm_backward
    _v(
        "lstm_backward",
        "copy-then-add-in-place",
        "gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
        "da_next = da[:, :, t].copy()\n"
        "        da_next += da_prevt\n"
        "        gradients = lstm_cell_backward(da_next, dc_prevt, caches[t])",
    ),
    _v(
        "lstm_backward",
        "zeros-like",
        "dWf = np.zeros((n_a, n_a + n_x))",
        'dWf = np.zeros_like(parameters["Wf"])',
    ),
    _v(
        "lstm_backward",
        "T_x-from-caches",
        "n_a, m, T_x = da.shape",
        "n_a, m = da.shape[:2]\n    T_x = len(caches)",
    ),
    _v("lstm_backward", "range-step", "reversed(range(T_x))", "range(T_x - 1, -1, -1)"),
)
