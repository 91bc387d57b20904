"""The committed release of every assignment is generated from source/, in sync (its
notebook and supporting files), and gives nothing of that assignment's solution away."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignment import assignment_names, load_assignment
from autograder.course_layout import CourseLayout
from autograder.notebook import read_notebook
from autograder.reference import course_reference, install_modules

LAYOUT = CourseLayout.discover(Path(__file__).parent)
ASSIGNMENTS = assignment_names(LAYOUT.root)
STUBS = [(a, f) for a in ASSIGNMENTS for f in load_assignment(LAYOUT.root, a).function_names]
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
    """The releases generated afresh from source/ in a scratch copy of the course."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(LAYOUT.root / "nbgrader_config.py", course)
    shutil.copytree(LAYOUT.root / "source", course / "source")
    for assignment in ASSIGNMENTS:
        done = nbgrader("generate_assignment", assignment, "--force", cwd=course)
        assert done.returncode == 0, done.stderr
    return course / "release"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_in_sync_with_source(assignment, regenerated):
    fresh_folder = regenerated / assignment
    committed_folder = LAYOUT.root / "release" / assignment
    def listing(folder: Path) -> list[str]:  # every file, figures/*.svg too
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())

    files = listing(fresh_folder)
    assert files == listing(committed_folder)
    for name in files:
        fresh, committed = (folder / name for folder in (fresh_folder, committed_folder))
        same = (
            json.loads(fresh.read_text()) == json.loads(committed.read_text())
            if name.endswith(".ipynb")
            else fresh.read_bytes() == committed.read_bytes()
        )
        assert same, (
            f"release/{assignment}/{name} is out of date: run `nbgrader generate_assignment "
            f"{assignment} --force` and commit the result"
        )


def _solution_lines(assignment: str) -> set[str]:
    """Every substantive line of solution code in the assignment's source notebook."""
    source = read_notebook(LAYOUT.source_notebook(assignment))
    lines = set()
    for name in load_assignment(LAYOUT.root, assignment).function_names:
        for block in SOLUTION_BLOCK.findall(source.cells[name].source):
            lines.update(line.strip() for line in block.splitlines() if len(line.strip()) > 12)
    return lines


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_contains_no_solution_code(assignment):
    release = LAYOUT.release_notebook(assignment)
    text = release.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "assert_passes_hidden"):
        assert marker not in text
    cells = json.loads(text)["cells"]
    release_lines = {line.strip() for c in cells for line in "".join(c["source"]).splitlines()}
    # The supporting files too (an earlier assignment's solutions may be there, not its own).
    for path in release.parent.glob("*.py"):
        release_lines |= {line.strip() for line in path.read_text().splitlines()}
    leaked = sorted(_solution_lines(assignment) & release_lines)
    assert not leaked, f"solution lines in the release: {leaked}"


@pytest.mark.parametrize(("assignment", "function"), STUBS)
def test_every_stub_raises_not_implemented(assignment, function):
    install_modules(course_reference(LAYOUT.root, assignment).modules)
    cells = read_notebook(LAYOUT.release_notebook(assignment)).cells
    namespace: dict = {}
    exec(cells[load_assignment(LAYOUT.root, assignment).setup_cell].source, namespace)
    exec(cells[function].source, namespace)
    stub = namespace[function]
    arity = stub.__code__.co_argcount
    with pytest.raises(NotImplementedError):
        stub(*([None] * arity))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_validate_passes_on_source(assignment):
    done = nbgrader("validate", str(LAYOUT.source_notebook(assignment)), cwd=LAYOUT.root)
    assert done.returncode == 0 and "Success!" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_fails_on_the_release(assignment):
    """`nbgrader validate --invert` succeeds only if no test cell passes on the stubs."""
    release = LAYOUT.release_notebook(assignment)
    done = nbgrader("validate", "--invert", str(release), cwd=LAYOUT.root)
    assert "The notebook does not pass any tests" in done.stdout, done.stdout + done.stderr
