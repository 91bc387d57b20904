"""The whole hostile catalogue and three honest students, graded in ONE batch (2 jobs).

Each hostile submission must earn nothing it did not earn honestly and get a message
that says why; the honest students must get exactly what they get in a batch of their
own; the batch must finish, within a bound derived from the limits; and nothing of the
course (solutions, secret, gradebook, other submissions), of the read-only mounts or of
the machine (network, /tmp) may be touched or reached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from autograder.batch import find_submissions, grade_class
from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release, write_submission
from autograder.grading import Grader
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.worker_cgroup import WorkerCgroup, find_layout
from tests.assignments import (
    ASSIGNMENT,
    GRADED_FUNCTIONS,
    MISTAKES,
    NOTEBOOK,
    RNN,
    course_reference,
    mistaken_code,
)
from tests.hostile.catalogue import CATALOGUE, Hostile, outcome_problems

# Short time limits keep the batch quick; a correct function needs ~10 ms per case.
LIMITS = Limits(seconds_per_function=2.0, load_seconds=2.0)
JOBS = 2
LOAD_GRACE = 5.0  # what the session adds to load_seconds for the interpreter's start
PER_STUDENT_ALLOWANCE = 3.0  # seconds of plain grading per student, generously
SLACK = 20.0

REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)
HONEST_MISTAKE = next(m for m in MISTAKES if m.function == "rnn_backward")
HONEST = {
    "aa_honest_correct": correct_code(REFERENCE),
    "mm_honest_one_mistake": mistaken_code(REFERENCE, [HONEST_MISTAKE.id]),
    "zz_honest_incomplete": correct_code(REFERENCE, GRADED_FUNCTIONS[:4]),
}


def worker_budget_mb() -> int:
    """The memory one worker may hold in all, as README states it for this machine."""
    cgroup = WorkerCgroup(LIMITS, find_layout())
    with_cgroups = bool(cgroup.paths)
    cgroup.remove()
    memory = LIMITS.memory_bytes if with_cgroups else LIMITS.fallback_budget()[0]
    return memory // 2**20


def hostile_student(case: Hostile) -> str:
    return f"h_{case.id}"


def snapshot(root: Path) -> dict[str, str]:
    """Every file under `root` (relative path -> sha256), and every folder."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[key] = "<dir>"
    return found


def make_course(root: Path) -> Path:
    """A course directory: the solution notebook, a secret, a gradebook, no submissions."""
    layout = CourseLayout(REPO)
    shutil.copytree(layout.source_notebook(ASSIGNMENT).parent, root / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / ".course_secret").write_text(f"hostile-test-secret-{uuid.uuid4().hex}\n")
    with contextlib.closing(sqlite3.connect(root / "gradebook.db")) as db:
        db.execute("CREATE TABLE grade (id TEXT PRIMARY KEY, manual_score REAL)")
        db.execute("INSERT INTO grade VALUES ('test_rnn_forward', NULL)")
        db.commit()
    return root


class Listeners:
    """A TCP port on 127.0.0.1 and an abstract unix socket, both waiting for visitors."""

    def __init__(self) -> None:
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(8)
        self.port = self.tcp.getsockname()[1]
        self.abstract = f"rnn-hostile-{uuid.uuid4().hex}"
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind("\0" + self.abstract)
        self.unix.listen(8)
        for s in (self.tcp, self.unix):
            s.setblocking(False)

    def visitors(self) -> list[str]:
        seen = []
        for name, s in (("tcp", self.tcp), ("abstract unix", self.unix)):
            with contextlib.suppress(BlockingIOError):
                connection, _ = s.accept()
                connection.close()
                seen.append(name)
        return seen

    def close(self) -> None:
        self.tcp.close()
        self.unix.close()


def host_fill_files() -> list[str]:
    """Files the disk-filling case would leave in the grader's own folders."""
    folders = {tempfile.gettempdir(), "/tmp", os.getcwd(), os.path.expanduser("~")}
    return sorted(str(p) for f in folders for p in Path(f).glob("hostile-fill-*"))


@pytest.fixture(scope="module")
def grader() -> Grader:
    isolation = Isolation.detect()
    assert isolation.sandboxed, "these tests need bubblewrap (apt-get install bubblewrap)"
    secret = b"hostile batch: not the course's secret"
    return Grader(RNN, REFERENCE, secret, limits=LIMITS, isolation=isolation)


@pytest.fixture(scope="module")
def release() -> dict:
    return read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))


@pytest.fixture(scope="module")
def honest_alone(grader, release, tmp_path_factory) -> dict[str, dict]:
    """The honest students graded in a batch of their own."""
    submitted = tmp_path_factory.mktemp("honest_only") / "submitted"
    for student, code in HONEST.items():
        notebook = fill_solution_cells(release, code)
        write_submission(submitted, student, ASSIGNMENT, NOTEBOOK, notebook)
    submissions = find_submissions(submitted, ASSIGNMENT, NOTEBOOK)
    return grade_class(grader, submissions, jobs=JOBS, progress=False)


@pytest.fixture(scope="module")
def batch(grader, release, tmp_path_factory):
    """Grade the catalogue and the honest students together; record what was touched."""
    course = make_course(tmp_path_factory.mktemp("hostile") / "course")
    listeners = Listeners()
    # A file in a folder the sandbox mounts read-only (the interpreter's prefix); made
    # by root beforehand when an unprivileged user grades (test_as_unprivileged_user.py).
    canary = Path(
        os.environ.get("RNN_HOSTILE_CANARY")
        or Path(sys.base_prefix) / f".hostile-canary-{uuid.uuid4().hex}"
    )
    made_here = not canary.exists()
    if made_here:
        canary.write_text("canary\n")
    fill = {
        "COURSE": str(course),
        "REPO": str(REPO),
        "CANARY": str(canary),
        "PORT": str(listeners.port),
        "ABSTRACT": listeners.abstract,
        "BUDGET_MB": str(worker_budget_mb()),
    }
    submitted = course / "submitted"
    for student, code in HONEST.items():
        notebook = fill_solution_cells(release, code)
        write_submission(submitted, student, ASSIGNMENT, NOTEBOOK, notebook)
    for case in CATALOGUE:
        code = correct_code(REFERENCE)
        for function, cell in case.cells.items():
            code[function] = cell.render(function, REFERENCE.solutions[function], fill)
        notebook = fill_solution_cells(release, code)
        write_submission(submitted, hostile_student(case), ASSIGNMENT, NOTEBOOK, notebook)
    before = snapshot(course)
    secret = (course / ".course_secret").read_text().strip()
    fill_files_before = host_fill_files()
    try:
        start = time.monotonic()
        results = grade_class(
            grader, find_submissions(submitted, ASSIGNMENT, NOTEBOOK), jobs=JOBS, progress=False
        )
        elapsed = time.monotonic() - start
        yield {
            "results": results,
            "elapsed": elapsed,
            "course": course,
            "secret": secret,
            "untouched": before == snapshot(course),
            "changes": sorted(set(before.items()) ^ set(snapshot(course).items())),
            "canary": canary.read_text() if canary.exists() else None,
            "visitors": listeners.visitors(),
            "new_fill_files": sorted(set(host_fill_files()) - set(fill_files_before)),
        }
    finally:
        listeners.close()
        if made_here:
            canary.unlink(missing_ok=True)
        for leftover in set(host_fill_files()) - set(fill_files_before):
            Path(leftover).unlink(missing_ok=True)


# ---- each hostile case ----


def _messages(function_result: dict) -> str:
    return "\n".join(c["message"] for c in function_result["checks"] if not c["passed"])


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: c.id)
def test_hostile_case_earns_only_what_it_should(case: Hostile, batch):
    result = batch["results"][hostile_student(case)]
    assert list(result["functions"]) == list(GRADED_FUNCTIONS)
    problems = outcome_problems(result["functions"], case.expect)
    review = "\n".join(result["needs_review"]).lower()
    problems += [f"needs_review lacks {w!r}" for w in case.review if w.lower() not in review]
    assert problems == [], f"{case.id} ({case.attack}):\n" + "\n".join(problems)


def test_catalogue_is_big_and_documented():
    ids = [case.id for case in CATALOGUE]
    assert len(ids) == len(set(ids)) >= 28
    readme = (Path(__file__).parent / "README.md").read_text()
    assert [i for i in ids if f"`{i}`" not in readme] == []
    for case in CATALOGUE:
        assert set(case.cells) <= set(GRADED_FUNCTIONS) >= set(case.expect)


# ---- the batch as a whole ----


def test_batch_completes_with_every_student(batch):
    students = set(HONEST) | {hostile_student(case) for case in CATALOGUE}
    assert set(batch["results"]) == students


@pytest.mark.parametrize("student", sorted(HONEST))
def test_honest_student_unaffected_by_hostile_neighbours(student, batch, honest_alone):
    assert batch["results"][student] == honest_alone[student]


def test_honest_students_get_what_they_earned(honest_alone):
    points = REFERENCE.points
    correct = honest_alone["aa_honest_correct"]
    assert correct["score"] == correct["max_score"] == sum(points.values())
    assert correct["needs_review"] == []  # backpropagation passes the cost probe
    mistake = honest_alone["mm_honest_one_mistake"]
    assert mistake["score"] == sum(points.values()) - points[HONEST_MISTAKE.function]
    assert HONEST_MISTAKE.hint in _messages(mistake["functions"][HONEST_MISTAKE.function])
    incomplete = honest_alone["zz_honest_incomplete"]
    assert incomplete["score"] == sum(points[f] for f in GRADED_FUNCTIONS[:4])


def test_batch_finishes_within_the_limits(batch):
    timeouts = sum(case.timeouts for case in CATALOGUE)
    load_timeouts = sum(case.load_timeouts for case in CATALOGUE)
    students = len(CATALOGUE) + len(HONEST)
    waited = timeouts * LIMITS.seconds_per_function
    waited += load_timeouts * (LIMITS.load_seconds + LOAD_GRACE)
    bound = (waited + students * PER_STUDENT_ALLOWANCE) / JOBS + SLACK
    assert batch["elapsed"] <= bound, f"{batch['elapsed']:.0f} s > {bound:.0f} s"


def test_course_files_untouched(batch):
    assert batch["untouched"], f"changed: {batch['changes'][:10]}"


def test_read_only_mounts_untouched(batch):
    assert batch["canary"] == "canary\n"


def test_no_network_reached_the_grading_machine(batch):
    assert batch["visitors"] == []


def test_disk_filling_stays_in_the_sandbox(batch):
    assert batch["new_fill_files"] == []


def test_course_secret_never_leaks(batch):
    assert batch["secret"] not in json.dumps(batch["results"])


def test_environment_has_no_grading_hints(batch):
    """What the environment-probe case saw: no variable, value or folder hints at grading
    or at the course (behaving differently when graded must be impossible to arrange)."""
    result = batch["results"][hostile_student(next(c for c in CATALOGUE if "probe" in c.id))]
    messages = "\n".join(_messages(f) for f in result["functions"].values())
    found = re.search(r"PROBE(\{.*?\})PROBE", messages)
    assert found, messages[:500]
    probe = json.loads(found.group(1))
    hints = re.compile(r"nbgrader|grad|otter|secret|course|submitted|jupyter|rnn", re.IGNORECASE)
    assert [k for k in probe["env"] if hints.search(k)] == []
    paths = (str(batch["course"]), str(REPO))
    for key, value in probe["env"].items():
        assert not hints.search(value), (key, value)
        assert not any(p in value for p in paths), (key, value)
    assert not any(p in probe["cwd"] for p in paths) and not hints.search(probe["cwd"])
    assert [name for name in probe["listdir"] if hints.search(name)] == []


@pytest.mark.parametrize("case_id", ["infinite-loop", "kill-self", "unread-dependency-replies"])
def test_time_outs_crashes_and_sandbox_exits_are_review_reasons(case_id, batch):
    case = next(c for c in CATALOGUE if c.id == case_id)
    (function,) = case.expect
    review = batch["results"][hostile_student(case)]["needs_review"]
    assert any(reason.startswith(f"{function}: ") for reason in review), review
