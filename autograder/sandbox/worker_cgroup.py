"""One budget for the whole worker: its processes, memory and CPU, in cgroups.

Per-process limits (setrlimit) can be multiplied by forking: 13 children with 1 GB each
hold 13 GB. A cgroup counts every process of the worker together, and the memory it
holds in its private /tmp (tmpfs pages are charged to the cgroup that wrote them):

- pids: at most `Limits.processes` processes and threads;
- memory: at most `Limits.memory_bytes` in all, no swap; past it the kernel's OOM killer
  picks a victim *inside* the worker's cgroup, never the grader;
- cpu: at most one core at a time, so the worker's CPU time never exceeds its wall
  time, which the grader bounds with its deadlines;
- cpuacct (or cpu.stat on cgroups v2): the worker's CPU time, read by the grader.

cgroups v2 (one tree) and v1 (a tree per controller) are both supported. Where the
grader may not create cgroups (an ordinary user without a delegated tree), `kind` is
"rlimits": then RLIMIT_NPROC caps processes at `Limits.fallback_processes`, counted in
the worker's own user namespace inside bubblewrap (the worker sets it), or over what the
account already runs without bubblewrap; README states the budget that multiplies out to.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.limits import Limits

PREFIX = "rnn-autograde-"
CGROUP_ROOT = Path("/sys/fs/cgroup")
CPU_PERIOD_US = 100_000
# What each controller is called in v1 (its own hierarchy) and in v2's cgroup.controllers.
_CONTROLLERS = ("pids", "memory", "cpu", "cpuacct")
_V2_CONTROLLERS = ("pids", "memory", "cpu")


@dataclass(frozen=True)
class CgroupLayout:
    """Where per-worker cgroups can be made: one v2 folder, or a v1 folder per controller."""

    version: int
    bases: dict[str, Path]  # controller -> the folder its per-worker cgroups go in

    @property
    def complete(self) -> bool:
        return {"pids", "memory", "cpu"} <= set(self.bases)


def _writable(folder: Path) -> bool:
    return (folder / "cgroup.procs").is_file() and os.access(folder, os.W_OK)


@functools.cache
def find_layout(root: Path = CGROUP_ROOT) -> CgroupLayout | None:
    """The cgroup folders this grader may create worker cgroups in, if any (looked up
    once per process: every worker start asks)."""
    controllers = root / "cgroup.controllers"
    if controllers.is_file():  # cgroups v2 mounted at the root
        if not _writable(root):
            return None
        with contextlib.suppress(OSError):  # enable what the root allows, if not yet
            (root / "cgroup.subtree_control").write_text("+pids +memory +cpu")
        enabled = (root / "cgroup.subtree_control").read_text().split()
        if enabled:
            return CgroupLayout(2, {c: root for c in _V2_CONTROLLERS if c in enabled})
        return None
    bases = {c: root / c for c in _CONTROLLERS if _writable(root / c)}
    return CgroupLayout(1, bases) if bases else None


def remove_stale_cgroups(layout: CgroupLayout | None, wait: bool = False) -> None:
    """Remove the cgroups of grading processes that are gone (killed, or `--jobs`
    processes that ended): with wait=True their processes, which die with them, are
    killed and waited for; else only empty cgroups go."""
    if layout is None:
        return
    for base in set(layout.bases.values()):
        for path in base.glob(f"{PREFIX}*"):
            creator = path.name[len(PREFIX) :].split("-")[0]
            if creator.isdigit() and not Path(f"/proc/{creator}").exists():
                if wait:
                    _empty_and_remove(path, attempts=250)
                else:
                    with contextlib.suppress(OSError):
                        path.rmdir()


class WorkerCgroup:
    """The cgroups of one worker: made with the limits, joined by the child, removed."""

    def __init__(self, limits: Limits, layout: CgroupLayout | None) -> None:
        self.limits = limits
        self.version = layout.version if layout else 0
        self.paths: dict[str, Path] = {}
        self._usage: int | None = None  # the open CPU-time counter (see cpu_seconds)
        if layout is None or not layout.complete:
            return
        remove_pending(wait=False)
        name = f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
        try:
            for controller, base in layout.bases.items():
                path = base / name
                if not path.is_dir():
                    path.mkdir()
                self.paths[controller] = path
            self._set_limits()
        except OSError:
            self.remove()
            self.paths = {}

    def _set_limits(self) -> None:
        limits, paths = self.limits, self.paths
        quota = f"{CPU_PERIOD_US}"
        if self.version == 2:
            path = paths["pids"]
            (path / "pids.max").write_text(str(limits.processes))
            (path / "memory.max").write_text(str(limits.memory_bytes))
            with contextlib.suppress(FileNotFoundError):  # no swap accounting
                (path / "memory.swap.max").write_text("0")
            (path / "cpu.max").write_text(f"{quota} {CPU_PERIOD_US}")
            return
        (paths["pids"] / "pids.max").write_text(str(limits.processes))
        (paths["memory"] / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
        with contextlib.suppress(FileNotFoundError, PermissionError):  # no swap accounting
            (paths["memory"] / "memory.memsw.limit_in_bytes").write_text(str(limits.memory_bytes))
        (paths["cpu"] / "cpu.cfs_period_us").write_text(str(CPU_PERIOD_US))
        (paths["cpu"] / "cpu.cfs_quota_us").write_text(quota)

    @property
    def needs_process_rlimit(self) -> bool:
        """No cgroup caps the processes, and RLIMIT_NPROC can (root is exempt from it)."""
        return not self.paths and os.geteuid() != 0

    @property
    def kind(self) -> str:
        return f"cgroups v{self.version}" if self.paths else "rlimits"

    def add(self, pid: int) -> bool:
        """Put the process `pid` (a zygote's worker, before it starts) in these cgroups;
        False if there are none or it could not be moved."""
        if not self.paths:
            return False
        try:
            for path in set(self.paths.values()):
                (path / "cgroup.procs").write_text(str(pid))
        except OSError:
            return False
        return True

    def join(self, sandboxed: bool) -> None:
        """Called in the child before exec: put it under the budget. Without cgroups a
        sandboxed worker caps its processes itself, inside its own user namespace (see
        worker.py); a plain one gets RLIMIT_NPROC over what the account already runs."""
        if self.paths:
            for path in set(self.paths.values()):
                with open(path / "cgroup.procs", "w") as procs:
                    procs.write(str(os.getpid()))
        elif self.needs_process_rlimit and not sandboxed:
            already = _processes_of(os.getuid())
            limit = already + self.limits.fallback_processes
            resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by every process of the worker (None without cgroups).
        The counter's file stays open: the cost probe reads it around every call."""
        if self._usage is None:
            if self.version == 2 and self.paths:
                name = self.paths["cpu"] / "cpu.stat"
            elif "cpuacct" in self.paths:
                name = self.paths["cpuacct"] / "cpuacct.usage"
            else:
                return None
            try:
                self._usage = os.open(name, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return None
        try:
            text = os.pread(self._usage, 4096, 0).decode()
            if self.version == 1:
                return int(text) / 1e9
            for line in text.splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
        except (OSError, ValueError):
            return None
        return None

    def remove(self, wait: bool = True) -> None:
        """Kill whatever is left (even processes that left the worker's session or
        process group), then delete the cgroups; with wait=False, a cgroup whose
        processes are still dying is deleted later (`remove_pending`), off the path of
        the next worker."""
        if self._usage is not None:
            os.close(self._usage)
            self._usage = None
        for path in set(self.paths.values()):
            if not _empty_and_remove(path, attempts=250 if wait else 1):
                with _pending_lock:
                    _pending.append(path)
        self.paths = {}


# Cgroups killed but not yet empty: deleted by the next attempt or `remove_pending`
# (from the grading thread, and from the one that forks the next worker ahead).
_pending: list[Path] = []
_pending_lock = threading.Lock()


def remove_pending(wait: bool = True) -> None:
    """Delete the cgroups `WorkerCgroup.remove(wait=False)` left behind."""
    with _pending_lock:
        left = list(_pending)
        _pending.clear()
    busy = [path for path in left if not _empty_and_remove(path, attempts=250 if wait else 1)]
    with _pending_lock:
        _pending.extend(busy)


def _empty_and_remove(path: Path, attempts: int) -> bool:
    """Kill the processes in `path` and delete it; False if still busy after `attempts`
    tries, 20 ms apart."""
    for attempt in range(attempts):
        if attempt:
            time.sleep(0.02)
        try:
            for pid in (path / "cgroup.procs").read_text().split():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)
            path.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:  # busy: processes still dying
            continue
    return False


def _processes_of(uid: int) -> int:
    """Processes and threads of `uid` (RLIMIT_NPROC counts both)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
    return count
