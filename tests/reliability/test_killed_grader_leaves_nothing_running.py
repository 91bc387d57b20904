"""Killing the grader must not leave student code running.

The submission's function names its process (prctl PR_SET_NAME) with a marker, then
sleeps for an hour: it never reads from the grader again, so only the sandbox's own
plumbing can end it. The grader's process group is SIGKILLed while that function runs;
within a few seconds, no process with the marker may be left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from autograder.demo_class import correct_code
from tests.assignments import course_reference
from tests.reliability.course_runs import REPO, kill_group, make_course, start_grader

MARKER = f"rnnzz{os.getpid() % 100_000}"  # a process name is at most 15 characters
SLEEPER = f"""import ctypes, time

def rnn_cell_forward(xt, a_prev, parameters):
    ctypes.CDLL(None).prctl(15, b"{MARKER}", 0, 0, 0)  # PR_SET_NAME
    time.sleep(3600)
"""
GRACE = 5.0


def marked_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == MARKER:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "process-pool"])
def test_killing_the_grader_ends_the_student_code_it_was_running(jobs, tmp_path):
    code = {**correct_code(course_reference(REPO)), "rnn_cell_forward": SLEEPER}
    course = make_course(tmp_path / "course", "leftover test", {"sleeper": code})
    process = start_grader(course, jobs=jobs)
    leftover: list[int] = []
    try:
        started = wait_for(lambda: marked_processes() or process.poll() is not None, 60)
        assert started and marked_processes(), "the student's function never started"
        kill_group(process)
        wait_for(lambda: not marked_processes(), GRACE)
        leftover = marked_processes()
        assert leftover == [], (
            f"{len(leftover)} sandboxed process(es) still running the student's code "
            f"{GRACE:.0f} s after the grader was killed"
        )
    finally:
        if process.poll() is None:
            kill_group(process)
        for pid in leftover:  # the test's own grader started these
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
