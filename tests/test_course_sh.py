"""course.sh, the two set-up commands, on a stand-in project: the real script, with a fake
venv whose programs only log how they were called (so nothing is installed or graded).

- A second run skips the install while pyproject.toml is unchanged, and redoes it when
  it changes.
- Without bubblewrap, and with no way to install it, `test` prints the one command to
  run and stops.
- The demo names each notebook `nbgrader validate` checks.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.assignments import REPO

LOGGING_PROGRAM = '#!/bin/sh\necho "$(basename "$0") $*" >> "$CALLS"\n'


def program(folder: Path, name: str, body: str = LOGGING_PROGRAM) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body)
    (folder / name).chmod(stat.S_IRWXU)


@pytest.fixture
def project(tmp_path) -> Path:
    """course.sh, a pyproject.toml, one assignment, and a venv of logging programs."""
    shutil.copy(REPO / "course.sh", tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'stand-in'\n")
    (tmp_path / "source" / "toy").mkdir(parents=True)
    (tmp_path / "source" / "toy" / "toy.ipynb").write_text("{}")
    for name in ("python", "nbgrader", "rnn-autograde", "ruff"):
        program(tmp_path / ".venv" / "bin", name)
    return tmp_path


def run(project: Path, *args: str, path: str = "/usr/bin:/bin") -> subprocess.CompletedProcess:
    env = {
        "PATH": path,
        "CALLS": str(project / "calls.log"),
        "HOME": str(project),
        "PYTHON": sys.executable,  # any Python 3.11+ passes the version check
    }
    return subprocess.run(
        ["bash", "course.sh", *args], cwd=project, env=env, capture_output=True, text=True
    )


def calls(project: Path) -> list[str]:
    log = project / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def pip_installs(project: Path) -> int:
    return sum("pip install" in line for line in calls(project))


@pytest.mark.skipif(not shutil.which("sha256sum"), reason="course.sh needs coreutils")
def test_a_second_run_skips_the_install_until_pyproject_changes(project):
    run(project, "nothing")
    assert pip_installs(project) == 2  # pip itself, then the project
    run(project, "nothing")
    assert pip_installs(project) == 2
    (project / "pyproject.toml").write_text("[project]\nname = 'changed'\n")
    run(project, "nothing")
    assert pip_installs(project) == 4


def test_without_bubblewrap_and_no_way_to_install_it_test_says_the_command(project, tmp_path):
    tools = tmp_path / "tools"  # the usual tools, but no bwrap and no apt-get
    tools.mkdir()
    for name in ("bash", "cat", "cut", "sha256sum", "dirname", "sh"):
        os.symlink(shutil.which(name), tools / name)
    program(tools, "id", "#!/bin/sh\necho 1000\n")  # not root
    program(tools, "sudo", "#!/bin/sh\nexit 1\n")  # no password-less sudo
    result = run(project, "test", path=str(tools))
    assert result.returncode == 1
    assert "install it with: sudo apt-get install bubblewrap" in result.stderr
    assert not any(line.startswith(("ruff", "python -m pytest")) for line in calls(project))


def test_the_demo_names_each_notebook_it_validates(project):
    result = run(project, "demo")
    assert result.returncode == 0, result.stderr
    assert "nbgrader validate source/toy/toy.ipynb:" in result.stdout
    assert "nbgrader generate_assignment toy --force --log-level=WARN" in calls(project)
    # The supporting files that carry earlier solutions are rewritten before the release.
    assert calls(project).index("rnn-autograde borrow") < calls(project).index(
        "nbgrader generate_assignment toy --force --log-level=WARN"
    )
