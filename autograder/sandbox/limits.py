"""Resource limits of the process that runs student code, and how to explain them."""

from __future__ import annotations

import resource
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-submission and per-function limits (see README, "Limits").

    seconds_per_function: wall-clock time for all hidden cases of one function.
    load_seconds: wall-clock time to run the solution cells (top-level code).
    cpu_seconds: CPU time of each process of the worker (RLIMIT_CPU); with cgroups the
        worker also gets at most one core, so its CPU time stays below its wall time.
    memory_bytes: memory of the whole worker with cgroups (its /tmp included), and the
        address space of each of its processes (RLIMIT_AS) in any case.
    processes: processes and threads of the whole worker (pids cgroup).
    fallback_processes: the cap without cgroups (RLIMIT_NPROC, over what the grading
        account already runs), kept small because every process multiplies the
        per-process limits: see `fallback_budget`.
    output_bytes: largest file it may write, its printed output included (RLIMIT_FSIZE).
    temp_bytes: size of its private temporary folder.
    open_files: file descriptors per process (RLIMIT_NOFILE).
    """

    seconds_per_function: float = 10.0
    load_seconds: float = 10.0
    cpu_seconds: int = 60
    memory_bytes: int = 1024 * 2**20
    processes: int = 16
    fallback_processes: int = 4
    output_bytes: int = 8 * 2**20
    temp_bytes: int = 32 * 2**20
    open_files: int = 64

    def rlimits(self) -> dict[int, int]:
        """The setrlimit values applied to the worker (soft = hard: it cannot raise them)."""
        return {
            resource.RLIMIT_CPU: self.cpu_seconds,
            resource.RLIMIT_AS: self.memory_bytes,
            resource.RLIMIT_FSIZE: self.output_bytes,
            resource.RLIMIT_NOFILE: self.open_files,
            resource.RLIMIT_CORE: 0,
        }

    def apply(self) -> None:
        """Lower this process's limits; called in the child just before exec."""
        for which, value in self.rlimits().items():
            resource.setrlimit(which, (value, value))

    def fallback_budget(self) -> tuple[int, int]:
        """(memory bytes, CPU seconds) a worker can hold at most without cgroups: each
        process its address space plus a full file (memfd) per descriptor, and its CPU."""
        per_process = self.memory_bytes + self.open_files * self.output_bytes
        memory = self.fallback_processes * per_process + self.temp_bytes
        return memory, self.fallback_processes * self.cpu_seconds


def megabytes(count: int) -> str:
    return f"{count / 2**20:.0f} MB"
