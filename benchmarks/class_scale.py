"""Grade a class at scale: `rnn-autograde grade` against `nbgrader autograde`, in one run.

Usage (from the repository root, with the project's venv):

    .venv/bin/python benchmarks/class_scale.py [--students 200] [--nbgrader-students 20]
        [--large 10000] [--out benchmarks/results/class_scale.json]

Three scratch courses of assignment 1, each built like compare_with_nbgrader.py's (9 in
10 submissions correct, 1 in 10 with one catalogued mistake), the same secret for all:

1. `--nbgrader-students` submissions, graded end to end (gradebook, feedback, summary) by
   `nbgrader autograde` and by `rnn-autograde grade --jobs 2`: the end-to-end ratio.
2. `--students` submissions, graded by `rnn-autograde grade` with warm workers at --jobs 1,
   2 and every core, and with `--cold-workers` at --jobs 2 (a fresh sandboxed Python per
   submission, the path before the warm zygote). Milliseconds per submission, against
   nbgrader's per submission from (1); the warm and cold results must be identical, byte
   for byte (results JSON and every feedback page).
3. `--large` submissions at every core (0 skips it): total time and the peak memory of the
   grading processes, against (2)'s peak.

It prints a table and exits 1 if a run failed or the warm and cold results differ. The
targets are printed, not asserted: this is a shared machine (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load_sibling(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


base = _load_sibling("compare_with_nbgrader")

TARGET_PER_SUBMISSION = 100.0  # x nbgrader, per submission, class of `--students`
TARGET_END_TO_END = 50.0  # x nbgrader, whole command, `--nbgrader-students`
TARGET_LARGE_SECONDS = 600.0
TARGET_PEAK_MB = 500.0


def build(root: Path, name: str, students: int) -> tuple[Path, dict[str, list[str]]]:
    scratch = root / name
    plan = base.build_scratch_course(scratch, students, students // 10, pairs=False)
    return scratch, plan


def grade(scratch: Path, label: str, jobs: int, cold: bool = False) -> tuple[dict, Path]:
    """One whole `rnn-autograde grade` run; its results JSON goes to runs/<label>.json and
    its feedback beside it, in runs/<label>/."""
    results = scratch / "runs" / f"{label}.json"
    argv = base.ours_command(scratch, jobs, results) + (["--cold-workers"] if cold else [])
    timing = base.timed_run(argv, scratch, scratch / "logs" / f"{label}.log")
    return vars(timing), results


def tree_digest(results: Path) -> str:
    """SHA-256 over the results JSON and every feedback page of one run."""
    digest = hashlib.sha256(results.read_bytes())
    pages = sorted(results.with_suffix("").rglob("*.html"))
    for page in pages:
        digest.update(str(page.relative_to(results.with_suffix(""))).encode())
        digest.update(page.read_bytes())
    return digest.hexdigest()


def per_submission_ms(timing: dict, submissions: int) -> float:
    return 1000 * timing["wall_s"] / submissions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--nbgrader-students", type=int, default=20)
    parser.add_argument("--large", type=int, default=10_000, help="0: skip the large class")
    parser.add_argument("--out", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="build the scratch courses here and keep them")
    args = parser.parse_args(argv)
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="rnn-scale-") as temporary:
        root = (args.keep or Path(temporary)).resolve()
        root.mkdir(parents=True, exist_ok=True)
        return run(args, root, cores)


def run(args: argparse.Namespace, root: Path, cores: int) -> int:
    figures: dict = {"machine": base.machine_info(), "course": base.course_version()}
    figures["machine"]["load_before"] = os.getloadavg()
    failed: list[str] = []

    # 1. nbgrader and ours, end to end, on the small class.
    small, small_plan = build(root, "small", args.nbgrader_students)
    base.register_with_nbgrader(small)
    ours_small, _ = grade(small, "jobs2", 2)
    nbgrader = vars(base.timed_run(base.nbgrader_command(), small, small / "logs" / "nb.log"))
    n_small = len(small_plan)
    figures["end_to_end"] = {"submissions": n_small, "ours": ours_small, "nbgrader": nbgrader}
    nbgrader_ms = per_submission_ms(nbgrader, n_small)
    print(f"nbgrader autograde: {n_small} submissions in {nbgrader['wall_s']:.1f} s", flush=True)

    # 2. the class: warm at 1, 2 and every core; cold at 2.
    scratch, plan = build(root, "class", args.students)
    n = len(plan)
    runs = {}
    for jobs in sorted({1, 2, cores}):
        runs[f"warm, --jobs {jobs}"] = grade(scratch, f"warm-jobs{jobs}", jobs)
    runs["cold, --jobs 2"] = grade(scratch, "cold-jobs2", 2, cold=True)
    for label, (timing, _) in runs.items():
        print(f"{label}: {n} submissions in {timing['wall_s']:.2f} s", flush=True)
    digests = {label: tree_digest(results) for label, (_, results) in runs.items()}
    identical = len(set(digests.values())) == 1
    figures["class"] = {
        "submissions": n,
        "runs": {label: timing for label, (timing, _) in runs.items()},
        "digests": digests,
        "identical": identical,
    }

    # 3. the large class, at every core.
    if args.large:
        large, large_plan = build(root, "large", args.large)
        timing, _ = grade(large, f"warm-jobs{cores}", cores)
        figures["large"] = {"submissions": len(large_plan), "run": timing}
        shutil.rmtree(large / "submitted", ignore_errors=True)
    figures["machine"]["load_after"] = os.getloadavg()

    for timing in [ours_small, nbgrader, *(t for t, _ in runs.values())]:
        if timing["returncode"] != 0:
            failed.append(timing["log"])
    if args.large and figures["large"]["run"]["returncode"] != 0:
        failed.append(figures["large"]["run"]["log"])

    print_report(figures, nbgrader_ms, cores)
    if not identical:
        print("\nwarm and cold results DIFFER:", json.dumps(digests, indent=1))
    for log in failed:
        print(f"FAILED: see {log}", file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=1) + "\n")
        print(f"figures: {args.out}")
    return 1 if failed or not identical else 0


def print_report(figures: dict, nbgrader_ms: float, cores: int) -> None:
    machine = figures["machine"]
    print(
        f"\nmachine: {machine['nproc']} CPUs ({cores} usable), {machine['platform']}, python "
        f"{machine['python']}, numpy {machine['numpy']}, nbgrader {machine['nbgrader']}, "
        f"{machine['bubblewrap']}; load {machine['load_before'][0]:.2f} before, "
        f"{machine['load_after'][0]:.2f} after"
    )
    small = figures["end_to_end"]
    ours_wall, theirs_wall = small["ours"]["wall_s"], small["nbgrader"]["wall_s"]
    ratio = theirs_wall / ours_wall
    print(
        f"\nend to end, {small['submissions']} submissions: nbgrader {theirs_wall:.1f} s, "
        f"rnn-autograde --jobs 2 {ours_wall:.2f} s: {ratio:.0f}x "
        f"(target {TARGET_END_TO_END:g}x: {'met' if ratio >= TARGET_END_TO_END else 'NOT met'})"
    )
    n = figures["class"]["submissions"]
    print(f"\nclass of {n} (nbgrader: {nbgrader_ms:.0f} ms per submission)")
    print(
        "run".ljust(20)
        + "wall s".rjust(9)
        + "ms/subm".rjust(9)
        + "subm/s".rjust(9)
        + "CPU ms/subm".rjust(13)
        + "x nbgrader".rjust(12)
        + "peak MB".rjust(9)
    )
    for label, timing in figures["class"]["runs"].items():
        ms = per_submission_ms(timing, n)
        peak = max(
            timing["peak_rss_mb"].get("main", 0), timing["peak_rss_mb"].get("largest_child", 0)
        )
        print(
            label.ljust(20) + f"{timing['wall_s']:9.2f}{ms:9.1f}{n / timing['wall_s']:9.1f}"
            f"{1000 * timing['cpu_s'] / n:13.1f}{nbgrader_ms / ms:12.0f}{peak:9.0f}"
        )
    best = figures["class"]["runs"]["warm, --jobs 2"]
    ratio = nbgrader_ms / per_submission_ms(best, n)
    verdict = "met" if ratio >= TARGET_PER_SUBMISSION else "NOT met"
    print(
        f"per submission at --jobs 2: {ratio:.0f}x nbgrader "
        f"(target {TARGET_PER_SUBMISSION:g}x: {verdict})"
    )
    print("warm and cold results identical byte for byte: " + str(figures["class"]["identical"]))
    if "large" in figures:
        large = figures["large"]
        timing = large["run"]
        peaks = timing["peak_rss_mb"]
        wall_ok = timing["wall_s"] < TARGET_LARGE_SECONDS
        peak = max(peaks.get("main", 0), peaks.get("largest_child", 0))
        print(
            f"\n{large['submissions']} submissions at --jobs {cores}: {timing['wall_s']:.0f} s "
            f"({large['submissions'] / timing['wall_s']:.1f} per s; target under "
            f"{TARGET_LARGE_SECONDS:g} s: {'met' if wall_ok else 'NOT met'}); peak memory of "
            f"the grading process {peaks.get('main', 0):.0f} MB, of each --jobs process at most "
            f"{peaks.get('largest_child', 0):.0f} MB (target under {TARGET_PEAK_MB:g} MB: "
            f"{'met' if peak < TARGET_PEAK_MB else 'NOT met'})"
        )


if __name__ == "__main__":
    sys.exit(main())
