"""Students who share one warm zygote cannot reach each other or the zygote.

One grading process forks every worker from one zygote (autograder/sandbox/zygote.py).
Hostile students try to change what the next worker sees: a process left running, files
left in /tmp and the working folder, writes to the zygote's memory, signals to the
zygote, monkeypatches of numpy and the course, a SysV shared-memory segment and an
abstract unix socket left behind. Between them, "observer" students, correct but
checking for every one of those leftovers when loaded and when called, and honest
students. All are graded in one batch, one after another (--jobs 1: one zygote); every
observer and honest result must equal its result in a batch without the hostile
students, and the zygote must be the same process, with no child left, at the end.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from autograder.batch import find_submissions, grade_class
from autograder.course_layout import CourseLayout
from autograder.demo_class import correct_code, fill_solution_cells, read_release, write_submission
from autograder.grading import Grader
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.zygote_process import Zygote, ZygoteError, zygote_for
from tests.assignments import ASSIGNMENT, NOTEBOOK, RNN, course_reference

pytestmark = pytest.mark.skipif(
    not Isolation.detect().can_fork_workers,
    reason="a zygote needs bubblewrap, root and cgroups (the grader starts each worker "
    "on its own elsewhere: tests/hostile/test_hostile_batch.py covers that path)",
)

LIMITS = Limits(seconds_per_function=3.0, load_seconds=3.0)
REPO = CourseLayout.discover(Path(__file__).parent).root
REFERENCE = course_reference(REPO)
SHM_KEY = 0x524E4E  # "RNN"
ABSTRACT_SOCKET = "\\0rnn-hostile-neighbour"

# Top-level code of hostile cells (run when the worker loads the cell).
HOSTILE = {
    "daemon": """
import os, signal, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:  # a grandchild in a session of its own, left running
        end = time.time() + 60
        while time.time() < end:
            try:
                open("/tmp/written_by_a_daemon", "w").write(str(time.time()))
            except OSError:
                pass
            time.sleep(0.01)
        os._exit(0)
    os._exit(0)
""",
    "files": """
import os
for name in ("/tmp/numpy.py", "/tmp/sitecustomize.py", "/tmp/wire.py", "course.py",
             os.path.expanduser("~/.pythonrc"), "/tmp/left_behind.npy"):
    with open(name, "w") as handle:
        handle.write("raise SystemExit('imported a file left by another student')\\n")
os.makedirs("/tmp/a_folder/deeper", exist_ok=True)
""",
    "zygote_memory": """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
visible = [int(p) for p in os.listdir("/proc") if p.isdigit()]
for pid in set(visible + [os.getppid(), 1]):
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        start = int(maps[0].split("-")[0], 16)
        with open(f"/proc/{pid}/mem", "r+b", buffering=0) as memory:
            memory.seek(start)
            memory.write(b"\\0" * 64)
    except (OSError, IndexError, ValueError):
        pass
    libc.ptrace(16, pid, 0, 0)  # PTRACE_ATTACH
buffer = ctypes.create_string_buffer(64)
local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 64)
for pid in range(1, 4096):  # host pids, the zygote's among them, if any were visible
    libc.process_vm_writev(pid, local, 1, local, 1, 0)
""",
    "signals": """
import os, signal
for target in (-1, 1, os.getppid()):
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):
        try:
            os.kill(target, sig)
        except OSError:
            pass
for pid in range(1, 4096):
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
""",
    "monkeypatch": """
import math, sys
import numpy
import course.activations
numpy.tanh = lambda x: 0 * x
numpy.exp = lambda x: 1 + 0 * x
numpy.random.default_rng = lambda *args, **kwargs: None
course.activations.sigmoid = lambda z: 0 * z
course.activations.softmax = lambda z: 0 * z
sys.modules["wire"].encode = lambda value, buffers, seen=None, ledger=None: ["n"]
math.tanh = lambda x: 0.0
""",
    "ipc_and_sockets": f"""
import ctypes, os, socket, time
libc = ctypes.CDLL(None)
segment = libc.shmget({SHM_KEY}, 4096, 0o1666)
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind("{ABSTRACT_SOCKET}")
listener.listen()
if os.fork() == 0:  # keep the socket open after this worker ends, if anything could
    os.setsid()
    time.sleep(60)
    os._exit(0)
""",
}

# An observer: correct code, plus a check for every leftover above, when its cell is
# loaded and again when rnn_cell_forward is called.
OBSERVER = f"""
def _leftovers():
    import ctypes, math, os, socket
    import numpy
    import course.activations
    found = []
    extra = sorted(set(os.listdir("/tmp")) - {{"student_output.txt"}})
    if extra:
        found.append(f"files in /tmp: {{extra}}")
    processes = sorted(p for p in os.listdir("/proc") if p.isdigit())
    if processes != sorted(["1", str(os.getpid())]):
        found.append(f"processes: {{processes}}")
    if float(numpy.tanh(0.5)) != math.tanh(0.5) or float(numpy.exp(1.0)) != math.exp(1.0):
        found.append("numpy is patched")
    if numpy.random.default_rng(0) is None:
        found.append("numpy.random is patched")
    if float(course.activations.sigmoid(numpy.array(0.0))) != 0.5:
        found.append("course.activations is patched")
    if ctypes.CDLL(None).shmget({SHM_KEY}, 0, 0) != -1:
        found.append("a shared-memory segment")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect("{ABSTRACT_SOCKET}")
        found.append("an abstract unix socket")
    except OSError:
        pass
    finally:
        probe.close()
    return found


_AT_LOAD = _leftovers()
"""


def observer_cell(correct: str) -> str:
    """The correct rnn_cell_forward cell, checking for leftovers before its work."""
    check = (
        "    found = _AT_LOAD + _leftovers()\n"
        "    if found:\n"
        "        raise RuntimeError('left by another student: ' + '; '.join(found))\n"
    )
    head, body = correct.split("### BEGIN SOLUTION\n", 1)
    return OBSERVER + head + "### BEGIN SOLUTION\n" + check + body


@pytest.fixture(scope="module")
def grader() -> Grader:
    return Grader(RNN, REFERENCE, b"shared zygote", limits=LIMITS, warm_workers=True)


def write_class(folder: Path, with_hostile: bool) -> list[str]:
    """Observers and honest students, with a hostile one before each when asked; the
    student ids sort in that order."""
    release = read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))
    correct = correct_code(REFERENCE)
    observed = {**correct, "rnn_cell_forward": observer_cell(correct["rnn_cell_forward"])}
    students = {}
    for k, name in enumerate(HOSTILE):
        if with_hostile:
            hostile = {**correct, "rnn_cell_forward": HOSTILE[name] + correct["rnn_cell_forward"]}
            students[f"{k}a_hostile_{name}"] = hostile
        students[f"{k}b_observer"] = observed
        students[f"{k}c_honest"] = correct
    for student, code in students.items():
        write_submission(folder, student, ASSIGNMENT, NOTEBOOK, fill_solution_cells(release, code))
    return list(students)


def children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        below = children(pending.pop())
        found += below
        pending += below
    return found


# What each hostile cell leaves that an observer in the same worker sees: proof that the
# observers' checks work (and that the hostile cells do what they claim).
SEEN_IN_THE_SAME_WORKER = {
    "daemon": ("processes",),
    "files": ("files in /tmp",),
    "monkeypatch": ("numpy is patched", "numpy.random is patched", "course.activations"),
    "ipc_and_sockets": ("a shared-memory segment", "an abstract unix socket"),
}


def test_the_observers_see_each_leftover_in_the_same_worker(grader, tmp_path):
    release = read_release(CourseLayout(REPO).release_notebook(ASSIGNMENT))
    correct = correct_code(REFERENCE)
    for name in SEEN_IN_THE_SAME_WORKER:
        cell = HOSTILE[name] + observer_cell(correct["rnn_cell_forward"])
        notebook = fill_solution_cells(release, {**correct, "rnn_cell_forward": cell})
        write_submission(tmp_path, name, ASSIGNMENT, NOTEBOOK, notebook)
    results = grade_class(grader, find_submissions(tmp_path, ASSIGNMENT, NOTEBOOK), progress=False)
    for name, seen in SEEN_IN_THE_SAME_WORKER.items():
        message = results[name]["functions"]["rnn_cell_forward"]["checks"][0]["message"]
        assert "left by another student: " in message, (name, message)
        assert all(leftover in message for leftover in seen), (name, message)


def test_hostile_neighbours_change_nothing_for_the_next_student(grader, tmp_path):
    alone = tmp_path / "alone"
    write_class(alone, with_hostile=False)
    expected = grade_class(
        grader, find_submissions(alone, ASSIGNMENT, NOTEBOOK), jobs=1, progress=False
    )
    for student, result in expected.items():
        assert result["score"] == result["max_score"], (student, result)

    zygote = zygote_for(grader.isolation)
    shared = tmp_path / "shared"
    students = write_class(shared, with_hostile=True)
    got = grade_class(
        grader, find_submissions(shared, ASSIGNMENT, NOTEBOOK), jobs=1, progress=False
    )

    assert set(got) == set(students)
    for student in expected:
        assert got[student] == expected[student], f"{student} was affected by a neighbour"
    assert zygote_for(grader.isolation) is zygote and zygote.alive, "the zygote was replaced"
    [python] = children(zygote.process.pid)  # bubblewrap's one child: the zygote itself
    assert descendants(python) == [], "a worker's process outlived its submission"


def test_a_zygote_that_died_is_started_again(grader, tmp_path):
    write_class(tmp_path, with_hostile=False)
    submissions = find_submissions(tmp_path, ASSIGNMENT, NOTEBOOK)
    before = grade_class(grader, submissions, jobs=1, progress=False)
    zygote = zygote_for(grader.isolation)
    [python] = children(zygote.process.pid)
    os.kill(python, signal.SIGKILL)
    after = grade_class(grader, submissions, jobs=1, progress=False)
    assert after == before
    assert zygote_for(grader.isolation) is not zygote


def test_a_zygote_that_does_not_start_is_not_tried_again(monkeypatch):
    """Each worker then starts on its own at once, instead of waiting for another
    failed start per submission."""
    broken = Isolation(bwrap="/nonexistent/bwrap")
    with pytest.raises(ZygoteError, match="could not be started"):
        zygote_for(broken)
    started = []
    monkeypatch.setattr(Zygote, "start", lambda self: started.append(self))
    with pytest.raises(ZygoteError, match="did not start in this grading process"):
        zygote_for(broken)
    assert started == []
