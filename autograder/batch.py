"""Grade a whole class: find the submissions, grade them in parallel, collect results.

Results do not depend on --jobs or on the order in which workers finish: every student
is graded by the same plain function of (notebook, student id, secret), and the results
are sorted by student id.

What is wrong with a submission as a whole (its file name, a second notebook, a damaged
notebook: see `autograder.notebook`) is said to the student in the result's `error` and
listed for the instructor in `needs_review`; whatever could be graded still is.
Symbolic links are never followed in `submitted/`: a link could point at the solution
notebook or at another student's work.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from autograder.grading import Grader, grade_parsed, ungradable
from autograder.notebook import NotebookError, ParsedNotebook, read_notebook, solution_cells
from autograder.sandbox.worker_cgroup import find_layout, remove_pending, remove_stale_cgroups
from autograder.sandbox.zygote_process import discard_spares


@dataclass
class Submission:
    """One student's notebook for the assignment (None if there is no usable one).

    candidates: several notebooks, none with the expected name; grading picks one.
    """

    student: str
    notebook: Path | None
    review: list[str] = field(default_factory=list)
    candidates: list[Path] = field(default_factory=list)


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
        found.append(_find_notebook(folder, assignment, notebook_name))
    for missing in sorted((wanted or set()) - {s.student for s in found}):
        found.append(Submission(missing, None, [f"no submission folder for {missing}"]))
    return sorted(found, key=lambda s: s.student)


def _find_notebook(folder: Path, assignment: str, expected: str) -> Submission:
    """The notebook(s) in `folder/assignment`, or else in its subfolders; no links."""
    student, where = folder.name, folder / assignment
    if folder.is_symlink() or where.is_symlink():
        return Submission(
            student, None, ["the submission folder is a symbolic link, so it was not graded"]
        )
    notebooks = sorted(where.glob("*.ipynb"))
    review = [
        f"{p.name} is a symbolic link, not a notebook file, so it was not graded"
        for p in notebooks
        if p.is_symlink()
    ]
    notebooks = [p for p in notebooks if not p.is_symlink()]
    if not notebooks and where.is_dir():
        nested = sorted(
            p
            for p in where.rglob("*.ipynb")
            if not any(part.startswith(".") for part in p.relative_to(where).parts)
            and not any(q.is_symlink() for q in [p, *p.parents] if where in q.parents)
        )
        if nested:
            review.append(
                f"the notebook was in a subfolder ({nested[0].parent.relative_to(where)}) "
                f"of {assignment}/, not directly in it"
            )
            notebooks = nested
    submission = _pick_notebook(student, notebooks, expected)
    submission.review[:0] = review
    return submission


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
        student,
        None,
        [f"{len(notebooks)} notebooks ({names}) and none is named {expected}"],
        candidates=notebooks,
    )


def _choose(
    submission: Submission, functions: tuple[str, ...]
) -> tuple[Path, ParsedNotebook | NotebookError, str]:
    """Of several notebooks, none with the expected name: the one with the most solution
    cells of the graded functions (the first by name on a tie)."""
    best = None
    for path in submission.candidates:
        try:
            parsed: ParsedNotebook | NotebookError = read_notebook(path)
            count = len(solution_cells(parsed, functions)[0])
        except NotebookError as error:
            parsed, count = error, -1
        if best is None or count > best[2]:
            best = (path, parsed, count)
    path, parsed, _ = best
    others = ", ".join(p.name for p in submission.candidates if p != path)
    note = (
        f"{path.name} was graded, the notebook with the most solution cells; {others} "
        "not (ask your instructor if another one should count)"
    )
    return path, parsed, note


# ---- grading, in this process or in a pool ----

Publish = Callable[[str, dict], None]
_grader: Grader | None = None
_publish: Publish | None = None


def _init_worker(grader: Grader, publish: Publish | None, started=None) -> None:
    """started: in a pool, a shared count of the processes started so far; each then
    keeps to a core of its own, with its zygote and workers (see `_keep_to_one_core`)."""
    global _grader, _publish
    _grader, _publish = grader, publish
    if started is not None:
        with started.get_lock():
            index, started.value = started.value, started.value + 1
        _keep_to_one_core(index)
    grader.zygote()  # started now, while the other processes start too


def _keep_to_one_core(index: int) -> None:
    """Run this process, and all it starts, on one of the cores it may use (the index-th,
    round the list). Grading a submission is a conversation, the grader and its worker
    taking turns: on one core, each message wakes the other side where it already is,
    instead of on another core (on a virtual machine, an interrupt between two virtual
    CPUs), and the data it carries is in that core's cache. Where the system cannot pin
    processes (macOS), they run where the scheduler puts them."""
    if not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[index % len(cores)]})


def grade_and_publish(submission: Submission) -> tuple[str, dict]:
    """`grade_one` with this process's grader, then its `publish` of the result (a page
    that cannot be written is noted for the instructor; the result is kept)."""
    student, result = grade_one(submission, _grader)
    if _publish is not None:
        try:
            _publish(student, result)
        except Exception as error:  # noqa: BLE001  (a full disk must not lose the result)
            result["needs_review"].append(
                f"the feedback of this submission could not be written ({type(error).__name__}: "
                f"{error}); grade again to write it"
            )
    return student, result


def grade_one(submission: Submission, grader: Grader) -> tuple[str, dict]:
    """Grade one submission. Whatever was wrong with it as a whole goes, in plain words,
    to `error` (for the student) and `needs_review` (for the instructor)."""
    review = list(submission.review)
    if submission.notebook is None and not submission.candidates:
        return submission.student, ungradable(grader, "\n".join(review))
    try:
        if submission.notebook is None:
            path, parsed, choice = _choose(submission, grader.assignment.function_names)
            review.append(choice)
        else:
            path, parsed = submission.notebook, None
        if parsed is None:
            parsed = read_notebook(path)
        if isinstance(parsed, NotebookError):
            raise parsed
        notes = solution_cells(parsed, grader.assignment.function_names)[2]
        result = grade_parsed(grader, submission.student, parsed)
    except NotebookError as error:
        notes, result = [], ungradable(grader, str(error))
    except Exception as error:  # noqa: BLE001  (a grader bug must not stop the batch)
        failure = f"the grader failed on this submission ({type(error).__name__}: {error})"
        notes, result = [], ungradable(grader, failure)
    said = review + ([result["error"]] if result["error"] else notes)
    result["error"] = "\n".join(said) or None
    result["needs_review"] = review + result["needs_review"]
    return submission.student, result


def _shared_strings(result: dict) -> dict:
    """`result` with its check names and messages interned: most are the same for every
    student ("correct on every hidden case"), and a result from a --jobs process arrives
    with copies of its own. A class of 10,000 then holds each such string once."""
    for function in result["functions"].values():
        for check in function["checks"]:
            check["name"] = sys.intern(check["name"])
            check["message"] = sys.intern(check["message"])
    return result


def grade_class(
    grader: Grader,
    submissions: list[Submission],
    jobs: int = 1,
    progress: bool = True,
    publish: Publish | None = None,
    on_result: Publish | None = None,
) -> dict[str, dict]:
    """Grade every submission; return {student: result} sorted by student id.

    publish: called with each (student, result) by the process that graded it, right
    after grading (writing that student's feedback, say: it runs in parallel).
    on_result: called with each (student, result) in this process, as results come in.
    """
    discard_spares()  # nothing forks while a worker is being forked ahead
    remove_stale_cgroups(find_layout())
    grader = copy.copy(grader)  # the caller's stays as it was
    grader.fork_ahead = True
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
            _init_worker(grader, publish)
            for submission in submissions:
                student, result = grade_and_publish(submission)
                results[student] = _shared_strings(result)
                if on_result:
                    on_result(student, result)
                bar.update()
        else:
            context = multiprocessing.get_context("fork")
            started = context.Value("i", 0)
            initargs = (grader, publish, started)
            with ProcessPoolExecutor(
                jobs, mp_context=context, initializer=_init_worker, initargs=initargs
            ) as pool:
                futures = [pool.submit(grade_and_publish, s) for s in submissions]
                for future in as_completed(futures):
                    student, result = future.result()
                    results[student] = _shared_strings(result)
                    if on_result:
                        on_result(student, result)
                    bar.update()
    discard_spares()  # the worker this process forked ahead, if it graded
    remove_pending()  # cgroups of this process's last workers
    remove_stale_cgroups(find_layout(), wait=True)  # and those the --jobs processes left
    return dict(sorted(results.items()))
