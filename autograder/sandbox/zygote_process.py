"""The grader's side of the warm zygote (see zygote.py): start it, ask it for workers,
learn how they ended, and start it again if it dies.

One zygote serves one grading process (each `--jobs` process has its own), one worker
at a time. The zygote is trusted code that never runs student code; still, every wait
for it has a deadline, and a zygote that misses one is stopped and replaced.
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
import time
from dataclasses import dataclass

from autograder.sandbox.isolation import Isolation, worker_environment
from autograder.sandbox.limits import Limits

START_SECONDS = 60.0  # Python and numpy in a fresh sandbox, on a loaded machine
ANSWER_SECONDS = 10.0  # a fork, or a status the zygote already has
MAX_PACKET = 65536


class ZygoteError(Exception):
    """The zygote did not start, or stopped answering."""


@dataclass
class Child:
    """A worker the zygote forked: its keeper's pid, and the grader's ends of its pipes.

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


class Zygote:
    def __init__(self, isolation: Isolation) -> None:
        self.isolation = isolation
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.spawned = 0
        self.statuses: dict[int, int] = {}
        self.waited_for: set[int] = set()  # children whose exit status the grader wants

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
        try:
            socket.send_fds(self.control, [json.dumps(message).encode()], fds or [])
        except OSError as error:
            self.stop()
            raise ZygoteError(f"the warm worker is gone ({error})") from None

    def _receive(self, deadline: float) -> dict:
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
        `release`. Returns its keeper (the process to put in the worker's cgroup)."""
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
        self._send({"op": "release", "id": child.id, "go": go})

    def exit_status(self, child: int) -> int:
        """The exit status of a worker that ended (or is ending); 128 + SIGKILL if the
        zygote cannot tell."""
        deadline = time.monotonic() + ANSWER_SECONDS
        try:
            while child not in self.statuses:
                self._receive(deadline)
        except ZygoteError:
            return 128 + signal.SIGKILL
        return self.statuses[child]

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
            zygote.stop()
        zygote = _zygotes[key] = Zygote(isolation)
        try:
            zygote.start()
        except ZygoteError:
            del _zygotes[key]
            _not_starting.add(key)
            raise
    return zygote


def _leave_inherited() -> None:
    """In a forked child (a `--jobs` process): its parent's zygotes are not its own. Close
    its copies of their sockets, so that each still ends with its own grading process."""
    for key in [key for key in _zygotes if key[0] != os.getpid()]:
        zygote = _zygotes.pop(key)
        zygote.selector.close()
        zygote.control.close()
        zygote.log.close()


os.register_at_fork(after_in_child=_leave_inherited)
