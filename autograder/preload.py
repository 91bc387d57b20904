"""Import what the end of a grading run needs while the class is being graded.

Writing the gradebook needs nbgrader (about 1-2 s to import: it pulls in jupyter_server
and nbformat's validator). Imported at the end, it was most of a small class's fixed cost.
`preload` imports them in a background thread, started once every grading process has
been forked (a fork while another thread imports could copy a held import lock). The
grading itself waits on the workers most of the time, so the two overlap; the code that
needs a module still imports it as usual, and Python's import lock makes it wait for a
preload in progress.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading

END_OF_RUN_MODULES = ("nbgrader.api", "nbgrader.utils")


def skip_unused_iri_parser() -> None:
    """Keep jsonschema (imported by nbgrader, through nbformat) from building its IRI
    format checker: with `rfc3987_syntax` installed it builds 38 parsers at import, about
    1 s, and nothing a grading run does validates an IRI. Call before nbgrader is imported;
    jsonschema then runs without that one optional format check, as where the package is
    not installed."""
    sys.modules.setdefault("rfc3987_syntax", None)


def preload(modules: tuple[str, ...] = END_OF_RUN_MODULES) -> threading.Thread:
    """Start importing `modules` in a background thread; returns the thread."""

    def import_all() -> None:
        for name in modules:
            with contextlib.suppress(Exception):  # the real import says what is wrong
                importlib.import_module(name)

    thread = threading.Thread(target=import_all, name="preload", daemon=True)
    thread.start()
    return thread
