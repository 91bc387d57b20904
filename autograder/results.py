"""The results JSON: a documented, stable contract (README, "Results JSON").

{"assignment": str,
 "students": {ID: {"score": float, "max_score": float, "error": str | null,
                   "needs_review": [str],
                   "functions": {NAME: {"score": float, "max_score": float,
                                        "checks": [{"name": str, "passed": bool,
                                                    "message": str}]}}}}}
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.atomic_files import write_chunks_atomic


def class_results(assignment: str, students: dict[str, dict]) -> dict:
    return {"assignment": assignment, "students": dict(sorted(students.items()))}


def write_results(path: Path, results: dict) -> Path:
    """Write the results JSON atomically (a reader never sees half a file), one student
    per line: json's fast encoder, and a class of 10,000 never whole in memory as text."""

    def chunks():
        yield f'{{"assignment": {json.dumps(results["assignment"])},\n "students": {{'.encode()
        for k, (student, result) in enumerate(results["students"].items()):
            separator = ",\n  " if k else "\n  "
            yield f"{separator}{json.dumps(student)}: {json.dumps(result)}".encode()
        yield b"\n }\n}\n"

    return write_chunks_atomic(path, chunks())


def read_results(path: Path) -> dict:
    return json.loads(path.read_text())


def earlier_results(path: Path, assignment: str) -> dict[str, dict]:
    """The students of an earlier results file of `assignment` at `path` ({} if none).

    A file that cannot be read, or is of another assignment, stops grading (ValueError)
    rather than be overwritten: no result is ever lost.
    """
    if not path.exists():
        return {}
    try:
        earlier = read_results(path)
        students = earlier["students"]
        if earlier["assignment"] != assignment or not isinstance(students, dict):
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        raise ValueError(
            f"{path} holds no readable results of {assignment}: move it away (it is not "
            "overwritten) and grade again"
        ) from None
    return students
