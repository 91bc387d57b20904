"""Grader feedback names the entry of a cache that differs ("ot (cache[7])"), never a bare
index, through the sandbox, for a cell's cache and for a sequence's caches."""

from __future__ import annotations

import re

from autograder.demo_class import correct_code
from autograder.diagnose import patched_source


def _patched(reference, patches):
    code = correct_code(reference)
    for function, find, replace in patches:
        code[function] = patched_source(reference, function, find, replace)
    return code


def test_feedback_names_cache_entries(reference, grade_code):
    code = _patched(
        reference,
        [
            # Only the cache's output gate differs: the outputs are right.
            ("lstm_cell_forward", "cct, ot, xt, parameters)", "cct, 2 * ot, xt, parameters)"),
            ("rnn_forward", "x[:, :, t]", "x[:, :, t - 1]"),
        ],
    )
    functions = grade_code(code, student="cache-names")["functions"]
    messages = {
        name: "\n".join(c["message"] for c in functions[name]["checks"] if not c["passed"])
        for name in ("lstm_cell_forward", "rnn_forward")
    }
    assert "ot (cache[7])" in messages["lstm_cell_forward"], messages
    assert re.search(r"\w+ \(caches\[0\]\[\d+\]\[\d+\]\)", messages["rnn_forward"]), messages
    for text in messages.values():
        assert not re.search(r"(^|\n|: )caches?\[\d", text), text  # never a bare index
