"""The hostile catalogue against assignment 2, the language model, in ONE batch with
honest students of that assignment.

The catalogue's attacks are written on assignment 1's functions; here each is moved onto
a function of assignment 2 of the same kind (a forward pass, a backward pass, a loop...),
with the same hostile code and the same expected outcome. Left out: the attacks that
depend on assignment 1's own code (numerical differentiation of its backward passes, its
hidden input shapes). Everything else of test_hostile_batch.py holds here too: hostile
students earn nothing they did not earn honestly, honest ones get exactly their result
of a batch of their own, the course and the machine are untouched.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.batch import find_submissions, grade_class
from autograder.course_layout import CourseLayout
from autograder.demo_class import (
    correct_code,
    fill_solution_cells,
    mistaken_code,
    read_release,
    write_submission,
)
from autograder.grading import Grader
from autograder.reference import course_reference
from autograder.sandbox.isolation import Isolation
from tests.assignments import REPO
from tests.hostile.catalogue import CATALOGUE, Hostile, outcome_problems
from tests.hostile.test_hostile_batch import (
    JOBS,
    LIMITS,
    Listeners,
    host_fill_files,
    snapshot,
    worker_budget_mb,
)

ASSIGNMENT = "char_language_model"
PLUGIN = load_assignment(REPO, ASSIGNMENT)
REFERENCE = course_reference(REPO, ASSIGNMENT)
NOTEBOOK = CourseLayout(REPO).source_notebook(ASSIGNMENT).name
# Each function of assignment 1 -> a function of assignment 2 of the same kind.
MOVED_TO = {
    "rnn_cell_forward": "encode_names",
    "rnn_forward": "lm_loss",
    "rnn_cell_backward": "lm_loss_backward",
    "rnn_backward": "lm_gradients",
    "lstm_cell_forward": "clip_by_global_norm",
    "lstm_forward": "perplexity",
    "lstm_cell_backward": "update_parameters",
    "lstm_backward": "optimize",
}
LEFT_OUT = {
    # Numerical differentiation of assignment 1's backward passes (its own test module).
    "central-differences",
    "richardson-extrapolation",
    "complex-step",
    "gradcheck-helper-in-worker",
    # Shapes and calls specific to assignment 1's hidden inputs and dependencies.
    "wrong-shapes",
    "dependency-broadcast-bomb",
    "dependency-nested-lists",
    "unread-dependency-replies",
    "stopped-worker",
    # Cells that unpack assignment 1's outputs (`a, y_pred, caches = _honest(*args)`), or
    # rely on its order of grading, or on every output being an array for their garbage.
    "forged-dunder-objects",
    "nan-and-inf",
    "wrong-dtypes",
    "patch-wire-encoder",
    "forge-array-reference",
    "forge-container-bomb",
    "read-course-secret",
    "read-other-submissions",
}
CASES = [case for case in CATALOGUE if case.id not in LEFT_OUT]
HONEST_MISTAKE = "lm_loss_backward/no-minus-one"
HONEST = {
    "aa_honest_correct": correct_code(REFERENCE),
    "mm_honest_one_mistake": mistaken_code(REFERENCE, PLUGIN, [HONEST_MISTAKE]),
    "zz_honest_incomplete": correct_code(REFERENCE, PLUGIN.function_names[:4]),
}


def moved(case: Hostile) -> tuple[dict, dict]:
    """The case's cells and expected outcomes on assignment 2's functions."""
    return (
        {MOVED_TO[f]: cell for f, cell in case.cells.items()},
        {MOVED_TO[f]: outcome for f, outcome in case.expect.items()},
    )


def student(case: Hostile) -> str:
    return f"h_{case.id}"


def make_course(root: Path) -> Path:
    shutil.copytree(REPO / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / ".course_secret").write_text(f"hostile-test-secret-{uuid.uuid4().hex}\n")
    with contextlib.closing(sqlite3.connect(root / "gradebook.db")) as db:
        db.execute("CREATE TABLE grade (id TEXT PRIMARY KEY, manual_score REAL)")
        db.commit()
    return root


@pytest.fixture(scope="module")
def grader() -> Grader:
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    secret = b"hostile batch: not the course's secret"
    return Grader(PLUGIN, REFERENCE, secret, limits=LIMITS, isolation=isolation)


@pytest.fixture(scope="module")
def release() -> dict:
    return read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))


@pytest.fixture(scope="module")
def honest_alone(grader, release, tmp_path_factory) -> dict[str, dict]:
    submitted = tmp_path_factory.mktemp("lm_honest_only") / "submitted"
    for name, code in HONEST.items():
        write_submission(submitted, name, ASSIGNMENT, NOTEBOOK, fill_solution_cells(release, code))
    return grade_class(grader, find_submissions(submitted, ASSIGNMENT, NOTEBOOK), jobs=JOBS)


@pytest.fixture(scope="module")
def batch(grader, release, tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("lm_hostile") / "course")
    listeners = Listeners()
    fill = {
        "COURSE": str(course),
        "REPO": str(REPO),
        "CANARY": str(course / "no-canary-here"),
        "PORT": str(listeners.port),
        "ABSTRACT": listeners.abstract,
        "BUDGET_MB": str(worker_budget_mb()),
    }
    submitted = course / "submitted"
    for name, code in HONEST.items():
        write_submission(submitted, name, ASSIGNMENT, NOTEBOOK, fill_solution_cells(release, code))
    for case in CASES:
        code = correct_code(REFERENCE)
        for function, cell in moved(case)[0].items():
            code[function] = cell.render(function, REFERENCE.solutions[function], fill)
        notebook = fill_solution_cells(release, code)
        write_submission(submitted, student(case), ASSIGNMENT, NOTEBOOK, notebook)
    before = snapshot(course)
    fill_files_before = host_fill_files()
    try:
        results = grade_class(grader, find_submissions(submitted, ASSIGNMENT, NOTEBOOK), jobs=JOBS)
        yield {
            "results": results,
            "untouched": before == snapshot(course),
            "changes": sorted(set(before.items()) ^ set(snapshot(course).items())),
            "visitors": listeners.visitors(),
            "new_fill_files": sorted(set(host_fill_files()) - set(fill_files_before)),
        }
    finally:
        listeners.close()
        for leftover in set(host_fill_files()) - set(fill_files_before):
            Path(leftover).unlink(missing_ok=True)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_case_earns_only_what_it_should(case: Hostile, batch):
    result = batch["results"][student(case)]
    problems = outcome_problems(result["functions"], moved(case)[1])
    assert problems == [], f"{case.id} ({case.attack}):\n" + "\n".join(problems)


def test_every_function_of_assignment_1_is_moved():
    assert {f for case in CATALOGUE for f in case.cells} <= set(MOVED_TO)
    assert {case.id for case in CATALOGUE} >= LEFT_OUT
    assert len(CASES) >= 35


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_student_unaffected_by_hostile_neighbours(name, batch, honest_alone):
    assert batch["results"][name] == honest_alone[name]


def test_honest_students_get_what_they_earned(honest_alone):
    points = REFERENCE.points
    assert honest_alone["aa_honest_correct"]["score"] == sum(points.values())
    mistake = next(m for m in PLUGIN.mistakes if m.id == HONEST_MISTAKE)
    one_mistake = honest_alone["mm_honest_one_mistake"]
    assert one_mistake["score"] == sum(points.values()) - points[mistake.function]
    incomplete = honest_alone["zz_honest_incomplete"]
    assert incomplete["score"] == sum(points[f] for f in PLUGIN.function_names[:4])


def test_course_and_machine_untouched(batch):
    assert batch["untouched"], f"changed: {batch['changes'][:10]}"
    assert batch["visitors"] == []
    assert batch["new_fill_files"] == []
