"""An empty gradebook to start each scratch course with."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.gradebook import course_id
from tests.reliability.course_runs import REPO


@pytest.fixture(scope="session")
def empty_gradebook(tmp_path_factory) -> Path:
    """An empty nbgrader gradebook, as `nbgrader generate_assignment` leaves one in a
    course. nbgrader finds the schema version by running `alembic heads` (about 5 s);
    here it is read in-process, which gives the same database."""
    import nbgrader
    import nbgrader.api as api
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "get_alembic_version", lambda: head)
        with api.Gradebook(f"sqlite:///{path}", course_id=course_id(REPO)):
            pass
    return path
