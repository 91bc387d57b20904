"""A submission must not be able to make the grader itself use much memory.

While rnn_forward is graded, its calls to rnn_cell_forward are answered by the grader,
which runs the reference on whatever arrays the student's code sends. Three ways to make
that reference build a huge array in the grading process, outside every sandbox limit:
column and row vectors of 6000 numbers (`Wax @ xt` becomes a 6000 x 6000 outer product),
8-dimensional arrays that broadcast to 10^8 elements, and nested lists (numpy turns them
into arrays of any size). The grader must refuse every one of them, saying which argument
has the wrong shape, and grow by no more than a few megabytes doing so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release
from autograder.grading import Grader, grade_parsed
from autograder.notebook import parse_notebook
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits
from tests.assignments import ASSIGNMENT, GRADED_FUNCTIONS, RNN, course_reference

REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)

ALLOWED_GROWTH_MB = 64
ATTACKS = {
    "outer-product": """
    n = 6000
    column, row = np.ones((n, 1)), np.ones((1, n))
    weights = {"Wax": column, "Waa": column, "ba": column, "Wya": row, "by": np.ones((1, 1))}
    rnn_cell_forward(row, row, weights)
""",
    "broadcasting": """
    def axis(i, k=10):
        shape = [1] * 8
        shape[i] = k
        return np.ones(shape)
    weights = {"Wax": axis(0), "Waa": axis(1), "ba": axis(2), "Wya": axis(3), "by": axis(4)}
    rnn_cell_forward(axis(5), axis(6), weights)
""",
    "nested-lists": """
    row = [[1.0] * 3000]
    column = [[1.0]] * 3000
    weights = {"Wax": column, "Waa": column, "ba": column, "Wya": row, "by": [[1.0]]}
    rnn_cell_forward(row, row, weights)
""",
}


def status_kb(field: str) -> int:
    """A memory figure of this process, from /proc/self/status, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


@pytest.fixture(scope="module")
def grader() -> Grader:
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    limits = Limits(seconds_per_function=2.0, load_seconds=2.0)
    return Grader(RNN, REFERENCE, b"reference calls", limits=limits, isolation=isolation)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_calls_to_the_reference_cannot_exhaust_the_grader(attack: str, grader: Grader):
    release = read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))
    hostile = (
        "import numpy as np\n\ndef rnn_forward(x, a0, parameters):"
        + ATTACKS[attack]
        + '    raise RuntimeError("the grader computed a huge array for me")\n'
    )
    code = {**correct_code(REFERENCE), "rnn_forward": hostile}
    notebook = parse_notebook(fill_solution_cells(release, code))
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak resident size
    before = status_kb("VmRSS")
    result = grade_parsed(grader, f"oracle-{attack}", notebook)
    grown = (status_kb("VmHWM") - before) / 1024
    graded = result["functions"]["rnn_forward"]
    messages = " ".join(c["message"] for c in graded["checks"])
    assert graded["score"] == 0
    assert "could not run on the arguments" in messages and "argument " in messages, messages
    assert grown < ALLOWED_GROWTH_MB, (
        f"the grading process grew by {grown:.0f} MB computing the reference on arrays the "
        "submission chose"
    )
    others = [f for f in GRADED_FUNCTIONS if f != "rnn_forward"]
    assert all(
        result["functions"][f]["score"] == result["functions"][f]["max_score"] for f in others
    )
