"""A scratch course directory and `rnn-autograde grade` run on it as a subprocess."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from autograder.course_layout import CourseLayout
from autograder.demo_class import fill_solution_cells, read_release, write_submission
from tests.assignments import ASSIGNMENT, NOTEBOOK

REPO = CourseLayout.discover(Path(__file__).parent).root
RUN_TIMEOUT = 300  # seconds: a hung grader fails the test instead of hanging it
DAMAGED = '{"cells": [{"cell_type": "code", "sou'


def make_course(
    root: Path,
    secret: str,
    students: dict[str, dict[str, str] | None],
    gradebook: Path | None = None,
) -> Path:
    """source/, nbgrader_config.py, the secret, one submission per student (solution
    cells; None: a damaged notebook) and a copy of `gradebook` if given."""
    layout = CourseLayout(REPO)
    shutil.copytree(layout.source_notebook(ASSIGNMENT).parent, root / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / ".course_secret").write_text(secret + "\n")
    if gradebook is not None:
        shutil.copy(gradebook, root / "gradebook.db")
    release = read_release(layout.release_notebook(ASSIGNMENT))
    for student, code in students.items():
        if code is None:
            folder = root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / NOTEBOOK).write_text(DAMAGED)
        else:
            notebook = fill_solution_cells(release, code)
            write_submission(root / "submitted", student, ASSIGNMENT, NOTEBOOK, notebook)
    return root


def start_grader(course: Path, jobs: int = 2) -> subprocess.Popen:
    """`python -m autograder --course COURSE grade ASSIGNMENT`, in its own process group."""
    env = {k: v for k, v in os.environ.items() if k != "RNN_COURSE_SECRET"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    argv = [sys.executable, "-m", "autograder", "--course", str(course)]
    argv += ["grade", ASSIGNMENT, "--jobs", str(jobs), "--no-progress"]
    return subprocess.Popen(
        argv,
        cwd=course,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: killed as a whole, pool included
    )


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the grader's process group (the command and its pool) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def finish(process: subprocess.Popen) -> tuple[int, str]:
    try:
        output, _ = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_group(process)
        return -1, "the grader did not finish in time"
    return process.returncode, output[-3000:]


def run_grader(course: Path, jobs: int = 2) -> float:
    """Run the grader to the end (it must succeed); return how long it took."""
    start = time.monotonic()
    code, output = finish(start_grader(course, jobs))
    assert code == 0, output
    return time.monotonic() - start


def kill_after(course: Path, delay: float) -> int | None:
    """Start the grader and SIGKILL its process group after `delay` s; its exit code if
    it finished first."""
    process = start_grader(course)
    try:
        process.communicate(timeout=delay)
        return process.returncode
    except subprocess.TimeoutExpired:
        kill_group(process)
        return None
