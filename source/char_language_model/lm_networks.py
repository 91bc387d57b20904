"""The recurrent networks of the language model: assignment 1's RNN and LSTM, ready to use.

The language model reads a batch of names as one-hot vectors, x: (V, m, T_x), runs a
recurrent network over them to get the hidden states a: (n_a, m, T_x), and predicts the
next character from each a<t> with its own output layer, W_ya (V, n_a) and b_y (V, 1).
This module hides which network it is: every function works out from the parameter keys
whether it holds an RNN (Wax, Waa, ba) or an LSTM (Wf, bf, Wi, bi, Wc, bc, Wo, bo), and
the output layer is called "Wya", "by" in both.

Nothing here is graded: it is the plumbing around the exercises of the notebook.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from rnn_step_by_step_solutions import (
    lstm_backward,
    lstm_cell_forward,
    lstm_forward,
    rnn_backward,
    rnn_cell_forward,
    rnn_forward,
)

from course.notation import init_lstm_parameters, init_rnn_parameters

RNN_KEYS = ("Wax", "Waa", "ba")
LSTM_KEYS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
OUTPUT_KEYS = ("Wya", "by")


def cell_of(parameters: dict) -> str:
    """"rnn" or "lstm", from the keys of `parameters`."""
    if all(key in parameters for key in RNN_KEYS):
        return "rnn"
    if all(key in parameters for key in LSTM_KEYS):
        return "lstm"
    raise KeyError(f"neither RNN nor LSTM parameters: {sorted(parameters)}")


def _for_lstm(parameters: dict) -> dict:
    # Assignment 1's LSTM calls its output weights "Wy".
    return {**parameters, "Wy": parameters["Wya"]}


def init_parameters(cell: str, n_a: int, V: int, rng: np.random.Generator) -> dict:
    """Random parameters of a language model over V characters with n_a units.

    cell: "rnn" (Wax (n_a, V), Waa (n_a, n_a), ba (n_a, 1)) or "lstm" (Wf, Wi, Wc, Wo
    (n_a, n_a + V) and their biases (n_a, 1)); both get Wya (V, n_a) and by (V, 1).
    Recurrent weights are scaled to keep tanh and the gates responsive, biases start at
    0 (the LSTM's forget gate at 1, so that it remembers by default), and the output
    layer is tiny: every character starts out almost equally likely, 1 / V.
    """
    if cell == "rnn":
        parameters = init_rnn_parameters(V, n_a, V, rng)
    elif cell == "lstm":
        parameters = init_lstm_parameters(V, n_a, V, rng)
        parameters["Wya"] = parameters.pop("Wy")
    else:
        raise ValueError(f'cell must be "rnn" or "lstm", got {cell!r}')
    for key in parameters:
        if key.startswith("b"):
            parameters[key] = np.zeros_like(parameters[key])
    if cell == "lstm":
        parameters["bf"] += 1.0
    parameters["Wya"] *= 0.01
    return parameters


def one_hot(X: np.ndarray, V: int) -> np.ndarray:
    """One-hot vectors of the indices X: (m, T_x) -> x: (V, m, T_x), x[X[i, t], i, t] = 1."""
    m, T_x = X.shape
    x = np.zeros((V, m, T_x))
    x[X, np.arange(m)[:, None], np.arange(T_x)] = 1.0
    return x


def network_forward(x: np.ndarray, a0: np.ndarray, parameters: dict) -> tuple:
    """Hidden states of the network over a batch: x (V, m, T_x), a0 (n_a, m) ->
    a (n_a, m, T_x) and the caches `network_backward` needs."""
    if cell_of(parameters) == "rnn":
        a, _, caches = rnn_forward(x, a0, parameters)
    else:
        a, _, _, caches = lstm_forward(x, a0, _for_lstm(parameters))
    return a, caches


def network_backward(da: np.ndarray, caches: tuple) -> dict:
    """Gradients of the recurrent parameters ("dWax", ... or "dWf", ...) from
    da: (n_a, m, T_x), the gradient of the loss with respect to every hidden state."""
    rnn = len(caches[0][0]) == 4  # an RNN cell's cache: (a_next, a_prev, xt, parameters)
    gradients = rnn_backward(da, caches) if rnn else lstm_backward(da, caches)
    return {key: value for key, value in gradients.items() if key not in ("dx", "da0")}


def initial_state(parameters: dict, m: int) -> tuple:
    """The state before the first character: zeros, (a,) for an RNN, (a, c) for an LSTM."""
    n_a = parameters["Wya"].shape[1]
    if cell_of(parameters) == "rnn":
        return (np.zeros((n_a, m)),)
    return (np.zeros((n_a, m)), np.zeros((n_a, m)))


def network_step(xt: np.ndarray, state: tuple, parameters: dict) -> tuple:
    """One step: xt (V, m) and the state -> (a_next (n_a, m), the next state)."""
    if cell_of(parameters) == "rnn":
        a_next, _, _ = rnn_cell_forward(xt, state[0], parameters)
        return a_next, (a_next,)
    a_next, c_next, _, _ = lstm_cell_forward(xt, state[0], state[1], _for_lstm(parameters))
    return a_next, (a_next, c_next)


def batches(names: Sequence[str], batch_size: int, seed: int) -> Iterator[list[str]]:
    """Endless batches of `batch_size` names: each epoch visits every name once, in an
    order shuffled by `seed` (the same seed gives the same batches)."""
    if not 0 < batch_size <= len(names):
        raise ValueError(f"batch_size must be in 1..{len(names)}, got {batch_size}")
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(names))
        for start in range(0, len(order) - batch_size + 1, batch_size):
            yield [names[i] for i in order[start : start + batch_size]]


def decode(indices: Sequence[int], ix_to_char: Sequence[str]) -> str:
    """The text of sampled indices, without the end token."""
    return "".join(ix_to_char[ix] for ix in indices if ix != 0)
