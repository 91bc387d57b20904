"""Housekeeping: what git ignores, and README's paths and layout match the repository."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.assignments import REPO

README = (REPO / "README.md").read_text()


def ignored(path: str) -> bool:
    check = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=REPO)
    return check.returncode == 0


def top_level_folders() -> set[str]:
    files = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return {name.split("/")[0] for name in files if "/" in name}


@pytest.mark.parametrize(
    "path",
    ["results/rnn_step_by_step.json", "feedback/ann/x.html", "grades.csv", "canvas_grades.csv"],
)
def test_the_course_outputs_are_ignored(path):
    assert ignored(path)


@pytest.mark.parametrize(
    "path",
    ["benchmarks/results/run.json", "tests/feedback/page.py", "autograder/report/feedback_html.py"],
)
def test_folders_of_the_same_name_elsewhere_are_not(path):
    assert not ignored(path)


def test_readme_names_no_file_of_the_project_that_is_missing():
    folders = top_level_folders() | {"research", "shared", "docs"}
    named = re.findall(r"(?<![\w/.<])((?:[\w.-]+/)+[\w.-]+\.(?:md|py|ipynb|yml|toml))", README)
    ours = [path for path in named if path.split("/")[0] in folders]
    assert ours and [path for path in ours if not (REPO / path).exists()] == []


def test_readme_layout_lists_every_top_level_folder():
    layout = README.split("## For contributors", 1)[1].split("```")[1]
    listed = set(re.findall(r"^(\S+)/\s", layout, flags=re.M))
    assert top_level_folders() <= listed
