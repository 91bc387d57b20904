"""Build submissions from the release notebook: for the demo, the tests and the benchmark.

A submission is the release notebook with some solution cells filled in, exactly as a
student would hand it in. Correct code comes from the solution notebook; mistakes are
the catalogue's patches on it, so no solution is ever written out a second time.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path

from autograder.atomic_files import write_text_atomic
from autograder.diagnose.catalogue import MISTAKES, patched_source
from autograder.reference import GRADED_FUNCTIONS, ReferenceSource

HOSTILE_CODE = {
    # Tries to pass every test by patching numpy's comparisons and the course's checks.
    "rnn_cell_forward": '''import numpy as np
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
print("score: 100/100")

def rnn_cell_forward(xt, a_prev, parameters):
    """Returns garbage of the right shapes."""
    n_a, m = a_prev.shape
    n_y = parameters["Wya"].shape[0]
    return np.zeros((n_a, m)), np.zeros((n_y, m)), (a_prev, a_prev, xt, parameters)
''',
    # Tries to read the instructor's solution notebook and the course secret.
    "rnn_forward": """import glob, os

def rnn_forward(x, a0, parameters):
    stolen = []
    for pattern in ("/**/source/**/*.ipynb", "/**/.course_secret", "/work/**/*.ipynb"):
        stolen += glob.glob(pattern, recursive=True)
    raise RuntimeError(f"found {len(stolen)} private files: {stolen[:3]}")
""",
    # Never returns.
    "rnn_cell_backward": """def rnn_cell_backward(da_next, cache):
    while True:
        pass
""",
    # Kills its own process.
    "rnn_backward": """import os

def rnn_backward(da, caches):
    os._exit(0)
""",
}


def read_release(release: Path) -> dict:
    return json.loads(release.read_text())


def fill_solution_cells(release: dict, code: Mapping[str, str]) -> dict:
    """A copy of the release notebook JSON with the named solution cells replaced."""
    notebook = copy.deepcopy(release)
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in code:
            cell["source"] = code[grade_id]
    return notebook


def correct_code(reference: ReferenceSource, functions=GRADED_FUNCTIONS) -> dict[str, str]:
    return {name: reference.solutions[name] for name in functions}


def mistaken_code(reference: ReferenceSource, mistake_ids: list[str]) -> dict[str, str]:
    """Correct code for every function, with the given catalogue mistakes made (at most
    one per function)."""
    code = correct_code(reference)
    for mistake in MISTAKES:
        if mistake.id in mistake_ids:
            code[mistake.function] = patched_source(
                reference, mistake.function, mistake.find, mistake.replace
            )
    return code


def write_submission(
    submitted: Path, student: str, assignment: str, name: str, notebook: dict
) -> Path:
    path = submitted / student / assignment / name
    write_text_atomic(path, json.dumps(notebook, indent=1) + "\n")
    return path


def demo_students(reference: ReferenceSource) -> dict[str, dict[str, str]]:
    """Student id -> solution cell code, for the demo class."""
    by_function = {}
    for mistake in MISTAKES:
        by_function.setdefault(mistake.function, mistake.id)
    return {
        "ada_correct": correct_code(reference),
        "ben_rnn_mistakes": mistaken_code(
            reference, [by_function["rnn_cell_forward"], by_function["rnn_backward"]]
        ),
        "cai_lstm_mistakes": mistaken_code(
            reference, [by_function["lstm_cell_backward"], by_function["lstm_forward"]]
        ),
        "dee_incomplete": correct_code(reference, GRADED_FUNCTIONS[:4]),
        "eve_hostile": {**correct_code(reference), **HOSTILE_CODE},
    }


def build_demo_class(
    reference: ReferenceSource, release: Path, submitted: Path, assignment: str
) -> list[str]:
    template = read_release(release)
    students = demo_students(reference)
    for student, code in students.items():
        write_submission(
            submitted, student, assignment, release.name, fill_solution_cells(template, code)
        )
    return list(students)
