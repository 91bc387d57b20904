"""`rnn-autograde`: grade a class, build and grade a demo class, check the sandbox."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.batch import find_submissions, grade_class
from autograder.course_layout import ASSIGNMENT, CourseLayout
from autograder.grading import Grader
from autograder.gradebook import record_in_gradebook
from autograder.reference import load_reference_source
from autograder.report.class_summary import write_class_summary
from autograder.report.feedback_html import write_feedback
from autograder.results import class_results, write_results
from autograder.sandbox.isolation import Isolation
from autograder.secret import read_secret


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-autograde",
        description="Grade nbgrader submissions of the RNN course in isolated processes.",
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course directory (default: found from cwd)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade every submission of an assignment")
    grade.add_argument("assignment", help=f"assignment name, e.g. {ASSIGNMENT}")
    grade.add_argument("--submitted", type=Path, help="folder of submissions (default: submitted/)")
    grade.add_argument("--student", nargs="+", help="grade only these students")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers")
    grade.add_argument("--json", type=Path, help="results JSON (default: results/ASSIGNMENT.json)")
    grade.add_argument("--no-gradebook", action="store_true", help="do not write gradebook.db")
    grade.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run without bubblewrap even where it is available (not recommended)",
    )

    demo = commands.add_parser("demo", help="build a demo class from the release and grade it")
    demo.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    demo.add_argument("--no-progress", action="store_true")

    commands.add_parser("doctor", help="say which protections are active on this machine")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    layout = CourseLayout(args.course.resolve()) if args.course else CourseLayout.discover()
    if args.command == "grade":
        return grade(layout, args)
    if args.command == "demo":
        from autograder.demo import run_demo

        return run_demo(layout, jobs=args.jobs, progress=not args.no_progress)
    from autograder.doctor import run_doctor

    return run_doctor()


def announce_isolation(isolation: Isolation) -> None:
    """Say once per run, plainly, which protections are missing."""
    if isolation.sandboxed:
        return
    print("WARNING: bubblewrap (bwrap) is not available, so student code runs in a plain,",
          "resource-limited subprocess. Missing protections:", file=sys.stderr)
    for item in isolation.missing:
        print(f"  - {item}", file=sys.stderr)
    print("Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and run "
          "`rnn-autograde doctor`.", file=sys.stderr)


def grade(layout: CourseLayout, args: argparse.Namespace) -> int:
    source = layout.source_notebook(args.assignment)
    isolation = Isolation.detect(use_bwrap=not args.no_sandbox)
    announce_isolation(isolation)
    grader = Grader(
        load_reference_source(source), read_secret(layout, create=True), isolation=isolation
    )
    submissions = find_submissions(
        args.submitted or layout.submitted, args.assignment, source.name, args.student
    )
    if not submissions:
        print(f"no submissions found in {args.submitted or layout.submitted}", file=sys.stderr)
        return 1
    students = grade_class(grader, submissions, jobs=args.jobs, progress=not args.no_progress)
    results = class_results(args.assignment, students)
    json_path = write_results(
        args.json or layout.root / "results" / f"{args.assignment}.json", results
    )
    feedback = write_feedback(layout.root, args.assignment, results)
    summary = write_class_summary(layout.root / "results" / args.assignment, results)
    if not args.no_gradebook:
        record_in_gradebook(layout.root, results, notebook=source.stem)
    print_table(results)
    print(f"\nresults: {json_path}")
    print(f"feedback: {len(feedback)} pages under {layout.feedback}")
    print(f"class summary: {', '.join(str(p) for p in summary.values())}")
    review = {s: r["needs_review"] for s, r in results["students"].items() if r["needs_review"]}
    if review:
        print(f"\nneeds a human look ({len(review)}):")
        for student, reasons in review.items():
            print(f"  {student}: {'; '.join(reasons)}")
    return 0


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
            f"{result['functions'][f]['score']:.4g}/{result['functions'][f]['max_score']:.4g}".rjust(16)
            for f in functions
        )
        total = f"{result['score']:.4g}/{result['max_score']:.4g}"
        print(student.ljust(width) + total.rjust(9) + cells)


if __name__ == "__main__":
    sys.exit(main())
