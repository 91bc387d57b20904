"""Where things live in the nbgrader course directory (the repository root)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def find_course_root(start: Path | None = None) -> Path:
    """Return the nearest folder, from `start` upwards, that holds `nbgrader_config.py`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    raise FileNotFoundError(
        f"no nbgrader_config.py in {here} or above: run this inside the course directory"
    )


@dataclass(frozen=True)
class CourseLayout:
    """The folders of one nbgrader course directory."""

    root: Path

    @classmethod
    def discover(cls, start: Path | None = None) -> CourseLayout:
        return cls(find_course_root(start))

    def source_notebook(self, assignment: str) -> Path:
        """The instructor's solution notebook of `assignment`."""
        notebooks = sorted((self.root / "source" / assignment).glob("*.ipynb"))
        if len(notebooks) != 1:
            raise FileNotFoundError(
                f"expected exactly one notebook in source/{assignment}/, found {len(notebooks)}"
            )
        return notebooks[0]

    def release_notebook(self, assignment: str) -> Path:
        return self.root / "release" / assignment / self.source_notebook(assignment).name

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def secret_file(self) -> Path:
        return self.root / ".course_secret"
