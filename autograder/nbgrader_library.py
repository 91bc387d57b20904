"""nbgrader, imported as the grader uses it: as a library (its gradebook API, and its
reading of submission timestamps), only where needed, and without what only a Jupyter
server needs.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import re
import sys
import types
from datetime import datetime

# What `nbgrader collect` writes in timestamp.txt, in nbgrader's default time zone.
_UTC_TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? UTC")


def parse_timestamp(text: str) -> datetime:
    """A submission's timestamp as nbgrader reads it (`nbgrader.utils.parse_utc`): a
    naive datetime in UTC. The form nbgrader writes in UTC is read here; any other is
    left to nbgrader itself (importing nbgrader.utils costs 0.2-0.3 s of CPU).
    Raises ValueError (or OverflowError) where the text is no timestamp."""
    match = _UTC_TIMESTAMP.fullmatch(text)
    if match is None:
        from nbgrader.utils import parse_utc

        return parse_utc(text)
    *fields, fraction = match.groups()
    return datetime(*map(int, fields), int((fraction or "0").ljust(6, "0")))


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
