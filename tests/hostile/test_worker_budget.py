"""One memory budget for the whole worker, whatever holds the memory.

Per-process limits multiply: children each under RLIMIT_AS, memfds and /tmp (which
RLIMIT_AS does not count) can together hold far more than one process may. Each attack
below aims at 1.1 times the budget README states for this machine (the worker's cgroup,
or without cgroups `Limits.fallback_budget()`) and reports "HOARDED" if it gets there;
when it cannot (an allocation or a fork fails, or a process is killed at the budget) it
answers honestly. Where the grader has cgroups, the same attack graded without them must
get there: the budget, not chance, is what stops it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import autograder.sandbox.session as session_module
import autograder.sandbox.zygote_process as zygote_module
from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release
from autograder.grading import Grader, grade_parsed
from autograder.notebook import parse_notebook
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.worker_cgroup import WorkerCgroup, find_layout
from tests.assignments import ASSIGNMENT, GRADED_FUNCTIONS, RNN, course_reference
from tests.hostile.catalogue import Cell

REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)
# Touching a gigabyte takes about a second here: room for that, with no deadline of its own.
LIMITS = Limits(seconds_per_function=15.0, load_seconds=5.0)
ATTACKED = "rnn_backward"

# Waits for every child to report, or for one to die (killed at the budget).
WAIT_FOR_CHILDREN = """
got = 0
while got < len(pids) and not any(os.waitpid(p, os.WNOHANG)[0] for p in pids):
    if select.select([read_end], [], [], 0.02)[0]:
        got += len(os.read(read_end, 8))
for pid in pids:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
"""
ATTACKS = {
    "children": """
    import os, select, signal, time
    if not _done:
        _done.append(True)
        share = (@BUDGET_MB@ * 11 // 30) * 2**20  # three of them: 1.1 x the budget
        read_end, write_end = os.pipe()
        pids = []
        for _ in range(3):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                try:
                    block = np.ones(share // 8)
                    os.write(write_end, b"1")
                    time.sleep(60)
                finally:
                    os._exit(0)
            pids.append(pid)
@WAIT@
        if len(pids) == 3 and got == 3:
            raise RuntimeError(f"HOARDED {3 * share // 2**20} MB in 3 children")
    return _honest(*args)
""",
    "memfds-tmp-and-a-child": """
    import os, select, signal, time
    if not _done:
        _done.append(True)
        target, held, fds = @BUDGET_MB@ * 11 // 10, 0, []
        read_end, write_end = os.pipe()
        try:
            for _ in range(55):  # outside RLIMIT_AS: 7 MB (under RLIMIT_FSIZE) in each
                fd = os.memfd_create("hoard")
                for _ in range(7):
                    os.write(fd, bytes(2**20))
                fds.append(fd)
                held += 7
            with open("/tmp/hoard", "wb") as f:
                for _ in range(31):
                    f.write(bytes(2**20))
                    held += 1
        except OSError:
            pass
        pids = []
        pid = os.fork()
        if pid == 0:
            try:
                block = np.ones((target - held) * 2**20 // 8)
                os.write(write_end, b"1")
                time.sleep(60)
            finally:
                os._exit(0)
        pids.append(pid)
@WAIT@
        for fd in fds:
            os.close(fd)
        if got == 1:
            raise RuntimeError(f"HOARDED {target} MB: {held} MB in memfds and /tmp")
    return _honest(*args)
""",
}


def budget_mb(with_cgroups: bool) -> int:
    memory = LIMITS.memory_bytes if with_cgroups else LIMITS.fallback_budget()[0]
    return memory // 2**20


def has_cgroups() -> bool:
    cgroup = WorkerCgroup(LIMITS, find_layout())
    found = bool(cgroup.paths)
    cgroup.remove()
    return found


def grade_attack(attack: str, with_cgroups: bool) -> dict:
    wait = WAIT_FOR_CHILDREN.strip("\n").replace("\n", "\n        ")
    body = ATTACKS[attack].replace("@WAIT@", "        " + wait)
    cell = Cell(body=body, top="_done = []")
    code = correct_code(REFERENCE)
    fill = {"BUDGET_MB": str(budget_mb(with_cgroups))}
    code[ATTACKED] = cell.render(ATTACKED, REFERENCE.solutions[ATTACKED], fill)
    release = read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))
    grader = Grader(RNN, REFERENCE, b"worker budget", limits=LIMITS, isolation=Isolation.detect())
    assert grader.isolation.sandboxed, "these tests need bubblewrap"
    return grade_parsed(
        grader, f"budget-{attack}", parse_notebook(fill_solution_cells(release, code))
    )


def messages(result: dict) -> str:
    return " ".join(c["message"] for c in result["functions"][ATTACKED]["checks"])


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_worker_cannot_hold_more_than_its_budget(attack: str):
    result = grade_attack(attack, has_cgroups())
    assert "HOARDED" not in messages(result), messages(result)
    others = [f for f in GRADED_FUNCTIONS if f != ATTACKED]
    assert all(
        result["functions"][f]["score"] == result["functions"][f]["max_score"] for f in others
    )


@pytest.mark.skipif(not has_cgroups(), reason="no cgroups here to take away")
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_without_the_cgroup_the_attack_gets_there(attack: str, monkeypatch):
    monkeypatch.setattr(session_module, "find_layout", lambda: None)
    monkeypatch.setattr(zygote_module, "find_layout", lambda: None)
    assert "HOARDED" in messages(grade_attack(attack, with_cgroups=True))
