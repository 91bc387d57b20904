"""Grade a whole class: find the submissions, grade them in parallel, collect results.

Results do not depend on --jobs or on the order in which workers finish: every student
is graded by the same plain function of (notebook, student id, secret), and the results
are sorted by student id.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder.grading import Grader, grade_notebook, ungradable


@dataclass
class Submission:
    """One student's notebook for the assignment (None if there is no usable one)."""

    student: str
    notebook: Path | None
    review: list[str] = field(default_factory=list)


def find_submissions(
    submitted: Path, assignment: str, notebook_name: str, students: Iterable[str] | None = None
) -> list[Submission]:
    """`submitted/<student>/<assignment>/*.ipynb`, in nbgrader's layout, sorted by student."""
    wanted = set(students) if students else None
    found = []
    folders = sorted(p for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []
    for folder in folders:
        if wanted is not None and folder.name not in wanted:
            continue
        notebooks = sorted((folder / assignment).glob("*.ipynb"))
        found.append(_pick_notebook(folder.name, notebooks, notebook_name))
    for missing in sorted((wanted or set()) - {s.student for s in found}):
        found.append(Submission(missing, None, [f"no submission folder for {missing}"]))
    return sorted(found, key=lambda s: s.student)


def _pick_notebook(student: str, notebooks: list[Path], expected: str) -> Submission:
    named = [p for p in notebooks if p.name == expected]
    if named:
        review = [
            f"also submitted {p.name}, which was not graded"
            for p in notebooks
            if p.name != expected
        ]
        return Submission(student, named[0], review)
    if len(notebooks) == 1:
        return Submission(
            student,
            notebooks[0],
            [f"the notebook is named {notebooks[0].name}, not {expected}; it was graded anyway"],
        )
    if not notebooks:
        return Submission(student, None, ["no notebook was submitted for this assignment"])
    names = ", ".join(p.name for p in notebooks)
    return Submission(
        student, None, [f"{len(notebooks)} notebooks ({names}) and none is named {expected}"]
    )


# ---- grading, in this process or in a pool ----

_grader: Grader | None = None


def _init_worker(grader: Grader) -> None:
    global _grader
    _grader = grader


def grade_one(submission: Submission, grader: Grader | None = None) -> tuple[str, dict]:
    grader = grader or _grader
    if submission.notebook is None:
        result = ungradable(grader, submission.review[0])
    else:
        try:
            result = grade_notebook(grader, submission.student, submission.notebook)
        except Exception as error:  # noqa: BLE001  (a grader bug must not stop the batch)
            result = ungradable(
                grader, f"the grader failed on this submission ({type(error).__name__}: {error})"
            )
        result["needs_review"] = submission.review + result["needs_review"]
    return submission.student, result


def grade_class(
    grader: Grader, submissions: list[Submission], jobs: int = 1, progress: bool = True
) -> dict[str, dict]:
    """Grade every submission; return {student: result} sorted by student id."""
    bar = tqdm(
        total=len(submissions),
        desc="grading",
        unit="student",
        disable=not progress,
        file=sys.stderr,
    )
    results: dict[str, dict] = {}
    with bar:
        if jobs <= 1:
            for submission in submissions:
                student, result = grade_one(submission, grader)
                results[student] = result
                bar.update()
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                jobs, mp_context=context, initializer=_init_worker, initargs=(grader,)
            ) as pool:
                futures = [pool.submit(grade_one, s) for s in submissions]
                for future in as_completed(futures):
                    student, result = future.result()
                    results[student] = result
                    bar.update()
    return dict(sorted(results.items()))
