"""Import what the end of a grading run needs while the class is being graded.

Recording in the gradebook needs nbgrader.utils, for nbgrader's reading of submission
timestamps (about 0.2 s to import as a library, see `nbgrader_as_a_library`; far more
with the package's Jupyter server extensions); nbgrader.api and SQLAlchemy only where
the gradebook lacks the assignment's structure (see autograder/gradebook.py).
Imported at the end, it was most of a small class's fixed cost.
`preload` imports them in a background thread, started once every grading process has
been forked (a fork while another thread imports could copy a held import lock). The
grading itself waits on the workers most of the time, so the two overlap; the code that
needs a module still imports it as usual, and Python's import lock makes it wait for a
preload in progress.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
import threading
import types

END_OF_RUN_MODULES = ("nbgrader.utils",)


def skip_unused_iri_parser() -> None:
    """Keep jsonschema (imported by nbgrader, through nbformat) from building its IRI
    format checker: with `rfc3987_syntax` installed it builds 38 parsers at import, about
    1 s, and nothing a grading run does validates an IRI. Call before nbgrader is imported;
    jsonschema then runs without that one optional format check, as where the package is
    not installed."""
    sys.modules.setdefault("rfc3987_syntax", None)


def nbgrader_as_a_library() -> None:
    """Let `import nbgrader.api` (and `nbgrader.utils`) load without running nbgrader's
    package `__init__`, which imports its four Jupyter server extensions (jupyter_server,
    their handlers, the exchange: half of nbgrader's import time) only to register them
    with a Jupyter server. A grading run uses nbgrader as a library: the gradebook API.
    Call before anything imports nbgrader; where it is imported already, nothing changes.
    """
    if "nbgrader" in sys.modules:
        return
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations:
        return  # not installed: the import fails as it would have
    package = types.ModuleType("nbgrader", "nbgrader, without its server extensions")
    package.__spec__, package.__file__ = spec, spec.origin
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["nbgrader"] = package
    with contextlib.suppress(Exception):
        package.__version__ = importlib.import_module("nbgrader._version").__version__


def preload(modules: tuple[str, ...] = END_OF_RUN_MODULES) -> threading.Thread:
    """Start importing `modules` in a background thread; returns the thread."""

    def import_all() -> None:
        for name in modules:
            with contextlib.suppress(Exception):  # the real import says what is wrong
                importlib.import_module(name)

    thread = threading.Thread(target=import_all, name="preload", daemon=True)
    thread.start()
    return thread
