"""`rnn-autograde grade` killed at random points, run again, and run twice at once.

A small class (6 students) is graded by the real command in a subprocess. Its outputs are
the results JSON, the class summary, one feedback page per student and the nbgrader
gradebook. Whatever moment the grader dies at, what is visible must be either absent or
complete (equal to what an uninterrupted run writes; gradebook students either fully
recorded or absent); a rerun must then give exactly the uninterrupted run's outputs.
Two graders started at once on one course must both finish, leaving the same outputs.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from pathlib import Path

import pytest

from autograder.demo_class import correct_code
from autograder.gradebook import _open_gradebook, course_id
from tests.assignments import (
    ASSIGNMENT,
    GRADED_FUNCTIONS,
    MISTAKES,
    course_reference,
    mistaken_code,
)
from tests.reliability.course_runs import (
    REPO,
    finish,
    kill_after,
    kill_group,
    make_course,
    run_grader,
    start_grader,
)

REFERENCE = course_reference(REPO)
SEED = 20261126


def students() -> dict[str, dict[str, str] | None]:
    """Student id -> solution cells (None: a damaged notebook)."""
    first_mistake = {}
    for mistake in MISTAKES:
        first_mistake.setdefault(mistake.function, mistake.id)
    return {
        "s1_correct": correct_code(REFERENCE),
        "s2_rnn_mistakes": mistaken_code(
            REFERENCE, [first_mistake["rnn_cell_forward"], first_mistake["rnn_backward"]]
        ),
        "s3_lstm_mistake": mistaken_code(REFERENCE, [first_mistake["lstm_cell_backward"]]),
        "s4_incomplete": correct_code(REFERENCE, GRADED_FUNCTIONS[:3]),
        "s5_stubs": {},
        "s6_damaged": None,
    }


# ---- what a run leaves behind ----


def files(course: Path) -> dict[str, str]:
    """Result files (results/, feedback/): relative path -> sha256; temporary files of
    atomic writes (hidden) are not results and are left out."""
    found = {}
    for folder in ("results", "feedback"):
        for path in sorted((course / folder).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found[str(path.relative_to(course))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def gradebook(course: Path, scratch: Path) -> dict[str, dict[str, float | None]] | None:
    """{student: {grade cell: auto_score}} as a new grader would read the gradebook (a copy
    is opened, so that a hot journal is rolled back there, not in the course); None if
    there is no gradebook."""
    db = course / "gradebook.db"
    if not db.exists():
        return None
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    for name in ("gradebook.db", "gradebook.db-journal", "gradebook.db-wal"):
        if (course / name).exists():
            shutil.copy(course / name, scratch / name)
    state = {}
    with _open_gradebook(f"sqlite:///{scratch / 'gradebook.db'}", course_id(course)) as gb:
        if ASSIGNMENT not in {a.name for a in gb.assignments}:
            return {}
        for submission in gb.assignment_submissions(ASSIGNMENT):
            state[submission.student_id] = {
                grade.name: grade.auto_score
                for notebook in submission.notebooks
                for grade in notebook.grades
            }
    return state


def outputs(course: Path, scratch: Path) -> dict:
    return {"files": files(course), "gradebook": gradebook(course, scratch)}


# ---- fixtures ----


@pytest.fixture(scope="module")
def secret() -> str:
    return f"reliability-{SEED}"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, secret, empty_gradebook):
    """One uninterrupted run on a fresh course: the reference outputs and its duration."""
    course = make_course(
        tmp_path_factory.mktemp("baseline") / "course", secret, students(), empty_gradebook
    )
    duration = run_grader(course)
    results = json.loads((course / "results" / f"{ASSIGNMENT}.json").read_text())
    return {
        "course": course,
        "duration": duration,
        "results": results,
        "outputs": outputs(course, tmp_path_factory.mktemp("gb")),
    }


def kill_plans() -> list[tuple[str, float | int]]:
    """Where to kill: seeded random points of a run, one in each third of its first 75%
    (grading, then writing results and feedback, then opening the gradebook), given as a
    fraction of the baseline's duration; then inside a seeded random write transaction
    of the gradebook (its k-th), which a delay alone rarely hits."""
    rng = random.Random(SEED)
    strata = [(0.05, 0.25), (0.25, 0.5), (0.5, 0.75)]
    plans: list[tuple[str, float | int]] = [
        (f"kill-at-{fraction:.0%}-of-a-run", fraction)
        for fraction in (rng.uniform(low, high) for low, high in strata)
    ]
    # 10 transactions make the assignment's structure, then one per student (6).
    transaction = rng.randint(12, 14)
    plans.append((f"kill-in-gradebook-transaction-{transaction}", transaction))
    return plans


def kill_in_transaction(course: Path, transaction: int) -> int | None:
    """Start the grader; SIGKILL it as soon as SQLite's rollback journal of the gradebook
    appears for the `transaction`-th time (a write transaction is open); its exit code
    if it finished first."""
    journal = course / "gradebook.db-journal"
    process = start_grader(course)
    seen, present = 0, False
    while process.poll() is None:
        now = journal.exists()
        if now and not present:
            seen += 1
            if seen == transaction:
                kill_group(process)
                return None
        present = now
        time.sleep(0.0002)
    process.communicate()
    return process.returncode


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory, baseline, secret, empty_gradebook):
    """Kill the grader at each planned point (each kill on what the previous one left),
    look at what is visible after each, then run it to the end."""
    course = make_course(
        tmp_path_factory.mktemp("interrupted") / "course", secret, students(), empty_gradebook
    )
    scratch = tmp_path_factory.mktemp("gb")
    after_kills = []
    for name, where in kill_plans():
        if isinstance(where, float):
            exit_code = kill_after(course, where * baseline["duration"])
        else:
            exit_code = kill_in_transaction(course, where)
        seen = outputs(course, scratch)
        after_kills.append((name, exit_code, seen))
        print(
            f"{name}: exit {exit_code}, {len(seen['files'])} files, "
            f"gradebook students {sorted(seen['gradebook'] or {})}"
        )
    run_grader(course)
    return {"after_kills": after_kills, "final": outputs(course, scratch), "course": course}


def _partial_problems(seen: dict, complete: dict) -> list[str]:
    problems = []
    for name, digest in seen["files"].items():
        if complete["files"].get(name) != digest:
            problems.append(f"{name} is visible but differs from a complete run's")
    book = seen["gradebook"]
    for student, grades in (book or {}).items():
        if grades != complete["gradebook"][student]:
            problems.append(f"gradebook: {student} is half-recorded: {grades}")
    return problems


@pytest.mark.parametrize("kill", range(len(kill_plans())), ids=[n for n, _ in kill_plans()])
def test_after_a_kill_only_complete_outputs_are_visible(kill, interrupted, baseline):
    _, exit_code, seen = interrupted["after_kills"][kill]
    assert _partial_problems(seen, baseline["outputs"]) == []
    if exit_code is not None:  # it finished before the kill: then everything is there
        assert exit_code == 0 and seen == baseline["outputs"]


def test_rerun_after_kills_equals_an_uninterrupted_run(interrupted, baseline):
    assert interrupted["final"] == baseline["outputs"]


def test_baseline_is_complete(baseline):
    results = baseline["results"]
    assert set(results["students"]) == set(students())
    feedback = [f for f in baseline["outputs"]["files"] if f.startswith("feedback/")]
    assert len(feedback) == len(students())
    assert set(baseline["outputs"]["gradebook"]) == set(students())
    for student, grades in baseline["outputs"]["gradebook"].items():
        scores = {
            f"test_{f}": r["score"] for f, r in results["students"][student]["functions"].items()
        }
        assert grades == scores
    for page in (baseline["course"] / "feedback").rglob("*.html"):
        assert page.read_text().endswith("</html>\n")


@pytest.fixture(scope="module")
def twice_at_once(baseline, tmp_path_factory):
    """Two more graders on the baseline's course, started together (one job each)."""
    course = baseline["course"]
    processes = [start_grader(course, jobs=1) for _ in range(2)]
    returns = [finish(process) for process in processes]
    return returns, outputs(course, tmp_path_factory.mktemp("gb"))


def test_two_graders_at_once_both_finish(twice_at_once):
    returns, _ = twice_at_once
    assert [code for code, _ in returns] == [0, 0], returns


def test_grading_again_changes_nothing_even_two_at_once(twice_at_once, baseline):
    """Results, feedback, class summary and gradebook are as after the first run."""
    _, seen = twice_at_once
    assert seen == baseline["outputs"]


def test_some_kill_lands_after_the_first_outputs(interrupted):
    """Otherwise the kills prove nothing about half-written outputs."""
    assert any(seen["files"] for _, _, seen in interrupted["after_kills"])
