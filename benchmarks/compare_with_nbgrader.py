"""Time `rnn-autograde grade` against `nbgrader autograde` on one scratch class.

Usage (from the repository root, with the project's venv):

    .venv/bin/python benchmarks/compare_with_nbgrader.py [--students 50] [--jobs 2]
        [--repeats 1] [--keep DIR] [--out results.json]

It builds a scratch nbgrader course (the course's config, source and release, plus
`--students` submissions made from the release: most correct, some with catalogued
mistakes), registers it with nbgrader, then times both graders on all submissions, each
as one whole subprocess: wall seconds and CPU seconds of the child process tree.
It checks that both give the honest (all-correct) students the same scores, and exits
non-zero if they do not. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.assignment import Mistake, load_assignment
from autograder.demo_class import (
    correct_code,
    fill_solution_cells,
    mistaken_code,
    read_release,
    write_submission,
)
from autograder.diagnose import PatchError, patched_source
from autograder.reference import ReferenceSource, load_reference_source

ROOT = Path(__file__).resolve().parent.parent
RNN = load_assignment(ROOT, "rnn_step_by_step")
GRADED_FUNCTIONS, MISTAKES = RNN.function_names, RNN.mistakes
ASSIGNMENT = "rnn_step_by_step"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
# A fixed secret keeps the hidden inputs the same from run to run (it is not the course's).
BENCHMARK_SECRET = "benchmark secret: not the course's\n"
SPEEDUP_TARGET = 20.0
# Marks a folder this script made, so --keep never deletes anything else.
SCRATCH_MARKER = ".rnn-benchmark-scratch"


# ---- the scratch course ----


def applicable_mistakes(reference: ReferenceSource) -> list[Mistake]:
    """Catalogued mistakes whose patch still applies to the (possibly edited) solution."""
    usable = []
    for mistake in MISTAKES:
        try:
            patched_source(reference, mistake.function, mistake.find, mistake.replace)
        except PatchError:
            continue
        usable.append(mistake)
    return usable


def pick_mistakes(reference: ReferenceSource, count: int, pairs: bool = True) -> list[list[str]]:
    """`count` deterministic picks of one or two mistakes (with `pairs`, two in different
    functions for every second student), spread over the whole catalogue."""
    usable = applicable_mistakes(reference)
    if count and not usable:
        raise RuntimeError("no catalogued mistake applies to the solution notebook")
    picks = []
    for k in range(count):
        first = usable[(k * 7) % len(usable)]
        ids = [first.id]
        if pairs and k % 2:
            start = (k * 7 + len(usable) // 2) % len(usable)
            for step in range(len(usable)):
                other = usable[(start + step) % len(usable)]
                if other.function != first.function:
                    ids.append(other.id)
                    break
        picks.append(ids)
    return picks


def drop_figure_cells(notebook: Path) -> int:
    """Remove the cells that draw the course figures (grade_id `fig_*`); returns how many."""
    content = json.loads(notebook.read_text())
    kept = [
        cell
        for cell in content["cells"]
        if not cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("fig_")
    ]
    dropped = len(content["cells"]) - len(kept)
    content["cells"] = kept
    notebook.write_text(json.dumps(content, indent=1) + "\n")
    return dropped


def build_scratch_course(
    scratch: Path,
    students: int = 50,
    mistaken: int | None = None,
    course: Path = ROOT,
    without_figures: bool = False,
    pairs: bool = True,
) -> dict[str, list[str]]:
    """Copy the course's config, source and release into `scratch` and write `students`
    submissions in nbgrader's layout; the last `mistaken` (default: a fifth) carry
    catalogued mistakes, every second one two of them with `pairs`, else one each.
    `without_figures` drops the figure cells from both notebooks. Returns {student id:
    mistake ids}, empty for an honest student."""
    mistaken = students // 5 if mistaken is None else mistaken
    if not 0 <= mistaken <= students:
        raise ValueError(f"mistaken must be between 0 and {students}, not {mistaken}")
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / SCRATCH_MARKER).write_text("made by benchmarks/compare_with_nbgrader.py\n")
    shutil.copy(course / "nbgrader_config.py", scratch / "nbgrader_config.py")
    for folder in ("source", "release"):
        shutil.copytree(course / folder / ASSIGNMENT, scratch / folder / ASSIGNMENT)
    (scratch / ".course_secret").write_text(BENCHMARK_SECRET)
    if without_figures:
        for folder in ("source", "release"):
            drop_figure_cells(scratch / folder / ASSIGNMENT / NOTEBOOK)

    reference = load_reference_source(scratch / "source" / ASSIGNMENT / NOTEBOOK, RNN)
    template = read_release(scratch / "release" / ASSIGNMENT / NOTEBOOK)
    honest = students - mistaken
    plan = {f"correct{i:02d}": [] for i in range(1, honest + 1)}
    for i, ids in enumerate(pick_mistakes(reference, mistaken, pairs), start=1):
        plan[f"mistaken{i:02d}"] = ids
    written: dict[tuple[str, ...], Path] = {}  # one notebook per plan, copied for the rest
    for student, ids in plan.items():
        if tuple(ids) in written:
            target = scratch / "submitted" / student / ASSIGNMENT / NOTEBOOK
            target.parent.mkdir(parents=True)
            shutil.copyfile(written[tuple(ids)], target)
            continue
        code = mistaken_code(reference, RNN, ids) if ids else correct_code(reference)
        notebook = fill_solution_cells(template, code)
        path = write_submission(scratch / "submitted", student, ASSIGNMENT, NOTEBOOK, notebook)
        written[tuple(ids)] = path
    return plan


# ---- running the graders ----


@dataclass
class Timing:
    """One whole run of a grader: wall seconds, CPU seconds of its process tree, exit code.

    cpu_s comes from a cpuacct cgroup where one can be made (it counts every descendant,
    also the sandboxed workers that are killed rather than waited for); rusage_cpu_s is
    user+sys from getrusage(RUSAGE_CHILDREN), which misses those. cpu_source says which
    of the two cpu_s is.
    """

    wall_s: float
    cpu_s: float
    rusage_cpu_s: float
    cpu_source: str
    returncode: int
    log: str
    peak_rss_mb: dict[str, float] = field(default_factory=dict)


CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1, as on the project machine


def new_cpu_cgroup() -> Path | None:
    """A fresh cpuacct cgroup to run one grader in, or None where none can be made."""
    if not (CPUACCT / "cgroup.procs").is_file() or not os.access(CPUACCT, os.W_OK):
        return None
    path = CPUACCT / f"rnn-benchmark-{os.getpid()}-{time.monotonic_ns()}"
    try:
        path.mkdir()
    except OSError:
        return None
    return path


def remove_cgroup(path: Path) -> None:
    """Delete the cgroup once its last process has gone (retry briefly)."""
    for _ in range(50):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
    print(f"warning: could not remove {path}: a process of the run is still alive", file=sys.stderr)


def venv_bin() -> Path:
    """The folder of the interpreter running this script, where both CLIs live."""
    return Path(sys.executable).parent


def child_environment() -> dict[str, str]:
    """The environment with the venv first on PATH (nbgrader runs `alembic` from PATH,
    and its kernel spec starts `python`)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(venv_bin()), env.get("PATH", "")])
    return env


def timed_run(argv: list[str], cwd: Path, log: Path) -> Timing:
    """Run `argv` to completion, output to `log`; measure wall time and CPU time."""
    log.parent.mkdir(parents=True, exist_ok=True)
    group = new_cpu_cgroup()

    def join_group() -> None:
        (group / "cgroup.procs").write_text(str(os.getpid()))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=child_environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=join_group if group else None,
        )
        peaks = PeakMemory(process.pid)
        code = process.wait()
        peaks.stop()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rusage_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if group is None:
        return Timing(wall, rusage_cpu, rusage_cpu, "rusage", code, str(log), peaks.megabytes)
    cgroup_cpu = int((group / "cpuacct.usage").read_text()) / 1e9
    remove_cgroup(group)
    return Timing(wall, cgroup_cpu, rusage_cpu, "cpuacct cgroup", code, str(log), peaks.megabytes)


class PeakMemory:
    """Samples, every 0.2 s, the peak resident memory (VmHWM) of a grading command and of
    its Python child processes (the `--jobs` processes); the sandboxed workers and
    nbgrader's kernels are not grading processes and are left out.

    megabytes: {"main": peak of the command itself, "largest_child": the largest peak of
    a child, "children_total": the sum of the children's peaks}.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.main = 0
        self.children: dict[int, int] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    @staticmethod
    def _peak_kb(pid: int) -> int:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def _sample(self) -> None:
        while not self.done.wait(0.2):
            self.main = max(self.main, self._peak_kb(self.pid))
            try:
                tasks = Path(f"/proc/{self.pid}/task").iterdir()
                children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
            except OSError:
                continue
            for child in children:
                try:
                    name = Path(f"/proc/{child}/comm").read_text().strip()
                except OSError:
                    continue
                if name.startswith(("python", "rnn-autograde")):
                    peak = self._peak_kb(child)
                    self.children[child] = max(self.children.get(child, 0), peak)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()

    @property
    def megabytes(self) -> dict[str, float]:
        children = list(self.children.values()) or [0]
        return {
            "main": round(self.main / 1024, 1),
            "largest_child": round(max(children) / 1024, 1),
            "children_total": round(sum(children) / 1024, 1),
        }


def register_with_nbgrader(scratch: Path) -> None:
    """`nbgrader generate_assignment`: puts the assignment and its test cells in the
    scratch gradebook (students are created by `autograde` itself in nbgrader 0.9)."""
    timing = timed_run(
        [str(venv_bin() / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"],
        scratch,
        scratch / "logs" / "generate_assignment.log",
    )
    if timing.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed: see {timing.log}")


def ours_command(scratch: Path, jobs: int, results: Path) -> list[str]:
    return [
        str(venv_bin() / "rnn-autograde"),
        "--course",
        str(scratch),
        "grade",
        ASSIGNMENT,
        "--jobs",
        str(jobs),
        "--json",
        str(results),
        "--no-progress",
    ]


def nbgrader_command() -> list[str]:
    return [str(venv_bin() / "nbgrader"), "autograde", ASSIGNMENT, "--force"]


# ---- scores ----

Scores = dict[str, dict[str, float]]  # student -> {"total": x, function: x, ...}


def our_scores(results: Path) -> Scores:
    students = json.loads(results.read_text())["students"]
    return {
        student: {
            "total": float(result["score"]),
            **{name: float(f["score"]) for name, f in result["functions"].items()},
        }
        for student, result in students.items()
    }


def nbgrader_scores(scratch: Path, students: list[str]) -> Scores:
    """Scores from the scratch gradebook, as `nbgrader autograde` left them."""
    from nbgrader.api import Gradebook, MissingEntry

    scores: Scores = {}
    with Gradebook(f"sqlite:///{scratch / 'gradebook.db'}") as gb:
        for student in students:
            try:
                total = gb.find_submission(ASSIGNMENT, student).score
            except MissingEntry:
                continue
            row = {"total": float(total)}
            for name in GRADED_FUNCTIONS:
                grade = gb.find_grade(f"test_{name}", Path(NOTEBOOK).stem, ASSIGNMENT, student)
                row[name] = float(grade.score)
            scores[student] = row
    return scores


def disagreements(plan: dict[str, list[str]], ours: Scores, theirs: Scores) -> list[str]:
    """One line per honest student whose scores differ (or are missing) between graders."""
    lines = []
    for student in (s for s, ids in plan.items() if not ids):
        a, b = ours.get(student), theirs.get(student)
        if a is None or b is None:
            lines.append(f"{student}: no score from {'rnn-autograde' if a is None else 'nbgrader'}")
            continue
        for key in ("total", *GRADED_FUNCTIONS):
            if abs(a[key] - b[key]) > 1e-6:
                lines.append(f"{student:12} {key:20} ours {a[key]:g}  nbgrader {b[key]:g}")
    return lines


def autograded_errors(scratch: Path, student: str) -> list[str]:
    """The errors in nbgrader's autograded notebook of `student`, one line per cell."""
    path = scratch / "autograded" / student / ASSIGNMENT / NOTEBOOK
    if not path.is_file():
        return [f"no autograded notebook at {path}"]
    lines = []
    for cell in json.loads(path.read_text())["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                cell_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "?")
                lines.append(f"{cell_id}: {output['ename']}: {output['evalue'][:200]}")
                break
    return lines


def print_mistaken(plan: dict[str, list[str]], ours: Scores, theirs: Scores) -> None:
    """How each grader scored the students with mistakes (informational)."""
    print("\nstudents with mistakes (ours: partial credit per check; nbgrader: per test cell)")
    for student, ids in plan.items():
        if not ids:
            continue
        a, b = ours.get(student, {}), theirs.get(student, {})
        print(
            f"  {student}: ours {a.get('total', float('nan')):g}, "
            f"nbgrader {b.get('total', float('nan')):g}   [{', '.join(ids)}]"
        )
        for name in GRADED_FUNCTIONS:
            if a.get(name) != b.get(name):
                print(
                    f"      {name:20} ours {a.get(name, float('nan')):g}"
                    f"  nbgrader {b.get(name, float('nan')):g}"
                )


# ---- the report ----


def package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def course_version(course: Path = ROOT) -> dict:
    """What was measured: the commit, whether the work tree had changes, the notebook's hash."""
    git = ["git", "-C", str(course)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    notebook = course / "source" / ASSIGNMENT / NOTEBOOK
    return {
        "commit": commit.stdout.strip() or "unknown",
        "uncommitted_changes": bool(status.stdout.strip()),
        "source_notebook_sha256": hashlib.sha256(notebook.read_bytes()).hexdigest()[:16],
    }


def machine_info() -> dict:
    bwrap = shutil.which("bwrap")
    bwrap_version = (
        subprocess.run([bwrap, "--version"], capture_output=True, text=True).stdout.strip()
        if bwrap
        else "not installed"
    )
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": package_version("numpy"),
        "nbgrader": package_version("nbgrader"),
        "bubblewrap": bwrap_version,
    }


def summarize(timings: list[Timing], submissions: int) -> dict:
    wall = statistics.median(t.wall_s for t in timings)
    cpu = statistics.median(t.cpu_s for t in timings)
    return {
        "runs": [asdict(t) for t in timings],
        "median_wall_s": wall,
        "median_cpu_s": cpu,
        "submissions_per_s": submissions / wall,
        "cpu_s_per_submission": cpu / submissions,
    }


def print_figures(figures: dict) -> None:
    print(
        "\n"
        + "grader".ljust(34)
        + "wall s".rjust(9)
        + "subm/s".rjust(9)
        + "CPU s".rjust(9)
        + "CPU s/subm".rjust(12)
    )
    for key, label in (("ours", "rnn-autograde grade"), ("nbgrader", "nbgrader autograde")):
        f = figures[key]
        label += f" ({len(f['runs'])} run{'s' if len(f['runs']) > 1 else ''})"
        print(
            label.ljust(34) + f"{f['median_wall_s']:9.2f}{f['submissions_per_s']:9.2f}"
            f"{f['median_cpu_s']:9.2f}{f['cpu_s_per_submission']:12.3f}"
        )
    ours = figures["ours"]["runs"][0]
    print(
        f"CPU from: {ours['cpu_source']} (RUSAGE_CHILDREN gave rnn-autograde "
        f"{statistics.median(r['rusage_cpu_s'] for r in figures['ours']['runs']):.2f} s: it "
        "misses the sandboxed workers, which are killed, not waited for)"
    )
    ratio = figures["ratio"]
    verdict = "met" if ratio["wall"] >= SPEEDUP_TARGET else "NOT met"
    print(
        f"\nours vs nbgrader: {ratio['wall']:.1f}x faster (wall), {ratio['cpu']:.1f}x less CPU;"
        f" target {SPEEDUP_TARGET:g}x (wall): {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=50, help="submissions (default 50)")
    parser.add_argument(
        "--mistaken",
        type=int,
        default=None,
        help="how many of them have mistakes (default: a fifth)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="rnn-autograde workers (default 2)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each grader (median)")
    parser.add_argument(
        "--without-figures",
        action="store_true",
        help="drop the figure cells (fig_*) from the notebooks: nbgrader runs them, we don't",
    )
    parser.add_argument("--keep", type=Path, help="build the scratch course here and keep it")
    parser.add_argument("--out", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rnn-bench-") as temporary:
        scratch = (args.keep or Path(temporary) / "course").resolve()
        if args.keep and scratch.exists() and any(scratch.iterdir()):
            if not (scratch / SCRATCH_MARKER).is_file():
                parser.error(f"{scratch} is not empty and was not made by this script")
            shutil.rmtree(scratch)
        return run(args, scratch)


def run(args: argparse.Namespace, scratch: Path) -> int:
    plan = build_scratch_course(
        scratch, args.students, args.mistaken, without_figures=args.without_figures
    )
    honest = [s for s, ids in plan.items() if not ids]
    print(f"scratch course: {scratch}")
    print(
        f"{len(plan)} submissions: {len(honest)} correct, {len(plan) - len(honest)} with mistakes"
    )
    version = course_version()  # before timing: the course may be edited meanwhile
    register_with_nbgrader(scratch)
    info = machine_info()
    info["load_before"] = os.getloadavg()

    ours_runs: list[Timing] = []
    nbgrader_runs: list[Timing] = []
    ours_by_run: list[Scores] = []
    nbgrader_by_run: list[Scores] = []
    results = scratch / "results" / "benchmark.json"
    for k in range(1, args.repeats + 1):
        results.unlink(missing_ok=True)
        # Ours first: it also writes the gradebook, which nbgrader's run then overwrites.
        ours_runs.append(
            timed_run(
                ours_command(scratch, args.jobs, results),
                scratch,
                scratch / "logs" / f"rnn-autograde-{k}.log",
            )
        )
        ours_by_run.append(our_scores(results) if results.is_file() else {})
        nbgrader_runs.append(
            timed_run(nbgrader_command(), scratch, scratch / "logs" / f"nbgrader-{k}.log")
        )
        nbgrader_by_run.append(nbgrader_scores(scratch, list(plan)))
        print(
            f"run {k}: rnn-autograde {ours_runs[-1].wall_s:.2f} s, "
            f"nbgrader {nbgrader_runs[-1].wall_s:.2f} s",
            flush=True,
        )
    info["load_after"] = os.getloadavg()

    failed = [t for t in ours_runs + nbgrader_runs if t.returncode != 0]
    for timing in failed:
        print(f"FAILED (exit {timing.returncode}): see {timing.log}", file=sys.stderr)

    ours, theirs = ours_by_run[-1], nbgrader_by_run[-1]
    unstable = {
        name: [k for k, scores in enumerate(by_run, start=1) if scores != by_run[-1]]
        for name, by_run in (("rnn-autograde", ours_by_run), ("nbgrader", nbgrader_by_run))
    }
    figures = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": info,
        "course": version,
        "without_figures": args.without_figures,
        "students": len(plan),
        "honest": len(honest),
        "plan": plan,
        "ours": summarize(ours_runs, len(plan)),
        "nbgrader": summarize(nbgrader_runs, len(plan)),
        "scores": {"ours": ours, "nbgrader": theirs},
        "runs_with_other_scores": unstable,
    }
    figures["ratio"] = {
        "wall": figures["nbgrader"]["median_wall_s"] / figures["ours"]["median_wall_s"],
        "cpu": figures["nbgrader"]["median_cpu_s"] / figures["ours"]["median_cpu_s"],
    }
    disagree = disagreements(plan, ours, theirs)
    figures["honest_disagreements"] = disagree

    print(
        f"\nmachine: {info['nproc']} CPUs, {info['platform']}, python {info['python']}, "
        f"numpy {info['numpy']}, nbgrader {info['nbgrader']}, {info['bubblewrap']}"
    )
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*info["load_before"]))
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*info["load_after"]))
    print_figures(figures)
    print_mistaken(plan, ours, theirs)
    for name, runs in unstable.items():
        if runs:
            print(f"\n{name}'s scores in runs {runs} differ from its last run's")
    if disagree:
        print(f"\nhonest students scored differently ({len(disagree)}):")
        print("\n".join(f"  {line}" for line in disagree))
        first = disagree[0].split()[0].rstrip(":")
        print(f"errors in nbgrader's autograded notebook of {first}:")
        print("\n".join(f"  {line}" for line in autograded_errors(scratch, first)) or "  none")
    else:
        print(f"\nall {len(honest)} honest students: same scores from both graders")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=1) + "\n")
        print(f"figures: {args.out}")
    return 1 if disagree or failed else 0


if __name__ == "__main__":
    sys.exit(main())
