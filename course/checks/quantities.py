"""Which quantity of each graded function of assignment 1 is computed from which, and
their names in the course notation: a public check that fails only because a quantity
it uses was found wrong above says "follows from Γ_f above" (see report.py)."""

from __future__ import annotations

from course.checks.report import Dependencies

LABELS = {
    "xt": "x⟨t⟩",
    "a_prev": "a⟨t−1⟩",
    "c_prev": "c⟨t−1⟩",
    "concat": "the stack [a⟨t−1⟩; x⟨t⟩]",
    "a_next": "a⟨t⟩ (a_next)",
    "c_next": "c⟨t⟩ (c_next)",
    "yt_pred": "ŷ⟨t⟩ (yt_pred)",
    "ft": "Γ_f (ft)",
    "it": "Γ_i (it)",
    "cct": "c̃⟨t⟩ (cct)",
    "ot": "Γ_o (ot)",
    "cache": "the cache",
    "a": "a (the hidden states)",
    "c": "c (the cell states)",
    "y": "y (the predictions)",
    "y_pred": "y_pred (the predictions)",
    "caches": "the caches",
}

DEPENDENCIES = {
    "rnn_cell_forward": Dependencies(
        {"yt_pred": ("a_next",), "cache": ("a_next",)},
        LABELS,
    ),
    "rnn_forward": Dependencies({"y_pred": ("a",), "caches": ("a",)}, LABELS),
    "lstm_cell_forward": Dependencies(
        {
            "ft": ("concat",),
            "it": ("concat",),
            "cct": ("concat",),
            "ot": ("concat",),
            "c_next": ("ft", "it", "cct"),
            "a_next": ("ot", "c_next"),
            "yt_pred": ("a_next",),
            "cache": ("ft", "it", "cct", "ot", "c_next", "a_next"),
        },
        LABELS,
    ),
    # Over a sequence, a<t> and c<t> each feed the next step of both.
    "lstm_forward": Dependencies(
        {"a": ("c",), "c": ("a",), "y": ("a",), "caches": ("a", "c")},
        LABELS,
    ),
}


def dependencies(function: str) -> Dependencies:
    """The dependencies of `function` (backward functions need none: each of their
    checks uses all the gradients)."""
    return DEPENDENCIES.get(function, Dependencies(labels=LABELS))
