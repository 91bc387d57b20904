"""The whole hostile suite, graded by an unprivileged user as well as by root.

Graded by root, workers get cgroups and bubblewrap runs without a user namespace; graded
by an ordinary user, bubblewrap maps that user to 65534 in a user namespace and, with no
writable cgroups, the RLIMIT_NPROC fallback applies. When the tests run as root, this
test runs tests/hostile again (but for assignment 2's batch, whose isolation is the same)
as uid 65534 ("nobody"), in a mount namespace where the
interpreter is reachable (it may sit under /root, which only root may enter). When the
tests run as an ordinary user, the suite itself is already that run.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534


def _reachable(path: str) -> list[str]:
    """bubblewrap arguments that let any user reach `path` (read-only) if it, or a folder
    above it, is closed to others (a checkout made by `mktemp -d` is 0700, say): the
    first closed folder is covered by an open, empty one; then `path` is bound back, or,
    if `path` itself was the closed one, each of its entries."""
    parts = Path(path).parts
    for depth in range(2, len(parts) + 1):
        folder = str(Path(*parts[:depth]))
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            argv = ["--perms", "0755", "--tmpfs", folder]
            if folder == path:
                for entry in sorted(os.listdir(path)):
                    argv += ["--ro-bind", f"{path}/{entry}", f"{path}/{entry}"]
                return argv
            for inner in range(depth + 1, len(parts)):
                argv += ["--perms", "0755", "--dir", str(Path(*parts[:inner]))]
            return [*argv, "--ro-bind", path, path]
    return []


@pytest.mark.skipif(os.geteuid() != 0, reason="the suite already runs as an ordinary user")
def test_hostile_suite_passes_when_an_unprivileged_user_grades():
    bwrap, setpriv = shutil.which("bwrap"), shutil.which("setpriv")
    assert bwrap and setpriv, "needs bubblewrap and setpriv (util-linux)"
    home = Path(tempfile.mkdtemp(prefix="rnn-unprivileged-home-"))
    os.chown(home, NOBODY, NOBODY)
    # The read-only canary of the hostile batch: made here, since nobody may not write
    # in the interpreter's folder.
    canary = Path(sys.base_prefix) / f".hostile-canary-{uuid.uuid4().hex}"
    canary.write_text("canary\n")
    argv = [bwrap, "--die-with-parent", "--dev-bind", "/", "/"]
    argv += _reachable(os.path.realpath(sys.base_prefix))
    argv += _reachable(str(REPO))
    argv += [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    argv += [sys.executable, "-m", "pytest", "tests/hostile", "-p", "no:cacheprovider", "-q"]
    argv += ["--ignore", "tests/hostile/test_as_unprivileged_user.py"]
    # Assignment 2's batch isolates the same way: once, as root, keeps the suite short.
    argv += ["--ignore", "tests/hostile/test_hostile_language_model.py"]
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "RNN_HOSTILE_CANARY": str(canary),
        **{k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
    }
    try:
        run = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=400)
    finally:
        canary.unlink(missing_ok=True)
        shutil.rmtree(home, ignore_errors=True)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout
