"""The grader's side of one worker process: start it, load code, call functions.

Every wait has a deadline, writes to the worker included (a worker that stops reading
must not block the grader); every message has a size cap. A worker that overruns a
deadline, dies, or sends anything malformed or oversized is killed, and the caller gets
a WorkerFailure saying which, in plain words.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.dependency_calls import Declined, refusal_message
from autograder.sandbox import wire
from autograder.sandbox.isolation import Isolation, new_workdir, worker_environment
from autograder.sandbox.limits import Limits, megabytes
from autograder.sandbox.worker_cgroup import WorkerCgroup, find_layout
from autograder.sandbox.zygote_process import Child, Zygote

# A message from the worker: a returned value is a few arrays of the hidden case's sizes
# (kilobytes); 16 MB is far above any honest value and bounds what the grader decodes.
MAX_MESSAGE_BYTES = 16 * 2**20
MAX_HEADER_BYTES = 2**20
# A message to the worker: its solution cells (each capped by the notebook reader) and
# the case's arrays; nothing honest comes near it.
MAX_REQUEST_BYTES = 64 * 2**20
STOPPED_READING = (
    "the process running your code stopped reading the grader's messages for more than "
    "{seconds:.0f} s and was stopped: does your code read from or write to file "
    "descriptors it did not open?"
)

OracleHandler = Callable[[str, list], object]


class WorkerFailure(Exception):
    """The worker overran a limit, died, or broke the protocol.

    kind: "timeout", "died" or "protocol"; the message is written for students.
    """

    def __init__(self, kind: str, message: str, cell: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.cell = cell  # the solution cell that was running at the time, during a load


@dataclass
class Reply:
    """One message from the worker; `decode` rebuilds the values in its header."""

    header: dict
    message: wire.Received

    def decode(self, key: str) -> object:
        """The value under `key` of the header (raises wire.WireError if malformed)."""
        return self.message.decode(self.header.get(key))


class _Channel:
    """Reads whole messages from the worker's stdout with a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = bytearray()
        self.selector = selectors.DefaultSelector()
        self.selector.register(fd, selectors.EVENT_READ)

    def _fill(self, count: int, deadline: float) -> None:
        while len(self.pending) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.selector.select(remaining):
                raise TimeoutError
            chunk = os.read(self.fd, max(65536, count - len(self.pending)))
            if not chunk:
                raise EOFError
            self.pending += chunk

    def _take(self, count: int, deadline: float) -> bytes:
        self._fill(count, deadline)
        data = bytes(self.pending[:count])
        del self.pending[:count]
        return data

    def read(self, deadline: float, ledger: wire.Ledger) -> Reply:
        header, buffers = wire.read_message(
            lambda count: self._take(count, deadline), MAX_MESSAGE_BYTES, MAX_HEADER_BYTES
        )
        return Reply(header, wire.Received(buffers, ledger))

    def close(self) -> None:
        self.selector.close()


class WorkerSession:
    """One sandboxed worker process for one submission: started on its own, or forked by
    a warm `zygote` (see zygote.py) where one is given."""

    def __init__(
        self,
        isolation: Isolation,
        limits: Limits,
        zygote: Zygote | None = None,
        fork_ahead: bool = False,
    ) -> None:
        """fork_ahead: have the zygote fork the next worker while this one works (for
        a batch; see zygote_process.py)."""
        self.isolation = isolation
        self.limits = limits
        self.zygote = zygote
        self.fork_ahead = fork_ahead
        self.process: subprocess.Popen | Child | None = None
        self.calls = 0  # numbers the calls, so a reply to an earlier one is recognised
        self.channel: _Channel | None = None

    # ---- life cycle ----

    def start(self) -> None:
        self.ledger = wire.Ledger()  # what this worker and the grader have sent each other
        if self.zygote is not None and self._fork_from_zygote():
            return
        workdir = new_workdir() if not self.isolation.sandboxed else None
        self.cgroup = WorkerCgroup(self.limits, find_layout())
        cgroup, limits, sandboxed = self.cgroup, self.limits, self.isolation.sandboxed
        own_cap = limits.fallback_processes if cgroup.needs_process_rlimit else None
        argv, cwd = self.isolation.command(limits, workdir or "", own_cap)
        # What the worker prints before it redirects its output (a failed start).
        self.startup_errors = tempfile.TemporaryFile()  # noqa: SIM115  (closed in close())

        def limit_child() -> None:  # runs in the child, between fork and exec
            os.umask(0o022)
            cgroup.join(sandboxed)
            limits.apply()

        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.startup_errors,
            cwd=cwd,
            env=worker_environment(),
            preexec_fn=limit_child,
            start_new_session=True,
        )
        self.workdir = workdir
        self.channel = _Channel(self.process.stdout.fileno())
        os.set_blocking(self.process.stdin.fileno(), False)  # writes wait in select()

    def _fork_from_zygote(self) -> bool:
        """Start the worker as a child of the zygote, in cgroups of its own; False if
        that failed (the caller then starts one on its own)."""
        forked = self.zygote.worker(self.limits, ahead=self.fork_ahead)
        if forked is None:
            return False
        self.cgroup, self.startup_errors = forked.cgroup, forked.startup_errors
        child = forked.child
        child.stdin = os.fdopen(forked.stdin, "wb", buffering=0)
        child.stdout = os.fdopen(forked.stdout, "rb", buffering=0)
        self.process, self.workdir = child, None
        self.channel = _Channel(forked.stdout)
        os.set_blocking(forked.stdin, False)  # writes wait in select()
        return True

    def close(self) -> None:
        if self.process is None:
            return
        forked = isinstance(self.process, Child)
        if forked:
            # Its cgroup holds every process it has: killed there (below), not by a pid
            # that the zygote may have reaped already. Deleting the cgroup can wait.
            self.zygote.forget(self.process.id)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()
        self.channel.close()
        self.startup_errors.close()
        self.cgroup.remove(wait=not forked)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.process = None

    def __enter__(self) -> WorkerSession:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- messages ----

    def _send(
        self,
        header: dict,
        deadline: float,
        buffers: list[bytes] | None = None,
        seen: dict | None = None,
    ) -> None:
        """Write one message before `deadline`; a worker that does not read it is killed.
        seen: what `wire.encode` met while filling `buffers` (for the ledger)."""
        data = memoryview(wire.pack(header, buffers or []))
        if len(data) > MAX_REQUEST_BYTES:
            raise ValueError(f"a message to the worker of {len(data)} bytes is over the cap")
        fd = self.process.stdin.fileno()
        data = self._write(fd, data)  # most messages fit in the pipe at once
        if data:
            with selectors.DefaultSelector() as selector:
                selector.register(fd, selectors.EVENT_WRITE)
                while data:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or not selector.select(remaining):
                        self.close()
                        seconds = self.limits.seconds_per_function
                        raise WorkerFailure("timeout", STOPPED_READING.format(seconds=seconds))
                    data = self._write(fd, data)
        self.ledger.sent(buffers or [], seen or {})

    def _write(self, fd: int, data: memoryview) -> memoryview:
        """Write what the pipe takes now (it never blocks); returns what is left."""
        try:
            return data[os.write(fd, data) :]
        except BlockingIOError:
            return data
        except OSError:  # the worker is gone (broken pipe)
            raise self._death() from None

    @property
    def process_cap(self) -> int:
        """How many processes the worker may have (its cgroup's, or the fallback's)."""
        return self.limits.processes if self.cgroup.paths else self.limits.fallback_processes

    def cpu_seconds(self) -> float | None:
        """CPU time used by the worker so far (None where it cannot be measured)."""
        measured = self.cgroup.cpu_seconds()
        if measured is None and self.process is not None:
            measured = process_tree_cpu_seconds(self.process.pid)
        return measured

    def _receive(self, deadline: float, activity: str) -> Reply:
        try:
            return self.channel.read(deadline, self.ledger)
        except TimeoutError:
            self.close()
            raise WorkerFailure("timeout", activity) from None
        except EOFError:
            raise self._death() from None
        except wire.WireError as error:
            self.close()
            message = f"the grader could not read its result ({error})"
            raise WorkerFailure("protocol", message) from None

    def _death(self) -> WorkerFailure:
        """Explain why the worker process ended, from its exit status."""
        code = self.process.wait()
        self.startup_errors.seek(0)
        printed = self.startup_errors.read()[-800:].decode(errors="replace").strip()
        startup = f" (the worker printed: {printed})" if printed else ""
        self.close()
        # bubblewrap reports a signal that ended the worker as exit status 128 + signal.
        signum = -code if code < 0 else code - 128 if self.isolation.sandboxed and code > 128 else 0
        if signum:
            return WorkerFailure("died", _signal_message(signum, self.limits))
        return WorkerFailure(
            "died",
            f"the Python process running your code exited (exit status {code}); "
            "does your code call exit(), os._exit() or kill a process?" + startup,
        )

    # ---- requests ----

    def load(
        self,
        setup: str,
        cells: dict[str, str],
        functions: list[str],
        modules: dict[str, str] | None = None,
    ) -> dict:
        """Install the assignment's supporting `modules` (name -> code), run the setup and
        solution cells; returns {"defined": [...], "cell_errors": {...}}.

        A WorkerFailure raised here names, in `.cell`, the cell that was running.
        """
        deadline = time.monotonic() + self.limits.load_seconds + 5.0  # + interpreter start
        request = {"op": "load", "setup": setup, "cells": cells, "functions": functions}
        request["modules"] = modules or {}
        self._send(request, deadline)
        running = None
        while True:
            try:
                reply = self._receive(
                    deadline,
                    f"running the cell took more than {self.limits.load_seconds:.0f} s: is "
                    "there a loop or a long computation outside the function definition?",
                )
            except WorkerFailure as failure:
                failure.cell = running
                raise
            op = reply.header.get("op")
            if op == "loaded":
                return reply.header
            if op != "running":
                self.close()
                raise WorkerFailure("protocol", "the worker answered out of turn", running)
            running = str(reply.header.get("cell"))

    def call(
        self,
        function: str,
        args: tuple,
        oracle: OracleHandler | None,
        oracles: tuple[str, ...],
        deadline: float,
        timeout_message: str,
        draws: int = 0,
        stand_ins: dict[str, str] | None = None,
        discard: bool = False,
    ) -> Reply:
        """Call `function(*args)` in the worker (`draws` times for a stochastic function,
        returning the list of values); serve its calls to `oracles` meanwhile, while the
        worker answers those to `stand_ins` itself (see `Assignment.stand_ins`).
        discard: the worker only says that it returned, not what (a cost probe)."""
        buffers: list[bytes] = []
        seen: dict = {}
        skeleton = wire.encode(list(args), buffers, seen, self.ledger)
        self.calls += 1
        request = {"op": "call", "function": function, "args": skeleton, "oracles": list(oracles)}
        request["draws"] = draws
        request["stand_ins"] = stand_ins or {}
        request["discard"] = discard
        self._send({**request, "seq": self.calls}, deadline, buffers, seen)
        while True:
            reply = self._receive(deadline, timeout_message)
            op, seq = reply.header.get("op"), reply.header.get("seq")
            if seq != self.calls:
                continue  # not an answer to this call (left over, or forged): skip it
            if op in ("returned", "raised"):
                return reply
            if op != "oracle" or reply.header.get("function") not in oracles:
                self.close()
                raise WorkerFailure("protocol", "the worker sent a message out of turn")
            self._answer_oracle(reply, oracle, deadline)

    def _answer_oracle(self, reply: Reply, oracle: OracleHandler, deadline: float) -> None:
        name = reply.header["function"]
        try:
            args = reply.decode("args")
            if not isinstance(args, list):
                raise wire.WireError("arguments are not a list")
            value = oracle(name, args)
        except Declined:
            self._send({"op": "oracle_declined"}, deadline)
            return
        except Exception as error:  # noqa: BLE001  (the reference may reject bad arguments)
            self._send({"op": "oracle_error", "message": refusal_message(name, error)}, deadline)
            return
        out: list[bytes] = []
        seen: dict = {}
        node = wire.encode(value, out, seen, self.ledger)
        self._send({"op": "oracle_result", "value": node}, deadline, out, seen)


def _signal_message(signum: int, limits: Limits) -> str:
    if signum == signal.SIGXCPU:
        return (
            f"your code used more than {limits.cpu_seconds} s of CPU time in total "
            "and was stopped: is a loop running far longer than it should?"
        )
    if signum == signal.SIGXFSZ:
        return (
            f"your code wrote more than {megabytes(limits.output_bytes)} "
            "(printed output or a file) and was stopped: remove large prints"
        )
    if signum == signal.SIGSEGV:
        return (
            "the process running your code crashed (signal SIGSEGV): most often a recursion "
            "far deeper than Python allows, or an array far too large"
        )
    if signum in (signal.SIGKILL, signal.SIGABRT, signal.SIGBUS):
        return (
            f"the process running your code was killed (signal {signal.Signals(signum).name}): "
            f"did it run out of memory (the limit is {megabytes(limits.memory_bytes)}) or "
            "kill itself?"
        )
    return f"the process running your code was stopped by signal {signal.Signals(signum).name}"


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU time of `pid`, its threads and its living descendants, from /proc (in ns)."""
    total_ns, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError, ValueError):
            for task in os.scandir(f"/proc/{current}/task"):
                with contextlib.suppress(OSError, ValueError):
                    total_ns += int(Path(task.path, "schedstat").read_text().split()[0])
                    pending += [int(c) for c in Path(task.path, "children").read_text().split()]
    return total_ns / 1e9
