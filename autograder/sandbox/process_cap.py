"""A cap on the number of processes (and threads) one worker may have: fork bombs stop.

Where the grader may create cgroups (as root, or with a delegated cgroup tree), each
worker gets its own `pids` cgroup: the kernel then refuses its fork() past the cap, and
other workers are unaffected. Elsewhere RLIMIT_NPROC is the fallback; it counts every
process of the account, so the cap is added to what the account already runs.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import time
import uuid
from pathlib import Path

_PREFIX = "rnn-autograde-"
# cgroup v1 `pids` hierarchy, then the cgroup v2 root.
_CANDIDATES = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


def _usable(base: Path) -> bool:
    if not (base / "cgroup.procs").is_file() or not os.access(base, os.W_OK):
        return False
    controllers = base / "cgroup.subtree_control"
    return not controllers.is_file() or "pids" in controllers.read_text().split()


def cgroup_base() -> Path | None:
    """The folder under which per-worker pids cgroups can be made, if any."""
    return next((base for base in _CANDIDATES if _usable(base)), None)


def remove_stale_cgroups(base: Path | None) -> None:
    """Remove the empty cgroups of graders that were killed (their creator is gone)."""
    if base is None:
        return
    for path in base.glob(f"{_PREFIX}*"):
        creator = path.name[len(_PREFIX) :].split("-")[0]
        if creator.isdigit() and not Path(f"/proc/{creator}").exists():
            with contextlib.suppress(OSError):
                path.rmdir()


class ProcessCap:
    """The process cap of one worker: create it, join it from the child, remove it."""

    def __init__(self, limit: int, base: Path | None) -> None:
        self.limit = limit
        self.path: Path | None = None
        if base is not None:
            path = base / f"{_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(limit))
                self.path = path
            except OSError:
                if path.is_dir():
                    path.rmdir()

    @property
    def kind(self) -> str:
        return "pids cgroup" if self.path else "RLIMIT_NPROC"

    def join(self) -> None:
        """Called in the child before exec: put it under the cap."""
        if self.path is not None:
            with open(self.path / "cgroup.procs", "w") as procs:
                procs.write(str(os.getpid()))
        elif os.geteuid() != 0:  # root is exempt from RLIMIT_NPROC
            already = _processes_of(os.getuid())
            resource.setrlimit(resource.RLIMIT_NPROC, (already + self.limit,) * 2)

    def remove(self) -> None:
        """Kill whatever is left in the cgroup (even processes that left the worker's
        session or process group), then delete it."""
        if self.path is None:
            return
        for _ in range(100):
            try:
                for pid in (self.path / "cgroup.procs").read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:  # busy: processes still dying
                time.sleep(0.02)


def _processes_of(uid: int) -> int:
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                count += entry.stat().st_uid == uid
    return count
