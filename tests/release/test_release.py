"""The committed release is generated from source/, in sync, and gives nothing away."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course_layout import CourseLayout
from autograder.notebook import read_notebook
from tests.assignments import ASSIGNMENT, GRADED_FUNCTIONS, SETUP_CELL


LAYOUT = CourseLayout.discover(Path(__file__).parent)
SOURCE = LAYOUT.source_notebook(ASSIGNMENT)
RELEASE = LAYOUT.release_notebook(ASSIGNMENT)
BIN = Path(sys.executable).parent
SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # nbgrader runs `alembic` from PATH: put this environment's scripts first.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """The release generated afresh from source/ in a scratch copy of the course."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(LAYOUT.root / "nbgrader_config.py", course)
    shutil.copytree(SOURCE.parent, course / "source" / ASSIGNMENT)
    done = nbgrader("generate_assignment", ASSIGNMENT, "--force", cwd=course)
    assert done.returncode == 0, done.stderr
    return course / "release" / ASSIGNMENT / SOURCE.name


def test_release_is_in_sync_with_source(regenerated):
    fresh, committed = json.loads(regenerated.read_text()), json.loads(RELEASE.read_text())
    assert committed == fresh, (
        "release/ is out of date: run `nbgrader generate_assignment "
        f"{ASSIGNMENT} --force` and commit the result"
    )


def _solution_lines() -> set[str]:
    """Every substantive line of solution code in the source notebook."""
    lines = set()
    for name in GRADED_FUNCTIONS:
        for block in SOLUTION_BLOCK.findall(read_notebook(SOURCE).cells[name].source):
            lines.update(line.strip() for line in block.splitlines() if len(line.strip()) > 12)
    return lines


def test_release_contains_no_solution_code():
    text = RELEASE.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "assert_passes_hidden"):
        assert marker not in text
    release_lines = {
        line.strip()
        for cell in json.loads(text)["cells"]
        for line in "".join(cell["source"]).splitlines()
    }
    leaked = sorted(_solution_lines() & release_lines)
    assert not leaked, f"solution lines in the release: {leaked}"


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_every_stub_raises_not_implemented(function):
    cells = read_notebook(RELEASE).cells
    namespace: dict = {}
    exec(cells[SETUP_CELL].source, namespace)
    exec(cells[function].source, namespace)
    stub = namespace[function]
    arity = stub.__code__.co_argcount
    with pytest.raises(NotImplementedError):
        stub(*([None] * arity))


def test_nbgrader_validate_passes_on_source():
    done = nbgrader("validate", str(SOURCE), cwd=LAYOUT.root)
    assert done.returncode == 0 and "Success!" in done.stdout, done.stdout + done.stderr


def test_every_test_cell_fails_on_the_release():
    """`nbgrader validate --invert` succeeds only if no test cell passes on the stubs."""
    done = nbgrader("validate", "--invert", str(RELEASE), cwd=LAYOUT.root)
    assert "The notebook does not pass any tests" in done.stdout, done.stdout + done.stderr
