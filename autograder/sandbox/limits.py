"""Resource limits of the process that runs student code, and how to explain them."""

from __future__ import annotations

import resource
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-submission and per-function limits (see README, "Limits").

    seconds_per_function: wall-clock time for all hidden cases of one function.
    load_seconds: wall-clock time to run the solution cells (top-level code).
    cpu_seconds: CPU time of the whole worker process (all functions together).
    memory_bytes: address space of each process.
    processes: processes and threads the worker may have at once.
    output_bytes: largest file it may write, its printed output included.
    temp_bytes: size of its private temporary folder.
    """

    seconds_per_function: float = 10.0
    load_seconds: float = 10.0
    cpu_seconds: int = 60
    memory_bytes: int = 1024 * 2**20
    processes: int = 16
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


def megabytes(count: int) -> str:
    return f"{count / 2**20:.0f} MB"
