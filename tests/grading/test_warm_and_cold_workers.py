"""A worker forked from the warm zygote grades exactly as one started on its own, and
a batch forks each next one ahead, while the current submission is graded.

The same class (correct, every catalogued mistake of assignment 1 once, an unfinished
release, a cell that crashes at load, one that hangs, one that exits) graded with
warm and with cold workers gives the same results JSON, byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from autograder import batch
from autograder.batch import find_submissions, grade_class
from autograder.demo_class import correct_code, fill_solution_cells, write_submission
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.worker_cgroup import PREFIX, find_layout
from autograder.sandbox.zygote_process import Zygote
from tests.assignments import ASSIGNMENT, MISTAKES, NOTEBOOK, mistaken_code

pytestmark = pytest.mark.skipif(
    not Isolation.detect().can_fork_workers,
    reason="no zygote on this machine: every worker starts on its own",
)
LIMITS = Limits(seconds_per_function=2.0, load_seconds=2.0)


def test_warm_and_cold_workers_give_identical_results(
    grader, reference, release_template, tmp_path
):
    correct = correct_code(reference)
    classes = {"correct": correct, "unfinished": {}}
    for mistake in MISTAKES:
        classes[f"mistake_{mistake.id.replace('/', '_')}"] = mistaken_code(reference, [mistake.id])
    first = correct["rnn_cell_forward"]
    classes["crashes_at_load"] = {**correct, "rnn_cell_forward": "1 / 0\n" + first}
    classes["hangs_at_load"] = {**correct, "rnn_forward": "while True:\n    pass\n"}
    classes["exits"] = {**correct, "rnn_backward": "import os\nos._exit(3)\n"}
    for student, code in classes.items():
        notebook = fill_solution_cells(release_template, code)
        write_submission(tmp_path, student, ASSIGNMENT, NOTEBOOK, notebook)
    submissions = find_submissions(tmp_path, ASSIGNMENT, NOTEBOOK)

    graded = {}
    for warm in (True, False):
        one_kind = dataclasses.replace(grader, limits=LIMITS, warm_workers=warm)
        graded[warm] = json.dumps(grade_class(one_kind, submissions, jobs=2, progress=False))
    assert graded[True] == graded[False]


def test_a_batch_forks_each_next_worker_ahead_and_leaves_none_behind(
    grader, reference, release_template, tmp_path, monkeypatch
):
    for k in range(4):
        notebook = fill_solution_cells(release_template, correct_code(reference))
        write_submission(tmp_path, f"student{k}", ASSIGNMENT, NOTEBOOK, notebook)
    submissions = find_submissions(tmp_path, ASSIGNMENT, NOTEBOOK)
    ready = []  # per worker asked for: was one forked ahead waiting?
    honest_worker = Zygote.worker

    def worker(zygote, limits, ahead=False):
        if zygote.ahead is not None:
            zygote.ahead.join()
        ready.append(zygote.spare is not None)
        return honest_worker(zygote, limits, ahead)

    monkeypatch.setattr(Zygote, "worker", worker)
    results = grade_class(grader, submissions, jobs=1, progress=False)

    assert [r["score"] for r in results.values()] == [100.0] * 4
    assert ready == [False, True, True, True]  # one worker per submission
    zygote = grader.zygote()
    assert zygote.spare is None and zygote.ahead is None
    layout = find_layout()
    left = [p for base in layout.bases.values() for p in base.glob(f"{PREFIX}{os.getpid()}-*")]
    assert left == []


def test_each_job_keeps_to_a_core_of_its_own_with_its_workers(
    grader, reference, release_template, tmp_path
):
    for k in range(6):
        notebook = fill_solution_cells(release_template, correct_code(reference))
        write_submission(tmp_path / "submitted", f"student{k}", ASSIGNMENT, NOTEBOOK, notebook)
    submissions = find_submissions(tmp_path / "submitted", ASSIGNMENT, NOTEBOOK)
    seen = tmp_path / "seen"
    seen.mkdir()

    def publish(student: str, result: dict) -> None:  # runs in the job that graded it
        zygote = grader.zygote().process.pid  # this job's zygote, the workers' parent
        where = {"job": os.getpid(), "cores": sorted(os.sched_getaffinity(0))}
        where["zygote_cores"] = sorted(os.sched_getaffinity(zygote))
        (seen / f"{student}.json").write_text(json.dumps(where))

    results = grade_class(grader, submissions, jobs=2, progress=False, publish=publish)

    assert [r["score"] for r in results.values()] == [100.0] * 6
    where = [json.loads(path.read_text()) for path in seen.iterdir()]
    cores = {w["job"]: w["cores"] for w in where}
    assert all(len(c) == 1 for c in cores.values()), cores
    assert all(w["zygote_cores"] == w["cores"] for w in where)
    if len(os.sched_getaffinity(0)) >= 2 and len(cores) == 2:
        assert len({c[0] for c in cores.values()}) == 2, f"two jobs on one core: {cores}"


def test_where_processes_cannot_be_pinned_a_job_runs_unpinned(monkeypatch):
    monkeypatch.delattr(os, "sched_setaffinity")  # as on macOS
    before = os.sched_getaffinity(0)
    batch._keep_to_one_core(1)
    assert os.sched_getaffinity(0) == before
