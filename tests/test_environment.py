"""environment.yml and pyproject.toml list the same dependencies with the same bounds."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    name, bounds = REQUIREMENT.match(requirement.strip()).groups()
    return name.lower().replace("_", "-"), bounds.replace(" ", "")


def pyproject_dependencies() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in listed)


def conda_dependencies() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    block = text.split("dependencies:", 1)[1]
    # Conda packages at the top level, and PyPI packages under `- pip:` (not the `-e .`).
    entries = re.findall(r"^  (?:    )?- ([^\s:-][^\n]*)$", block, flags=re.M)
    return dict(_split(e) for e in entries if not e.startswith(("python", "pip")))


def test_environment_yml_matches_pyproject():
    assert conda_dependencies() == pyproject_dependencies()


def test_environment_yml_installs_the_project_itself():
    assert re.search(r"^\s+- pip:\n\s+- -e \.$", (ROOT / "environment.yml").read_text(), re.M)
