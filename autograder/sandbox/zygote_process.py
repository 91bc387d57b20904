"""The grader's side of the warm zygote (see zygote.py): start it, ask it for workers,
learn how they ended, and start it again if it dies.

One zygote serves one grading process (each `--jobs` process has its own). While a
submission is graded, the next worker can be forked ahead, in a background thread: moving
a process into its cgroups makes the kernel wait for an RCU grace period (about 15 ms on
cgroups v1, for almost no CPU), which then overlaps the grading instead of delaying the
next submission. A worker forked ahead has run nothing but worker.py: it waits for its
first message, in its own cgroup and namespaces, exactly as one forked when needed.

The zygote is trusted code that never runs student code; still, every wait for it has a
deadline, and a zygote that misses one is stopped and replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import BinaryIO

from autograder.sandbox.isolation import Isolation, worker_environment
from autograder.sandbox.limits import Limits
from autograder.sandbox.worker_cgroup import WorkerCgroup, find_layout

START_SECONDS = 60.0  # Python and numpy in a fresh sandbox, on a loaded machine
ANSWER_SECONDS = 10.0  # a fork, or a status the zygote already has
MAX_PACKET = 65536


class ZygoteError(Exception):
    """The zygote did not start, or stopped answering."""


@dataclass
class Child:
    """A worker the zygote forked: its init's pid, and the grader's ends of its pipes.

    The same attributes `WorkerSession` reads from a `subprocess.Popen`.
    """

    zygote: Zygote
    id: int
    pid: int
    stdin: object
    stdout: object

    def wait(self) -> int:
        """Its exit status (128 + signal for a signal, as bubblewrap reports it)."""
        return self.zygote.exit_status(self.id)


@dataclass
class ForkedWorker:
    """A worker the zygote forked into cgroups of its own and let start: what a
    `WorkerSession` adopts. stdin, stdout: the grader's ends of its pipes."""

    child: Child
    cgroup: WorkerCgroup
    startup_errors: BinaryIO
    stdin: int
    stdout: int

    def discard(self) -> None:
        """End it unused: kill it with its cgroup, close the grader's ends."""
        self.child.zygote.forget(self.child.id)
        for fd in (self.stdin, self.stdout):
            os.close(fd)
        self.startup_errors.close()
        self.cgroup.remove(wait=False)


class Zygote:
    def __init__(self, isolation: Isolation) -> None:
        self.isolation = isolation
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.spawned = 0
        self.statuses: dict[int, int] = {}
        self.waited_for: set[int] = set()  # children whose exit status the grader wants
        # One conversation at a time: a spawn and its answer, or a wait for a status.
        self.lock = threading.Lock()
        self.ahead: threading.Thread | None = None  # forking the next worker
        self.spare: ForkedWorker | None = None  # the worker it forked

    # ---- life cycle ----

    def start(self) -> None:
        grader_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop())
        try:
            with zygote_end:
                self.process = subprocess.Popen(
                    self.isolation.zygote_command(),
                    stdin=zygote_end,
                    stdout=self.log,
                    stderr=self.log,
                    env=worker_environment(),
                    start_new_session=True,
                )
        except OSError as error:  # bubblewrap or the interpreter cannot be run
            grader_end.close()
            self.log.close()
            raise ZygoteError(f"the warm worker could not be started ({error})") from None
        self.control = grader_end
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.control, selectors.EVENT_READ)
        if self._receive(time.monotonic() + START_SECONDS).get("op") != "ready":
            self.stop()
            raise ZygoteError("the warm worker answered out of turn")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.selector.close()
        self.control.close()
        self.log.close()
        self.process = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # ---- messages ----

    def _send(self, message: dict, fds: list[int] | None = None) -> None:
        if self.process is None:
            raise ZygoteError("the warm worker was stopped")
        try:
            socket.send_fds(self.control, [json.dumps(message).encode()], fds or [])
        except OSError as error:
            self.stop()
            raise ZygoteError(f"the warm worker is gone ({error})") from None

    def _receive(self, deadline: float) -> dict:
        if self.process is None:
            raise ZygoteError("the warm worker was stopped")
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self.selector.select(remaining):
            self.stop()
            raise ZygoteError("the warm worker did not answer in time")
        try:
            data = self.control.recv(MAX_PACKET)
        except OSError:  # reset: the zygote died
            data = b""
        if not data:
            self.log.seek(0)
            printed = self.log.read()[-800:].decode(errors="replace").strip()
            self.stop()
            raise ZygoteError("the warm worker stopped" + (f" ({printed})" if printed else ""))
        message = json.loads(data)
        if message.get("op") == "exited":  # of this worker or an earlier one
            child = int(message["id"])
            if child in self.waited_for:
                self.statuses[child] = int(message["status"])
        return message

    # ---- workers ----

    def spawn(self, fds: list[int], limits: Limits) -> Child:
        """Fork a worker with `fds` as its stdin, stdout and stderr; it waits for
        `release`. Returns its init (the process to put in the worker's cgroup)."""
        with self.lock:
            self.spawned += 1
            request = {
                "op": "spawn",
                "id": self.spawned,
                "tmp_bytes": limits.temp_bytes,
                "rlimits": {str(k): v for k, v in limits.rlimits().items()},
            }
            self._send(request, fds)
            deadline = time.monotonic() + ANSWER_SECONDS
            while True:
                message = self._receive(deadline)
                if message.get("op") == "spawned" and message.get("id") == self.spawned:
                    self.waited_for.add(self.spawned)
                    return Child(self, self.spawned, int(message["pid"]), None, None)

    def release(self, child: Child, go: bool = True) -> None:
        """Let the worker start (once it is in its cgroup), or, with go=False, end it."""
        with self.lock:
            self._send({"op": "release", "id": child.id, "go": go})

    def exit_status(self, child: int) -> int:
        """The exit status of a worker that ended (or is ending); 128 + SIGKILL if the
        zygote cannot tell."""
        deadline = time.monotonic() + ANSWER_SECONDS
        try:
            with self.lock:
                while child not in self.statuses:
                    self._receive(deadline)
        except ZygoteError:
            return 128 + signal.SIGKILL
        return self.statuses[child]

    def fork_worker(self, limits: Limits) -> ForkedWorker | None:
        """A worker in cgroups of its own, let start; None if no cgroup could be made or
        the zygote failed (the caller then starts one on its own)."""
        cgroup = WorkerCgroup(limits, find_layout())
        if not cgroup.paths:
            return None
        startup_errors = tempfile.TemporaryFile()  # noqa: SIM115  (the session closes it)
        to_worker, from_worker = os.pipe(), os.pipe()
        try:
            child = self.spawn([to_worker[0], from_worker[1], startup_errors.fileno()], limits)
        except ZygoteError:
            os.close(to_worker[1])
            os.close(from_worker[0])
            startup_errors.close()
            cgroup.remove()
            return None
        finally:
            os.close(to_worker[0])
            os.close(from_worker[1])
        worker = ForkedWorker(child, cgroup, startup_errors, to_worker[1], from_worker[0])
        joined = cgroup.add(child.pid)
        try:
            self.release(child, go=joined)
        except ZygoteError:
            joined = False
        if not joined:  # no cap on its processes: not a worker to run student code in
            worker.discard()
            return None
        return worker

    def worker(self, limits: Limits, ahead: bool = False) -> ForkedWorker | None:
        """`fork_worker`, or the worker forked ahead if there is one; with ahead=True,
        the next one is then forked ahead, in the background."""
        worker = self._take_spare()
        if worker is None or worker.cgroup.limits != limits:
            if worker is not None:
                worker.discard()
            worker = self.fork_worker(limits)
        if ahead and worker is not None:
            self.ahead = threading.Thread(
                target=self._fork_ahead, args=(limits,), name="fork-ahead", daemon=True
            )
            self.ahead.start()
        return worker

    def _fork_ahead(self, limits: Limits) -> None:
        self.spare = self.fork_worker(limits)

    def _take_spare(self) -> ForkedWorker | None:
        """The worker forked ahead, once its fork is done (None if there is none)."""
        if self.ahead is not None:
            self.ahead.join()
            self.ahead = None
        spare, self.spare = self.spare, None
        return spare

    def discard_spare(self) -> None:
        """End the worker forked ahead, if any (at the end of a grading run)."""
        spare = self._take_spare()
        if spare is not None:
            spare.discard()

    def forget(self, child: int) -> None:
        """The grader is done with this worker: keep nothing about it."""
        self.waited_for.discard(child)
        self.statuses.pop(child, None)


_zygotes: dict[tuple[int, str], Zygote] = {}
# Processes whose zygote would not start: each of their workers starts on its own, at
# once, rather than every submission waiting for another failed start.
_not_starting: set[tuple[int, str]] = set()


def zygote_for(isolation: Isolation) -> Zygote:
    """This process's zygote (started the first time, and again if it died): each
    grading process has its own, so `--jobs` processes never share one. Raises
    ZygoteError if it does not start (then at once, for the rest of this process)."""
    key = (os.getpid(), str(isolation.bwrap))
    if key in _not_starting:
        raise ZygoteError("the warm worker did not start in this grading process")
    zygote = _zygotes.get(key)
    if zygote is None or not zygote.alive:
        if zygote is not None:
            zygote.discard_spare()
            zygote.stop()
        zygote = _zygotes[key] = Zygote(isolation)
        try:
            zygote.start()
        except ZygoteError:
            del _zygotes[key]
            _not_starting.add(key)
            raise
    return zygote


def discard_spares() -> None:
    """End the workers this process's zygotes forked ahead (see `Zygote.worker`)."""
    for key, zygote in _zygotes.items():
        if key[0] == os.getpid():
            zygote.discard_spare()


def _leave_inherited() -> None:
    """In a forked child (a `--jobs` process): its parent's zygotes are not its own. Close
    its copies of their sockets (and of a spare worker's pipes), so that each still ends
    with its own grading process."""
    for key in [key for key in _zygotes if key[0] != os.getpid()]:
        zygote = _zygotes.pop(key)
        zygote.selector.close()
        zygote.control.close()
        zygote.log.close()
        if zygote.spare is not None:
            for fd in (zygote.spare.stdin, zygote.spare.stdout):
                os.close(fd)


os.register_at_fork(after_in_child=_leave_inherited)
