"""How the grader judges the draws of `sample` (see autograder/stochastic.py).

For every draw, first its form: a list of indices in 0..V-1, the end token 0 only as the
last one, at most max_length of them, and ending with 0 unless there are max_length. Then
the probability the reference model gives each choice, given the prefix and the choices
before it: the model reads [0, *prefix, draw[0], ..., draw[t-1]] and its tempered softmax
softmax(z<t> / temperature) gives the probability of draw[t], and of the characters
ranked before it (most probable first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from autograder.assignment import Case


def _form_error(draw: object, V: int, max_length: int) -> str | None:
    """Why `draw` cannot be what `sample` returns, or None. Messages name no draw, so the
    same mistake reads the same on every draw (the diagnosis matches on them)."""
    if not isinstance(draw, list | tuple):
        return "sample should return a list of indices"
    if not all(isinstance(ix, int | float) and float(ix).is_integer() for ix in draw):
        return "sample should return a list of int indices"
    indices = [int(ix) for ix in draw]
    if any(not 0 <= ix < V for ix in indices):
        return f"sample returned an index outside 0..V-1 = 0..{V - 1}"
    if not indices:
        return "sample returned an empty list: it should sample at least one character"
    if len(indices) > max_length:
        return f"sample returned more than max_length = {max_length} indices"
    if 0 in indices[:-1]:
        return "sample went on after the end token 0: a name ends when 0 is sampled"
    if len(indices) < max_length and indices[-1] != 0:
        return (
            f"sample stopped after fewer than max_length = {max_length} characters without "
            "sampling the end token 0 (it should end the list)"
        )
    return None


def draw_probabilities(
    function: str, case: Case, draws: list, reference: Mapping[str, Callable]
) -> tuple[np.ndarray, np.ndarray] | str:
    """(below, probability): (draws, max_length), NaN past each draw's end; or why the
    draws cannot come from `sample` at all."""
    import lm_networks  # the assignment's supporting module, loaded with the reference

    parameters, _, temperature, max_length, prefix = case.args
    V, n_a = parameters["Wya"].shape
    for draw in draws:
        error = _form_error(draw, V, max_length)
        if error:
            return error
    count, start = len(draws), 1 + len(prefix)
    lengths = np.array([len(draw) for draw in draws])
    drawn = np.zeros((count, max_length), dtype=int)  # each draw, padded with 0
    for i, draw in enumerate(draws):
        drawn[i, : len(draw)] = [int(ix) for ix in draw]
    # The model reads END, the prefix, then each draw but its last choice.
    X = np.zeros((count, start + max_length - 1), dtype=int)
    X[:, 1:start] = prefix
    X[:, start:] = drawn[:, :-1]
    x = lm_networks.one_hot(X, V)
    a, _ = lm_networks.network_forward(x, np.zeros((n_a, count)), parameters)
    z = np.einsum("va,amt->vmt", parameters["Wya"], a[:, :, start - 1 :])
    z = (z + parameters["by"][:, :, np.newaxis]) / temperature
    p = np.exp(z - z.max(axis=0, keepdims=True))
    p /= p.sum(axis=0, keepdims=True)  # (V, draws, max_length)
    chosen = np.take_along_axis(p, drawn[np.newaxis], axis=0)[0]
    # Ranked before the choice: likelier, or as likely with a smaller index.
    index = np.arange(V)[:, np.newaxis, np.newaxis]
    before = (p > chosen) | ((p == chosen) & (index < drawn))
    below = np.sum(np.where(before, p, 0.0), axis=0)
    past_end = np.arange(max_length) >= lengths[:, np.newaxis]
    return np.where(past_end, np.nan, below), np.where(past_end, np.nan, chosen)
