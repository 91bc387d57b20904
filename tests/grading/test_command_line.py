"""The command line: the results JSON contract, determinism whatever --jobs, the doctor,
and the plainly announced fallback without bubblewrap."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from autograder import cli, doctor
from autograder.assignment import assignment_names, load_assignment
from autograder.batch import find_submissions, grade_class
from autograder.course_layout import CourseLayout
from autograder.demo_class import build_demo_class
from autograder.sandbox import isolation
from tests.assignments import ASSIGNMENT, GRADED_FUNCTIONS, REPO, RNN


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory, layout, reference) -> CourseLayout:
    """A scratch course with the demo class, less its hostile student (whose infinite
    loops only cost time here: tests/hostile covers hostile submissions)."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(layout.root / "nbgrader_config.py", root)
    shutil.copytree(layout.source_notebook(ASSIGNMENT).parent, root / "source" / ASSIGNMENT)
    course = CourseLayout(root)
    build_demo_class(reference, RNN, layout.release_notebook(ASSIGNMENT), course.submitted)
    shutil.rmtree(course.submitted / "eve_hostile")
    return course


def test_results_json_follows_the_contract(demo_course, monkeypatch):
    monkeypatch.setenv("RNN_COURSE_SECRET", "contract test")
    argv = ["--course", str(demo_course.root), "grade", ASSIGNMENT, "--jobs", "2"]
    assert cli.main([*argv, "--no-progress", "--no-gradebook"]) == 0
    results = json.loads((demo_course.root / "results" / f"{ASSIGNMENT}.json").read_text())
    assert set(results) == {"assignment", "students"} and results["assignment"] == ASSIGNMENT
    assert sorted(results["students"]) == sorted(p.name for p in demo_course.submitted.iterdir())
    for student in results["students"].values():
        assert isinstance(student["score"], float) and isinstance(student["max_score"], float)
        assert student["error"] is None or isinstance(student["error"], str)
        assert list(student["functions"]) == list(GRADED_FUNCTIONS)
        for function in student["functions"].values():
            assert isinstance(function["score"], float)
            assert 0 <= function["score"] <= function["max_score"]
            for check in function["checks"]:
                assert set(check) == {"name", "passed", "message"}
                assert isinstance(check["passed"], bool) and check["message"]
        total = sum(f["score"] for f in student["functions"].values())
        assert student["score"] == pytest.approx(total)
    feedback = demo_course.feedback / "ada_correct" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert "100" in feedback.read_text()


def test_an_unknown_assignment_is_named_with_the_known_ones(demo_course, capsys):
    assert cli.main(["--course", str(demo_course.root), "grade", "rnn_step_by_stpe"]) == 1
    said = capsys.readouterr().err
    assert "source/rnn_step_by_stpe/" in said
    assert f"the assignments of this course: {ASSIGNMENT})" in said


def test_same_results_whatever_the_number_of_jobs(demo_course, grader):
    submissions = find_submissions(demo_course.submitted, ASSIGNMENT, "rnn_step_by_step.ipynb")
    serial = grade_class(grader, submissions, jobs=1, progress=False)
    parallel = grade_class(grader, submissions, jobs=2, progress=False)
    assert json.dumps(serial) == json.dumps(parallel)


def test_doctor_reports_every_protection_active(capsys):
    assert doctor.run_doctor() == 0
    report = capsys.readouterr().out
    assert "MISSING" not in report
    for protection in (
        "course files hidden",
        "student code runs as uid 65534",
        "kernel settings read-only",
        "only /tmp is writable, capped at 32 MB; no /dev/shm",
        "one budget per worker",
    ):
        assert f"[ok] {protection}" in report, report


@pytest.mark.parametrize(
    ("setting", "value", "row"),
    [
        # A path the sandbox lets the worker open for writing, posing as a kernel setting.
        ("KERNEL_FILES", ("/proc/sys/vm/overcommit_ratio", "/dev/null"), "kernel"),
        # /tmp no longer in the allowed list: the probe's own /tmp must then be reported.
        ("WRITABLE_MOUNTS", ("/dev/pts",), "only /tmp is writable"),
    ],
)
def test_doctor_fails_where_the_probe_finds_a_hole(monkeypatch, capsys, setting, value, row):
    monkeypatch.setattr(doctor, setting, value)
    assert doctor.run_doctor() == 1
    report = capsys.readouterr().out
    assert f"[MISSING] {row}" in report, report


def test_doctor_fails_if_student_code_would_run_as_root():
    found = {"uid": 0.0, "euid": 0.0, "kernel": {}, "writable": {"/tmp": 2.0**20}}
    rows = dict(doctor._sandbox_rows({**found, "shm": 0.0, "sys": 0.0}, doctor.Limits()))
    assert rows["student code runs as uid 0 (unprivileged: 65534)"] is False


def test_doctor_states_the_budget_without_cgroups(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "find_layout", lambda: None)
    as_root = os.geteuid() == 0
    assert doctor.run_doctor() == (1 if as_root else 0)
    report = capsys.readouterr().out
    if as_root:
        assert "[MISSING] one budget per worker (as root it needs writable cgroups)" in report
    else:
        assert (
            "[ok] one budget per worker (no writable cgroups, so RLIMIT_NPROC in its user" in report
        )


def test_without_bubblewrap_the_doctor_fails_and_grading_says_what_is_missing(monkeypatch, capsys):
    monkeypatch.setattr(isolation, "find_bwrap", lambda: None)
    assert doctor.run_doctor() == 1
    assert "[MISSING] course files hidden" in capsys.readouterr().out
    cli.announce_isolation(isolation.Isolation.detect())
    warning = capsys.readouterr().err
    assert "bubblewrap (bwrap) is not available" in warning
    assert "can read any file" in warning and "network" in warning


def test_demo_grades_each_assignment_with_its_own_class(tmp_path, monkeypatch):
    """`rnn-autograde demo` builds the demo class of every assignment and grades each
    assignment's students only (the grading itself is tested above and in tests/hostile)."""
    for name in ("nbgrader_config.py",):
        shutil.copy(REPO / name, tmp_path / name)
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    graded = {}

    def record(layout, assignment, students=None, **options):
        graded[assignment] = students
        return 0

    monkeypatch.setattr(cli, "grade", record)
    assert cli.run_demo(CourseLayout(tmp_path), jobs=1, progress=False) == 0
    expected = {
        name: list(load_assignment(REPO, name).demo_students) for name in assignment_names(REPO)
    }
    assert graded == expected and len(expected) >= 2
    for name, students in expected.items():
        notebook = CourseLayout(tmp_path).source_notebook(name).name
        for student in students:
            assert (tmp_path / "demo" / "submitted" / student / name / notebook).is_file()
