"""The inputs of assignment 2's public checks (the character-level language model), and
the sizes their messages are written in.

Notation: V characters (the end token "\\n" is index 0), n_a hidden units, m names in a
batch, T_x time steps (1 + the longest name). X, Y, mask: (m, T_x); the hidden states
a: (n_a, m, T_x); the predictions y_hat: (V, m, T_x); the output layer Wya (V, n_a),
by (V, 1). Every builder is seeded and returns fresh arrays, so a function that changes
its inputs harms no other check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course.notation import Sizes, init_lstm_parameters, init_rnn_parameters

_GATES = "fico"
LM_SHAPES: dict[str, tuple[str, ...]] = {
    "X": ("m", "T_x"),
    "Y": ("m", "T_x"),
    "mask": ("m", "T_x"),
    "a": ("n_a", "m", "T_x"),
    "y_hat": ("V", "m", "T_x"),
    "Wax": ("n_a", "V"),
    "Waa": ("n_a", "n_a"),
    "ba": ("n_a", "1"),
    "Wya": ("V", "n_a"),
    "by": ("V", "1"),
    **{f"W{gate}": ("n_a", "n_a + V") for gate in _GATES},
    **{f"b{gate}": ("n_a", "1") for gate in _GATES},
}

# The gradient keys of lm_gradients: "d" + each parameter of an RNN or LSTM language model.
RNN_PARAMETERS = ("Wax", "Waa", "ba", "Wya", "by")
OUTPUT_KEYS = ("dWya", "dby")
RNN_KEYS = tuple(f"d{name}" for name in RNN_PARAMETERS)
LSTM_KEYS = (*(f"d{w}{gate}" for gate in _GATES for w in "Wb"), *OUTPUT_KEYS)


@dataclass(frozen=True)
class LMSizes(Sizes):
    """Sizes of the language model: V characters in and out (n_x = n_y = V), n_a, m, T_x.

    Shapes are described with the symbols of LM_SHAPES ("dWya" -> "(V, n_a) = (5, 3)"),
    so the course's expectations (course.checks.expect) speak of V, not n_x or n_y.
    """

    @classmethod
    def of(cls, V: int, n_a: int, m: int = 1, T_x: int = 1) -> LMSizes:
        return cls(n_x=V, n_a=n_a, n_y=V, m=m, T_x=T_x)

    @property
    def V(self) -> int:
        return self.n_x

    @staticmethod
    def symbols(name: str) -> tuple[str, ...]:
        """The shape of `name` in symbols; a gradient "dX" has the shape of "X"."""
        key = name if name in LM_SHAPES else name[1:]
        return LM_SHAPES[key]

    def shape(self, name: str) -> tuple[int, ...]:
        return tuple(self._size(symbol) for symbol in self.symbols(name))

    def describe(self, name: str) -> str:
        return f"({', '.join(self.symbols(name))}) = {self.shape(name)}"


# The property checks: sizes all differ, so a transposed axis shows up as a wrong shape.
# Names of 3, 1 and 2 characters give N = 4 + 2 + 3 = 9 real targets, m = 3 names and
# m * T_x = 12 positions: a loss divided by the wrong count is off by a visible factor.
PUBLIC_SIZES = LMSizes.of(V=5, n_a=3, m=3, T_x=4)
PUBLIC_LENGTHS = (3, 1, 2)
PUBLIC_SEED = 3


def encoded_batch(
    lengths: Sequence[int], V: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, Y, mask (each (m, T_x), T_x = 1 + max(lengths)) of m random names of the given
    lengths, characters drawn from 1..V-1, laid out as encode_names lays out names."""
    longest = max(lengths)
    steps = np.arange(longest + 1)
    length = np.array(lengths)[:, np.newaxis]
    characters = rng.integers(1, V, size=(len(lengths), longest + 1))
    Y = np.where(steps < length, characters, 0)  # then the end token, then padding
    X = np.concatenate([np.zeros_like(Y[:, :1]), Y[:, :-1]], axis=1)
    mask = (steps <= length).astype(np.float64)
    return X, Y, mask


def lm_parameters(cell: str, V: int, n_a: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Responsive random parameters of a language model: an RNN's ("Wax" (n_a, V), "Waa",
    "ba") or an LSTM's ("Wf" (n_a, n_a + V), "bf", ...), and "Wya" (V, n_a), "by" (V, 1).

    Scaled as course.notation scales them (pre-activations of order 1), so the outputs and
    gradients react to mistakes; the notebook's init_parameters starts with a tiny Wya.
    """
    if cell == "rnn":
        return init_rnn_parameters(V, n_a, V, rng)
    parameters = init_lstm_parameters(V, n_a, V, rng)
    parameters["Wya"] = parameters.pop("Wy")
    return parameters


def loss_inputs(
    sizes: LMSizes = PUBLIC_SIZES, lengths: Sequence[int] = PUBLIC_LENGTHS, seed: int = PUBLIC_SEED
) -> dict[str, Any]:
    """The arguments of lm_loss by name: a (n_a, m, T_x) inside (-1, 1) as tanh makes
    them, Y and mask of names of `lengths`, and the output layer {"Wya", "by"}."""
    generator = np.random.default_rng(seed)
    _, Y, mask = encoded_batch(lengths, sizes.V, generator)
    a = np.tanh(generator.standard_normal(sizes.shape("a")))
    parameters = {
        "Wya": generator.standard_normal(sizes.shape("Wya")),
        "by": 0.5 * generator.standard_normal(sizes.shape("by")),
    }
    return {"a": a, "Y": Y, "mask": mask, "parameters": parameters}


def batch_inputs(
    cell: str = "rnn",
    sizes: LMSizes = PUBLIC_SIZES,
    lengths: Sequence[int] = PUBLIC_LENGTHS,
    seed: int = PUBLIC_SEED,
) -> dict[str, Any]:
    """The arguments of lm_gradients by name: X, Y, mask of names of `lengths` and the
    responsive parameters of an RNN or LSTM language model."""
    generator = np.random.default_rng(seed)
    X, Y, mask = encoded_batch(lengths, sizes.V, generator)
    return {
        "X": X,
        "Y": Y,
        "mask": mask,
        "parameters": lm_parameters(cell, sizes.V, sizes.n_a, generator),
    }


def gradient_dict(sizes: LMSizes, scale: float, seed: int) -> dict[str, np.ndarray]:
    """Gradients of an RNN language model's parameters ("dWax", ..., "dby"), N(0, scale²)."""
    generator = np.random.default_rng(seed)
    return {
        f"d{name}": scale * generator.standard_normal(sizes.shape(name)) for name in RNN_PARAMETERS
    }


def global_norm(arrays: Mapping[str, np.ndarray]) -> float:
    """The norm of all arrays together, as one long vector."""
    return float(np.linalg.norm(np.concatenate([np.ravel(v) for v in arrays.values()])))
