"""Numerically stable activations used by the RNN and LSTM cells.

Columns are examples throughout the course: an array of shape (n, m) holds m examples.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid 1 / (1 + exp(-z)), elementwise, without overflow.

    z: any shape. Returns an array of the same shape with values in [0, 1].
    """
    z = np.asarray(z, dtype=float)
    # exp(-|z|) never overflows; the two branches are the same function rearranged.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over axis 0: each column (one example) becomes a probability vector.

    z: (n_y, m). Returns (n_y, m) with non-negative columns that sum to 1.
    Subtracting each column's maximum first leaves the result unchanged and keeps
    exp from overflowing for inputs like 1000 * z or z + 1000.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
