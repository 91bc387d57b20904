"""How often the grader's sampler check (autograder/stochastic.py) fails correct samplers
and catches wrong ones, measured over many students.

Usage (from the repository root, with the project's venv):

    .venv/bin/python benchmarks/sampling_check.py [--students 200] [--out FILE]

For each student id the grader draws new hidden cases and new random sources; each
sampler is graded on them in this process (the same checks as through the sandbox). It
reports, per sampler, the share of students it lost points for: the reference and its
correct variants (the false-alarm rate, bounded by 1e-6 by construction, so expected 0
here), and each catalogued sampling mistake (the power of the check). A wrong sampler's
grading includes its diagnosis (every catalogued sampler drawn on the same cases), so
the mistakes cost about 5 s per student and a run with 100 students about 30 minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.assignment import load_assignment  # noqa: E402
from autograder.diagnose import patched_source  # noqa: E402
from autograder.grading import Grader, grade_function  # noqa: E402
from autograder.reference import course_reference  # noqa: E402
from autograder.sandbox.in_process import InProcessSession  # noqa: E402

ASSIGNMENT = "char_language_model"
FUNCTION = "sample"


def samplers(grader: Grader) -> dict[str, tuple[str, object]]:
    """name -> (kind, the sampler function): the reference, variants, mistakes."""
    reference = grader.reference
    found = {"reference": ("correct", grader.functions[FUNCTION])}
    patches = [("correct", v) for v in grader.assignment.variants] + [
        ("mistake", m) for m in grader.assignment.mistakes
    ]
    for kind, patch in patches:
        if patch.function == FUNCTION:
            code = patched_source(reference, FUNCTION, patch.find, patch.replace)
            found[patch.id] = (kind, reference.functions({FUNCTION: code})[FUNCTION])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    plugin = load_assignment(ROOT, ASSIGNMENT)
    grader = Grader(plugin, course_reference(ROOT, ASSIGNMENT), b"sampling benchmark")
    spec = grader.specs[FUNCTION]
    rows = {}
    for name, (kind, function) in samplers(grader).items():
        started, failed = time.perf_counter(), 0
        for k in range(args.students):
            session = InProcessSession({FUNCTION: function})
            result = grade_function(grader, session, f"student-{k}", spec, code=name)
            failed += result["score"] < result["max_score"]
        rows[name] = {
            "kind": kind,
            "lost_points": failed / args.students,
            "seconds_per_student": (time.perf_counter() - started) / args.students,
        }
        print(f"{kind:8} {name:45} lost points for {failed}/{args.students} students")
    if args.out:
        args.out.write_text(json.dumps({"students": args.students, "samplers": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
