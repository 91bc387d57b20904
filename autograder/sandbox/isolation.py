"""How the worker process is started: inside bubblewrap where possible, else plainly.

With bubblewrap the worker sees, read-only, only the Python interpreter and its standard
library, numpy, the four `course` modules solution cells import (not the public checks,
the gradient checker or the figures) and its own two files; plus a private, size-limited
/tmp. No `source/`, no course secret, no gradebook, no other submission, no network, its
own process tree, /proc and /dev read-only, no /sys. Student code runs as uid 65534
("nobody") whoever grades: a grader running as root starts bubblewrap without a user
namespace (whose uid 65534 would still be root outside) and the worker drops to 65534
before it reads any submission; an ordinary user's bubblewrap maps its own uid to 65534
in a user namespace.

Without bubblewrap, a plain subprocess still gets the resource limits, an empty working
folder and a scrubbed environment, but runs as the grading account and can read
whatever it can read.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy

import course
from autograder.sandbox.limits import Limits
from autograder.sandbox.worker_cgroup import find_layout

WORKER = Path(__file__).with_name("worker.py")
ZYGOTE = WORKER.with_name("zygote.py")
WORKER_FILES = (WORKER, WORKER.with_name("wire.py"), ZYGOTE)
# The `course` modules a solution cell may import (activations, notation, the progress
# bar); everything else of the package stays outside the sandbox.
COURSE_MODULES = ("__init__.py", "activations.py", "notation.py", "progress.py")
SANDBOX_TMP = "/tmp"
SANDBOX_LIB = "/sandbox/lib"  # numpy and course, on the worker's sys.path
SANDBOX_WORKER = "/sandbox/worker"
UNPRIVILEGED_UID = 65534  # "nobody"
ZYGOTE_TMP_BYTES = 2**20  # the zygote writes nothing; each worker mounts its own /tmp

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


def _interpreter() -> tuple[str, str]:
    """The real interpreter (not a venv's link to it) and the prefix it lives in."""
    executable = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    return executable, os.path.realpath(sys.base_prefix)


def _parents(path: str) -> list[str]:
    """The folders above `path`, outermost first ("/a/b/c" -> ["/a", "/a/b"])."""
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _mounts() -> list[tuple[str, str]]:
    """(host path, sandbox path) of everything the worker reads, besides the system."""
    numpy_dir = Path(numpy.__file__).resolve().parent
    course_dir = Path(course.__file__).resolve().parent
    _, prefix = _interpreter()
    mounts = [(prefix, prefix), (str(numpy_dir), f"{SANDBOX_LIB}/numpy")]
    bundled = numpy_dir.with_name("numpy.libs")  # the OpenBLAS of numpy's wheels
    if bundled.is_dir():
        mounts.append((str(bundled), f"{SANDBOX_LIB}/numpy.libs"))
    mounts += [(str(course_dir / name), f"{SANDBOX_LIB}/course/{name}") for name in COURSE_MODULES]
    mounts += [(str(path.resolve()), f"{SANDBOX_WORKER}/{path.name}") for path in WORKER_FILES]
    return mounts


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
            "student code runs as the grading account (root, if the grader runs as root)",
        ]

    @property
    def can_fork_workers(self) -> bool:
        """Whether a warm zygote may fork the workers (see zygote.py): it needs bubblewrap,
        root to make each worker's namespaces and drop it to uid 65534, and cgroups to cap
        each worker's processes."""
        return self.sandboxed and os.geteuid() == 0 and _cgroups_complete()

    def command(
        self, limits: Limits, workdir: str, process_cap: int | None = None
    ) -> tuple[list[str], str | None]:
        """The argv that starts the worker, and the cwd to start it in. `process_cap`: the
        RLIMIT_NPROC a sandboxed worker sets itself (where no cgroup caps it)."""
        if not self.sandboxed:
            return [sys.executable, "-I", "-B", str(WORKER.resolve())], workdir
        argv = self._bwrap(limits.temp_bytes, zygote=False)
        python, _ = _interpreter()
        worker = f"{SANDBOX_WORKER}/{WORKER.name}"
        cap = [str(process_cap)] if process_cap else []
        return argv + [python, "-I", "-S", "-B", worker, SANDBOX_LIB, *cap], None

    def zygote_command(self) -> list[str]:
        """The argv that starts the zygote (only where `can_fork_workers`): the worker's
        sandbox, but in the grader's pid namespace (the grader caps each worker by its
        pid) and with the capabilities each worker's start needs (it drops them all)."""
        python, _ = _interpreter()
        argv = self._bwrap(ZYGOTE_TMP_BYTES, zygote=True)
        return argv + [python, "-I", "-S", "-B", f"{SANDBOX_WORKER}/{ZYGOTE.name}", SANDBOX_LIB]

    def _bwrap(self, temp_bytes: int, zygote: bool) -> list[str]:
        argv = [self.bwrap, "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        argv += ["--unshare-ipc", "--unshare-net", "--unshare-uts"]
        argv += [] if zygote else ["--unshare-pid"]
        argv += ["--unshare-cgroup-try"]
        if zygote:
            argv += ["--cap-add", "CAP_SYS_ADMIN"]
        if os.geteuid() == 0:
            # No user namespace: its uid 65534 would be root outside. The worker keeps
            # only the capability to drop to 65534, and does so before any student code.
            argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            uid = str(UNPRIVILEGED_UID)
            argv += ["--unshare-user", "--uid", uid, "--gid", uid, "--disable-userns"]
        argv += ["--clearenv"]
        for key, value in worker_environment().items():
            argv += ["--setenv", key, value]
        # The private /tmp first: the read-only binds below may live under /tmp (a
        # checkout in /tmp, say) and must not be hidden by it.
        argv += ["--perms", "1777", "--size", str(temp_bytes), "--tmpfs", SANDBOX_TMP]
        for system_dir in ("/usr", "/bin", "/lib", "/lib64", "/etc/alternatives"):
            argv += ["--ro-bind-try", system_dir, system_dir]
        made: set[str] = {SANDBOX_TMP}
        for source, target in _mounts():
            # bubblewrap would make missing parent folders private (0700) to root.
            for parent in _parents(target):
                if parent not in made:
                    argv += ["--perms", "0755", "--dir", parent]
                    made.add(parent)
            argv += ["--ro-bind", source, target]
        # /proc and /dev read-only: no kernel setting (/proc/sys) can change, and no
        # unlimited RAM disk (/dev/shm) exists. Then the root itself, with all but /tmp.
        argv += ["--proc", "/proc", "--remount-ro", "/proc"]
        argv += ["--dev", "/dev", "--remount-ro", "/dev"]
        return argv + ["--remount-ro", "/", "--chdir", SANDBOX_TMP, "--"]


def _cgroups_complete() -> bool:
    layout = find_layout()
    return layout is not None and layout.complete


def new_workdir() -> str:
    """A fresh, empty working folder for a worker run without bubblewrap."""
    return tempfile.mkdtemp(prefix="rnn-grade-")
