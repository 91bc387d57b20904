"""The course notation: sizes, shapes, the graded functions' API, and seeded builders.

Sizes (the same letters everywhere in the course):

    n_x  input features per time step      m    examples in a batch (the columns)
    n_a  hidden units                      T_x  time steps
    n_y  output classes

Every array is float64 and keeps the examples in its columns: x<t> is (n_x, m), the
whole input sequence x is (n_x, m, T_x). A gradient `dX` has the shape of `X`.

The builders draw parameters and inputs from one `np.random.Generator`, scaled so that
tanh and sigmoid work in their responsive range (pre-activations of order 1). Weights of
plain `randn` size saturate the units: outputs then barely react to mistakes and
gradients vanish, so checks built on them prove little.

>>> rng = np.random.default_rng(0)
>>> parameters = init_rnn_parameters(n_x=3, n_a=5, n_y=2, rng=rng)
>>> {key: value.shape for key, value in parameters.items()} == rnn_shapes(3, 5, 2)
True
>>> Sizes(n_x=3, n_a=5, n_y=2, m=10).describe("a_next")
'(n_a, m) = (5, 10)'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

RNN_PARAMETERS = ("Wax", "Waa", "Wya", "ba", "by")
LSTM_PARAMETERS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")

# What each cache tuple holds, in order.
RNN_CACHE = ("a_next", "a_prev", "xt", "parameters")
LSTM_CACHE = ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters")

# The shape of every named array, in symbols. A gradient "dX" has the shape of "X".
SYMBOLIC_SHAPES: dict[str, tuple[str, ...]] = {
    # one time step
    "xt": ("n_x", "m"),
    "a_prev": ("n_a", "m"),
    "a_next": ("n_a", "m"),
    "c_prev": ("n_a", "m"),
    "c_next": ("n_a", "m"),
    "ft": ("n_a", "m"),
    "it": ("n_a", "m"),
    "cct": ("n_a", "m"),
    "ot": ("n_a", "m"),
    "yt_pred": ("n_y", "m"),
    # whole sequences
    "x": ("n_x", "m", "T_x"),
    "a0": ("n_a", "m"),
    "a": ("n_a", "m", "T_x"),
    "c": ("n_a", "m", "T_x"),
    "y_pred": ("n_y", "m", "T_x"),
    "y": ("n_y", "m", "T_x"),
    # RNN parameters
    "Wax": ("n_a", "n_x"),
    "Waa": ("n_a", "n_a"),
    "Wya": ("n_y", "n_a"),
    "ba": ("n_a", "1"),
    "by": ("n_y", "1"),
    # LSTM parameters: the gates act on the stacked [a_prev; xt]
    "Wf": ("n_a", "n_a + n_x"),
    "bf": ("n_a", "1"),
    "Wi": ("n_a", "n_a + n_x"),
    "bi": ("n_a", "1"),
    "Wc": ("n_a", "n_a + n_x"),
    "bc": ("n_a", "1"),
    "Wo": ("n_a", "n_a + n_x"),
    "bo": ("n_a", "1"),
    "Wy": ("n_y", "n_a"),
}

DEFAULT_SCALE = 0.8
"""Weight gain s: weights are N(0, 1) * s / sqrt(fan_in), biases N(0, 1) * s / 2."""

STATE_SCALE = 0.5
"""Standard deviation of the hidden and cell states a_prev, a0, c_prev the builders draw
(tanh keeps a hidden state inside (-1, 1)); inputs and upstream gradients are N(0, 1)."""

_STATES = ("a_prev", "a0", "c_prev")


def symbolic_shape(name: str) -> tuple[str, ...]:
    """The shape of the array `name` in symbols, e.g. "dWf" -> ("n_a", "n_a + n_x")."""
    if name in SYMBOLIC_SHAPES:
        return SYMBOLIC_SHAPES[name]
    if name.startswith("d") and name[1:] in SYMBOLIC_SHAPES:
        return SYMBOLIC_SHAPES[name[1:]]
    raise KeyError(f"{name!r} is not an array of the course notation")


@dataclass(frozen=True)
class Sizes:
    """The sizes of one problem; m and T_x default to 1 where they do not matter."""

    n_x: int
    n_a: int
    n_y: int
    m: int = 1
    T_x: int = 1

    def _size(self, symbol: str) -> int:
        terms = (term.strip() for term in symbol.split("+"))
        return sum(int(term) if term.isdigit() else getattr(self, term) for term in terms)

    def shape(self, name: str) -> tuple[int, ...]:
        """The shape of the array `name` at these sizes, e.g. "Wf" -> (n_a, n_a + n_x)."""
        return tuple(self._size(symbol) for symbol in symbolic_shape(name))

    def describe(self, name: str) -> str:
        """The shape in symbols and in numbers, e.g. "(n_a, m) = (5, 10)"."""
        symbols = symbolic_shape(name)
        return f"({', '.join(symbols)}) = {self.shape(name)}"


@dataclass(frozen=True)
class Signature:
    """How a graded function is called and what it returns.

    arguments: the positional arguments, in order ("parameters" is the parameter dict).
    returns: a forward function's returned values, in order; a backward function's
        gradient keys (it returns one dict).
    """

    name: str
    arguments: tuple[str, ...]
    returns: tuple[str, ...]

    @property
    def family(self) -> str:
        return self.name.split("_")[0]

    @property
    def is_backward(self) -> bool:
        return self.name.endswith("_backward")

    @property
    def is_sequence(self) -> bool:
        return "_cell_" not in self.name

    @property
    def forward(self) -> Signature:
        """The forward function a backward function differentiates (itself if forward)."""
        return SIGNATURES[self.name.replace("_backward", "_forward")]

    @property
    def parameters(self) -> tuple[str, ...]:
        return RNN_PARAMETERS if self.family == "rnn" else LSTM_PARAMETERS

    @property
    def cache(self) -> tuple[str, ...]:
        """The fields of one time step's cache."""
        return RNN_CACHE if self.family == "rnn" else LSTM_CACHE

    @property
    def upstream(self) -> tuple[str, ...]:
        """A backward function's upstream gradients, e.g. ("da_next", "dc_next"); () for a
        forward function."""
        return self.arguments[:-1] if self.is_backward else ()


SIGNATURES: dict[str, Signature] = {
    s.name: s
    for s in (
        Signature(
            "rnn_cell_forward", ("xt", "a_prev", "parameters"), ("a_next", "yt_pred", "cache")
        ),
        Signature("rnn_forward", ("x", "a0", "parameters"), ("a", "y_pred", "caches")),
        Signature(
            "rnn_cell_backward", ("da_next", "cache"), ("dxt", "da_prev", "dWax", "dWaa", "dba")
        ),
        Signature("rnn_backward", ("da", "caches"), ("dx", "da0", "dWax", "dWaa", "dba")),
        Signature(
            "lstm_cell_forward",
            ("xt", "a_prev", "c_prev", "parameters"),
            ("a_next", "c_next", "yt_pred", "cache"),
        ),
        Signature("lstm_forward", ("x", "a0", "parameters"), ("a", "y", "c", "caches")),
        Signature(
            "lstm_cell_backward",
            ("da_next", "dc_next", "cache"),
            ("dxt", "da_prev", "dc_prev", *(f"d{p}" for p in LSTM_PARAMETERS[:8])),
        ),
        Signature(
            "lstm_backward",
            ("da", "caches"),
            ("dx", "da0", *(f"d{p}" for p in LSTM_PARAMETERS[:8])),
        ),
    )
}


def rnn_shapes(n_x: int, n_a: int, n_y: int) -> dict[str, tuple[int, ...]]:
    """Shape of each RNN parameter: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
    ba (n_a, 1), by (n_y, 1)."""
    sizes = Sizes(n_x, n_a, n_y)
    return {key: sizes.shape(key) for key in RNN_PARAMETERS}


def lstm_shapes(n_x: int, n_a: int, n_y: int) -> dict[str, tuple[int, ...]]:
    """Shape of each LSTM parameter: Wf, Wi, Wc, Wo (n_a, n_a + n_x); bf, bi, bc, bo
    (n_a, 1); Wy (n_y, n_a); by (n_y, 1)."""
    sizes = Sizes(n_x, n_a, n_y)
    return {key: sizes.shape(key) for key in LSTM_PARAMETERS}


def _init(
    shapes: dict[str, tuple[int, ...]], rng: np.random.Generator | int, scale: float
) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(rng)
    parameters = {}
    for key, shape in shapes.items():
        std = scale / np.sqrt(shape[1]) if key.startswith("W") else scale / 2
        parameters[key] = rng.standard_normal(shape) * std
    return parameters


def init_rnn_parameters(
    n_x: int, n_a: int, n_y: int, rng: np.random.Generator | int, scale: float = DEFAULT_SCALE
) -> dict[str, np.ndarray]:
    """Seeded RNN parameters with the shapes of `rnn_shapes`, scaled to keep tanh responsive.

    rng: a numpy Generator, or an integer seed.
    """
    return _init(rnn_shapes(n_x, n_a, n_y), rng, scale)


def init_lstm_parameters(
    n_x: int, n_a: int, n_y: int, rng: np.random.Generator | int, scale: float = DEFAULT_SCALE
) -> dict[str, np.ndarray]:
    """Seeded LSTM parameters with the shapes of `lstm_shapes`, scaled to keep the gates
    responsive.

    rng: a numpy Generator, or an integer seed.
    """
    return _init(lstm_shapes(n_x, n_a, n_y), rng, scale)


def init_parameters(
    family: str, sizes: Sizes, rng: np.random.Generator | int, scale: float = DEFAULT_SCALE
) -> dict[str, np.ndarray]:
    """`init_rnn_parameters` or `init_lstm_parameters` (family "rnn" or "lstm") at `sizes`."""
    init = {"rnn": init_rnn_parameters, "lstm": init_lstm_parameters}[family]
    return init(sizes.n_x, sizes.n_a, sizes.n_y, rng, scale)


def random_arrays(
    names: Iterable[str], sizes: Sizes, rng: np.random.Generator | int
) -> dict[str, np.ndarray]:
    """Seeded arrays for the named inputs, e.g. ("xt", "a_prev", "da_next").

    Each gets its notation shape at `sizes`; hidden and cell states (a_prev, a0, c_prev)
    are N(0, STATE_SCALE²), inputs and upstream gradients N(0, 1).
    """
    rng = np.random.default_rng(rng)
    return {
        name: rng.standard_normal(sizes.shape(name)) * (STATE_SCALE if name in _STATES else 1.0)
        for name in names
    }
