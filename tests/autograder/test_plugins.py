"""Assignments are plug-ins: the engine names none, and nothing students get reveals one.

- `autograder/` contains no assignment's name, graded function or mistake id: adding an
  assignment changes no file of the engine.
- `release/` holds no grading package (nbgrader's CourseDirectory.ignore).
- The distribution students install (the project's wheel: `course`, and `autograder`,
  which imports nothing of an assignment) contains no line of any solution cell and no
  line a mistake's patch makes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder.assignment import GRADING_PACKAGE, assignment_names, load_assignment
from autograder.course_layout import CourseLayout
from autograder.diagnose import patched_source
from autograder.notebook import read_notebook
from autograder.reference import course_reference
from tests.assignments import REPO

ASSIGNMENTS = assignment_names(REPO)
MIN_LINE = 12  # shorter lines ("return a", "pass") say nothing of a solution
MIN_FRAGMENT = 16  # a patch's text, searched anywhere (shorter ones occur in prose)


def solution_lines(assignment: str) -> set[str]:
    """The lines between `### BEGIN SOLUTION` and `### END SOLUTION` of the notebook."""
    lines: set[str] = set()
    notebook = read_notebook(CourseLayout(REPO).source_notebook(assignment))
    for cell in notebook.cells.values():
        inside = False
        for line in cell.source.splitlines():
            if "### END SOLUTION" in line:
                inside = False
            if inside and len(line.strip()) >= MIN_LINE:
                lines.add(line.strip())
            if "### BEGIN SOLUTION" in line:
                inside = True
    return lines


def test_there_is_an_assignment_to_check():
    assert "rnn_step_by_step" in ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_engine_names_no_assignment(assignment):
    plugin = load_assignment(REPO, assignment)
    names = {assignment, *plugin.function_names, *(m.id for m in plugin.mistakes)}
    # As whole words: "sample" is a graded function of one assignment, "sampler" is not.
    found = [
        f"{path.relative_to(REPO)}: {name}"
        for path in sorted((REPO / "autograder").rglob("*.py"))
        for name in names
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_release_has_no_grading_package(assignment):
    release = REPO / "release" / assignment
    assert release.is_dir() and not (release / GRADING_PACKAGE).exists()


@pytest.fixture(scope="module")
def wheel_text(tmp_path_factory) -> str:
    """Every text file of the project's wheel, built here (no network needed)."""
    out, tree = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("tree")
    # From a copy of what the wheel is built from: no stale build/ folder can leak in.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, tree / name)
    for package in ("course", "autograder"):
        shutil.copytree(
            REPO / package, tree / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run([*build, "-q", "-w", str(out), str(tree)], check=True, timeout=300)
    (wheel,) = out.glob("*.whl")
    texts = []
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert any(n.startswith("course/") for n in names), names
        for name in names:
            if name.endswith((".py", ".txt", ".md", ".json", ".ipynb", ".cfg", ".toml")):
                texts.append(archive.read(name).decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_student_distribution_reveals_no_solution(assignment, wheel_text):
    lines = solution_lines(assignment)
    assert lines, "no solution lines found: is the notebook nbgrader's?"
    wheel_lines = {line.strip() for line in wheel_text.splitlines()}
    assert sorted(lines & wheel_lines) == []
    plugin = load_assignment(REPO, assignment)
    reference = course_reference(REPO, assignment)
    leaked = []
    for mistake in plugin.mistakes:
        buggy = patched_source(reference, mistake.function, mistake.find, mistake.replace)
        changed = set(buggy.splitlines()) - set(reference.solutions[mistake.function].splitlines())
        leaked += [
            mistake.id
            for line in changed
            if len(line.strip()) >= MIN_LINE and line.strip() in wheel_lines
        ]
    fragments = [(m.id, text) for m in plugin.mistakes for text in (m.find, m.replace)]
    leaked += [i for i, text in fragments if len(text) >= MIN_FRAGMENT and text in wheel_text]
    assert leaked == []
