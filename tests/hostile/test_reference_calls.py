"""A submission must not be able to make the grader itself use much memory.

While rnn_forward is graded, its calls to rnn_cell_forward are answered by the grader,
which runs the reference on whatever arrays the student's code sends: column and row
vectors of 6000 numbers (a 100 kB message) make `Wax @ xt` an outer product of 6000 x
6000, 288 MB, several times over, in the grading process, outside every sandbox limit.
At 40000 it would be 12.8 GB per product. The grader must refuse such calls (they do
not match the case's sizes) or make them within limits.
"""

from __future__ import annotations

from pathlib import Path

from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release
from autograder.grading import Grader, grade_parsed
from autograder.notebook import parse_notebook
from autograder.reference import course_reference
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits

REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)

ALLOWED_GROWTH_MB = 200
ORACLE_BOMB = """import numpy as np

def rnn_forward(x, a0, parameters):
    n = 6000
    column, row = np.ones((n, 1)), np.ones((1, n))
    weights = {"Wax": column, "Waa": column, "ba": column, "Wya": row, "by": np.ones((1, 1))}
    rnn_cell_forward(row, row, weights)  # served by the grader's reference
    raise RuntimeError("the grader computed a 6000 x 6000 outer product for me")
"""


def status_kb(field: str) -> int:
    """A memory figure of this process, from /proc/self/status, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def test_calls_to_the_reference_cannot_exhaust_the_grader():
    grader = Grader(
        REFERENCE,
        b"reference calls",
        limits=Limits(seconds_per_function=2.0, load_seconds=2.0),
        isolation=Isolation.detect(),
    )
    assert grader.isolation.sandboxed
    release = read_release(CourseLayout(REPO).release_notebook())
    code = {**correct_code(REFERENCE), "rnn_forward": ORACLE_BOMB}
    notebook = parse_notebook(fill_solution_cells(release, code))
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak resident size
    before = status_kb("VmRSS")
    result = grade_parsed(grader, "oracle-bomb", notebook)
    grown = (status_kb("VmHWM") - before) / 1024
    assert result["functions"]["rnn_forward"]["score"] == 0
    assert grown < ALLOWED_GROWTH_MB, (
        f"the grading process grew by {grown:.0f} MB computing the reference on arrays the "
        "submission chose"
    )
