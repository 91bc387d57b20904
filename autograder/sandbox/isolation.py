"""How the worker process is started: inside bubblewrap where possible, else plainly.

With bubblewrap the worker sees only the Python installation, the `course` package and
its own code, read-only, plus a private, size-limited /tmp: no `source/`, no course
secret, no gradebook, no other submission, no network, its own process tree.
Without it, a plain subprocess still gets the resource limits, an empty working folder
and a scrubbed environment, but can read whatever the instructor's account can read.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import course
from autograder.sandbox.limits import Limits

WORKER = Path(__file__).with_name("worker.py")
SANDBOX_TMP = "/tmp"

# Only what numpy needs to behave the same everywhere; nothing that hints at grading.
_PASSED_THROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def worker_environment() -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": SANDBOX_TMP,
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
    }
    env.update({k: os.environ[k] for k in _PASSED_THROUGH if k in os.environ})
    return env


def find_bwrap() -> str | None:
    return shutil.which("bwrap")


def _readable_roots() -> list[str]:
    """Folders the worker must read: the interpreter, its libraries and our two packages."""
    roots = {
        sys.base_prefix,
        sys.prefix,
        str(Path(sys.executable).resolve().parent.parent),
        str(Path(course.__file__).resolve().parent),
        str(WORKER.parent.resolve()),
    }
    # site-packages may live outside the prefixes (e.g. a --system-site-packages venv).
    roots.update(p for p in sys.path if p and "site-packages" in p and os.path.isdir(p))
    return sorted(roots)


@dataclass(frozen=True)
class Isolation:
    """Which protections the worker gets; `missing` says what is lost without bwrap."""

    bwrap: str | None

    @classmethod
    def detect(cls, use_bwrap: bool = True) -> Isolation:
        return cls(find_bwrap() if use_bwrap else None)

    @property
    def sandboxed(self) -> bool:
        return self.bwrap is not None

    @property
    def missing(self) -> list[str]:
        if self.sandboxed:
            return []
        return [
            "student code can read any file the grading account can read "
            "(source/ solutions, the course secret, the gradebook, other submissions)",
            "student code can write files outside its temporary folder",
            "student code can open network connections",
            "student code can see and signal other processes of the grading account",
        ]

    def command(self, limits: Limits, workdir: str) -> tuple[list[str], str | None]:
        """The argv that starts the worker, and the cwd to start it in."""
        python = [sys.executable, "-I", "-B", str(WORKER.resolve())]
        if not self.sandboxed:
            return python, workdir
        argv = [
            self.bwrap,
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--clearenv",
        ]
        for key, value in worker_environment().items():
            argv += ["--setenv", key, value]
        # The private /tmp first: the read-only binds below may live under /tmp (a
        # checkout in /tmp, say) and must not be hidden by it.
        argv += ["--size", str(limits.temp_bytes), "--tmpfs", SANDBOX_TMP]
        for system_dir in ("/usr", "/bin", "/lib", "/lib64", "/etc/alternatives"):
            argv += ["--ro-bind-try", system_dir, system_dir]
        for root in _readable_roots():
            argv += ["--ro-bind", root, root]
        argv += ["--proc", "/proc", "--dev", "/dev"]
        # Everything but /tmp read-only, including the root bwrap builds the mounts on.
        argv += ["--remount-ro", "/", "--chdir", SANDBOX_TMP, "--"]
        return argv + python, None


def new_workdir() -> str:
    """A fresh, empty working folder for a worker run without bubblewrap."""
    return tempfile.mkdtemp(prefix="rnn-grade-")
