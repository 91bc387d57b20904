"""`rnn-autograde`: grade a class, build and grade a demo class, check the sandbox, and
write the supporting files that carry earlier assignments' solutions."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from pathlib import Path

from autograder.assignment import assignment_names, load_assignment
from autograder.batch import find_submissions, grade_class
from autograder.borrowed import write_borrowed_modules
from autograder.course_layout import CourseLayout
from autograder.demo_class import build_demo_class
from autograder.doctor import run_doctor
from autograder.gradebook import GradebookRecorder
from autograder.grading import Grader
from autograder.nbgrader_library import nbgrader_as_a_library, skip_unused_iri_parser
from autograder.reference import load_reference_source
from autograder.report.class_summary import write_class_summary
from autograder.report.feedback_html import write_feedback_page
from autograder.report.nbgrader_layout import (
    copy_submission_files,
    submission_timestamp,
    write_autograded_notebook,
)
from autograder.results import class_results, earlier_results, write_results
from autograder.sandbox.isolation import Isolation
from autograder.secret import read_secret


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-autograde",
        description="Grade nbgrader submissions of the RNN course in isolated processes.",
    )
    course = argparse.ArgumentParser(add_help=False)
    course.add_argument(
        "--course",
        type=Path,
        default=argparse.SUPPRESS,
        help="course directory (default: found from the current folder)",
    )
    parser.add_argument("--course", type=Path, default=None, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser(
        "grade", parents=[course], help="grade every submission of an assignment"
    )
    grade.add_argument("assignment", help="assignment name (a folder of source/)")
    grade.add_argument("--submitted", type=Path, help="folder of submissions (default: submitted/)")
    grade.add_argument("--student", nargs="+", help="grade only these students")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers")
    grade.add_argument("--json", type=Path, help="results JSON (default: results/ASSIGNMENT.json)")
    grade.add_argument("--no-gradebook", action="store_true", help="do not write gradebook.db")
    grade.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    grade.add_argument(
        "--cold-workers",
        action="store_true",
        help="start a fresh sandboxed Python for every submission instead of forking it "
        "from a warm one (slower; the same results)",
    )
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run without bubblewrap even where it is available (not recommended)",
    )

    demo = commands.add_parser(
        "demo", parents=[course], help="build a demo class from the release and grade it"
    )
    demo.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    demo.add_argument("--no-progress", action="store_true")

    borrow = commands.add_parser(
        "borrow",
        parents=[course],
        help="rewrite the supporting files that hold earlier assignments' solutions",
    )
    borrow.add_argument("assignment", nargs="*", help="assignment names (default: all)")

    commands.add_parser("doctor", help="say which protections are active on this machine")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    skip_unused_iri_parser()
    if args.command == "doctor":
        return run_doctor()
    nbgrader_as_a_library()  # where grading needs nbgrader's gradebook API
    layout = CourseLayout(args.course.resolve()) if args.course else CourseLayout.discover()
    if args.command == "demo":
        return run_demo(layout, jobs=args.jobs, progress=not args.no_progress)
    if args.command == "borrow":
        for name in args.assignment or assignment_names(layout.root):
            for path in write_borrowed_modules(layout.root, name):
                print(f"wrote {path.relative_to(layout.root)}")
        return 0
    return grade(
        layout,
        args.assignment,
        submitted=args.submitted,
        students=args.student,
        jobs=args.jobs,
        json_path=args.json,
        gradebook=not args.no_gradebook,
        progress=not args.no_progress,
        use_bwrap=not args.no_sandbox,
        warm_workers=not args.cold_workers,
    )


def announce_isolation(isolation: Isolation) -> None:
    """Say once per run, plainly, which protections are missing."""
    if isolation.sandboxed:
        return
    print(
        "WARNING: bubblewrap (bwrap) is not available, so student code runs in a plain,",
        "resource-limited subprocess. Missing protections:",
        file=sys.stderr,
    )
    for item in isolation.missing:
        print(f"  - {item}", file=sys.stderr)
    print(
        "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and run "
        "`rnn-autograde doctor`.",
        file=sys.stderr,
    )


def grade(
    layout: CourseLayout,
    assignment: str,
    submitted: Path | None = None,
    students: list[str] | None = None,
    jobs: int = 1,
    json_path: Path | None = None,
    gradebook: bool = True,
    progress: bool = True,
    use_bwrap: bool = True,
    warm_workers: bool = True,
) -> int:
    """Grade the class (or some of it) and write results, feedback, the class summary
    and the gradebook. Earlier results of students not graded now are kept."""
    try:
        source = layout.source_notebook(assignment)
    except FileNotFoundError as error:
        known = ", ".join(assignment_names(layout.root)) or "none"
        print(f"{error} (the assignments of this course: {known})", file=sys.stderr)
        return 1
    isolation = Isolation.detect(use_bwrap=use_bwrap)
    announce_isolation(isolation)
    plugin = load_assignment(layout.root, assignment)
    reference = load_reference_source(source, plugin)
    secret = read_secret(layout, create=True)
    grader = Grader(plugin, reference, secret, isolation=isolation, warm_workers=warm_workers)
    submitted = submitted or layout.submitted
    submissions = find_submissions(submitted, assignment, source.name, students)
    if not submissions:
        print(f"no submissions found in {submitted}", file=sys.stderr)
        return 1
    course_json = layout.root / "results" / f"{assignment}.json"
    json_path = (json_path or course_json).resolve()
    try:
        earlier = earlier_results(json_path, assignment)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    # Reports go beside the results file: results/<assignment>/ for the course's own;
    # <path without .json>/, with the feedback inside it, for results written elsewhere.
    reports = json_path.with_suffix("")
    feedback_root = layout.root if json_path == course_json.resolve() else reports
    notebooks = {s.student: s.notebook for s in submissions if s.notebook is not None}

    def publish(student: str, result: dict) -> None:
        """One student's pages, written by the process that graded them."""
        page = write_feedback_page(
            feedback_root, assignment, student, result, f"{source.stem}.html"
        )
        # What `nbgrader release_feedback` needs beside the page.
        copy_submission_files(submitted / student / assignment, page.parent)
        if gradebook and student in notebooks:  # what the formgrader shows
            write_autograded_notebook(
                layout.root, submitted, assignment, student, notebooks[student], result
            )

    recorder = None
    with contextlib.ExitStack() as stack:
        on_result = None
        if gradebook:
            # As `nbgrader autograde` leaves it, so that the formgrader shows our grades;
            # each student is recorded as their result comes in.
            points = {name: grader.reference.points[name] for name in plugin.function_names}
            recorder = stack.enter_context(
                GradebookRecorder(layout.root, assignment, points, notebook=source.stem)
            )

            def on_result(student: str, result: dict) -> None:
                stamp = submission_timestamp(submitted, assignment, student)
                recorder.record(student, {**result, "timestamp": stamp})

        graded = class_results(
            assignment,
            grade_class(
                grader,
                submissions,
                jobs=jobs,
                progress=progress,
                publish=publish,
                on_result=on_result,
            ),
        )
    # Merged: the students graded now replace their earlier results, no one else's.
    results = class_results(assignment, {**earlier, **graded["students"]})
    write_results(json_path, results)
    summary = write_class_summary(reports, results)
    print_table(graded)
    kept = len(results["students"]) - len(graded["students"])
    print(f"\nresults: {json_path}" + (f" ({kept} earlier results kept)" if kept else ""))
    print(f"feedback: {len(graded['students'])} pages under {feedback_root / 'feedback'}")
    print(f"class summary: {', '.join(str(p) for p in summary.values())}")
    review = {s: r["needs_review"] for s, r in graded["students"].items() if r["needs_review"]}
    if review:
        print(f"\nneeds a human look ({len(review)}):")
        for student, reasons in review.items():
            print(f"  {student}: {'; '.join(reasons)}")
    if recorder is not None:
        recorder.check()  # after the results and reports: nothing else is held back
    return 0


def run_demo(layout: CourseLayout, jobs: int, progress: bool) -> int:
    """Build a demo class of every assignment in `demo/` (its own course directory) and
    grade it."""
    demo = CourseLayout(layout.root / "demo")
    shutil.rmtree(demo.root, ignore_errors=True)
    demo.root.mkdir(parents=True)
    shutil.copy(layout.root / "nbgrader_config.py", demo.root / "nbgrader_config.py")
    status = 0
    for name in assignment_names(layout.root):
        release = layout.release_notebook(name)
        if not release.is_file():
            print(
                f"{release} is missing: run `nbgrader generate_assignment {name}` first",
                file=sys.stderr,
            )
            return 1
        shutil.copytree(layout.source_notebook(name).parent, demo.root / "source" / name)
        plugin = load_assignment(demo.root, name)
        reference = load_reference_source(demo.source_notebook(name), plugin)
        students = build_demo_class(reference, plugin, release, demo.submitted)
        print(f"\n{name}: demo class of {len(students)} students in {demo.submitted}")
        graded = grade(demo, name, students=students, jobs=jobs, progress=progress)
        status = max(status, graded)
    return status


def print_table(results: dict) -> None:
    """One row per student: total and per-function scores."""
    students = results["students"]
    if not students:
        return
    functions = list(next(iter(students.values()))["functions"])
    short = [name.replace("_forward", "_fwd").replace("_backward", "_bwd") for name in functions]
    width = max(len(s) for s in students) + 2
    print("\n" + "student".ljust(width) + "total".rjust(9) + "".join(s.rjust(16) for s in short))
    for student, result in students.items():
        cells = "".join(
            f"{result['functions'][f]['score']:.4g}/{result['functions'][f]['max_score']:.4g}".rjust(
                16
            )
            for f in functions
        )
        total = f"{result['score']:.4g}/{result['max_score']:.4g}"
        print(student.ljust(width) + total.rjust(9) + cells)


def console_main() -> None:
    """The `rnn-autograde` command: `main`, then exit at once. Every file is written and
    closed by then; tearing down the interpreter's modules (nbgrader's and SQLAlchemy's
    among them) would add about 0.15 s to every run, a tenth of a small class's."""
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    console_main()
